-- Micro-training, points and recognition (bot/training.py, nudges.py, points.py, badges.py).
-- Personal rows go with the person (/forget); lesson events keep an anonymous count.

-- Each lesson nudge the bot scheduled: the outbox row (same key) says when and whether it went.
CREATE TABLE nudges (
    idempotency_key TEXT PRIMARY KEY,           -- the outbox row's key
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    match_id        INTEGER,                    -- the relationship it is about, if any
    rule_key        TEXT NOT NULL,              -- NudgeRule.key, or "snooze"
    lesson_id       TEXT,                       -- a lesson ...
    prompt          TEXT,                       -- ... or a prompt of the catalogue
    snooze          INTEGER NOT NULL DEFAULT 0, -- 0 = planned nudge, n = n-th "Not now"
    created_at      TEXT NOT NULL
);
CREATE INDEX nudges_person_lesson ON nudges(person_id, lesson_id);

-- Where each person is with each lesson (one row per person and lesson).
CREATE TABLE lesson_progress (
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    lesson_id       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'new', -- new | read | done
    useful          INTEGER NOT NULL DEFAULT 0,
    snoozes         INTEGER NOT NULL DEFAULT 0,
    quiz_choice     INTEGER,                     -- the one answer that counts
    quiz_right      INTEGER,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (person_id, lesson_id)
);

-- Every interaction, append-only, for the coordinators' statistics.
CREATE TABLE lesson_events (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    lesson_id       TEXT NOT NULL,
    language        TEXT NOT NULL,               -- the version shown
    kind            TEXT NOT NULL,               -- viewed | read | done | useful | snoozed | quiz_right | quiz_wrong
    source          TEXT NOT NULL DEFAULT '',    -- viewed: nudge | learn; quiz: the choice index
    created_at      TEXT NOT NULL
);
CREATE INDEX lesson_events_lesson ON lesson_events(programme_id, lesson_id, kind);

-- Points: append-only; `unique_key` makes every reason count once.
CREATE TABLE points_ledger (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,               -- onboarded | request_sent | meeting_held | ...
    points          INTEGER NOT NULL,
    ref             TEXT NOT NULL DEFAULT '',    -- what it was for: "meeting 12", "lesson smart-goals"
    unique_key      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL
);
CREATE INDEX points_person ON points_ledger(person_id, id);
CREATE INDEX points_programme ON points_ledger(programme_id, person_id);
CREATE TRIGGER points_ledger_append_only BEFORE UPDATE ON points_ledger
BEGIN
    SELECT RAISE(ABORT, 'the points ledger is append-only');
END;

CREATE TABLE badges (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    badge           TEXT NOT NULL,               -- a badge id of content/points.toml, or "recognition"
    award_key       TEXT NOT NULL UNIQUE,        -- "<person>:<badge>", "<person>:recognition:<n>"
    note            TEXT NOT NULL DEFAULT '',    -- a coordinator's words of recognition
    awarded_by      INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX badges_person ON badges(person_id);

-- Meetings that counted as held, as told by the `meeting_held` hook (badges count them).
CREATE TABLE held_meetings (
    meeting_id      INTEGER NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    match_id        INTEGER,
    number          INTEGER NOT NULL DEFAULT 0,  -- held meetings of the relationship so far
    held_at         TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

-- How mentees rated their mentor for a meeting (1-5): the source of the "well rated" badge.
-- Filled from an optional `rating` in the meeting_held / survey_answered hook data, or by
-- any module through bot.badges.record_rating.
CREATE TABLE mentor_ratings (
    meeting_id      INTEGER NOT NULL,
    rater_id        INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    mentor_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (meeting_id, rater_id)
);
CREATE INDEX mentor_ratings_mentor ON mentor_ratings(mentor_id);

-- /leaderboard on|off (off by default: no row means off).
CREATE TABLE leaderboard_optin (
    person_id       INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    opted_in        INTEGER NOT NULL,
    updated_at      TEXT NOT NULL
);
