"""/forget benchmark: what erasing a person costs now that the erasing transaction is followed
by a WAL checkpoint (TRUNCATE) and every connection has secure_delete on.

For each size (1k people by default) a programme is seeded as for bench_events
(bench/seed_programme.py), then `--people` mentees (matched or not) each send /forget and
press "Yes" through `Bot.handle`, as an adapter would. Printed per size: the press end to end
(ending relationships, erasing everywhere, committing, checkpointing), the part of it spent
in the checkpoint, and the WAL size the checkpoint emptied.

    python -m bench.bench_forget [--sizes 1000,10000] [--people 20] [--cache DIR]

Numbers go in bench/README.md, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_events import prepare
from bench.seed_programme import address
from bot.kernel.events import Action, Command
from bot.store.db import Database


def wal_bytes(db: Database) -> int:
    wal = Path(db.path + "-wal")
    return wal.stat().st_size if wal.exists() else 0


async def run(size: int, people: int, cache: Path | None) -> None:
    with tempfile.TemporaryDirectory() as work:
        app, seeded, _ = await prepare(size, Path(work), cache)
        checkpoints: list[float] = []
        presses: list[float] = []
        wals: list[int] = []  # the WAL each checkpoint found (and emptied)
        original = Database._checkpoint

        async def timed(self: Database) -> None:
            wals.append(wal_bytes(self))
            started = time.perf_counter()
            await original(self)
            checkpoints.append(time.perf_counter() - started)

        Database._checkpoint = timed  # type: ignore[method-assign]
        try:
            chosen = random.Random(7).sample(seeded.mentees, min(people, len(seeded.mentees)))
            for n, person_id in enumerate(chosen):
                who = address(seeded.handles[person_id])
                await app.bot.handle(Command(who, "forget", "", f"forget-{n}"))
                started = time.perf_counter()
                await app.bot.handle(Action(who, "privacy.forget", str(person_id),
                                            f"forget-yes-{n}"))
                presses.append(time.perf_counter() - started)
                assert wal_bytes(app.db) == 0, "the checkpoint left a WAL behind"
        finally:
            Database._checkpoint = original  # type: ignore[method-assign]
            await app.close()
    ms = [1000 * t for t in presses]
    cp = [1000 * t for t in checkpoints]
    print(f"{size:>7,} people | /forget press p50 {statistics.median(ms):7.1f} ms, "
          f"max {max(ms):7.1f} ms | checkpoint p50 {statistics.median(cp):6.1f} ms, "
          f"max {max(cp):6.1f} ms | WAL emptied p50 {statistics.median(wals) / 1024:7.0f} KiB,"
          f" max {max(wals) / 1024:7.0f} KiB | {len(ms)} people", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        asyncio.run(run(size, args.people, args.cache))


if __name__ == "__main__":
    main()
