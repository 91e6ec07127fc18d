-- Moderation (reports, blocks), relay mode, and what privacy needs (anonymous counts,
-- retention notices). bot/moderation.py, bot/relay.py, bot/privacy.py.
--
-- How /forget treats a reference to a person is read from the schema (bot/personal_data.py):
-- ON DELETE CASCADE = the row is the person's and goes with them; ON DELETE SET NULL = the
-- row stays, anonymous. The choices below follow that rule.
--
-- matches.status gains a value: 'paused' (a coordinator paused the pair during a report;
-- nothing is relayed, nudged or suggested between them until it is resumed or ended).

-- Words relayed between a pair in a relay-mode programme (contact details never exchanged).
CREATE TABLE relay_messages (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    match_id        INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    sender_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    recipient_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    -- delivered | held (looked like contact details) -> approved | rejected
    status          TEXT NOT NULL DEFAULT 'delivered',
    findings        TEXT NOT NULL DEFAULT '[]',  -- JSON list: phone, email, link, handle, app
    created_at      TEXT NOT NULL,
    reviewed_at     TEXT,
    reviewed_by     INTEGER REFERENCES people(id) ON DELETE SET NULL
);
CREATE INDEX relay_messages_match ON relay_messages(match_id, id);
CREATE INDEX relay_messages_held ON relay_messages(programme_id, status);

-- /report: a participant flags a relationship or a relayed message to the coordinators.
-- The reporter's words are theirs (CASCADE); the report survives the reported person's
-- /forget, anonymous (SET NULL), so coordinators still see that it happened.
CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    reporter_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    reported_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    match_id        INTEGER REFERENCES matches(id) ON DELETE SET NULL,
    message_id      INTEGER REFERENCES relay_messages(id) ON DELETE SET NULL,
    reason          TEXT NOT NULL DEFAULT '',
    -- open | paused (pair paused, still in the queue) | dismissed | warned | ended | suspended
    status          TEXT NOT NULL DEFAULT 'open',
    created_at      TEXT NOT NULL,
    handled_at      TEXT,
    handled_by      INTEGER REFERENCES people(id) ON DELETE SET NULL
);
CREATE INDEX reports_queue ON reports(programme_id, status, id);

-- What /forget and the retention sweep leave for statistics: counts, never a person.
-- metric: "people" (value = role) or "<table>.<column>" of deleted rows (value = their status).
CREATE TABLE anonymous_counts (
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    metric          TEXT NOT NULL,
    value           TEXT NOT NULL DEFAULT '',
    count           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (programme_id, metric, value)
);

-- Retention: when a person inactive for almost [privacy] retention_months was warned, and
-- their last activity then (newer activity cancels the notice).
CREATE TABLE retention_notices (
    person_id       INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    last_active     TEXT NOT NULL,
    warned_at       TEXT NOT NULL
);

-- /forget deletes people rows: SQLite checks every foreign key pointing at them, and without
-- an index each check reads the whole child table (the outbox grows without end).
CREATE INDEX IF NOT EXISTS outbox_person ON outbox(person_id);
CREATE INDEX IF NOT EXISTS audit_log_person ON audit_log(person_id);
