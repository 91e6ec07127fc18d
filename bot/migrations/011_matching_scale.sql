-- Matching at scale (issue 12) and people the matching index must stop suggesting (issue 11).

-- "Which mentors changed since T?" (bot/matchmaking.py) is a UNION of range scans, one per
-- column that moves a mentor's data or load; each needs its own index.
CREATE INDEX requests_created ON requests(created_at);
CREATE INDEX requests_answered ON requests(answered_at);
CREATE INDEX matches_started ON matches(started_at);
CREATE INDEX matches_ended ON matches(ended_at);

-- A mentee's own requests and relationships, looked up on every /find and request: declined
-- mentors, pending requests, the current mentor (active or paused by the coordinators).
CREATE INDEX requests_mentee ON requests(mentee_id, status);
CREATE INDEX matches_mentee ON matches(mentee_id, status);

-- "Blocked by someone" is looked up as often as "has blocked someone".
CREATE INDEX blocks_blocked ON blocks(blocked_id);

-- Rows the matching index must re-read although their time stamps cannot say so: a person
-- erased (their row is gone) and the mentors whose load their erasure changed. Written in
-- the erasure's transaction, read by every bot process by sequence number, so a process
-- sharing the database sees the change too. `people_row` is only a former row id, named so
-- that the erasure does not take the row for a reference to the person; the table keeps
-- the latest rows only (bot/matching_changes.py).
CREATE TABLE matching_changes (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id  INTEGER NOT NULL,
    people_row    INTEGER NOT NULL
);
