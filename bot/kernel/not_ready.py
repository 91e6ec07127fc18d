"""Waiting for something still being prepared without holding the write lock.

Right after a start the matching index of a big programme is built in a thread (3 s at
100,000 people). An event that needs it used to wait for it inside its transaction, so
with the write lock held: every other event, a /help included, waited too. Now the code
that needs it calls `until_ready`; inside a transaction run by `retried_when_ready` (every
event, every scheduled job) that raises NotReady instead: the transaction rolls back, the
wait happens with no lock held, and the whole transaction runs again. Anywhere else
`until_ready` simply waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
RETRIES = 3  # then the transaction runs once more and waits in place, whatever it needs

_can_retry: ContextVar[bool] = ContextVar("can_retry_when_ready", default=False)


class NotReady(Exception):
    """Raised inside a retried transaction: what it needs is `ready` (a future)."""

    def __init__(self, ready: asyncio.Future[Any]) -> None:
        super().__init__("not ready yet")
        self.ready = ready


async def until_ready(ready: asyncio.Future[Any]) -> None:
    """Wait until `ready` is done (its outcome is the caller's to read), or, inside a
    transaction that can run again, give the wait to `retried_when_ready`."""
    if ready.done():
        return
    if _can_retry.get():
        raise NotReady(ready)
    await asyncio.wait([ready])


async def retried_when_ready(transaction: Callable[[], Awaitable[T]]) -> T:
    """Run `transaction` (a whole one: it may run again from the start); whenever it finds
    something not ready, wait for that with no lock held, then run it again."""
    for _ in range(RETRIES):
        token = _can_retry.set(True)
        try:
            return await transaction()
        except NotReady as waiting:
            await asyncio.wait([waiting.ready])
        finally:
            _can_retry.reset(token)
    return await transaction()
