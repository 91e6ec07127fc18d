"""Domain events inside one transaction: "onboarded", "matched", "meeting_held", ...

A feature that reacts to another's change (a nudge after a match, points for a held
meeting) subscribes here instead of being called by name, so modules stay independent.
Subscribers run in the emitter's transaction: their writes commit or roll back with it.

Events and their data (all ids):
- started: (nothing) — once per process start, e.g. to seed daily jobs
- onboarded: person_id
- request_sent: request_id, mentee_id, mentor_id
- matched: match_id, mentee_id, mentor_id, source ("request" | "cohort" | "manual")
- relationship_ended: match_id, mentee_id, mentor_id, reason
- meeting_confirmed: meeting_id, match_id, starts_at (UTC ISO), number (1 = first meeting)
- meeting_held: meeting_id, match_id, mentee_id, mentor_id, number (held meetings so far)
- relationship_quiet: match_id, mentee_id, mentor_id, weeks
- checkin_answered: person_id, match_id
- survey_answered: person_id, match_id
- lesson_completed: person_id, lesson_id — a lesson read or done (bot/training.py)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.context import Services
    from bot.store.db import Tx

Subscriber = Callable[["Tx", "Services", dict[str, Any]], Awaitable[None]]


@dataclass
class Hooks:
    subscribers: dict[str, list[Subscriber]] = field(default_factory=dict)

    def on(self, event: str, subscriber: Subscriber) -> None:
        self.subscribers.setdefault(event, []).append(subscriber)

    async def emit(self, tx: Tx, services: Services, event: str, **data: Any) -> None:
        for subscriber in self.subscribers.get(event, []):
            await subscriber(tx, services, data)
