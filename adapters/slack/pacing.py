"""About one message per second per channel, as Slack asks, with a short burst allowed.

A generic cell-rate algorithm: each channel has a "theoretical arrival time"; a send may go
`burst - 1` intervals ahead of it, otherwise it waits. So a reply of four messages goes out
at once, while a bulk send (reminders, a coordinator's announcement) settles at one message
per interval for each person.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable

MAX_TRACKED = 4096


class Pacer:
    def __init__(self, interval: float = 1.0, burst: int = 4, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.interval = interval
        self.burst = max(1, burst)
        self._clock = clock
        self._sleep = sleep
        self._due: dict[str, float] = {}
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = \
            weakref.WeakValueDictionary()

    async def wait(self, channel: str) -> None:
        """Return when one more message may be posted to `channel`."""
        lock = self._locks.get(channel)
        if lock is None:
            lock = self._locks[channel] = asyncio.Lock()
        async with lock:
            now = self._clock()
            due = max(self._due.get(channel, now), now)
            delay = due - (self.burst - 1) * self.interval - now
            if delay > 0:
                await self._sleep(delay)
            self._due[channel] = due + self.interval
            if len(self._due) > MAX_TRACKED:
                self._forget_idle(self._clock())

    def _forget_idle(self, now: float) -> None:
        for channel in [c for c, due in self._due.items() if due <= now]:
            del self._due[channel]
