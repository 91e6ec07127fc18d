"""Replies a platform would not take right now: queued in the outbox, never dropped.

An adapter sends `Bot.handle`'s replies at once. When the platform still says "later" after
its SDK's own retry (a second 429: `RetryLater`), or the network fails, the adapter hands the
reply and the ones after it to `defer`: each becomes an outbox row due when the platform said,
in the same order, and the dispatcher delivers it (waiting out further 429s itself).

The row's idempotency key is the inbound event's id and the reply's index, so an event that
is handled twice cannot queue a reply twice. The text is stored already written (key
`common.verbatim`): it is the answer the person was given, in the language of that moment.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta

from bot.kernel import outbox, people
from bot.kernel.clock import Clock
from bot.kernel.dispatcher import attach_file
from bot.kernel.events import Event, Reply
from bot.kernel.outbox import OutButton, Outgoing
from bot.store.db import Database

log = logging.getLogger(__name__)

VERBATIM = "common.verbatim"  # "{text}" in every language
# After a network failure (no "retry after" from anyone): long enough for a blip to pass.
TRANSIENT_RETRY_SECONDS = 15.0


def reply_key(event: Event, index: int) -> str:
    """The outbox key of the `index`-th reply to `event` (a random one for an event without
    a platform id, which nothing can repeat anyway)."""
    user = event.user
    event_id = event.event_id or f"local-{uuid.uuid4().hex}"
    return f"reply:{user.platform}:{user.workspace}:{event_id}:{index}"


def as_outgoing(reply: Reply) -> Outgoing:
    """A written reply as an outbox message; its choices become buttons."""
    controls = (*reply.buttons, *reply.choices)
    return Outgoing(key=VERBATIM, params={"text": reply.text}, buttons=tuple(
        OutButton(VERBATIM, b.action_id, b.value, {"text": b.label}) for b in controls))


async def defer(db: Database, clock: Clock, event: Event, replies: Sequence[Reply], first: int,
                after_seconds: float) -> int:
    """Queue `replies[first:]`, due in `after_seconds`; returns how many rows were added.

    A reply to someone who has no profile row (they have just erased their data) cannot be
    queued: there is nobody to deliver it to later, and it is only logged.
    """
    due = clock.now() + timedelta(seconds=max(after_seconds, 0.0))
    queued = 0
    async with db.transaction() as tx:
        for index in range(first, len(replies)):
            reply = replies[index]
            person = await people.find_by_address(tx, reply.to)
            if person is None:
                log.warning("reply.not_queued", extra={"platform": reply.to.platform,
                                                       "user": reply.to.user_id})
                continue
            key = reply_key(event, index)
            if await outbox.enqueue(tx, person.id, as_outgoing(reply), due_at=due, key=key):
                queued += 1
                if reply.file is not None:
                    await attach_file(tx, key, reply.file)
    log.info("reply.deferred", extra={"platform": event.user.platform, "rows": queued,
                                      "after_seconds": after_seconds})
    return queued
