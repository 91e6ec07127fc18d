"""Several bot processes on one PostgreSQL database share the due work: each claims rows with
`FOR UPDATE SKIP LOCKED`, sends them, marks them sent. Nothing is sent twice outside the
documented crash window, nothing is lost when a process is killed, a frozen claimer's rows
are claimed again after their deadline, and a job runs once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.kernel import outbox, people
from bot.kernel.app import App
from bot.kernel.clock import SimulatedClock
from bot.kernel.dispatcher import FLUSH_EVERY, Dispatcher, schedule_job
from bot.kernel.events import Address, Reply
from bot.kernel.outbox import Outgoing
from bot.store import open_database
from bot.store.db import Tx
from tests.conftest import POSTGRES, who
from tests.slack_fake import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack

pytestmark = pytest.mark.skipif(not POSTGRES, reason="set MENTORBOT_TEST_DATABASE "
                                "(make test-postgres) to run several processes on PostgreSQL")

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 3
MESSAGES = 300
PEOPLE = 100  # three messages each: under Slack's per-channel burst, so no pacing waits
# The processes run `mentorbot run` on the real clock: rows due at a fixed past instant are
# due whenever the test runs (a plain message is never too late to go).
PAST = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)


def bot_config(tmp_path: Path, database: str, api_url: str) -> Path:
    path = tmp_path / "bot.toml"
    path.write_text(f"""
[bot]
database = "{database}"

[programmes.main]
name = "Programme Test"
slack_team = "{TEAM}"

[scheduler]
tick_seconds = 0.1

