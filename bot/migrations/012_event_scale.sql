-- Every event fast at 100k people (issue 12): the coordinators' figures read indexes instead
-- of whole tables (bot/figures.py), each index covering its query where it can.

-- Headcount by role and status.
CREATE INDEX IF NOT EXISTS people_role_status ON people(programme_id, role, status);

-- Pending requests: their count, the oldest and the middle one, in created_at order.
CREATE INDEX IF NOT EXISTS requests_programme ON requests(programme_id, status, created_at);

-- Active and paused relationships; time to first match (the first start per mentee).
CREATE INDEX IF NOT EXISTS matches_programme ON matches(programme_id, status);
CREATE INDEX IF NOT EXISTS matches_programme_mentee
    ON matches(programme_id, mentee_id, started_at);

-- Meetings of the last 30 days, and per month.
CREATE INDEX IF NOT EXISTS meetings_programme ON meetings(programme_id, starts_at);

-- Relationships at risk: few rows among one per relationship.
CREATE INDEX IF NOT EXISTS relationship_health_at_risk
    ON relationship_health(at_risk_since) WHERE at_risk_since IS NOT NULL;
