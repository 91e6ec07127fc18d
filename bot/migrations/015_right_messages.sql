-- The right messages at the right pace (bot/delivery.py, bot/checkins.py, bot/attendance.py).

-- Each unsolicited message (lesson card, prompt, check-in, survey) the dispatcher let through:
-- the recipient's own date when it went out, and whether it was a lesson card. The daily and
-- weekly budgets count these rows (a row sent again after a crash is not counted twice).
CREATE TABLE unsolicited_sent (
    outbox_id   INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    local_day   TEXT NOT NULL,               -- YYYY-MM-DD in the recipient's time zone
    lesson      INTEGER NOT NULL DEFAULT 0   -- 1 = a lesson card
);
CREATE INDEX unsolicited_sent_person_day ON unsolicited_sent(person_id, local_day);

-- A nudge rule may lapse at a stage ("matched": once the person has a relationship;
-- "first_meeting": once a first meeting took place); checked again when it falls due.
ALTER TABLE nudges ADD COLUMN until TEXT;

-- "It's not working": who said it about which relationship, and when it was settled (a
-- meeting agreed or held since, or the relationship ended). Check-ins and quiet-relationship
-- prompts stop while one is open; the coordinators are alerted once per person and episode.
CREATE TABLE relationship_concerns (
    id          INTEGER PRIMARY KEY,
    match_id    INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,               -- checkin | prompt | typed
    created_at  TEXT NOT NULL,
    resolved_at TEXT
);
CREATE INDEX relationship_concerns_match ON relationship_concerns(match_id, resolved_at);
CREATE INDEX relationship_concerns_person ON relationship_concerns(person_id);
