"""Persistence: one SQLite database through aiosqlite (see shared/DESIGN.md, "Store")."""
