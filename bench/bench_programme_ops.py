"""Programme operations at a large programme's scale, through the project's own code.

1. A roster of `--rows` people (valid, Excel-like: semicolons, French headers) is read and
   checked (`bot.admin.roster.read_roster`); then the same file with one bad cell in every tenth row
   (every problem listed). 2. `/admin import` with the file attached, through `Bot.handle`
   (preview), then *Apply* (one invitation and join code per row, one transaction). 3. A
   programme of `--people` people whose settings changed since the last start
   (`required_lessons`, `mentor_approval`): the start-up that recomputes every hold, and a
   start-up with the same settings. 4. /find with the required-lesson check on (p50/p99 over
   `--finds` mentees who have read it).

    .venv/bin/python -m bench.bench_programme_ops [--rows 5000] [--people 20000] [--finds 200]

Numbers go in notes and the README, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.admin.roster import read_roster
from bot.admin.roster_invites import A_APPLY
from bot.kernel.app import build_app
from bot.kernel.clock import SystemClock, to_iso
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.events import Action, Address, Attachment, Command

HEADER = "Nom;Prénom;Courriel;Identifiant;Rôle;Langue;Service;Ancienneté\n"


def roster(rows: int, bad_every: int = 0) -> bytes:
    lines = [HEADER]
    for n in range(rows):
        email = f"personne{n}@example.org" if not bad_every or n % bad_every else f"p{n}@"
        role = ("mentorée", "mentor", "les deux")[n % 3]
        lines.append(f"Nom{n};Prénom{n};{email};user{n};{role};{'fr' if n % 2 else 'en'};"
                     f"Service {n % 17};{1 + n % 5}\n")
    return "".join(lines).encode("cp1252")


def config(folder: Path, **settings: object) -> Config:
    cfg = Config()
    cfg.bot.database = str(folder / "ops.sqlite3")
    cfg.programmes = {"main": ProgrammeSettings(name="Bench", coordinators=[
        "console:local:coord"], **settings)}  # type: ignore[arg-type]
    return cfg


def timed(start: float) -> float:
    return (time.perf_counter() - start) * 1000


async def bench_import(folder: Path, rows: int) -> None:
    good, bad = roster(rows), roster(rows, bad_every=10)
    start = time.perf_counter()
    checked = read_roster(good)
    print(f"read and check {rows} rows: {timed(start):.0f} ms ({len(checked.rows)} good)")
    start = time.perf_counter()
    checked = read_roster(bad)
    print(f"read and check {rows} rows, {len(checked.problems)} bad: {timed(start):.0f} ms")
    app = await build_app(config(folder), SystemClock())
    try:
        coord = Address("console", "local", "coord", display_name="Coord")
        start = time.perf_counter()
        replies = await app.bot.handle(Command(coord, "admin", "import", attachment=Attachment(
            "roster.csv", good, "text/csv")))
        print(f"/admin import {rows} rows (preview): {timed(start):.0f} ms")
        value = next(b.value for r in replies for b in r.buttons if b.action_id == A_APPLY)
        start = time.perf_counter()
        replies = await app.bot.handle(Action(coord, A_APPLY, value))
        print(f"Apply: {rows} invitations: {timed(start):.0f} ms")
    finally:
        await app.close()


async def bench_holds(folder: Path, people: int, finds: int) -> None:
    cfg = config(folder / "holds")
    (folder / "holds").mkdir()
    app = await build_app(cfg, SystemClock())
    now = to_iso(app.services.clock.now())
    programme_id = app.services.programme_ids["main"]
    async with app.db.transaction() as tx:
        for n in range(people):
            role = "mentor" if n % 4 == 0 else "mentee"
            person_id = await tx.insert(
                "INSERT INTO people (programme_id, display_name, handle, language, status,"
                " role, topics_sought, topics_offered, goals, languages, timezone,"
                " availability, seniority, capacity, created_at, updated_at, onboarded_at)"
                " VALUES (?, ?, ?, 'en', 'active', ?, '[\"project-management\"]',"
                " '[\"project-management\"]', 'Wants to grow.', '[\"en\"]', 'UTC',"
                " '[[1, 600, 720]]', 3, ?, ?, ?, ?)",
                (programme_id, f"Person {n}", f"user{n}", role, 2 if role == "mentor" else 0,
                 now, now, now))
            await tx.execute("INSERT INTO addresses (platform, workspace, user_id, person_id,"
                             " created_at) VALUES ('console', 'local', ?, ?, ?)",
                             (f"user{n}", person_id, now))
            if n % 2 == 0:  # half of them have read the lesson
                await tx.execute("INSERT INTO lesson_progress (person_id, lesson_id, status,"
                                 " updated_at) VALUES (?, 'how-mentoring-works', 'done', ?)",
                                 (person_id, now))
    await app.close()
    cfg.programmes["main"].required_lessons = ["how-mentoring-works"]
    cfg.programmes["main"].mentor_approval = True
    start = time.perf_counter()
    app = await build_app(cfg, SystemClock())
    print(f"start-up recomputing the holds of {people} people: {timed(start):.0f} ms")
    try:
        async with app.db.read() as tx:
            held = await tx.value("SELECT count(*) FROM people WHERE matching_hold != ''")
        print(f"  people held back: {held}")
        await app.services.matchmaker.wait_ready()
        times = []
        for n in range(2, 2 + 4 * finds, 4):  # mentees who have read the lesson
            who = Address("console", "local", f"user{n}")
            start = time.perf_counter()
            await app.bot.handle(Command(who, "find"))
            times.append(timed(start))
        times.sort()
        print(f"/find with a required lesson (read), {len(times)} mentees: "
              f"p50 {statistics.median(times):.1f} ms, p99 {times[int(len(times) * .99) - 1]:.1f}"
              " ms")
    finally:
        await app.close()
    start = time.perf_counter()
    app = await build_app(cfg, SystemClock())  # the same settings: nothing recomputed
    print(f"start-up, settings unchanged: {timed(start):.0f} ms")
    await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--finds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await bench_import(Path(folder), args.rows)
        await bench_holds(Path(folder), args.people, args.finds)


if __name__ == "__main__":
    asyncio.run(main())
