"""Events benchmark: participant events end to end through `Bot.handle` on a seeded programme.

For each size (1k and 10k people by default, 100k with --big) a programme is seeded through
the project's own code (bench/seed_programme.py: 3 mentees for 1 mentor, matches, meetings,
pending requests, outbox rows), then events are timed one at a time through `Bot.handle`,
as an adapter hands them over (each with a platform event id):

- help: `/help` from a random participant;
- onboarding answer: every typed answer of newcomers going through onboarding;
- /find, Request, Send, Accept: an unmatched mentee asks for suggestions, presses Request on
  the first card, presses Send; the mentor presses Accept;
- /points: a random participant;
- /admin stats: the coordinator; while it runs, a participant sends /help every few ms,
  and the worst of those latencies says whether stats block others;
- mixed: the same kinds of events from many people at once (`--concurrency` sessions in
  flight), as events per second. Sessions are drawn at random: 25 % newcomers answering
  every onboarding question (11-12 answers), 30 % seekers (/find, Request, Send, and their
  mentor's Accept), 45 % regulars (/points, then /help): about 58 % onboarding answers, 6 %
  each of /find, Request, Send and Accept, 9 % each of /points and /help.

The loop turns once before each event, as when an adapter reads it off a socket, so that
background work (WAL checkpoints) runs between events as in a bot. The first /find after
start-up is timed with a /help from someone else sent 50 ms after it (does the wait for the
matching index hold others up?).

Each latency is also given as a multiple of one write transaction as the bot commits them
(BEGIN IMMEDIATE, one upsert, COMMIT; WAL with synchronous=NORMAL) measured in the same run
on the same file, so that figures from a slower or busier machine can be compared. The
garbage collector's pauses are counted too.

    python -m bench.bench_events [--sizes 1000,10000] [--big] [--samples 300]
                                 [--mixed 3000] [--concurrency 16] [--cache DIR]

--cache keeps each seeded database in DIR (events-<size>.sqlite3) and copies it for every
run, so that code before and after a change is measured on the same data (--seed-only just
fills it: 100k people take about 12 minutes). --statements
prints the slowest SQL statements of each event kind (a diagnostic; it slows the events);
--count how many statements, transactions and trips to a database thread each kind of event
takes, one at a time and in the mixed stream (a machine's load does not change them). The mixed
stream also gives the processor time it took per event (every thread; the loop's alone).
Numbers go in bench/README.md, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import gc
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed_programme import COORDINATOR, BenchClock, Seeded, address, seed
from bot.kernel.app import App, build_app
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.events import Action, Command, Event, Message, Reply
from bot.kernel.people import Person
from bot.store.db import Tx

KINDS = ("help", "onboarding answer", "/find", "Request", "Send", "Accept", "/points",
         "/admin stats")
PARTICIPANT_KINDS = KINDS[:-1]
# What a newcomer types, question after question (the time zone is pressed as a button).
ONBOARDING = [
    ["hello", "English", "yes", "mentee", "public speaking and negotiating a raise",
     "I want to speak up in meetings and ask for a fair salary.", "English and French",
     "Europe/Paris", "Tue 6-8pm, Thu noon-1pm", "2", "Sales"],
    ["bonjour", "français", "oui", "mentor", "gestion de projet, management d'équipe",
     "Quinze ans de gestion de projet, j'aime transmettre.", "français", "Montréal",
     "mardi 17h-19h", "4", "/skip", "2"],
]
DEFAULT_SIZES = (1_000, 10_000)


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    cpu_s: float = 0.0  # processor time of the whole process (every thread) meanwhile
    loop_cpu_s: float = 0.0  # the event loop's thread alone (the events, not the checkpoints)

    def add(self, kind: str, seconds: float) -> None:
        self.samples[kind].append(seconds * 1000)


class GcWatch:
    """Pauses of the cyclic garbage collector while events run."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = defaultdict(list)
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append((time.perf_counter() - self._started) * 1000)

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


