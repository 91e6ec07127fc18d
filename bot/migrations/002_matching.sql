-- Matching: requests from mentees to mentors, the relationships they create, and the pairs
-- that must never be suggested again.

CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    mentee_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    mentor_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- pending -> accepted | declined | expired | withdrawn | closed (answered for the mentor)
    status          TEXT NOT NULL DEFAULT 'pending',
    message         TEXT NOT NULL DEFAULT '',
    score           REAL NOT NULL DEFAULT 0,
    reasons         TEXT NOT NULL DEFAULT '[]',
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    answered_at     TEXT
);
CREATE UNIQUE INDEX requests_one_pending ON requests(mentee_id, mentor_id) WHERE status = 'pending';
CREATE INDEX requests_mentor ON requests(mentor_id, status);

CREATE TABLE matches (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    mentee_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    mentor_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    request_id      INTEGER REFERENCES requests(id) ON DELETE SET NULL,
    source          TEXT NOT NULL,              -- request | cohort | manual
    status          TEXT NOT NULL DEFAULT 'active', -- active | ended
    score           REAL NOT NULL DEFAULT 0,
    started_at      TEXT NOT NULL,
    ends_at         TEXT,
    ended_at        TEXT,
    end_reason      TEXT
);
CREATE UNIQUE INDEX matches_one_active ON matches(mentee_id, mentor_id) WHERE status = 'active';
CREATE INDEX matches_mentor ON matches(mentor_id, status);

-- "Not for me" on a suggestion: hidden from that mentee's suggestions.
CREATE TABLE dismissals (
    mentee_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    mentor_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (mentee_id, mentor_id)
);

-- /block: nothing between these two people ever again.
CREATE TABLE blocks (
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    blocked_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (person_id, blocked_id)
);

-- Coordinators granted in chat (those of the config are not stored).
CREATE TABLE coordinators (
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    platform     TEXT NOT NULL,
    workspace    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    granted_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (programme_id, platform, workspace, user_id)
);

CREATE INDEX people_updated ON people(programme_id, updated_at);
