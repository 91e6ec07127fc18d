"""The dispatcher keeps its promises: one sender at a time, nothing lost, nothing sent twice
outside the crash window, late reminders dropped, platforms' limits waited out."""

from __future__ import annotations

import asyncio
import os
import socket
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.kernel import outbox, people
from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.dispatcher import LEASE_KEY, Dispatcher, attach_file, set_deadline
from bot.kernel.events import Address, Attachment, Reply
from bot.kernel.outbox import Outgoing
from bot.kernel.transport import RetryLater, Unreachable
from bot.store import open_database
from bot.store.db import Database
from bot.store.state import set_meta
from tests.conftest import POSTGRES, START, make_config, who

# SQLite has one dispatching process (a lease); on PostgreSQL every process claims rows
# (tests/test_dispatch_shared_postgres.py says what holds there instead).
lease_only = pytest.mark.skipif(bool(POSTGRES), reason="SQLite's dispatcher lease")


class Recorder:
    """A transport that remembers what it sent, and can misbehave on demand."""

    platform = "console"

    def __init__(self) -> None:
        self.sent: list[Reply] = []
        self.unreachable: set[str] = set()
        self.limit_once: set[str] = set()
        self.broken: set[str] = set()

    async def send(self, address: Address, reply: Reply) -> None:
        if address.user_id in self.unreachable:
            raise Unreachable(address.user_id)
        if reply.text in self.limit_once:
            self.limit_once.discard(reply.text)
            raise RetryLater(0.25)
        if reply.text in self.broken:
            raise ConnectionError("boom")
        await asyncio.sleep(0)
        self.sent.append(reply)

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.sent]


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await build_app(make_config(tmp_path), SimulatedClock(START))
    yield application
    await application.close()


async def person(app: App, handle: str) -> int:
    async with app.db.transaction() as tx:
        created = await people.create(tx, who(handle), 1, "en", app.services.clock.now(),
                                      handle=handle)
        return created.id


async def queue(app: App, person_id: int, texts: list[str], *, kind: str = "message",
                due_in: timedelta = timedelta(0)) -> None:
    due = app.services.clock.now() + due_in
    async with app.db.transaction() as tx:
        for text in texts:
            await outbox.enqueue(tx, person_id, Outgoing(text=text), due_at=due,
                                 key=f"test:{text}", kind=kind)


def dispatcher(app: App, transport: Recorder, db: Database | None = None,
               **options: object) -> Dispatcher:
    return Dispatcher(db or app.db, app.services.catalogue, app.services.clock,
                      {"console": transport}, **options)  # type: ignore[arg-type]


async def statuses(app: App) -> Counter[str]:
    """Statuses of the messages queued by the test (not the daily jobs seeded at start-up)."""
    async with app.db.read() as tx:
        return Counter(r[0] for r in await tx.all("SELECT status FROM outbox WHERE kind != 'job'"))


def advance(app: App, delta: timedelta) -> None:
    clock = app.services.clock
    assert isinstance(clock, SimulatedClock)
    clock.advance(delta)


@lease_only
async def test_two_dispatchers_on_one_database_never_send_twice(app: App) -> None:
    mia = await person(app, "mia")
    await queue(app, mia, [f"message {n}" for n in range(300)])
    second_db = await open_database(app.db.path)
    try:
        first, second = Recorder(), Recorder()
        one = dispatcher(app, first, batch=50)
        two = dispatcher(app, second, second_db, batch=50)
        await one.recover()  # `one` starts first and takes the lease
        await asyncio.gather(one.run_once(), two.run_once(), one.run_once(), two.run_once())
        everything = first.texts + second.texts
        assert len(everything) == 300 and len(set(everything)) == 300
        assert not second.texts  # the first holds the lease: the second claimed nothing
        await queue(app, mia, ["after a while"])
        advance(app, timedelta(seconds=10))
        assert (await two.run_once()).sent == 0  # lease still held by `one`
        advance(app, timedelta(seconds=31))
        assert (await two.run_once()).sent == 1  # expired: taken over
        assert second.texts == ["after a while"]
        await queue(app, mia, ["later still"])
        assert (await one.run_once()).sent == 0  # now `two` holds it
    finally:
        await second_db.close()
    assert await statuses(app) == Counter({"sent": 301, "pending": 1})


