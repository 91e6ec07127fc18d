-- PostgreSQL's words for the triggers of 018_stats_at_scale.sql (the table, the indexes and
-- the rest of that file are translated from SQLite's), and the first fill of first_matches.

CREATE FUNCTION first_matches_refresh(who BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM first_matches WHERE mentee_id = who;
    INSERT INTO first_matches (mentee_id, programme_id, days)
        SELECT p.id, p.programme_id, GREATEST(0.0, (EXTRACT(EPOCH FROM (SELECT min(started_at)
            FROM matches WHERE mentee_id = p.id)::timestamptz)
            - EXTRACT(EPOCH FROM p.onboarded_at::timestamptz)) / 86400.0)
        FROM people p WHERE p.id = who AND p.onboarded_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM matches WHERE mentee_id = p.id);
END; $$;

CREATE FUNCTION first_matches_on_match() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM first_matches_refresh(OLD.mentee_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM first_matches_refresh(NEW.mentee_id);
    END IF;
    RETURN NULL;
END; $$;

CREATE TRIGGER first_matches_on_match AFTER INSERT OR DELETE OR UPDATE OF mentee_id, started_at
    ON matches FOR EACH ROW EXECUTE FUNCTION first_matches_on_match();

CREATE FUNCTION first_matches_on_sign_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM first_matches_refresh(NEW.id);
    RETURN NULL;
END; $$;

CREATE TRIGGER first_matches_on_sign_up AFTER UPDATE OF onboarded_at, programme_id ON people
    FOR EACH ROW EXECUTE FUNCTION first_matches_on_sign_up();

INSERT INTO first_matches (mentee_id, programme_id, days)
    SELECT p.id, p.programme_id, GREATEST(0.0, (EXTRACT(EPOCH FROM f.first::timestamptz)
        - EXTRACT(EPOCH FROM p.onboarded_at::timestamptz)) / 86400.0)
    FROM (SELECT mentee_id, min(started_at) AS first FROM matches GROUP BY mentee_id) f
    JOIN people p ON p.id = f.mentee_id WHERE p.onboarded_at IS NOT NULL;
