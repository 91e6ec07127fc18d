-- Foundation: programmes, people and their addresses, conversations, inbox, outbox.
-- Every time is stored as UTC ISO-8601 text ("2026-11-29T10:00:00+00:00").

CREATE TABLE programmes (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    display_name    TEXT NOT NULL DEFAULT '',
    handle          TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT 'en',
    -- new -> onboarding -> active; no_consent when consent was refused; suspended by a coordinator
    status          TEXT NOT NULL DEFAULT 'new',
    consent_at      TEXT,
    role            TEXT,                       -- mentee | mentor | both
    topics_sought   TEXT NOT NULL DEFAULT '[]', -- JSON list of topic ids / free tags
    topics_offered  TEXT NOT NULL DEFAULT '[]',
    goals           TEXT NOT NULL DEFAULT '',
    languages       TEXT NOT NULL DEFAULT '[]', -- JSON list of ISO 639-1 codes
    timezone        TEXT NOT NULL DEFAULT '',
    availability    TEXT NOT NULL DEFAULT '[]', -- JSON list of [weekday, start_min, end_min], local time
    seniority       INTEGER NOT NULL DEFAULT 0,
    department      TEXT NOT NULL DEFAULT '',
    capacity        INTEGER NOT NULL DEFAULT 0,
    paused          INTEGER NOT NULL DEFAULT 0,
    reverse         INTEGER NOT NULL DEFAULT 0,
    manager_id      INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    onboarded_at    TEXT
);
CREATE INDEX people_programme ON people(programme_id, status);

CREATE TABLE addresses (
    platform        TEXT NOT NULL,
    workspace       TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    display_name    TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL DEFAULT '',
    timezone        TEXT NOT NULL DEFAULT '',
    unreachable_at  TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (platform, workspace, user_id)
);
CREATE INDEX addresses_person ON addresses(person_id);

-- Where a person is in a multi-step conversation; a restart resumes from here.
CREATE TABLE conversations (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    flow        TEXT NOT NULL,
    step        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    updated_at  TEXT NOT NULL
);

-- Inbound deduplication: the platform's event id, written first in the event's transaction.
CREATE TABLE inbox (
    event_key   TEXT PRIMARY KEY,
    received_at TEXT NOT NULL
);

-- Proactive and scheduled messages. A row is claimed (pending -> sending), sent, marked sent.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER REFERENCES people(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL DEFAULT 'message',
    payload         TEXT NOT NULL,              -- JSON: a message key and params, or a rendered reply
    due_at          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending', -- pending | sending | sent | missed | failed | cancelled
    idempotency_key TEXT NOT NULL UNIQUE,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_at      TEXT,
    sent_at         TEXT,
    error           TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, due_at);

CREATE TABLE meta (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
