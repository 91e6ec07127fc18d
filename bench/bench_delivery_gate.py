"""Delivery-gate benchmark: what the budget of unsolicited messages costs the dispatcher.

Part 1: `--people` (default 20,000) people each have three unsolicited messages due at the
same moment (a lesson card, a prompt and a check-in). Through the real dispatcher and its
gate (bot/kernel/delivery.py): wall time, rows per second, how many were sent (must be exactly one
per person) and postponed (the other two, to the next day).

Part 2: the same number of meeting reminders (not unsolicited: the gate only looks at their
kind) with and without the gate, to show what it costs the messages it lets through at once.

    python bench/bench_delivery_gate.py [--people 20000]

Numbers go in notes and the README, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.delivery import DeliveryGate
from bot.kernel.dispatcher import Dispatcher
from bot.kernel.events import Address, Reply
from bot.kernel.outbox import Outgoing

START = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # 10:00 in Paris: not in quiet hours


class Recording:
    platform = "console"

    def __init__(self) -> None:
        self.to: list[str] = []

    async def send(self, address: Address, reply: Reply) -> None:
        self.to.append(address.user_id)


async def setup(directory: Path, people: int) -> App:
    config = Config()
    config.bot.database = str(directory / "bench.sqlite3")
    config.programmes = {"main": ProgrammeSettings(name="Bench")}
    app = await build_app(config, SimulatedClock(START))
    now = to_iso(START)
    async with app.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO people (id, programme_id, display_name, language, status, timezone,"
            " created_at, updated_at) VALUES (?, 1, ?, ?, 'active', 'Europe/Paris', ?, ?)",
            [(n, f"Person {n}", "fr" if n % 2 else "en", now, now)
             for n in range(1, people + 1)])
        await tx.executemany(
            "INSERT INTO addresses (platform, workspace, user_id, person_id, created_at)"
            " VALUES ('console', 'local', ?, ?, ?)",
            [(f"user{n}", n, now) for n in range(1, people + 1)])
    return app


async def unsolicited(app: App, people: int) -> None:
    """Per person: a lesson card and a prompt (nudges, as bot/training/nudges.py writes them) and a
    check-in, all due now."""
    now = to_iso(START)
    outbox, nudges = [], []
    card = Outgoing(key="lessons.prompts.still_on").to_json()
    for n in range(1, people + 1):
        for what, lesson, prompt in (("card", "smart-goals", None), ("prompt", None, "still_on")):
            key = f"nudge:onboarded//both/{what}/+0m:{n}:0"
            outbox.append((n, "nudge", card, now, key, now))
            nudges.append((key, n, lesson, prompt, now))
        outbox.append((n, "checkin", card, now, f"checkin:{n}:ask", now))
    async with app.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO outbox (person_id, kind, payload, due_at, idempotency_key, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", outbox)
        await tx.executemany(
            "INSERT INTO nudges (idempotency_key, person_id, programme_id, rule_key, lesson_id,"
            " prompt, created_at) VALUES (?, ?, 1, 'onboarded//both/x/+0m', ?, ?, ?)", nudges)


async def reminders(app: App, count: int, prefix: str) -> None:
    now = to_iso(START)
    message = Outgoing(key="lessons.prompts.still_on").to_json()
    async with app.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO outbox (person_id, kind, payload, due_at, idempotency_key, created_at)"
            " VALUES (?, 'reminder', ?, ?, ?, ?)",
            [(n % count + 1, message, now, f"{prefix}:{n}:remind", now) for n in range(count)])


def dispatcher(app: App, transport: Recording, gated: bool) -> Dispatcher:
    return Dispatcher(app.db, app.services.catalogue, app.services.clock,
                      {"console": transport},  # type: ignore[dict-item]
                      grace=timedelta(hours=6),
                      gate=DeliveryGate(app.services) if gated else None)


async def timed(app: App, gated: bool) -> tuple[float, Recording, int]:
    transport = Recording()
    sender = dispatcher(app, transport, gated)
    started = time.perf_counter()
    report = await sender.run_once()
    seconds = time.perf_counter() - started
    await sender.release()  # the next run's dispatcher takes the lease at once
    return seconds, transport, report.deferred


async def main(people: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        app = await setup(Path(folder), people)
        try:
            await unsolicited(app, people)
            seconds, transport, postponed = await timed(app, gated=True)
            per_person = Counter(transport.to)
            gate = {"rows": 3 * people, "seconds": round(seconds, 2),
                    "rows_per_second": round(3 * people / seconds),
                    "sent": len(transport.to), "postponed": postponed,
                    "most_to_one_person": max(per_person.values())}
            timings = {}
            for gated in (False, True):
                await reminders(app, people, f"r{int(gated)}")
                seconds, transport, _ = await timed(app, gated)
                timings["with_gate" if gated else "without_gate"] = {
                    "reminders": len(transport.to), "seconds": round(seconds, 2)}
        finally:
            await app.close()
    return {"unsolicited": gate, "reminders": timings}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.people)), indent=2))