@lease_only
async def test_rows_a_dead_process_left_sending_are_sent_again_once(app: App) -> None:
    mia = await person(app, "mia")
    await queue(app, mia, ["was being sent", "was waiting"])
    dead = f"{socket.gethostname()}:{_dead_pid()}:feedbeef"
    until = to_iso(app.services.clock.now() + timedelta(seconds=25))
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE outbox SET status = 'sending', claimed_by = ?, attempts = 1"
                         " WHERE idempotency_key = 'test:was being sent'", (dead,))
        await set_meta(tx, LEASE_KEY, f"{dead}|{until}")
    recorder = Recorder()
    fresh = dispatcher(app, recorder)
    assert await fresh.recover() == 1  # the owner is gone: no need to wait for its lease
    await fresh.run_once()
    assert sorted(recorder.texts) == ["was being sent", "was waiting"]
    await fresh.run_once()
    assert len(recorder.sent) == 2


@lease_only
async def test_a_live_owner_keeps_its_rows_until_its_lease_expires(app: App) -> None:
    mia = await person(app, "mia")
    await queue(app, mia, ["in flight elsewhere"])
    alive = f"other-host:{os.getpid()}:cafe"  # another machine: we can't see its process
    until = to_iso(app.services.clock.now() + timedelta(seconds=30))
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE outbox SET status = 'sending', claimed_by = ?", (alive,))
        await set_meta(tx, LEASE_KEY, f"{alive}|{until}")
    recorder = Recorder()
    mine = dispatcher(app, recorder)
    assert await mine.recover() == 0
    assert (await mine.run_once()).sent == 0
    advance(app, timedelta(seconds=31))
    assert (await mine.run_once()).sent == 1
    assert recorder.texts == ["in flight elsewhere"]


async def test_late_reminders_are_missed_but_late_messages_still_go(app: App) -> None:
    mia = await person(app, "mia")
    await queue(app, mia, ["old reminder"], kind="reminder", due_in=timedelta(hours=1))
    await queue(app, mia, ["fresh reminder"], kind="reminder", due_in=timedelta(hours=9))
    await queue(app, mia, ["old introduction"], due_in=timedelta(hours=1))
    async with app.db.transaction() as tx:
        await outbox.enqueue(tx, mia, Outgoing(text="reminder after the meeting began"),
                             due_at=app.services.clock.now() + timedelta(hours=8),
                             key="test:stale", kind="reminder")
        began = app.services.clock.now() + timedelta(hours=8, minutes=30)
        await set_deadline(tx, "test:stale", began)
    advance(app, timedelta(hours=10))  # a downtime: 9 hours late for the first ones
    recorder = Recorder()
    report = await dispatcher(app, recorder).run_once()
    assert sorted(recorder.texts) == ["fresh reminder", "old introduction"]
    assert report.missed == 2 and report.sent == 2


async def test_late_policy_send_still_drops_what_is_past_its_deadline(app: App) -> None:
    mia = await person(app, "mia")
    await queue(app, mia, ["old reminder"], kind="reminder", due_in=timedelta(hours=1))
    async with app.db.transaction() as tx:
        await outbox.enqueue(tx, mia, Outgoing(text="stale"), key="test:stale",
                             due_at=app.services.clock.now(), kind="reminder")
        await set_deadline(tx, "test:stale", app.services.clock.now() + timedelta(hours=1))
    advance(app, timedelta(hours=10))
    recorder = Recorder()
    await dispatcher(app, recorder, late_policy="send").run_once()
    assert recorder.texts == ["old reminder"]


async def test_a_platform_limit_is_waited_out_and_the_message_sent_once(app: App) -> None:
    mia = await person(app, "mia")
    await queue(app, mia, ["one", "two", "three"])
    recorder = Recorder()
    recorder.limit_once.add("two")
    report = await dispatcher(app, recorder).run_once()
    assert recorder.texts == ["one", "two", "three"]  # in order, none lost, none twice
    assert report.sent == 3 and report.waited >= 0.25
    async with app.db.read() as tx:
        assert await tx.value("SELECT attempts FROM outbox WHERE idempotency_key = 'test:two'") == 1


