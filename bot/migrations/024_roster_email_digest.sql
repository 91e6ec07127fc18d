-- A roster row whose person joined keeps no e-mail address (bot/admin/roster_retention.py), so
-- the same roster imported again used to invite someone known only by their e-mail a second
-- time. The row now keeps a keyed digest of the address (HMAC-SHA256, key in `meta`): enough
-- to recognise the same address in a later roster, not to read it back. It goes with the row
-- when the person is forgotten (the row's foreign key).
ALTER TABLE roster_entries ADD COLUMN email_digest TEXT NOT NULL DEFAULT '';
