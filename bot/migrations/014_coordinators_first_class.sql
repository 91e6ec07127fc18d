-- Ready for a real programme (issue 13): coordinators first-class, broadcasts per language,
-- moderation cases with notes, an audit log that says whom and what.

-- Where a coordinator comes from: 'config' (the programme's `coordinators` list, copied here
-- at start-up so that SQL can tell coordinators from participants) or 'grant' (/admin grant).
ALTER TABLE coordinators ADD COLUMN source TEXT NOT NULL DEFAULT 'grant';

-- The person an admin action was about, and the values it changed ("topics 3→4"): ids and
-- values only, never a name or a message.
ALTER TABLE audit_log ADD COLUMN target_id INTEGER REFERENCES people(id) ON DELETE SET NULL;
ALTER TABLE audit_log ADD COLUMN details TEXT NOT NULL DEFAULT '';

-- A broadcast's words per language, JSON {"en": "...", "fr": "..."}; `body` keeps the first
-- one written. Each recipient gets their language, or the other one with a note.
ALTER TABLE broadcasts ADD COLUMN texts TEXT NOT NULL DEFAULT '{}';

-- A report is a case: coordinators' notes, and the warnings drafted and sent, in order. A
-- warning is previewed in the reported person's language (`language`) before it is sent.
-- kind: note | warning_draft -> warning_sent | warning_cancelled
CREATE TABLE report_notes (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    author_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    kind            TEXT NOT NULL DEFAULT 'note',
    body            TEXT NOT NULL,
    language        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX report_notes_report ON report_notes(report_id, id);
CREATE INDEX IF NOT EXISTS report_notes_author ON report_notes(author_id);
CREATE INDEX IF NOT EXISTS audit_log_target ON audit_log(target_id);
