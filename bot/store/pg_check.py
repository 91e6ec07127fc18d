"""What `mentorbot check-config` says about a PostgreSQL `[bot] database`: whether the server
answers, its version, and where the bot's schema stands — read only, nothing created, and
never the password (bot/kernel/logs.py `redact_url`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from bot.kernel.logs import redact_url
from bot.store.db import newest_schema

CONNECT_TIMEOUT = 5.0  # seconds: a firewall that drops packets must not hang the check


@dataclass
class PostgresState:
    """One line for the reader, and the problems `run` would refuse to start on."""

    summary: str
    problems: list[str] = field(default_factory=list)


async def check_postgres(url: str, timeout: float = CONNECT_TIMEOUT) -> PostgresState:
    shown = redact_url(url)
    try:
        conn = await asyncpg.connect(url, timeout=timeout, statement_cache_size=0)
    except (TimeoutError, OSError, asyncpg.PostgresError,
            asyncpg.InterfaceError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        return PostgresState("PostgreSQL, not reachable", [
            f"database {shown} cannot be reached ({reason}); check the host, port, user "
            "and password, and that the server accepts connections from here"])
    version = "?"
    try:
        version = str(await conn.fetchval("SHOW server_version")).split()[0]
        found = 0
        if await conn.fetchval("SELECT to_regclass('schema_migrations')") is not None:
            found = await conn.fetchval("SELECT coalesce(max(version), 0)"
                                        " FROM schema_migrations") or 0
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        return PostgresState(f"PostgreSQL {version}, reachable", [
            f"database {shown} answers but cannot be read ({exc})"])
    finally:
        await conn.close()
    newest = newest_schema()
    server = f"PostgreSQL {version}, reachable"
    if found > newest:
        return PostgresState(f"{server}; schema {found}, newer than this mentorbot", [
            f"database {shown} was created by a newer mentorbot (schema {found} > {newest});"
            " run that version, or restore a backup made before it"])
    if found == 0:
        return PostgresState(f"{server}; empty: the tables will be created at the first start")
    if found < newest:
        return PostgresState(f"{server}; schema {found}, will be migrated to {newest} at the"
                             " next start")
    return PostgresState(f"{server}; schema {found}, up to date")

