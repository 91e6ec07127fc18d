-- /admin stats under 100 ms at 100k people (issue 12).
--
-- Time to first match: each mentee's wait from sign-up (onboarded_at) to the start of their
-- first relationship, kept by triggers as matches come and go and sign-ups change, so the
-- median is read from an index (count, then the middle rows) instead of grouping every
-- match and reading every matched person. The row is the mentee's: it goes with them.
-- Each trigger does the same refresh for one mentee: forget their row, then write it again
-- from their earliest match if they have signed up and have a match at all. (No comment
-- right above a trigger: PostgreSQL's migration reads the statement's first words.)
CREATE TABLE first_matches (
    mentee_id     INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    programme_id  INTEGER NOT NULL,
    days          REAL NOT NULL   -- seconds from onboarded_at to the first start / 86400, >= 0
);
CREATE INDEX first_matches_days ON first_matches(programme_id, days);

CREATE TRIGGER first_matches_on_insert AFTER INSERT ON matches
BEGIN
    DELETE FROM first_matches WHERE mentee_id = NEW.mentee_id;
    INSERT INTO first_matches (mentee_id, programme_id, days)
        SELECT p.id, p.programme_id, max(0.0, (strftime('%s', (SELECT min(started_at)
            FROM matches WHERE mentee_id = p.id)) - strftime('%s', p.onboarded_at)) / 86400.0)
        FROM people p WHERE p.id = NEW.mentee_id AND p.onboarded_at IS NOT NULL;
END;

CREATE TRIGGER first_matches_on_delete AFTER DELETE ON matches
BEGIN
    DELETE FROM first_matches WHERE mentee_id = OLD.mentee_id;
    INSERT INTO first_matches (mentee_id, programme_id, days)
        SELECT p.id, p.programme_id, max(0.0, (strftime('%s', (SELECT min(started_at)
            FROM matches WHERE mentee_id = p.id)) - strftime('%s', p.onboarded_at)) / 86400.0)
        FROM people p WHERE p.id = OLD.mentee_id AND p.onboarded_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM matches WHERE mentee_id = p.id);
END;

CREATE TRIGGER first_matches_on_update AFTER UPDATE OF mentee_id, started_at ON matches
BEGIN
    DELETE FROM first_matches WHERE mentee_id IN (OLD.mentee_id, NEW.mentee_id);
    INSERT INTO first_matches (mentee_id, programme_id, days)
        SELECT p.id, p.programme_id, max(0.0, (strftime('%s', (SELECT min(started_at)
            FROM matches WHERE mentee_id = p.id)) - strftime('%s', p.onboarded_at)) / 86400.0)
        FROM people p WHERE p.id IN (OLD.mentee_id, NEW.mentee_id)
        AND p.onboarded_at IS NOT NULL AND EXISTS (SELECT 1 FROM matches WHERE mentee_id = p.id);
END;

CREATE TRIGGER first_matches_on_sign_up AFTER UPDATE OF onboarded_at, programme_id ON people
BEGIN
    DELETE FROM first_matches WHERE mentee_id = NEW.id;
    INSERT INTO first_matches (mentee_id, programme_id, days)
        SELECT p.id, p.programme_id, max(0.0, (strftime('%s', (SELECT min(started_at)
            FROM matches WHERE mentee_id = p.id)) - strftime('%s', p.onboarded_at)) / 86400.0)
        FROM people p WHERE p.id = NEW.id AND p.onboarded_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM matches WHERE mentee_id = p.id);
END;

-- Fill it for the matches made so far: rewriting each match's start (unchanged) runs the
-- update trigger once per match. (PostgreSQL fills it in 018_stats_at_scale.postgres.sql.)
UPDATE matches SET started_at = started_at;

-- Meetings of the last 30 days by outcome, from the index alone; and the few participants
-- who said someone did not come (a no-show).
CREATE INDEX meetings_programme_outcome ON meetings(programme_id, starts_at, status);
DROP INDEX IF EXISTS meetings_programme;
CREATE INDEX meeting_participants_absent ON meeting_participants(meeting_id)
    WHERE absence IN ('me', 'other');
