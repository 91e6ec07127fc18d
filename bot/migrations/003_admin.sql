-- Coordinators' actions, allowed or refused: who, what, when.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER REFERENCES programmes(id),
    person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    actor           TEXT NOT NULL,      -- platform:workspace:user_id (immutable id)
    action          TEXT NOT NULL,      -- e.g. "weights", "cohort apply", "button admin.cohort"
    allowed         INTEGER NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX audit_programme ON audit_log(programme_id, created_at);

-- Matching weights changed in chat, per programme (override the config).
CREATE TABLE programme_settings (
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    key             TEXT NOT NULL,
    value           TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (programme_id, key)
);
