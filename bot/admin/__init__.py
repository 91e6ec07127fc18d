"""Coordinators' tools: admin commands, stats, figures and charts, exports, broadcasts,
moderation, approval, conduct and rosters."""
