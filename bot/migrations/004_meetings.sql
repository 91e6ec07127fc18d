-- Meetings between matched people, what happened at them, mentor check-ins, the end of a
-- relationship, and what the dispatcher needs to deliver files and drop stale reminders.
-- Every time is UTC ISO-8601 text.

-- One meeting: a 1:1 (one match) or a group circle (a mentor and several of their mentees).
CREATE TABLE meetings (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    organiser_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    uid             TEXT NOT NULL UNIQUE,       -- iCalendar UID, the same across updates
    -- proposed -> confirmed -> held | not_held | unknown; or declined / cancelled
    status          TEXT NOT NULL DEFAULT 'proposed',
    is_group        INTEGER NOT NULL DEFAULT 0,
    starts_at       TEXT,                       -- NULL until a time is agreed
    length_minutes  INTEGER NOT NULL,
    sequence        INTEGER NOT NULL DEFAULT 0, -- iCalendar SEQUENCE: +1 per reschedule or cancel
    video_link      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    confirmed_at    TEXT,                       -- first confirmation
    cancelled_at    TEXT,
    cancelled_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    outcome_at      TEXT                        -- when held / not_held / unknown was decided
);
CREATE INDEX meetings_status ON meetings(status, starts_at);

-- Who takes part. A mentee's row carries the match that links them to the mentor.
CREATE TABLE meeting_participants (
    meeting_id      INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    match_id        INTEGER REFERENCES matches(id) ON DELETE SET NULL,
    role            TEXT NOT NULL,              -- mentor | mentee
    attending       INTEGER NOT NULL DEFAULT 1, -- 0: said in advance they can't come (circles)
    took_place      INTEGER,                    -- their answer afterwards: 1 yes, 0 no
    absence         TEXT,                       -- when 0: me | other | cancelled
    usefulness      INTEGER,                    -- 1..5
    note            TEXT NOT NULL DEFAULT '',
    answered_at     TEXT,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX meeting_participants_person ON meeting_participants(person_id);
CREATE INDEX meeting_participants_match ON meeting_participants(match_id);

-- Times offered to one person, who picks one, proposes another or declines.
CREATE TABLE meeting_proposals (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    proposer_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    responder_id    INTEGER REFERENCES people(id) ON DELETE CASCADE,
    slots           TEXT NOT NULL DEFAULT '[]', -- JSON list of UTC start times
    status          TEXT NOT NULL DEFAULT 'pending', -- pending | accepted | declined | superseded
    chosen          TEXT,                       -- the start time accepted
    created_at      TEXT NOT NULL,
    answered_at     TEXT
);
CREATE INDEX meeting_proposals_meeting ON meeting_proposals(meeting_id, status);

-- "How is it going with ...?" asked to a mentor after weeks without a meeting.
CREATE TABLE checkins (
    id              INTEGER PRIMARY KEY,
    match_id        INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    asked_at        TEXT NOT NULL,
    repeated_at     TEXT,
    closed_at       TEXT,
    -- schedule | fine | struggling (the mentor's button), activity (a meeting came first),
    -- unanswered (asked twice, no answer)
    answer          TEXT
);
CREATE INDEX checkins_match ON checkins(match_id, closed_at);

-- Relationships that need a coordinator's eye; a row with at_risk_since NULL is fine again.
CREATE TABLE relationship_health (
    match_id        INTEGER PRIMARY KEY REFERENCES matches(id) ON DELETE CASCADE,
    at_risk_since   TEXT,
    reason          TEXT,                       -- quiet | struggling
    updated_at      TEXT NOT NULL
);

-- Near the end: each side's choice for the end date they were asked about.
CREATE TABLE relationship_decisions (
    match_id        INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    ends_at         TEXT NOT NULL,
    choice          TEXT NOT NULL,              -- extend | conclude
    decided_at      TEXT NOT NULL,
    PRIMARY KEY (match_id, person_id, ends_at)
);

-- The closing survey, one row per person and relationship, filled step by step.
CREATE TABLE relationship_surveys (
    match_id        INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    satisfaction    INTEGER,                    -- 1..5
    benefits        TEXT,
    would_recommend INTEGER,                    -- 1 yes, 0 no
    asked_at        TEXT NOT NULL,
    answered_at     TEXT,                       -- set when the last question is answered
    PRIMARY KEY (match_id, person_id)
);

-- Dispatcher: which process claimed a row (so that a take-over resets only others' rows),
-- and a deadline after which an unsent row is pointless (a reminder once the meeting began).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN stale_at TEXT;

-- A file delivered with one outbox row (an .ics invitation), written in the same transaction.
CREATE TABLE outbox_files (
    outbox_key      TEXT PRIMARY KEY REFERENCES outbox(idempotency_key) ON DELETE CASCADE,
    filename        TEXT NOT NULL,
    mime_type       TEXT NOT NULL,
    content         BLOB NOT NULL
);
