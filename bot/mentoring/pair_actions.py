"""Stopping what is between two people for safety or privacy: ending or pausing a pair,
closing pending requests. Used by /block, the coordinators' report buttons and /forget.

Ending emits `relationship_ended` so that other features (nudges, meetings, surveys) stop
what they planned for the pair; telling the people concerned is the caller's job, because
what can be said differs (a block must not say "blocked", a /forget must not name anyone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.kernel import outbox
from bot.kernel.clock import to_iso
from bot.kernel.context import Services
from bot.kernel.domain_events import RelationshipEnded
from bot.kernel.outbox import Outgoing
from bot.store.db import Tx

OPEN_STATUSES = ("active", "paused")


async def open_matches_of(tx: Tx, person_id: int) -> list[Any]:
    return await tx.all(
        "SELECT * FROM matches WHERE status IN ('active', 'paused')"
        " AND (mentee_id = ? OR mentor_id = ?) ORDER BY id", (person_id, person_id))


async def open_matches_between(tx: Tx, a: int, b: int) -> list[Any]:
    return await tx.all(
        "SELECT * FROM matches WHERE status IN ('active', 'paused')"
        " AND ((mentee_id = ? AND mentor_id = ?) OR (mentee_id = ? AND mentor_id = ?))"
        " ORDER BY id", (a, b, b, a))


def other_side(match: Any, person_id: int) -> int:
    return match["mentor_id"] if match["mentee_id"] == person_id else match["mentee_id"]


async def end_match(tx: Tx, services: Services, match: Any, reason: str,
                    now: datetime) -> bool:
    """End an active or paused match; False when it had already ended."""
    changed = await tx.execute(
        "UPDATE matches SET status = 'ended', ended_at = ?, end_reason = ?"
        " WHERE id = ? AND status IN ('active', 'paused')", (to_iso(now), reason, match["id"]))
    if changed:
        await services.hooks.emit(tx, services, RelationshipEnded(
            match_id=match["id"], mentee_id=match["mentee_id"], mentor_id=match["mentor_id"],
            reason=reason))

    return bool(changed)


async def set_paused(tx: Tx, match_id: int, paused: bool) -> bool:
    """Pause an active match, or resume a paused one; False when it was not in that state."""
    before, after = ("active", "paused") if paused else ("paused", "active")
    return bool(await tx.execute("UPDATE matches SET status = ? WHERE id = ? AND status = ?",
                                 (after, match_id, before)))


async def close_requests(tx: Tx, now: datetime, person_id: int,
                         other_id: int | None = None) -> list[Any]:
    """Close pending requests of `person_id` (with `other_id` only, when given); their
    scheduled reminders and expiry are cancelled. Returns the closed rows."""
    if other_id is None:
        rows = await tx.all(
            "SELECT * FROM requests WHERE status = 'pending' AND (mentee_id = ? OR mentor_id = ?)",
            (person_id, person_id))
    else:
        rows = await tx.all(
            "SELECT * FROM requests WHERE status = 'pending' AND ((mentee_id = ? AND mentor_id"
            " = ?) OR (mentee_id = ? AND mentor_id = ?))",
            (person_id, other_id, other_id, person_id))
    for row in rows:
        await tx.execute("UPDATE requests SET status = 'closed', answered_at = ? WHERE id = ?",
                         (to_iso(now), row["id"]))
        await outbox.cancel(tx, f"request:{row['id']}:")
    return rows


async def close_requests_of_leaving(tx: Tx, person_ids: list[int], now: datetime) -> None:
    """Pending requests to or from people who leave (/forget, retention) are closed, and the
    other side is told without a name, so that nobody waits for an answer that cannot come."""
    leaving = set(person_ids)
    for person_id in person_ids:
        for row in await close_requests(tx, now, person_id):
            partner = other_side(row, person_id)
            if partner in leaving:
                continue
            key = "request.closed_gone" if partner == row["mentee_id"] else \
                "request.withdrawn_gone"
            await outbox.enqueue(tx, partner, Outgoing(key=key), due_at=now,
                                 key=f"request:{row['id']}:gone")
