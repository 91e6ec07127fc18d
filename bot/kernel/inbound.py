"""The inbound queue of a process: each person's events in order, different people in parallel.

Every adapter of a process puts what it received here and returns at once (Slack must have
its answer within 3 seconds; a Telegram poll goes on with the next update). The queue has one
lane per sender — an `Address.key`, so a person's DM and their button presses share a lane —
and runs a lane's items strictly one after the other, each to the end (event prepared, handed
to `Bot.handle`, replies answered) before the next starts, so a reply never overtakes the one
before it and a button is never pressed before the message that carries it was handled. Lanes
of different people run concurrently, at most `parallel` at a time.

    queue = InboundQueue(app.bot.handle, after=alarm.wake)
    done = queue.put(address.key, event, answer)    # answer(event, replies) sends them
    await queue.drain()                             # everything accepted so far is handled

An item's failure is logged (ids only) and does not stop its lane; the future `put` returns
always ends with None, so nobody has to collect it.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from bot.kernel.events import Event, Reply

log = logging.getLogger(__name__)

Handler = Callable[[Event], Awaitable[list[Reply]]]
Prepare = Callable[[], Awaitable[Event | None]]  # e.g. fetch a shared file, resolve a button
Answer = Callable[[Event, list[Reply]], Awaitable[None]]
Work = Callable[[], Awaitable[None]]
PARALLEL = 64  # people handled at the same time; SQLite has one writer anyway


@dataclass
class _Item:
    work: Work
    done: asyncio.Future[None]


class InboundQueue:
    def __init__(self, handle: Handler, *, after: Callable[[], None] | None = None,
                 parallel: int = PARALLEL) -> None:
        self.handle = handle
        self.after = after  # e.g. wake the alarm: the event may have queued messages
        self._lanes: dict[Hashable, collections.deque[_Item]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(parallel)
        self._idle = asyncio.Event()
        self._idle.set()
        self.closed = False

    def put(self, sender: Hashable, event: Event | Prepare, answer: Answer
            ) -> asyncio.Future[None]:
        """Queue an event (or a coroutine function that makes it, run in the lane) from
        `sender`; `answer(event, replies)` runs in the lane right after `Bot.handle`."""

        async def work() -> None:
            ready = await event() if callable(event) else event
            if ready is None:
                return
            replies = await self.handle(ready)
            await answer(ready, replies)

        return self.run(sender, work)

    def run(self, sender: Hashable, work: Work) -> asyncio.Future[None]:
        """Queue any work that must keep its place among `sender`'s events (a Home tab)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.closed:
            log.warning("inbound.refused_closed")
            done.set_result(None)
            return done
        lane = self._lanes.get(sender)
        item = _Item(work, done)
        if lane is not None:  # a worker is on this lane: it takes the item in turn
            lane.append(item)
            return done
        self._lanes[sender] = collections.deque([item])
        self._idle.clear()
        worker = asyncio.create_task(self._work(sender), name="inbound-lane")
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)
        return done

    async def _work(self, sender: Hashable) -> None:
        lane = self._lanes[sender]
        try:
            while lane:
                item = lane[0]
                try:
                    async with self._slots:
                        await item.work()
                except asyncio.CancelledError:
                    raise
                except Exception:  # one bad event must not stop this person's next ones
                    log.exception("inbound.failed")
                finally:
                    lane.popleft()
                    if not item.done.done():
                        item.done.set_result(None)
                if self.after is not None:
                    self.after()
        finally:
            for item in lane:  # cancelled at a stop past its grace: nobody waits in vain
                if not item.done.done():
                    item.done.set_result(None)
            del self._lanes[sender]
            if not self._lanes:
                self._idle.set()

    @property
    def pending(self) -> int:
        """Items accepted and not finished yet."""
        return sum(len(lane) for lane in self._lanes.values())

    async def drain(self) -> None:
        """Wait until everything accepted so far (and what it led to) is handled."""
        await self._idle.wait()

    async def close(self, grace: float) -> None:
        """Refuse new items, give those in hand `grace` seconds, then cancel the rest."""
        self.closed = True
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("inbound.cut_off", extra={"pending": self.pending})
            workers = list(self._workers)
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
