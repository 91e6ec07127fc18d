"""The same events on SQLite and on PostgreSQL: latency per event and dispatch throughput.

Part 1: `--people` newcomers each send three events one after the other (/start, the
language button, /help) through the real Bot: p50 / p99 / max per event and events per
second, one process.
Part 2: `--messages` outbox rows due at once, sent by the real dispatcher to a recording
transport: messages per second.

    python bench/bench_store.py [--people 200] [--messages 5000]
        [--postgres postgresql://postgres@127.0.0.1:5432/test]

PostgreSQL runs in a schema of its own, dropped afterwards. Numbers go in notes and the
README, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App, build_app
from bot.clock import SimulatedClock
from bot.config import Config, ProgrammeSettings
from bot.events import Action, Address, Command, Reply
from bot.outbox import Outgoing

START = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # a fixed instant: same run at any hour


class Recording:
    platform = "console"

    def __init__(self) -> None:
        self.count = 0

    async def send(self, address: Address, reply: Reply) -> None:
        self.count += 1


def config_for(database: str) -> Config:
    config = Config()
    config.bot.database = database
    config.programmes = {"main": ProgrammeSettings(name="Bench")}
    return config


async def events(app: App, people: int) -> list[float]:
    timings = []
    for n in range(people):
        who = Address("console", "local", f"p{n}", display_name=f"P{n}")
        started = time.perf_counter()
        replies = await app.bot.handle(Command(who, "start", ""))
        timings.append(time.perf_counter() - started)
        button = next(b for r in replies for b in (*r.buttons, *r.choices))
        started = time.perf_counter()
        await app.bot.handle(Action(who, button.action_id, button.value))
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        await app.bot.handle(Command(who, "help", ""))
        timings.append(time.perf_counter() - started)
    return timings


async def dispatch(app: App, messages: int) -> tuple[int, float]:
    from bot import outbox

    async with app.db.transaction() as tx:
        person = await tx.value("SELECT min(id) FROM people")
        for n in range(messages):
            await outbox.enqueue(tx, person, Outgoing(text=f"m{n}"), due_at=START,
                                 key=f"bench:{n}")
    transport = Recording()
    dispatcher = app.dispatcher({"console": transport})
    started = time.perf_counter()
    await dispatcher.run_once()
    return transport.count, time.perf_counter() - started


async def measure(name: str, database: str, args: argparse.Namespace) -> None:
    app = await build_app(config_for(database), SimulatedClock(START))
    try:
        timings = sorted(await events(app, args.people))
        sent, seconds = await dispatch(app, args.messages)
    finally:
        await app.close()
    ms = [t * 1000 for t in timings]
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{name:10s} events: {len(ms)}, p50 {statistics.median(ms):.2f} ms, p99 {p99:.2f} ms,"
          f" max {ms[-1]:.2f} ms, {len(ms) / (sum(timings)):.0f} events/s;"
          f" dispatch: {sent} messages in {seconds:.2f} s = {sent / seconds:.0f}/s")


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as work:
        await measure("sqlite", str(Path(work) / "bench.sqlite3"), args)
    if args.postgres:
        import asyncpg

        schema = f"bench_{uuid.uuid4().hex[:12]}"
        url = f"{args.postgres}{'&' if '?' in args.postgres else '?'}search_path={schema}"
        try:
            await measure("postgresql", url, args)
        finally:
            conn = await asyncpg.connect(args.postgres)
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL URL, or '' to measure SQLite only")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
