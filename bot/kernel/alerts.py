"""Telling a programme's coordinators about something that needs them (a report, a held
relayed message, "it's not working", answers about a meeting that disagree), through the
outbox, in each coordinator's own language.

A coordinator is reachable when they are a person in the store: an address named in the
config (`coordinators = ["slack:T1:U1"]`) or granted in chat (`/admin grant`), belonging to a
person of that programme. Matching is by immutable address key only, as in bot/kernel/roles.py.
"""

from __future__ import annotations

from datetime import datetime

from bot.kernel import outbox, people
from bot.kernel.context import Services
from bot.kernel.outbox import Outgoing
from bot.store.db import Tx


def programme_code(services: Services, programme_id: int) -> str:
    for code, pid in services.programme_ids.items():
        if pid == programme_id:
            return code
    return ""


async def coordinators_of(tx: Tx, services: Services, programme_id: int) -> list[int]:
    """Person ids of the programme's coordinators (config and granted), oldest first."""
    settings = services.config.programmes.get(programme_code(services, programme_id))
    keys = [tuple(key.split(":", 2)) for key in (settings.coordinators if settings else [])]
    ids: set[int] = set()
    for key in keys:
        if len(key) == 3:
            found = await tx.value(
                "SELECT a.person_id FROM addresses a JOIN people p ON p.id = a.person_id"
                " WHERE a.platform = ? AND a.workspace = ? AND a.user_id = ?"
                " AND p.programme_id = ?", (*key, programme_id))
            if found is not None:
                ids.add(found)
    for row in await tx.all(
            "SELECT a.person_id FROM coordinators c JOIN addresses a ON a.platform = c.platform"
            " AND a.workspace = c.workspace AND a.user_id = c.user_id"
            " JOIN people p ON p.id = a.person_id"
            " WHERE c.programme_id = ? AND p.programme_id = ?", (programme_id, programme_id)):
        ids.add(row[0])
    return sorted(ids)


async def alert_coordinators(tx: Tx, services: Services, programme_id: int,
                             message: Outgoing, *, key: str, now: datetime) -> int:
    """Queue `message` to every coordinator of the programme; returns how many."""
    sent = 0
    for person_id in await coordinators_of(tx, services, programme_id):
        if await outbox.enqueue(tx, person_id, message, due_at=now, key=f"{key}:to-{person_id}"):
            sent += 1
    return sent


async def alert_about_pair(tx: Tx, services: Services, match_id: int, message_key: str, *,
                           key: str, now: datetime, **params: object) -> int:
    """Alert the coordinators of a relationship's programme with `message_key`, whose params
    are `mentee` and `mentor` (names) plus `params`; returns how many were alerted."""
    match = await tx.one("SELECT programme_id, mentee_id, mentor_id FROM matches WHERE id = ?",
                         (match_id,))
    if match is None:
        return 0
    names = {}
    for side in ("mentee", "mentor"):
        person = await people.get(tx, match[f"{side}_id"])
        names[side] = person.name if person else "—"
    return await alert_coordinators(tx, services, match["programme_id"], Outgoing(
        key=message_key, params={**names, **params}), key=key, now=now)