[slack]
bot_token = "{BOT_TOKEN}"
signing_secret = "{SIGNING_SECRET}"
mode = "http"
host = "127.0.0.1"
port = 0
api_url = "{api_url}"
""", encoding="utf-8")
    return path


def start_bot(config: Path, log: Path) -> subprocess.Popen[bytes]:
    """`mentorbot run --config FILE`, as systemd would start it."""
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "run", "--config", str(config)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
        env={**os.environ, "PYTHONPATH": str(ROOT)})


async def until(condition: Callable[[], Any], what: str, seconds: float = 90) -> None:
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)  # the fake Slack answers on this loop meanwhile
    raise AssertionError(f"never happened: {what}")


async def sent_by(app: App, pid: int) -> int:
    """Rows process `pid` recorded as sent (`claimed_by` is "host:pid:token")."""
    async with app.db.read() as tx:
        return await tx.value("SELECT count(*) FROM outbox WHERE kind != 'job'"
                              " AND status = 'sent' AND claimed_by LIKE ?", (f"%:{pid}:%",))


async def test_three_processes_share_a_burst_and_a_killed_one_loses_nothing(
        app: App, tmp_path: Path) -> None:
    fake = FakeSlack()
    api_url = await fake.start()
    fake.post_delay = 0.01  # a platform's round trip: the kill lands inside some send calls
    bots: list[subprocess.Popen[bytes]] = []
    try:
        users = [f"U0P{n:03d}" for n in range(PEOPLE)]
        async with app.db.transaction() as tx:
            ids = []
            for user in users:
                fake.add_user(user, user)
                person = await people.create(
                    tx, Address("slack", TEAM, user, display_name=user), 1, "en", PAST,
                    handle=user.lower())
                ids.append(person.id)
        config = bot_config(tmp_path, app.db.path, api_url)
        bots = [start_bot(config, tmp_path / f"bot{n}.log") for n in range(PROCESSES)]

        async def all_started() -> bool:
            return len(fake.calls_to("auth.test")) >= PROCESSES
        await until(all_started, "three processes started")
        await asyncio.sleep(0.5)  # past start-up: each dispatch loop is ticking
        async with app.db.transaction() as tx:
            for n in range(MESSAGES):
                await outbox.enqueue(tx, ids[n % PEOPLE], Outgoing(text=f"message {n:03d}"),
                                     due_at=PAST, key=f"burst:{n}")

        victim = bots[0]

        async def victim_busy() -> bool:
            return await sent_by(app, victim.pid) >= 30 or victim.poll() is not None
        await until(victim_busy, "the first process sent thirty messages")
        victim.send_signal(signal.SIGKILL)  # mid-burst: some sends in flight, some unflushed
        victim.wait(timeout=10)
        texts = lambda: [c.params.get("text") for c in fake.calls_to("chat.postMessage")]  # noqa: E731

        async def all_sent() -> bool:
            async with app.db.read() as tx:
                left = await tx.value("SELECT count(*) FROM outbox WHERE kind != 'job'"
                                      " AND status != 'sent'")
            return left == 0
        await until(all_sent, "every row sent")
        survivors = bots[1:]
        counts = [await sent_by(app, bot.pid) for bot in bots]
        for bot in survivors:
            bot.send_signal(signal.SIGTERM)
        for bot in survivors:
            assert bot.wait(timeout=30) == 0, (tmp_path / "bot1.log").read_text()
    finally:
        for bot in bots:
            if bot.poll() is None:
                bot.kill()
                bot.wait()
        await fake.close()

    received = Counter(texts())
    assert set(received) == {f"message {n:03d}" for n in range(MESSAGES)}  # nothing lost
    repeated = [text for text, times in received.items() if times > 1]
    assert all(received[text] == 2 for text in repeated)  # at most one repeat...
    assert len(repeated) <= FLUSH_EVERY + 1  # ...and only the killed process's window
    assert all(count > 0 for count in counts), counts  # every process took a share
    assert sum(counts) == MESSAGES


class Recorder:
    platform = "console"

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send(self, address: Address, reply: Reply) -> None:
        await asyncio.sleep(0)
        self.texts.append(reply.text)


class Freezing(Recorder):
    """Freezes inside its first send call until `thaw` is set (a stopped VM, a long GC)."""

    def __init__(self) -> None:
        super().__init__()
        self.thaw = asyncio.Event()

    async def send(self, address: Address, reply: Reply) -> None:
        self.texts.append(reply.text)  # the platform has it...
        await self.thaw.wait()         # ...but we have not heard back


async def test_a_frozen_claimers_rows_are_claimed_again_after_their_deadline(app: App) -> None:
    clock = app.services.clock
    assert isinstance(clock, SimulatedClock)
    async with app.db.transaction() as tx:
        mia = await people.create(tx, who("mia"), 1, "en", clock.now(), handle="mia")
        for n in range(10):
            await outbox.enqueue(tx, mia.id, Outgoing(text=f"m{n}"), due_at=clock.now(),
                                 key=f"test:{n}")
    other_db = await open_database(app.db.path)  # another process's connections
    try:
        frozen, taker = Freezing(), Recorder()
        first = Dispatcher(app.db, app.services.catalogue, clock, {"console": frozen})
        second = Dispatcher(other_db, app.services.catalogue, clock, {"console": taker})
        stuck = asyncio.create_task(first.run_once())
        while not frozen.texts:
            await asyncio.sleep(0.01)
        async with app.db.transaction() as tx:  # meanwhile, more falls due
            for n in range(10, 15):
                await outbox.enqueue(tx, mia.id, Outgoing(text=f"m{n}"), due_at=clock.now(),
                                     key=f"test:{n}")
        # The frozen process holds up none of it, and keeps what it claimed until its deadline.
        assert (await second.run_once()).sent == 5
        clock.advance(timedelta(seconds=31))  # its claim deadline (30 s) passes
        assert (await second.run_once()).sent == 10
        frozen.thaw.set()
        assert (await stuck).sent == 1  # the one in its hands; the rest it no longer holds
    finally:
        await other_db.close()
    assert sorted(taker.texts) == sorted(f"m{n}" for n in range(15))
    assert frozen.texts == ["m0"]  # the documented repeat: the row inside the send call
    async with app.db.read() as tx:
        rows = await tx.all("SELECT status, claimed_by FROM outbox WHERE kind != 'job'")
    assert {(r[0], r[1]) for r in rows} == {("sent", second.owner)}


async def test_jobs_claimed_by_two_processes_run_once_each(app: App) -> None:
    clock = app.services.clock
    ran: list[tuple[str, int]] = []

    def tally(name: str) -> Callable[[Tx, dict[str, Any]], Any]:
        async def handler(tx: Tx, params: dict[str, Any]) -> None:
            await tx.value("SELECT 1")  # a domain transaction: the writers' lock is held
            ran.append((name, params["n"]))
        return handler

    async with app.db.transaction() as tx:
        for n in range(120):
            await schedule_job(tx, "test.tally", {"n": n}, due_at=clock.now(), key=f"tally:{n}")
    other_db = await open_database(app.db.path)
    try:
        one = Dispatcher(app.db, app.services.catalogue, clock, {},
                         jobs={"test.tally": tally("one")})
        two = Dispatcher(other_db, app.services.catalogue, clock, {},
                         jobs={"test.tally": tally("two")})
        await asyncio.gather(one.run_once(), two.run_once())
    finally:
        await other_db.close()
    assert sorted(n for _, n in ran) == list(range(120))  # each job once
    assert {name for name, _ in ran} == {"one", "two"}    # both took a share
    async with app.db.read() as tx:
        left = await tx.value("SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'tally:%'"
                              " AND status != 'sent'")
    assert left == 0


async def test_a_process_leaves_alone_the_people_of_a_platform_it_does_not_serve(
        app: App) -> None:
    """A process that serves Slack only (Telegram is polled by one process per token) takes
    no message for a Telegram person: it stays due for the process that can send it."""
    clock = app.services.clock
    async with app.db.transaction() as tx:
        mia = await people.create(tx, who("mia"), 1, "en", clock.now(), handle="mia")
        noor = await people.create(tx, Address("slack", TEAM, "U0NOOR", display_name="Noor"),
                                   1, "en", clock.now(), handle="noor")
        await outbox.enqueue(tx, mia.id, Outgoing(text="to mia"), due_at=clock.now(),
                             key="test:mia")
        await outbox.enqueue(tx, noor.id, Outgoing(text="to noor"), due_at=clock.now(),
                             key="test:noor")
    other_db = await open_database(app.db.path)
    try:
        on_slack, on_console = Recorder(), Recorder()
        slack_only = Dispatcher(other_db, app.services.catalogue, clock, {"slack": on_slack})
        console = Dispatcher(app.db, app.services.catalogue, clock, {"console": on_console})
        assert (await slack_only.run_once()).sent == 1
        assert (await console.run_once()).sent == 1  # at once, not after a retry delay
    finally:
        await other_db.close()
    assert on_slack.texts == ["to noor"] and on_console.texts == ["to mia"]


async def test_one_unsolicited_message_a_day_holds_across_processes(app: App) -> None:
    """Two processes each claim some of a person's due surveys at once: the delivery gate
    judges them one process at a time, so she still gets one today, the rest later."""
    from bot.kernel.delivery import DeliveryGate

    clock = app.services.clock
    async with app.db.transaction() as tx:
        mia = await people.create(tx, who("mia"), 1, "en", clock.now(), handle="mia")
        for n in range(6):
            await outbox.enqueue(tx, mia.id, Outgoing(text=f"survey {n}"), due_at=clock.now(),
                                 key=f"survey:{900 + n}:p{mia.id}", kind="survey")
    other_db = await open_database(app.db.path)
    try:
        first, second = Recorder(), Recorder()
        dispatchers = [Dispatcher(db, app.services.catalogue, clock, {"console": recorder},
                                  batch=3, gate=DeliveryGate(app.services))
                       for db, recorder in ((app.db, first), (other_db, second))]
        await asyncio.gather(*(d.run_once() for d in dispatchers))
    finally:
        await other_db.close()
    assert len(first.texts + second.texts) == 1
    async with app.db.read() as tx:
        statuses = Counter(r[0] for r in await tx.all(
            "SELECT status FROM outbox WHERE kind = 'survey'"))
    assert statuses == Counter({"sent": 1, "pending": 5})  # postponed, not dropped
