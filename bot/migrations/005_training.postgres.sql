-- PostgreSQL's version of what 005_training.sql says in SQLite's words only: the points
-- ledger is append-only. The error is an integrity violation, as SQLite's RAISE(ABORT), so
-- that /forget deletes a person's rows instead of rewriting them.
CREATE FUNCTION points_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the points ledger is append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER points_ledger_append_only BEFORE UPDATE ON points_ledger
    FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();
