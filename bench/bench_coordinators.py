"""Coordinators' look-ups at scale (issue 13): `/admin person <name>` and `/admin stats`
through `Bot.handle`, on a programme of N people written straight into a real SQLite file.

People get Québec-style names with accents ("Hélène Côté", handle "helene.cote17"), a fifth of
them on Slack or Telegram with a username; 20 coordinators are in the config, half of whom
never take part (their rows must leave the headcount). Timed, each `--rounds` times:

- `/admin person @<handle>`       an exact handle (SQL equality, no scan)
- `/admin person <accented name>` typed without accents or capitals ("helene cote"): the
  LIKE pre-filter then the exact test in Python
- `/admin person <first name>`    a common first name: a choice among many
- `/admin stats`                  the headcount minus the coordinators, and the rest
- `/admin person @<typo>`          nobody: the closest handles and names (every name read)
- `/admin match @<typo> @<handle>` the same, inside the command's write transaction

    .venv/bin/python -m bench.bench_coordinators [--sizes 10000,100000] [--rounds 50]

Numbers go in notes and the README, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.kernel.app import build_app
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.events import Address, Command
from bot.onboarding.identities import fold

FIRST = ["Hélène", "Marie", "Zoé", "François", "Émile", "Léa", "Chloé", "Noémie", "Jérôme",
         "Mathéo", "Anaïs", "Benoît", "Gaëlle", "Maëlle", "Olivier", "Sébastien", "Aïcha",
         "Mohamed", "Nguyen", "Priya"]
LAST = ["Côté", "Tremblay", "Gagnon", "Bélanger", "Lévesque", "Bérubé", "Gélinas", "Pelletier",
        "Thériault", "Després", "Boucher", "Ouellet", "Fournier", "Lefèbvre", "Paré", "Roy"]


async def seed(path: Path, size: int) -> tuple[Config, list[tuple[str, str]]]:
    config = Config()
    config.bot.database = str(path)
    coordinators = [f"console:local:coord{i}" for i in range(20)]
    config.programmes = {"main": ProgrammeSettings(name="Bench", coordinators=coordinators)}
    app = await build_app(config, SimulatedClock(datetime(2027, 1, 11, 9, tzinfo=UTC)))
    rng = random.Random(13)
    now = to_iso(app.services.clock.now())
    pid = app.services.programme_ids["main"]
    named: list[tuple[str, str]] = []
    async with app.db.transaction() as tx:
        people, addresses = [], []
        for i in range(1, size + 1):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            handle = f"{fold(name).replace(' ', '.')}{i}"
            platform = rng.choices(["console", "slack", "telegram"], [8, 1, 1])[0]
            role = rng.choice(["mentee", "mentee", "mentor"])
            people.append((i, pid, name, handle, "fr", "active", role, now, now, now))
            workspace, user = {"console": ("local", handle), "slack": ("T1", f"U{i:08d}"),
                               "telegram": ("9000", str(100000 + i))}[platform]
            addresses.append((platform, workspace, user, i, name, now))
            if i % 97 == 0:
                named.append((handle, name))
        await tx.executemany(
            "INSERT INTO people (id, programme_id, display_name, handle, language, status, role,"
            " created_at, updated_at, onboarded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            people)
        await tx.executemany(
            "INSERT INTO addresses (platform, workspace, user_id, person_id, display_name,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)", addresses)
    for i in range(20):  # half the coordinators write, and never take part
        if i % 2:
            await app.bot.handle(Command(Address("console", "local", f"coord{i}"), "start"))
    await app.close()
    return config, named


async def timed(app, command: Command, rounds: int) -> list[float]:
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        replies = await app.bot.handle(command)
        seconds.append(time.perf_counter() - start)
        assert replies and "went wrong" not in replies[0].text, replies
    return seconds


def show(label: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"  {label:<44} p50 {statistics.median(ordered) * 1000:7.1f} ms"
          f"   p99 {p99 * 1000:7.1f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            config, named = await seed(Path(folder) / "bench.sqlite3", size)
            app = await build_app(config, SimulatedClock(datetime(2027, 1, 11, 10, tzinfo=UTC)))
            coord = Address("console", "local", "coord1")
            handle, name = named[len(named) // 2]
            stats = await timed(app, Command(coord, "admin", "stats"), max(5, args.rounds // 5))
            reply = (await app.bot.handle(Command(coord, "admin", "stats")))[0].text
            print(f"{size:,} people — {reply.splitlines()[1]}")
            show(f"/admin person @{handle[:20]}…", await timed(
                app, Command(coord, "admin", f"person @{handle}"), args.rounds))
            show(f"/admin person {fold(name)} (typed bare)", await timed(
                app, Command(coord, "admin", f"person {fold(name)}"), args.rounds))
            show("/admin person marie (a choice)", await timed(
                app, Command(coord, "admin", "person marie"), args.rounds))
            typo = handle[:3] + handle[4:]  # one letter missing: nobody, then the closest
            show(f"/admin person @{typo[:20]}… (a typo)", await timed(
                app, Command(coord, "admin", f"person @{typo}"), max(5, args.rounds // 5)))
            show("/admin match <a typo> <a handle>", await timed(
                app, Command(coord, "admin", f"match @{typo} @{handle}"),
                max(5, args.rounds // 5)))
            show("/admin stats", stats)
            await app.close()


if __name__ == "__main__":
    asyncio.run(main())
