-- Claims take the due rows in (due_at, id) order, LIMIT n, FOR UPDATE SKIP LOCKED. SQLite's
-- index on (status, due_at) ends with the rowid, which is `id`: that order is read straight
-- from it. PostgreSQL's needs `id` said, or every claim sorts all the rows due at one instant
-- (a broadcast, 100,000 reminders) to take the first few.
CREATE INDEX outbox_due_claim ON outbox (status, due_at, id);
DROP INDEX outbox_due;
