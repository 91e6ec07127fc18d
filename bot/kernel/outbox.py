"""Proactive and scheduled messages: written in the event's transaction, sent by the dispatcher.

A row holds a message *key* and its params, not a rendered text: it is rendered when sent,
in the recipient's language at that moment. A param may itself be a message
(`{"key": ..., "params": ...}`) so that e.g. a reason is translated too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.kernel.clock import to_iso
from bot.store.db import Tx


@dataclass(frozen=True)
class OutButton:
    label_key: str
    action_id: str
    value: str = ""
    label_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outgoing:
    """A message to render later: catalogue key + params, or a ready `text` (relayed words)."""

    key: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[OutButton, ...] = ()
    text: str = ""
    parts: tuple[Outgoing, ...] = ()  # several messages joined by blank lines

    def to_json(self) -> str:
        return json.dumps(_encode(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Outgoing:
        return _decode(json.loads(text))


def _encode(out: Outgoing) -> dict[str, Any]:
    return {
        "key": out.key, "params": out.params, "text": out.text,
        "buttons": [[b.label_key, b.action_id, b.value, b.label_params] for b in out.buttons],
        "parts": [_encode(p) for p in out.parts],
    }


def _decode(data: dict[str, Any]) -> Outgoing:
    return Outgoing(
        key=data.get("key", ""), params=data.get("params", {}), text=data.get("text", ""),
        buttons=tuple(OutButton(b[0], b[1], b[2], b[3] if len(b) > 3 else {})
                      for b in data.get("buttons", [])),
        parts=tuple(_decode(p) for p in data.get("parts", [])),
    )


async def enqueue(
    tx: Tx,
    person_id: int | None,
    message: Outgoing,
    *,
    due_at: datetime,
    key: str,
    kind: str = "message",
) -> bool:
    """Add a message for `person_id` (None: a job that concerns nobody in particular);
    False when a row with this idempotency key exists."""
    inserted = await tx.execute(
        "INSERT INTO outbox (person_id, kind, payload, due_at, idempotency_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING",
        (person_id, kind, message.to_json(), to_iso(due_at), key, to_iso(due_at)),
    )
    return inserted > 0


async def enqueue_many(
        tx: Tx, rows: list[tuple[int | None, Outgoing, datetime, str, str]]) -> None:
    """`enqueue` for several rows (person id, message, due at, key, kind) in one statement;
    a key that exists already is left alone, as there."""
    await tx.executemany(
        "INSERT INTO outbox (person_id, kind, payload, due_at, idempotency_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING",
        [(person_id, kind, message.to_json(), to_iso(due_at), key, to_iso(due_at))
         for person_id, message, due_at, key, kind in rows])


async def cancel(tx: Tx, key_prefix: str) -> int:
    """Cancel pending rows whose idempotency key starts with `key_prefix`.

    The keys with a prefix are one range of the key's unique index (`prefix <= key <
    after_prefix(prefix)`), so only the few rows of that request or meeting are read. `+status`
    keeps SQLite from choosing the status index instead, which would walk every pending row
    of the outbox (hundreds of thousands in a large programme) on each call.
    """
    upper = after_prefix(key_prefix)
    if upper is None:
        return await tx.execute("UPDATE outbox SET status = 'cancelled' WHERE +status = 'pending'"
                                " AND idempotency_key >= ?", (key_prefix,))
    return await tx.execute(
        "UPDATE outbox SET status = 'cancelled' WHERE +status = 'pending'"
        " AND idempotency_key >= ? AND idempotency_key < ?", (key_prefix, upper))


def after_prefix(prefix: str) -> str | None:
    """The smallest text greater than every text that starts with `prefix` (None: there is
    none). SQLite compares text as UTF-8 bytes, which orders like code points, as Python does."""
    while prefix:
        last = ord(prefix[-1]) + 1
        if last == 0xD800:  # surrogates cannot be stored: the next character is U+E000
            last = 0xE000
        if last <= 0x10FFFF:
            return prefix[:-1] + chr(last)
        prefix = prefix[:-1]
    return None
