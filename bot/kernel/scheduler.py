"""The alarm clock: APScheduler wakes the dispatcher; the database says what is due.

APScheduler (AsyncIOScheduler, in-memory job store) keeps nothing worth keeping: the outbox
table is the schedule, so a restart loses nothing. One interval job runs
`Dispatcher.run_once()` every `[scheduler] tick_seconds`; after each run, a one-off job is
set for the next due row when it comes before the next tick, so a reminder goes out on
time instead of up to a tick late. `wake()` dispatches at once (an event has just
queued a message due now). `start()` first recovers what a crash left half-sent. A process
has one alarm and one dispatcher for all its platforms (adapters/main.py).

    alarm = await bot.kernel.scheduler.start(app, dispatcher)
    ...                       # adapters run; alarm.wake() after events
    await bot.kernel.scheduler.stop(alarm, dispatcher)

With a simulated clock the delay to the next row is measured on that clock and slept in
real time, which is what the console's `/time` expects.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.kernel.app import App
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.dispatcher import Dispatcher

log = logging.getLogger(__name__)

TICK_JOB = "dispatch-tick"
ALARM_JOB = "dispatch-alarm"
MIN_DELAY = timedelta(milliseconds=100)
STOP_GRACE_SECONDS = 10.0  # a send in progress at a stop is let finish (else it goes twice)


class Alarm:
    def __init__(self, app: App, dispatcher: Dispatcher, scheduler: AsyncIOScheduler,
                 tick: timedelta) -> None:
        self.app = app
        self.dispatcher = dispatcher
        self.scheduler = scheduler
        self.tick = tick
        self.stopping = False
        self._runs = 0  # the tick and a wake-up may overlap (run_once serialises them)
        self._again = False  # woken during a run: its claim may have missed the new rows
        self._idle = asyncio.Event()  # no run in progress
        self._idle.set()

    async def run(self) -> None:
        if self.stopping:
            return
        started = self.app.services.clock.now()
        self._runs += 1
        self._idle.clear()
        try:
            self._again = False
            await self.dispatcher.run_once()
            while self._again and not self.stopping:
                self._again = False
                await self.dispatcher.run_once()
        except Exception:  # the next tick tries again; rows stay in the database
            log.exception("scheduler.dispatch_failed")
        finally:
            self._runs -= 1
            if not self._runs:
                self._idle.set()
        if self.stopping:
            return
        try:
            await self._set_next(started)
        except Exception:
            log.exception("scheduler.alarm_failed")

    async def _set_next(self, started: datetime) -> None:
        """A one-off wake-up for the next row this run could not see, if it falls due
        before the next tick. Rows due before the run started are left to the tick: if they
        are still pending, another process holds the lease or they wait for a retry, and an
        immediate alarm would only spin."""
        async with self.app.db.read() as tx:
            next_due = await tx.value(
                "SELECT min(due_at) FROM outbox WHERE status = 'pending' AND due_at > ?",
                (to_iso(started),))
        if next_due is None:
            return
        # Stored times have whole seconds: the floor keeps a row due within the second the
        # run started from waking us more than a few times.
        delay = max(from_iso(next_due) - self.app.services.clock.now(), MIN_DELAY)
        if delay < self.tick:
            self.scheduler.add_job(self.run, "date", id=ALARM_JOB, replace_existing=True,
                                   run_date=datetime.now(UTC) + delay, misfire_grace_time=None)

    def wake(self) -> None:
        """Dispatch as soon as possible (a handled event queued messages due now)."""
        if self._runs:  # the run in progress goes round once more
            self._again = True
            return
        if self.scheduler.running and not self.stopping:
            self.scheduler.add_job(self.run, "date", id=ALARM_JOB, replace_existing=True,
                                   run_date=datetime.now(UTC), misfire_grace_time=None)

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """No new run; the one in progress finishes (up to `grace`), then the lease is
        given up for the next process."""
        self.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("scheduler.stop_cut_off")
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.dispatcher.release()


async def start(app: App, dispatcher: Dispatcher) -> Alarm:
    """Recover, then dispatch now, every tick, and when the next row falls due."""
    await dispatcher.recover()
    tick = timedelta(seconds=max(app.config.scheduler.tick_seconds, 0.05))
    scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
    alarm = Alarm(app, dispatcher, scheduler, tick)
    scheduler.add_job(alarm.run, "interval", id=TICK_JOB, seconds=tick.total_seconds(),
                      next_run_time=datetime.now(UTC), max_instances=1, coalesce=True,
                      misfire_grace_time=None)
    scheduler.start()
    return alarm


def wake(alarm: Alarm) -> None:
    """Dispatch as soon as possible (a handled event queued messages due now)."""
    alarm.wake()


async def stop(alarm: Alarm, dispatcher: Dispatcher) -> None:
    """Stop the alarm clock and give the dispatcher lease up for the next process."""
    assert alarm.dispatcher is dispatcher
    await alarm.stop()
