"""Dispatch benchmark: many scheduled messages due at once, through the real dispatcher.

Part 1: `--count` (default 100,000) reminders due at the same moment, for 1,000 people in
both languages, sent to a recording transport: wall time, messages per second, peak memory
(RSS), duplicates and losses (both must be 0).

Part 2: `--paced` (default 300) messages to a transport that allows 30 messages per sliding
second and raises RetryLater beyond (as Telegram answers 429): the dispatcher waits out each
"retry after" and goes on, so nothing fails; the achieved rate is printed.

    python bench/bench_dispatch.py [--count 100000] [--paced 300] [--flush-every 25]

Numbers go in notes and the README, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.dispatcher import FLUSH_EVERY, Dispatcher
from bot.kernel.events import Address, Reply
from bot.kernel.outbox import Outgoing
from bot.kernel.transport import RetryLater

PEOPLE = 1000
START = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # a fixed instant: same run at any hour


class Recording:
    """Remembers the unique tag of every message it is handed."""

    platform = "console"

    def __init__(self) -> None:
        self.tags: list[str] = []

    async def send(self, address: Address, reply: Reply) -> None:
        self.tags.append(reply.text.rsplit("#", 1)[-1].split(" ", 1)[0])


class Limited(Recording):
    """At most `rate` messages in any sliding second; beyond, RetryLater like a 429."""

    def __init__(self, rate: int) -> None:
        super().__init__()
        self.rate = rate
        self.window: deque[float] = deque()
        self.refused = 0

    async def send(self, address: Address, reply: Reply) -> None:
        now = time.monotonic()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        if len(self.window) >= self.rate:
            self.refused += 1
            raise RetryLater(1.0 - (now - self.window[0]))
        self.window.append(now)
        await super().send(address, reply)


async def setup(directory: Path, count: int) -> App:
    config = Config()
    config.bot.database = str(directory / "bench.sqlite3")
    config.programmes = {"main": ProgrammeSettings(name="Bench")}
    app = await build_app(config, SimulatedClock(START))
    now = to_iso(app.services.clock.now())
    async with app.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO people (id, programme_id, display_name, language, status, created_at,"
            " updated_at) VALUES (?, 1, ?, ?, 'active', ?, ?)",
            [(n, f"Person {n}", "fr" if n % 2 else "en", now, now) for n in range(1, PEOPLE + 1)])
        await tx.executemany(
            "INSERT INTO addresses (platform, workspace, user_id, person_id, created_at)"
            " VALUES ('console', 'local', ?, ?, ?)",
            [(f"user{n}", n, now) for n in range(1, PEOPLE + 1)])
    await enqueue(app, count, "bench")
    return app


async def enqueue(app: App, count: int, prefix: str) -> None:
    """`count` reminders due now, as bot/onboarding/invitations.py writes them."""
    now = to_iso(app.services.clock.now())
    rows = []
    for n in range(count):
        message = Outgoing(key="meetings.reminder", params={
            "names": f"#{prefix}{n}", "ahead": {"lang": {"en": "in 1 hour", "fr": "dans 1 heure"}},
            "when": {"lang": {"en": "Tuesday, January 12, 2027, 17:00–17:45 (Paris time)",
                              "fr": "mardi 12 janvier 2027, 17 h – 17 h 45 (heure de Paris)"}},
            "video": ""})
        rows.append((n % PEOPLE + 1, "reminder", message.to_json(), now,
                     f"{prefix}:{n}:remind:1h", now))
    async with app.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO outbox (person_id, kind, payload, due_at, idempotency_key, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", rows)


def dispatcher(app: App, transport: Recording, flush_every: int) -> Dispatcher:
    return Dispatcher(app.db, app.services.catalogue, app.services.clock,
                      {"console": transport},  # type: ignore[dict-item]
                      grace=timedelta(hours=6), flush_every=flush_every)


def rss_mb() -> float:
    """Resident memory now (Linux), else the process's peak so far."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def sample_peak(peak: list[float]) -> None:
    """Record the highest resident memory while the dispatcher runs."""
    while True:
        peak[0] = max(peak[0], rss_mb())
        await asyncio.sleep(0.05)


async def bulk(directory: Path, count: int, flush_every: int) -> dict[str, object]:
    app = await setup(directory, count)
    try:
        transport = Recording()
        before = rss_mb()
        peak = [before]
        sampler = asyncio.create_task(sample_peak(peak))
        started = time.perf_counter()
        sender = dispatcher(app, transport, flush_every)
        runs = 0
        while (await sender.run_once()).sent:
            runs += 1
        elapsed = time.perf_counter() - started
        sampler.cancel()
        seen = Counter(transport.tags)
        async with app.db.read() as tx:
            statuses = dict(await tx.all("SELECT status, count(*) FROM outbox GROUP BY status"))
        return {
            "messages": count, "seconds": round(elapsed, 2),
            "per_second": round(count / elapsed), "runs": runs,
            "duplicates": sum(n - 1 for n in seen.values() if n > 1),
            "losses": count - len(seen), "statuses": statuses,
            "rss_before_mb": round(before, 1), "peak_rss_during_mb": round(peak[0], 1),
        }
    finally:
        await app.close()


async def paced(directory: Path, count: int, rate: int, flush_every: int) -> dict[str, object]:
    app = await setup(directory, 0)
    try:
        await enqueue(app, count, "paced")
        transport = Limited(rate)
        started = time.perf_counter()
        report = await dispatcher(app, transport, flush_every).run_once()
        elapsed = time.perf_counter() - started
        seen = Counter(transport.tags)
        return {
            "messages": count, "limit_per_second": rate, "seconds": round(elapsed, 2),
            "achieved_per_second": round(count / elapsed, 1), "refusals_waited_out":
            transport.refused, "failed": report.failed, "deferred": report.deferred,
            "duplicates": sum(n - 1 for n in seen.values() if n > 1),
            "losses": count - len(seen),
        }
    finally:
        await app.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--paced", type=int, default=300)
    parser.add_argument("--rate", type=int, default=30)
    parser.add_argument("--flush-every", type=int, default=FLUSH_EVERY)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        result = asyncio.run(bulk(Path(first), args.count, args.flush_every))
        print("bulk:", json.dumps(result, ensure_ascii=False))
        if args.paced:
            limited = asyncio.run(paced(Path(second), args.paced, args.rate, args.flush_every))
            print("paced:", json.dumps(limited, ensure_ascii=False))
    ok = result["duplicates"] == 0 and result["losses"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
