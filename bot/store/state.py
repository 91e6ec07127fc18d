"""Small tables the core leans on: conversation state, the inbox, and key/value metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.kernel.clock import to_iso
from bot.store.db import Tx


@dataclass
class Conversation:
    """Where a person is in a multi-step flow ("onboarding" at step "timezone", ...)."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def get_conversation(tx: Tx, person_id: int) -> Conversation | None:
    row = await tx.one(
        "SELECT flow, step, data FROM conversations WHERE person_id = ?", (person_id,))
    if row is None:
        return None
    return Conversation(row["flow"], row["step"], json.loads(row["data"] or "{}"))


async def set_conversation(tx: Tx, person_id: int, conv: Conversation, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO conversations (person_id, flow, step, data, updated_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(person_id) DO UPDATE SET flow = excluded.flow, step = excluded.step,"
        " data = excluded.data, updated_at = excluded.updated_at",
        (person_id, conv.flow, conv.step, json.dumps(conv.data, ensure_ascii=False), to_iso(now)),
    )


async def clear_conversation(tx: Tx, person_id: int) -> None:
    await tx.execute("DELETE FROM conversations WHERE person_id = ?", (person_id,))


async def claim_inbound(tx: Tx, event_key: str, now: datetime) -> bool:
    """Record an inbound event id; False when it was seen before (a platform retry)."""
    inserted = await tx.execute(
        "INSERT INTO inbox (event_key, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (event_key, to_iso(now)),
    )
    return inserted > 0


async def get_meta(tx: Tx, key: str) -> str | None:
    return await tx.value("SELECT value FROM meta WHERE key = ?", (key,))


async def set_meta(tx: Tx, key: str, value: str) -> None:
    await tx.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