class Statements:
    """--statements: time spent in each SQL statement, per event kind (wraps Tx). --count:
    only how many statements, transactions and trips to a database thread each event takes
    (figures that a busy machine does not change). The kind is the task's own (a context
    variable), so that events in flight together are counted apart."""

    def __init__(self, timed: bool = True) -> None:
        self.timed = timed
        self.spent: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.by_sql: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    @property
    def kind(self) -> str:
        return _KIND.get()

    @kind.setter
    def kind(self, value: str) -> None:
        _KIND.set(value)

    def install(self) -> None:
        for name in ("execute", "insert", "one", "all", "value", "executemany"):
            original = getattr(Tx, name)
            setattr(Tx, name, self._timed(original) if self.timed else self._counted(original))
        if self.timed:
            return
        import aiosqlite

        from bot.store import db

        hop = aiosqlite.Connection._execute
        reader_hop = db._Reader.run
        begin, begin_immediate = db.Database._begin, db.Database._begin_immediate
        watch = self

        async def counted_hop(conn: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            watch._count("thread trips")
            return await hop(conn, fn, *args, **kwargs)

        async def counted_reader_hop(reader: Any, *args: Any) -> Any:
            watch._count("thread trips")
            return await reader_hop(reader, *args)

        async def counted_begin(database: Any, sql: str) -> None:
            watch._count("transactions")
            await begin(database, sql)

        async def counted_begin_immediate(database: Any) -> None:
            watch._count("transactions")
            await begin_immediate(database)

        decode = Person.from_row.__func__  # type: ignore[attr-defined]

        def counted_decode(cls: type[Person], row: Any) -> Person:
            watch._count("people decoded")
            return decode(cls, row)

        Person.from_row = classmethod(counted_decode)  # type: ignore[method-assign,assignment]
        aiosqlite.Connection._execute = counted_hop  # type: ignore[method-assign]
        db._Reader.run = counted_reader_hop  # type: ignore[method-assign]
        db.Database._begin = counted_begin  # type: ignore[method-assign]
        db.Database._begin_immediate = counted_begin_immediate  # type: ignore[method-assign]

    def _count(self, what: str, n: int = 1) -> None:
        if self.kind:
            self.counts[self.kind][what] += n

    def _counted(self, original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        watch = self

        async def counted(tx: Tx, sql: str, *args: Any) -> Any:
            if original.__name__ != "value":  # value() is one(): counted there
                watch._count("statements")
                if watch.kind:
                    watch.by_sql[watch.kind][_MARKS.sub("(?, …)", " ".join(sql.split()))[:150]] += 1
            result = await original(tx, sql, *args)
            if isinstance(result, list):
                watch._count("rows", len(result))
            return result
        return counted

    def _timed(self, original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        watch = self

        async def timed(tx: Tx, sql: str, *args: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(tx, sql, *args)
            finally:
                if watch.kind:
                    watch.spent[watch.kind][" ".join(sql.split())[:160]].append(
                        (time.perf_counter() - started) * 1000)
        return timed

    def report(self, timings: Timings | None = None, title: str = "") -> None:
        if not self.timed and timings is not None:
            print(f"\n  per event{title}: statements / transactions / trips to a database"
                  " thread / rows read by all() / people rows decoded")
            for kind in KINDS:
                n = len(timings.samples.get(kind, ()))
                if n:
                    c = self.counts.get(kind, {})
                    print(f"    {kind:<20} n={n:<5} {c.get('statements', 0) / n:7.1f}"
                          f" {c.get('transactions', 0) / n:6.2f}"
                          f" {c.get('thread trips', 0) / n:6.2f} {c.get('rows', 0) / n:7.1f}"
                          f" {c.get('people decoded', 0) / n:6.1f}")
            for kind in KINDS:
                n = len(timings.samples.get(kind, ()))
                if n and VERBOSE_COUNT:
                    print(f"\n  statements of {kind}, per event:")
                    for sql, count in sorted(self.by_sql[kind].items(), key=lambda kv: -kv[1]):
                        print(f"    {count / n:6.2f}  {sql}")
            self.counts.clear()
            self.by_sql.clear()
            return
        for kind, spent in self.spent.items():
            total = sum(sum(v) for v in spent.values())
            calls = sum(len(v) for v in spent.values())
            print(f"\n  statements of {kind}: {calls} calls, {total:.1f} ms in all")
            for sql, times in sorted(spent.items(), key=lambda kv: -sum(kv[1]))[:8]:
                print(f"    {sum(times):8.1f} ms {len(times):5d}× max {max(times):6.2f}  {sql}")
        self.spent.clear()


_KIND: contextvars.ContextVar[str] = contextvars.ContextVar("kind", default="")
STATEMENTS: Statements | None = None
VERBOSE_COUNT = False
_MARKS = re.compile(r"\(\?(, \?)+\)")


def config_for(path: Path) -> Config:
    config = Config()
    config.bot.database = str(path)
    config.programmes = {"main": ProgrammeSettings(
        name="Bench", coordinators=[f"console:local:{COORDINATOR}"])}
    return config


class Runner:
    """Sends events through Bot.handle and times them."""

    def __init__(self, app: App, timings: Timings) -> None:
        self.app = app
        self.timings = timings
        self.counter = 0

    def _id(self) -> str:
        self.counter += 1
        return f"bench-{self.counter}"

    async def send(self, kind: str | None, event: Event) -> list[Reply]:
        if STATEMENTS is not None:
            STATEMENTS.kind = kind or ""
        # An event reaches an adapter off a socket: the loop turns before each one, so that
        # the process's background work (WAL checkpoints, index builds) runs between events
        # as it does in a bot, instead of waiting for the first event that suspends.
        await asyncio.sleep(0)
        started = time.perf_counter()
        replies = await self.app.bot.handle(event)
        if kind is not None:
            self.timings.add(kind, time.perf_counter() - started)
        if STATEMENTS is not None:
            STATEMENTS.kind = ""  # the bench's own reads after an event are not the event's
        return replies

    async def say(self, kind: str | None, handle: str, text: str) -> list[Reply]:
        who = address(handle)
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return await self.send(kind, Command(who, name, args, self._id()))
        return await self.send(kind, Message(who, text, self._id()))

    async def press(self, kind: str | None, handle: str, action_id: str,
                    value: str) -> list[Reply]:
        return await self.send(kind, Action(address(handle), action_id, value, self._id()))


def first_button(replies: list[Reply], action_id: str) -> str | None:
    for reply in replies:
        for button in (*reply.buttons, *reply.choices):
            if button.action_id == action_id:
                return button.value
    return None


async def onboard(runner: Runner, handle: str, script: list[str], counted: bool) -> int:
    """A newcomer answers every question; returns how many answers were timed."""
    timed = 0
    replies = await runner.say(None, handle, script[0])
    kind = "onboarding answer" if counted else None
    for text in script[1:]:
        replies = await runner.say(kind, handle, text)
        timed += 1
        zone = first_button(replies, "onb")
        if zone and zone.startswith("timezone|") and "Montr" in text:  # the suggested zone
            replies = await runner.press(kind, handle, "onb", zone)
            timed += 1
    return timed


async def seeker(runner: Runner, seeded: Seeded, mentee_id: int, counted: bool) -> None:
    """/find, Request on the first card, Send; the mentor accepts."""
    handle = seeded.handles[mentee_id]
    replies = await runner.say("/find" if counted else None, handle, "/find")
    mentor = first_button(replies, "req.new")
    if mentor is None:
        return
    replies = await runner.press("Request" if counted else None, handle, "req.new", mentor)
    if first_button(replies, "req.send") is None:
        return
    await runner.press("Send" if counted else None, handle, "req.send", mentor)
    async with runner.app.db.read() as tx:  # scaffolding: which request, whose handle
        found = await tx.one(
            "SELECT r.id, p.handle FROM requests r JOIN people p ON p.id = r.mentor_id"
            " WHERE r.mentee_id = ? AND r.mentor_id = ? AND r.status = 'pending'",
            (mentee_id, int(mentor)))
    if found is not None:  # the mentor may be a newcomer of the mixed stream
        await runner.press("Accept" if counted else None, found[1], "req.accept", str(found[0]))


def copy_wal(path: str) -> tuple[float, int]:
    """Seconds to copy what is left in the WAL into the database (PASSIVE checkpoints from
    a connection of the bench, until nothing is left), and how many pages the WAL held."""
    conn = sqlite3.connect(path, isolation_level=None)
    started = time.perf_counter()
    pages = 0
    try:
        for _ in range(1000):
            busy, log, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            pages = max(pages, log)
            if not busy and log == done:
                break
            time.sleep(0.01)
    finally:
        conn.close()
    return time.perf_counter() - started, pages


async def durable_write(app: App, count: int) -> list[float]:
    times = []
    for n in range(count):
        started = time.perf_counter()
        async with app.db.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('bench', ?)"
                             " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(n),))
        times.append((time.perf_counter() - started) * 1000)
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def first_find_with_bystander(runner: Runner, seeker: str,
                                    other: str) -> tuple[float, float]:
    """The first /find after start-up (it waits for the matching index if it is not built
    yet) and a /help from someone else sent 50 ms after it: ms each."""
    async def timed(delay: float, handle: str, text: str) -> float:
        await asyncio.sleep(delay)
        started = time.perf_counter()
        await runner.say(None, handle, text)
        return (time.perf_counter() - started) * 1000

    find, other_help = await asyncio.gather(timed(0, seeker, "/find"),
                                            timed(0.05, other, "/help"))
    return find, other_help


async def stats_with_bystander(runner: Runner, handle: str, samples: int) -> list[float]:
    """/admin stats `samples` times while a participant sends /help every 2 ms; returns
    the bystander's latencies measured while stats were running."""
    done = asyncio.Event()
    during: list[float] = []

    async def bystander() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await runner.say(None, handle, "/help")
            during.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.002)

    for _ in range(samples):
        done.clear()
        task = asyncio.create_task(bystander())
        await asyncio.sleep(0.003)
        await runner.say("/admin stats", COORDINATOR, "/admin stats")
        done.set()
        await task
    return during


async def mixed(app: App, seeded: Seeded, events: int, concurrency: int,
                rng: random.Random, fresh: list[str]) -> tuple[float, int, Timings]:
    """Many people at once: newcomers onboarding, seekers, regulars (help, points)."""
    timings = Timings()
    runner = Runner(app, timings)
    runner.counter = 10_000_000
    people = [p for p in seeded.mentees + seeded.mentors if p in seeded.handles]
    sessions: list[Callable[[], Awaitable[int]]] = []
    budget = 0
    seekers = iter(seeded.free_mentees)
    while budget < events:
        roll = rng.random()
        if roll < 0.25 and fresh:
            handle, script = fresh.pop(), rng.choice(ONBOARDING)
            sessions.append(lambda h=handle, s=script: onboard(runner, h, s, True))
            budget += len(script)
        elif roll < 0.55:
            mentee = next(seekers, None)
            if mentee is None:
                continue

            async def seek(m: int = mentee) -> int:
                await seeker(runner, seeded, m, True)
                return 4
            sessions.append(seek)
            budget += 4
        else:
            handle = seeded.handles[rng.choice(people)]

            async def regular(h: str = handle) -> int:
                await runner.say("/points", h, "/points")
                await runner.say("help", h, "/help")
                return 2
            sessions.append(regular)
            budget += 2
    queue: asyncio.Queue[Callable[[], Awaitable[int]]] = asyncio.Queue()
    for session in sessions:
        queue.put_nowait(session)

    async def worker() -> None:
        while not queue.empty():
            await (queue.get_nowait())()

    started, cpu, loop_cpu = time.perf_counter(), time.process_time(), time.thread_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    timings.cpu_s = time.process_time() - cpu
    timings.loop_cpu_s = time.thread_time() - loop_cpu
    count = sum(len(v) for v in timings.samples.values())
    return elapsed, count, timings


async def prepare(size: int, work: Path, cache: Path | None) -> tuple[App, Seeded, float]:
    """A seeded programme of `size` people in `work`; returns the app, the seed summary and
    the time start-up (build_app) took on the seeded file."""
    db_path = work / f"events-{size}.sqlite3"
    summary_path = None
    if cache is not None:
        cached = cache / f"events-{size}.sqlite3"
        summary_path = cache / f"events-{size}.json"
        if cached.exists() and summary_path.exists():
            shutil.copyfile(cached, db_path)
            started = time.perf_counter()
            app = await build_app(config_for(db_path), BenchClock())
            startup = time.perf_counter() - started
            settle(app)
            data = json.loads(summary_path.read_text())
            seeded = Seeded(**{**data, "handles": {int(k): v for k, v in
                                                    data["handles"].items()}})
            return app, seeded, startup
    app = await build_app(config_for(db_path), BenchClock())
    started = time.perf_counter()
    seeded = await seed(app, size, progress=lambda line: print(line, flush=True))
    print(f"  seeded {size:,} people in {time.perf_counter() - started:.0f} s", flush=True)
    await app.close()
    if cache is not None and summary_path is not None:
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db_path, cache / db_path.name)
        summary_path.write_text(json.dumps(seeded.__dict__))
    started = time.perf_counter()
    app = await build_app(config_for(db_path), BenchClock())
    startup = time.perf_counter() - started
    settle(app)
    return app, seeded, startup


def settle(app: App) -> None:
    """What adapters/main.py does after start-up (code before issue 12 has no such step)."""
    if hasattr(app, "settle_memory"):
        app.settle_memory()


async def settled(app: App) -> float:
    """Seconds until the app is ready: warm-up, matching indexes, GC settled (after start)."""
    started = time.perf_counter()
    task = getattr(app, "_settling", None)
    if task is not None:
        await task
    elif hasattr(app.services.matchmaker, "wait_ready"):
        await app.services.matchmaker.wait_ready()
    return time.perf_counter() - started


async def run_size(size: int, args: argparse.Namespace, work: Path) -> dict[str, Any] | None:
    app, seeded, startup = await prepare(size, work, args.cache)
    if args.seed_only:
        await app.close()
        return None
    rng = random.Random(size)
    timings = Timings()
    runner = Runner(app, timings)
    try:
        # The first /find after start-up (it waits for the matching index if not ready).
        first = seeded.free_mentees.pop()
        first_find, bystander = await first_find_with_bystander(
            runner, seeded.handles[first], seeded.handles[seeded.mentors[0]])
        ready = await settled(app) + first_find / 1000
        async with app.db.read() as tx:
            counts = {table: await tx.value(f"SELECT count(*) FROM {table}") for table in
                      ("people", "matches", "requests", "meetings", "outbox", "nudges",
                       "points_ledger", "inbox")}
            counts["pending outbox"] = await tx.value(
                "SELECT count(*) FROM outbox WHERE status = 'pending'")
        gc.collect()
        tracked = len(gc.get_objects())
        writes = await durable_write(app, 1000)
        unit = statistics.median(writes)
        with GcWatch() as watch:
            samples = args.samples
            people = seeded.mentees + seeded.mentors
            for _ in range(samples):
                await runner.say("help", seeded.handles[rng.choice(people)], "/help")
            answers = n = 0
            while answers < samples:
                answers += await onboard(runner, f"new{n}", ONBOARDING[n % 2], True)
                n += 1
            # Half the unmatched mentees at most: the mixed stream needs seekers too (1k).
            for _ in range(min(samples, len(seeded.free_mentees) // 2)):
                await seeker(runner, seeded, seeded.free_mentees.pop(), True)
            for _ in range(samples):
                await runner.say("/points", seeded.handles[rng.choice(people)], "/points")
            during = await stats_with_bystander(runner, seeded.handles[rng.choice(people)],
                                                args.stats_samples)
            if STATEMENTS is not None:
                STATEMENTS.report(timings)
            fresh = [f"mix{k}" for k in range(args.mixed // 4)]
            elapsed, count, mixed_timings = await mixed(app, seeded, args.mixed,
                                                        args.concurrency, rng, fresh)
            if STATEMENTS is not None:
                STATEMENTS.report(mixed_timings, ", mixed stream")
            # What the burst left in the WAL, copied into the database: part of its cost.
            drain = await asyncio.to_thread(copy_wal, app.db.path)
        gc_pauses = {gen: (len(p), round(max(p), 1), round(sum(p), 1))
                     for gen, p in sorted(watch.pauses.items())}
    finally:
        await app.close()
    return {"size": size, "counts": counts, "startup_s": round(startup, 2),
            "ready_s": round(ready, 2),
            "unit_ms": unit, "write_p99_ms": pct(writes, 0.99), "write_max_ms": max(writes),
            "first_find_ms": first_find, "first_find_bystander_ms": bystander,
            "timings": timings.samples,
            "during_stats_ms": during, "mixed_per_s": count / elapsed, "mixed_events": count,
            "mixed_drained_per_s": count / (elapsed + drain[0]), "wal_pages": drain[1],
            "mixed_timings": mixed_timings.samples, "gc": gc_pauses,
            "mixed_cpu_ms_per_event": mixed_timings.cpu_s * 1000 / count,
            "mixed_loop_cpu_ms_per_event": mixed_timings.loop_cpu_s * 1000 / count,
            "concurrency": args.concurrency, "tracked_objects": tracked,
            "tracked_after": len(gc.get_objects()), "frozen": gc.get_freeze_count()}


def table(result: dict[str, Any]) -> str:
    unit = result["unit_ms"]
    lines = [f"### {result['size']:,} people",
             "",
             f"One write transaction: {unit:.3f} ms (p50 of 1,000; p99 "
             f"{result['write_p99_ms']:.2f} ms, max {result['write_max_ms']:.1f} ms)."
             " Start-up on the seeded file "
             f"{result['startup_s']} s; first /find {result['first_find_ms']:.0f} ms (a /help"
             f" sent 50 ms after it: {result['first_find_bystander_ms']:.1f} ms); ready "
             f"(warm-up, indexes, GC settled) {result.get('ready_s', 0)} s after start-up.",
             "Rows: " + ", ".join(f"{k} {v:,}" for k, v in result["counts"].items()) + ".",
             "",
             "| event | n | p50 ms | p99 ms | max ms | p50 × write | p99 × write |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind in KINDS:
        values = result["timings"].get(kind)
        if not values:
            continue
        p50, p99, top = pct(values, 0.5), pct(values, 0.99), max(values)
        lines.append(f"| {kind} | {len(values)} | {p50:.2f} | {p99:.2f} | {top:.1f} |"
                     f" ×{p50 / unit:.0f} | ×{p99 / unit:.0f} |")
    during = result["during_stats_ms"]
    if during:
        lines.append(f"| /help while /admin stats runs | {len(during)} | {pct(during, .5):.2f} |"
                     f" {pct(during, .99):.2f} | {max(during):.1f} | ×{pct(during, .5) / unit:.0f}"
                     f" | ×{pct(during, .99) / unit:.0f} |")
    rate = result["mixed_per_s"]
    mixed_all = [v for values in result["mixed_timings"].values() for v in values]
    lines += ["",
              f"Mixed: {result['mixed_events']:,} events, {result['concurrency']} in flight: "
              f"**{rate:,.0f} events/s** (one event per {1000 / rate:.2f} ms = "
              f"×{1000 / rate / unit:.1f} write); latency p50 {pct(mixed_all, .5):.2f} ms, "
              f"p99 {pct(mixed_all, .99):.2f} ms, max {max(mixed_all):.1f} ms. Counting the"
              f" copy of what it left in the WAL ({result['wal_pages']:,} pages) into the"
              f" database: {result['mixed_drained_per_s']:,.0f} events/s. Processor time"
              f" (all threads): {result['mixed_cpu_ms_per_event']:.3f} ms per event, that is"
              f" {1000 / result['mixed_cpu_ms_per_event']:,.0f} events per second of one core;"
              f" the event loop's thread alone {result['mixed_loop_cpu_ms_per_event']:.3f} ms"
              f" ({1000 / result['mixed_loop_cpu_ms_per_event']:,.0f} events/s).",
              "GC pauses (generation: count, max ms, total ms): "
              + (", ".join(f"{g}: {c}, {m}, {t}" for g, (c, m, t) in result["gc"].items())
                 or "none") + f"; objects tracked by the collector: {result['tracked_objects']:,}"
              f" before the events, {result['tracked_after']:,} after"
              f" ({result['frozen']:,} frozen at start-up)."]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    sizes = list(args.sizes) + ([100_000] if args.big else [])
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        for size in sizes:
            print(f"\n## {size:,} people", flush=True)
            result = await run_size(size, args, Path(work))
            if result is None:
                continue
            print(table(result), flush=True)
            if args.json:
                print("json:", json.dumps({k: v for k, v in result.items()
                                           if k not in ("timings", "mixed_timings",
                                                        "during_stats_ms")}))


def main() -> None:
    global STATEMENTS, VERBOSE_COUNT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",") if x],
                        default=list(DEFAULT_SIZES))
    parser.add_argument("--big", action="store_true", help="add 100,000 people")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--stats-samples", type=int, default=20)
    parser.add_argument("--mixed", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=None,
                        help="directory for the working copies (default: system temp)")
    parser.add_argument("--seed-only", action="store_true",
                        help="only seed the --cache (the first run of a size does it anyway)")
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--count", action="store_true",
                        help="statements, transactions and thread trips per event")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--count-sql", action="store_true",
                        help="with --count: also each statement's count per event")
    args = parser.parse_args()
    VERBOSE_COUNT = args.count_sql
    if args.statements or args.count:
        STATEMENTS = Statements(timed=not args.count)
        STATEMENTS.install()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
