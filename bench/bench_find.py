"""Matchmaking events end to end: /find, Request, Send and Accept through `Bot.handle`.

Seeds a programme of N people (a quarter mentors, three quarters mentees, profiles from
`bench.profiles`) straight into a real SQLite file, with the rows a running programme has:
a third of the mentees matched, some relationships ended or paused by moderation, pending and
declined requests, a few forgotten mentors. Then, for `--rounds` unmatched mentees, one after
the other: `/find`, press *Request* on the first card, press *Send without a message*, and
the mentor presses *Accept*. Each event is timed; so is one write transaction alone
(BEGIN IMMEDIATE, one UPDATE, COMMIT) interleaved with them, and every figure is also
printed as a multiple of that transaction's p50.

    .venv/bin/python -m bench.bench_find [--sizes 10000,100000] [--rounds 300]

Numbers go in notes and the README, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.profiles import PeopleFactory
from bot.kernel.app import App, build_app
from bot.kernel.clock import SystemClock, to_iso
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.events import Action, Address, Command
from bot.mentoring.mentoring import A_ACCEPT, A_REQUEST, A_SEND
from matching.model import Profile

SEED = 11
BATCH = 5000


def address(n: int) -> Address:
    return Address("console", "local", f"user{n}", display_name=f"Person {n}")


def _row(n: int, profile: Profile, role: str, now: str) -> tuple:
    return (n, f"Person {n}", f"user{n}", "fr" if "fr" in profile.languages else "en", role,
            json.dumps(list(profile.topics_sought)), json.dumps(list(profile.topics_offered)),
            profile.goals, json.dumps(sorted(profile.languages)), profile.timezone,
            json.dumps([list(s) for s in profile.availability]), profile.seniority,
            profile.department, profile.capacity, int(profile.paused), int(profile.reverse),
            now, now, now, now)


async def seed(app: App, size: int) -> dict[str, list[int]]:
    """People as onboarding leaves them (same columns, same JSON), and a running programme."""
    rng = random.Random(SEED)
    factory = PeopleFactory(app.services.taxonomy, seed=SEED)
    now = to_iso(app.services.clock.now())
    n_mentors = size // 4
    mentors, mentees, capacity = [], [], {}
    rows = []
    for n in range(1, size + 1):
        is_mentor = n <= n_mentors
        profile = factory.person(n, mentor=is_mentor)
        role = "both" if len(profile.roles) == 2 else ("mentor" if is_mentor else "mentee")
        rows.append(_row(n, profile, role, now))
        (mentors if is_mentor else mentees).append(n)
        capacity[n] = profile.capacity
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        async with app.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO people (id, programme_id, display_name, handle, language, status,"
                " role, topics_sought, topics_offered, goals, languages, timezone, availability,"
                " seniority, department, capacity, paused, reverse, consent_at, onboarded_at,"
                " created_at, updated_at) VALUES (?, 1, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?, ?, ?, ?, ?, ?)", chunk)
            await tx.executemany(
                "INSERT INTO addresses (platform, workspace, user_id, person_id, display_name,"
                " created_at) VALUES ('console', 'local', ?, ?, ?, ?)",
                [(r[2], r[0], r[1], now) for r in chunk])
    # A running programme: a third of the mentees matched, some ended or paused, pending and
    # declined requests; mentors stay within their capacity.
    load = {m: 0 for m in mentors}
    matches, requests = [], []
    free_mentees = []
    for mentee in mentees:
        draw = rng.random()
        mentor = rng.choice(mentors)
        if draw < 0.33 and load[mentor] < capacity[mentor]:
            load[mentor] += 1
            status = "paused" if rng.random() < 0.01 else "active"
            matches.append((mentee, mentor, status, now, None))
            continue
        if draw < 0.40:
            matches.append((mentee, mentor, "ended", now, now))
        if draw < 0.45 and load[mentor] < capacity[mentor]:
            load[mentor] += 1
            requests.append((mentee, mentor, "pending", now, None))
        else:
            free_mentees.append(mentee)
        if rng.random() < 0.10:
            requests.append((mentee, rng.choice(mentors), "declined", now, now))
    async with app.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO matches (programme_id, mentee_id, mentor_id, source, status,"
            " started_at, ended_at) VALUES (1, ?, ?, 'request', ?, ?, ?)", matches)
        await tx.executemany(
            "INSERT INTO requests (programme_id, mentee_id, mentor_id, status, created_at,"
            " expires_at, answered_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
            [(e, m, s, c, c, a) for e, m, s, c, a in requests])
        await tx.execute("ANALYZE")
    rng.shuffle(free_mentees)
    return {"mentors": mentors, "free_mentees": free_mentees}


def config(directory: Path) -> Config:
    settings = Config()
    settings.bot.database = str(directory / "bench.sqlite3")
    settings.programmes = {"main": ProgrammeSettings(name="Bench programme")}
    return settings


async def timed(figures: dict[str, list[float]], name: str, coroutine) -> object:
    start = time.perf_counter()
    result = await coroutine
    figures.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    return result


async def write_transaction(app: App, n: int) -> None:
    async with app.db.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('bench', ?) ON CONFLICT (key)"
                         " DO UPDATE SET value = excluded.value", (str(n),))


async def ready(app: App) -> None:
    """Wait for the start-up index build when the matchmaker has one."""
    wait = getattr(app.services.matchmaker, "wait_ready", None)
    if wait is not None:
        await wait()


async def run(size: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        app = await build_app(config(directory), SystemClock())
        start = time.perf_counter()
        seeded = await seed(app, size)
        seeding = time.perf_counter() - start
        await app.close()
        # A fresh process on the seeded database: start-up, then the first /find.
        start = time.perf_counter()
        app = await build_app(config(directory), SystemClock())
        startup = time.perf_counter() - start
        start = time.perf_counter()
        await ready(app)
        warm = time.perf_counter() - start
        figures: dict[str, list[float]] = {}
        mentees = seeded["free_mentees"]
        refused = 0
        try:
            for n, mentee in enumerate(mentees[:rounds + 1]):
                who = address(mentee)
                name = "first /find" if n == 0 else "/find"
                replies = await timed(figures, name, app.bot.handle(Command(who, "find", "")))
                await timed(figures, "write transaction", write_transaction(app, n))
                buttons = [b for r in replies for b in r.buttons if b.action_id == A_REQUEST]
                if not buttons:
                    refused += 1
                    continue
                mentor_id = int(buttons[0].value)
                await timed(figures, "Request", app.bot.handle(Action(who, A_REQUEST,
                                                                      str(mentor_id))))
                replies = await timed(figures, "Send", app.bot.handle(Action(who, A_SEND,
                                                                             str(mentor_id))))
                async with app.db.read() as tx:
                    request_id = await tx.value(
                        "SELECT id FROM requests WHERE mentee_id = ? AND mentor_id = ?"
                        " AND status = 'pending'", (mentee, mentor_id))
                if request_id is None:
                    refused += 1
                    continue
                await timed(figures, "Accept", app.bot.handle(Action(
                    address(mentor_id), A_ACCEPT, str(request_id))))
        finally:
            await app.close()
    print(f"\n## {size:,} people ({size // 4:,} mentors), {rounds} rounds")
    print(f"seeding {seeding:.1f} s; start-up {startup * 1000:.0f} ms;"
          f" index ready {warm * 1000:.0f} ms after start-up; rounds without a request:"
          f" {refused}")
    unit = statistics.median(figures["write transaction"])
    print("| event | n | p50 ms | p99 ms | max ms | p50 × tx | p99 × tx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ("first /find", "/find", "Request", "Send", "Accept", "write transaction"):
        values = sorted(figures.get(name, []))
        if not values:
            continue
        p50 = statistics.median(values)
        p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
        print(f"| {name} | {len(values)} | {p50:.2f} | {p99:.2f} | {values[-1]:.2f} |"
              f" {p50 / unit:.1f} | {p99 / unit:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        asyncio.run(run(size, args.rounds))


if __name__ == "__main__":
    main()
