"""Mentoring: matchmaking and cohorts, eligibility and windows, the life of a relationship,
the relay and contact within a pair, blocking."""
