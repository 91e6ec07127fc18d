-- Honest matching (bot/mentoring.py): the mentors a mentee was shown since their last /find,
-- so that *More suggestions* never shows the same people again, even when scores move
-- between two pages (a mentor's load changed, a new mentor joined). /find itself writes
-- nothing: its *More suggestions* button carries the page's ids, recorded when pressed with the
-- page that press shows (the first page of a /find starts the list afresh). The rows are the
-- mentee's and go with either person (CASCADE).
CREATE TABLE suggestions_shown (
    mentee_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    mentor_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    shown_at    TEXT NOT NULL,
    PRIMARY KEY (mentee_id, mentor_id)
);
