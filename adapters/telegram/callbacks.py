"""Inline-button tokens: Telegram's callback data holds 64 bytes, our buttons may hold more.

Each button sent gets a short random token; the (action_id, value) it stands for is kept in
the `telegram_callbacks` table (migration 010). A press brings the token back and it is looked
up here. Tokens are random, so a forged one matches nothing; the value found is still
re-checked by the core like any button value. Rows older than `RETENTION` are deleted.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.kernel.clock import to_iso
from bot.store.db import Database

RETENTION = timedelta(days=30)
TOKEN_BYTES = 12  # 16 URL-safe characters, 96 random bits
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


async def issue(db: Database, targets: Sequence[tuple[str, str]], now: datetime) -> list[str]:
    """One new token per (action_id, value), in order, stored before the message is sent."""
    tokens: list[str] = []
    async with db.transaction() as tx:
        for action_id, value in targets:
            while True:  # a collision of 96 random bits will not happen, but costs nothing
                token = secrets.token_urlsafe(TOKEN_BYTES)
                inserted = await tx.execute(
                    "INSERT INTO telegram_callbacks (token, action_id, value, created_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT(token) DO NOTHING",
                    (token, action_id, value, to_iso(now)))
                if inserted:
                    break
            tokens.append(token)
    return tokens


async def resolve(db: Database, token: str) -> tuple[str, str] | None:
    """The (action_id, value) behind a pressed token; None when stale, purged or forged."""
    if not _TOKEN.match(token):
        return None
    async with db.read() as tx:
        row = await tx.one("SELECT action_id, value FROM telegram_callbacks WHERE token = ?",
                           (token,))
    return (row["action_id"], row["value"]) if row else None


async def purge(db: Database, now: datetime, retention: timedelta = RETENTION) -> int:
    """Forget tokens older than `retention`; returns how many were deleted."""
    async with db.transaction() as tx:
        return await tx.execute("DELETE FROM telegram_callbacks WHERE created_at < ?",
                                (to_iso(now - retention),))
