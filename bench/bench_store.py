"""The same events on SQLite and on PostgreSQL: latency per event and dispatch throughput.

Part 1: `--people` newcomers each send three events one after the other (/start, the
language button, /help) through the real Bot: p50 / p99 / max per event and events per
second, one process.
Part 2: `--messages` outbox rows due at once, sent by the real dispatcher to a recording
transport: messages per second.
Part 3: `--shared` rows due at once, sent by 1, 2 and 4 bot processes on PostgreSQL (each
claims with SKIP LOCKED) and by one process on SQLite (its only mode), each send costing
`--send-ms` (a platform's round trip): messages per second, as a ratio to SQLite's, in the
same run; every row is checked sent exactly once.

    python bench/bench_store.py [--people 200] [--messages 5000] [--shared 4000]
        [--send-ms 2] [--postgres postgresql://postgres@127.0.0.1:5432/test]

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

from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.events import Action, Address, Command, Reply
from bot.kernel.outbox import Outgoing

START = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # a fixed instant: same run at any hour


class Recording:
    platform = "console"

    def __init__(self, seconds: float = 0.0) -> None:
        self.count = 0
        self.seconds = seconds

    async def send(self, address: Address, reply: Reply) -> None:
        if self.seconds:
            await asyncio.sleep(self.seconds)
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
    from bot.kernel import outbox

    async with app.db.transaction() as tx:
        person = await tx.value("SELECT min(id) FROM people")
        for n in range(messages):
            await outbox.enqueue(tx, person, Outgoing(text=f"m{n}"), due_at=START,
                                 key=f"bench:{n}")
    transport = Recording()
    dispatcher = app.dispatcher({"console": transport})
    started = time.perf_counter()
    await dispatcher.run_once()
    elapsed = time.perf_counter() - started
    await dispatcher.release()  # SQLite: the lease goes to part 3's processes
    return transport.count, elapsed


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


# --- part 3: several processes ------------------------------------------------------------

UNSENT = ("SELECT count(*) FROM outbox WHERE idempotency_key LIKE ?"
          " AND status IN ('pending', 'sending')")


async def worker(database: str, send_ms: float, round_name: str) -> None:
    """One bot process that only dispatches: ready, then on "go" sends until nothing is left
    (its own rows and everyone else's), then prints how many it sent."""
    app = await build_app(config_for(database), SimulatedClock(START))
    transport = Recording(send_ms / 1000)
    dispatcher = app.dispatcher({"console": transport})
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        while True:
            await dispatcher.run_once()
            async with app.db.read() as tx:
                if not await tx.value(UNSENT, (f"{round_name}:%",)):
                    break
            await asyncio.sleep(0.005)  # rows in others' hands: wait for them
    finally:
        await dispatcher.release()
        await app.close()
    print(f"sent {transport.count}", flush=True)


async def shared(database: str, processes: int, messages: int, send_ms: float,
                 round_name: str) -> tuple[float, list[int]]:
    """Messages per second when `processes` bot processes send `messages` rows due at once."""
    from bot.kernel import outbox

    app = await build_app(config_for(database), SimulatedClock(START))
    try:
        async with app.db.transaction() as tx:
            person = await tx.value("SELECT min(id) FROM people")
            for n in range(messages):
                await outbox.enqueue(tx, person, Outgoing(text=f"m{n}"), due_at=START,
                                     key=f"{round_name}:{n}")
    finally:
        await app.close()
    bots = [await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--worker", database, "--send-ms", str(send_ms),
        "--round", round_name,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE) for _ in range(processes)]
    for bot in bots:  # started and built: what is timed is the sending only
        assert bot.stdout is not None and await bot.stdout.readline() == b"ready\n"
    started = time.perf_counter()
    for bot in bots:
        assert bot.stdin is not None
        bot.stdin.write(b"go\n")
        await bot.stdin.drain()
    outputs = [(await bot.communicate())[0].decode() for bot in bots]
    seconds = time.perf_counter() - started
    shares = [int(out.split()[-1]) for out in outputs]
    if sum(shares) != messages:
        raise SystemExit(f"{round_name}: {sum(shares)} sends for {messages} rows")
    return messages / seconds, shares


async def measure_shared(sqlite: str, postgres: str, args: argparse.Namespace) -> None:
    print(f"dispatch by several processes: {args.shared} messages due at once, "
          f"{args.send_ms:g} ms per send")
    base, _ = await shared(sqlite, 1, args.shared, args.send_ms, "sqlite-1")
    print(f"  sqlite     1 process:   {base:7.0f} messages/s  1.00 x")
    if not postgres:
        return
    for processes in (1, 2, 4):
        rate, shares = await shared(postgres, processes, args.shared, args.send_ms,
                                    f"pg-{processes}")
        print(f"  postgresql {processes} process{'es' if processes > 1 else '  '}: {rate:7.0f}"
              f" messages/s  {rate / base:.2f} x sqlite (each sent {shares})")


async def main_async(args: argparse.Namespace) -> None:
    if args.worker:
        await worker(args.worker, args.send_ms, args.round)
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    url = ""
    if args.postgres:
        url = f"{args.postgres}{'&' if '?' in args.postgres else '?'}search_path={schema}"
    with tempfile.TemporaryDirectory() as work:
        sqlite = str(Path(work) / "bench.sqlite3")
        try:
            await measure("sqlite", sqlite, args)
            if url:
                await measure("postgresql", url, args)
            if args.shared:
                await measure_shared(sqlite, url, args)
        finally:
            if url:
                import asyncpg

                conn = await asyncpg.connect(args.postgres)
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--shared", type=int, default=4000,
                        help="messages sent by 1, 2 and 4 processes (0: skip part 3)")
    parser.add_argument("--send-ms", type=float, default=2.0,
                        help="what one send costs in part 3 (a platform's round trip)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL URL, or '' to measure SQLite only")
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)
    parser.add_argument("--round", default="", help=argparse.SUPPRESS)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
