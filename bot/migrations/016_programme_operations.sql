-- Programme operations (issue 13): roster import with invitations, mentor approval, code of
-- conduct acceptance, required lessons before matching, cohort windows and a waiting list.

-- Why a person may not take part in matching now, as space-separated reasons (bot/eligibility.py):
-- approval / declined (mentor side), waiting / applied (mentee side), lessons, conduct (both).
-- '' = eligible. Changed without touching updated_at (it is not the person's activity): the
-- matching index hears of it through matching_changes.
ALTER TABLE people ADD COLUMN matching_hold TEXT NOT NULL DEFAULT '';

-- A CSV roster checked and waiting for the coordinator's Apply (rows as JSON, emptied once
-- applied; a preview older than a day can no longer be applied).
CREATE TABLE roster_imports (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    imported_by     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    filename        TEXT NOT NULL DEFAULT '',
    rows            TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL DEFAULT 'pending',   -- pending | applied
    created_at      TEXT NOT NULL,
    applied_at      TEXT
);

-- One invited person of a roster: what the coordinator knew, their join code, and whether
-- they joined (person_id is set from the moment the code is used, or at once when the bot
-- can write first: a known Slack id). Deleted with the person who joined.
CREATE TABLE roster_entries (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    import_id       INTEGER REFERENCES roster_imports(id) ON DELETE SET NULL,
    line            INTEGER NOT NULL DEFAULT 0,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    slack_id        TEXT NOT NULL DEFAULT '',
    telegram        TEXT NOT NULL DEFAULT '',
    handle          TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL,
    language        TEXT NOT NULL,
    department      TEXT NOT NULL DEFAULT '',
    seniority       INTEGER NOT NULL DEFAULT 0,
    code            TEXT NOT NULL UNIQUE,
    person_id       INTEGER REFERENCES people(id) ON DELETE CASCADE,
    status          TEXT NOT NULL DEFAULT 'invited',   -- invited | joined
    invited_at      TEXT NOT NULL,
    joined_at       TEXT,
    reminded_at     TEXT,
    reminders       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX roster_entries_programme ON roster_entries(programme_id, status);
CREATE INDEX roster_entries_person ON roster_entries(person_id);

-- Mentors checked by the coordinators before they are suggested (programmes with
-- mentor_approval = true). status: pending | approved | declined.
CREATE TABLE mentor_approvals (
    person_id       INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    status          TEXT NOT NULL DEFAULT 'pending',
    decided_by      INTEGER REFERENCES people(id) ON DELETE SET NULL,
    requested_at    TEXT NOT NULL,
    decided_at      TEXT
);
CREATE INDEX mentor_approvals_programme ON mentor_approvals(programme_id, status);

-- Every answer to the code of conduct: which version, in which language, yes or no, when.
CREATE TABLE conduct_answers (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    version         TEXT NOT NULL,
    language        TEXT NOT NULL,
    decision        TEXT NOT NULL,                     -- accepted | declined
    answered_at     TEXT NOT NULL
);
CREATE INDEX conduct_answers_person ON conduct_answers(person_id, id);

-- Application windows of a programme's cohorts. Times are UTC; source 'config' windows are
-- kept in step with the config file at start-up and are not edited in chat.
CREATE TABLE cohort_windows (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    name            TEXT NOT NULL,
    opens_at        TEXT NOT NULL,
    closes_at       TEXT NOT NULL,
    matching_at     TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT 'chat',      -- config | chat
    matched_at      TEXT,
    cancelled_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (programme_id, name)
);

-- The waiting list and the applications to a window, one row per spell:
-- waiting (on the list) | applied (in a window, matched at its date) | matched | unmatched |
-- left. reason: outside_window | in_window | unmatched | no_more_suggestions | cancelled.
CREATE TABLE cohort_applications (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id),
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    window_id       INTEGER REFERENCES cohort_windows(id) ON DELETE SET NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX cohort_applications_open ON cohort_applications(person_id)
    WHERE status IN ('waiting', 'applied');
CREATE INDEX cohort_applications_programme ON cohort_applications(programme_id, status);
CREATE INDEX cohort_applications_window ON cohort_applications(window_id, status);
