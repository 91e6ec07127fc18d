"""Persistence: one SQLite database through aiosqlite (the embedded default), or PostgreSQL
through asyncpg when `[bot] database` is a `postgresql://` URL (see shared/DESIGN.md,
"Store", and docs/deployment.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def is_postgres(target: str | Path) -> bool:
    """Whether `[bot] database` names a PostgreSQL database rather than a SQLite file."""
    return str(target).startswith(("postgresql://", "postgres://"))


async def open_database(target: str | Path) -> Any:
    """The store `target` names, opened and migrated: a PostgreSQL URL, else a SQLite file
    (or ":memory:"). Both answer the same calls (bot/store/db.py's Database)."""
    if is_postgres(target):
        from bot.store.postgres import PostgresDatabase  # asyncpg only when it is used

        return await PostgresDatabase.open(str(target))
    from bot.store.db import Database

    return await Database.open(target)
