"""Several bot processes on one PostgreSQL database: one is killed while it sends, another
takes over; nothing is lost, and only the documented crash window can be sent twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.kernel import outbox, people
from bot.kernel.app import App
from bot.kernel.dispatcher import FLUSH_EVERY
from bot.kernel.outbox import Outgoing
from tests.conftest import POSTGRES, who

pytestmark = pytest.mark.skipif(not POSTGRES, reason="set MENTORBOT_TEST_DATABASE "
                                "(make test-postgres) to run several processes on PostgreSQL")

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = 200


def worker(app: App, sent: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.dispatch_worker", app.db.path,
                             str(sent)], cwd=ROOT, text=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def wait_until(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("the worker processes did not get there")
        time.sleep(0.01)


async def test_a_killed_process_loses_nothing_and_repeats_only_its_crash_window(
        app: App, tmp_path: Path) -> None:
    async with app.db.transaction() as tx:
        mia = await people.create(tx, who("mia"), 1, "en", app.services.clock.now(),
                                  handle="mia")
        for n in range(MESSAGES):
            await outbox.enqueue(tx, mia.id, Outgoing(text=f"message {n:03d}"),
                                 due_at=app.services.clock.now(), key=f"test:{n}")
    first_sent, second_sent = tmp_path / "first.txt", tmp_path / "second.txt"
    first = worker(app, first_sent)
    wait_until(lambda: len(lines(first_sent)) >= 40 or first.poll() is not None)
    second = worker(app, second_sent)  # joins in: rows are claimed by whoever is free
    wait_until(lambda: len(lines(first_sent)) >= 60 or first.poll() is not None)
    first.send_signal(signal.SIGKILL)  # mid-batch, between two flushes
    first.wait(timeout=10)
    _, errors = second.communicate(timeout=120)
    assert second.returncode == 0, errors

    everything = lines(first_sent) + lines(second_sent)
    expected = {f"message {n:03d}" for n in range(MESSAGES)}
    assert set(everything) == expected  # nothing lost
    assert lines(first_sent) and lines(second_sent)  # both processes sent a part
    repeated = [text for text, times in Counter(everything).items() if times > 1]
    assert all(Counter(everything)[text] == 2 for text in repeated)
    assert len(repeated) <= FLUSH_EVERY + 1  # sent, not yet recorded when killed
    async with app.db.read() as tx:
        statuses = Counter(r[0] for r in await tx.all(
            "SELECT status FROM outbox WHERE kind != 'job'"))
    assert statuses == Counter({"sent": MESSAGES})