async def test_unreachable_address_falls_back_to_the_other_one(app: App) -> None:
    mia = await person(app, "mia")
    async with app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO addresses (platform, workspace, user_id, person_id, created_at)"
            " VALUES ('console', 'local', 'mia-phone', ?, ?)",
            (mia, to_iso(app.services.clock.now() + timedelta(seconds=1))))
    await queue(app, mia, ["hello", "again"])
    recorder = Recorder()
    recorder.unreachable.add("mia")
    await dispatcher(app, recorder).run_once()
    assert [(r.to.user_id, r.text) for r in recorder.sent] == [("mia-phone", "hello"),
                                                               ("mia-phone", "again")]
    async with app.db.read() as tx:
        marked = await tx.value("SELECT unreachable_at FROM addresses WHERE user_id = 'mia'")
    assert marked is not None


async def test_files_travel_with_their_row_and_broken_rows_do_not_block_others(
        app: App) -> None:
    mia = await person(app, "mia")
    await queue(app, mia, ["with a file", "flaky"])
    async with app.db.transaction() as tx:
        await attach_file(tx, "test:with a file",
                          Attachment("invite.ics", b"BEGIN:VCALENDAR", "text/calendar"))
        await tx.insert("INSERT INTO outbox (person_id, payload, due_at, idempotency_key,"
                        " created_at) VALUES (?, 'not json', ?, 'test:corrupt', ?)",
                        (mia, to_iso(app.services.clock.now()), to_iso(app.services.clock.now())))
    recorder = Recorder()
    recorder.broken.add("flaky")
    report = await dispatcher(app, recorder).run_once()
    assert recorder.texts == ["with a file"]
    assert recorder.sent[0].file == Attachment("invite.ics", b"BEGIN:VCALENDAR", "text/calendar")
    assert report.failed == 2
    async with app.db.read() as tx:
        rows = {r[0]: (r[1], r[2]) for r in await tx.all(
            "SELECT idempotency_key, status, error FROM outbox")}
    assert rows["test:corrupt"] == ("failed", "bad payload")
    assert rows["test:flaky"] == ("pending", "ConnectionError")  # tried again later


async def test_a_dispatcher_that_lost_its_lease_stops_and_loses_nothing(app: App) -> None:
    mia = await person(app, "mia")
    await queue(app, mia, [f"m{n:03d}" for n in range(40)])
    second_db = await open_database(app.db.path)
    try:
        taker = Recorder()
        other = dispatcher(app, taker, second_db)

        class Freezing(Recorder):
            """Freezes (the clock jumps) after ten sends; the other process takes over."""

            async def send(self, address: Address, reply: Reply) -> None:
                await super().send(address, reply)
                if len(self.sent) == 10:
                    advance(app, timedelta(seconds=40))
                    await other.run_once()

        frozen = Freezing()
        await dispatcher(app, frozen, flush_every=5).run_once()
        everything = frozen.texts + taker.texts
        assert sorted(set(everything)) == [f"m{n:03d}" for n in range(40)]  # nothing lost
        duplicates = [t for t, n in Counter(everything).items() if n > 1]
        assert len(duplicates) <= 5  # only what was sent but not yet flushed: the window
    finally:
        await second_db.close()


def _dead_pid() -> int:
    """A process id that is not running here."""
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid += 1


async def test_the_alarm_clock_dispatches_on_time_and_when_woken(app: App) -> None:
    from bot.kernel.scheduler import start, stop, wake

    mia = await person(app, "mia")
    app.config.scheduler.tick_seconds = 60  # only the alarm for the next row can be on time
    recorder = Recorder()
    sender = dispatcher(app, recorder)
    await queue(app, mia, ["in a moment"], due_in=timedelta(milliseconds=400))
    scheduler = await start(app, sender)
    try:
        await _until(lambda: recorder.texts == ["in a moment"])
        await queue(app, mia, ["right now"])
        wake(scheduler)
        await _until(lambda: recorder.texts == ["in a moment", "right now"])
    finally:
        await stop(scheduler, sender)
    async with app.db.read() as tx:
        assert await tx.value("SELECT value FROM meta WHERE key = ?", (LEASE_KEY,)) is None


async def _until(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "not delivered in time"
        await asyncio.sleep(0.02)
