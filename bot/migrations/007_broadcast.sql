-- Coordinators' broadcasts (bot/broadcast.py): the text and audience shown in the preview,
-- then sent once. Delivery is one outbox row per recipient, keyed "broadcast:<id>:<person>".
-- The words are the programme's, not the author's: they stay when the author is deleted.

CREATE TABLE broadcasts (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    author_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    audience        TEXT NOT NULL,              -- all | mentors | mentees | unmatched | active-pairs | status:<status>
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft', -- draft -> sent | cancelled
    recipients      INTEGER,                    -- how many were queued when sent
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX broadcasts_programme ON broadcasts(programme_id, id);
