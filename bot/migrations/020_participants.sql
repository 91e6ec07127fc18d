-- Issue 13 (participants).

-- "stop" / /notifications off: no more unsolicited messages (lesson cards, nudges, check-ins,
-- surveys; bot/delivery.py drops them) until /notifications on. The person's own row: it
-- goes with them on /forget and is in /mydata.
CREATE TABLE quiet_people (
    person_id       INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    since           TEXT NOT NULL
);

-- After /forget, the only thing kept: the language someone spoke, so that their next
-- message is answered in it. Keyed by a keyed hash (HMAC-SHA256, secret in `meta`) of the
-- platform address, never the address itself: no name, handle or platform id stays in the
-- file (bot/language_memory.py).
CREATE TABLE remembered_languages (
    address_digest  TEXT PRIMARY KEY,
    language        TEXT NOT NULL
);
