-- Every event fast at 100k people (issue 12): the coordinators' figures read indexes instead
-- of whole tables (bot/figures.py), each index covering its query.
--
-- Without statistics SQLite takes an equality on programme_id for a selective one; with one
-- programme it is not. So no index here starts with programme_id and a bare range or a
-- status: a query on "changed since T in this programme" (bot/matchmaking.py) must keep its
-- time-stamp indexes. Partial indexes (WHERE ...) serve only the queries that say the same.

-- Headcount by role and status (after programme_id, as people_updated, which the
-- matchmaker's range scan on updated_at keeps preferring).
CREATE INDEX IF NOT EXISTS people_role_status ON people(programme_id, role, status);

-- Pending requests: their count, the oldest and the middle one, in created_at order.
CREATE INDEX IF NOT EXISTS requests_pending ON requests(programme_id, created_at)
    WHERE status = 'pending';

-- Active and paused relationships.
CREATE INDEX IF NOT EXISTS matches_open ON matches(programme_id, status)
    WHERE status IN ('active', 'paused');

-- Time to first match: each mentee's first start, in mentee order.
CREATE INDEX IF NOT EXISTS matches_mentee_start ON matches(mentee_id, programme_id, started_at);

-- Satisfaction after meetings: only the answered rows.
CREATE INDEX IF NOT EXISTS meeting_participants_answers
    ON meeting_participants(meeting_id, usefulness) WHERE usefulness IS NOT NULL;

-- Meetings of the last 30 days, and per month.
CREATE INDEX IF NOT EXISTS meetings_programme ON meetings(programme_id, starts_at);

-- Relationships at risk: few rows among one per relationship.
CREATE INDEX IF NOT EXISTS relationship_health_at_risk
    ON relationship_health(at_risk_since) WHERE at_risk_since IS NOT NULL;
