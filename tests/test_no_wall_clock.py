"""The suite passes at any hour: no test reads the wall clock to decide what happens.

Every scenario starts its SimulatedClock at a fixed instant (tests/conftest.py START, or its
own instant when it is about a time of day); SimulatedClock has no default start, and this
check catches a test that reaches for the wall clock some other way.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
WALL_CLOCK = re.compile(
    r"\b(?:datetime\.(?:now|today|utcnow)|date\.today|time\.time|SystemClock)\s*\(")
# The fakes stamp what the real platforms stamp; the bot's behaviour never depends on it.
ALLOWED = {
    "slack_fake.py": "Slack signs requests with the real time and slack-bolt checks it",
    "telegram_fake.py": "the 'date' of a fake Telegram update, which the bot does not read",
}


def test_no_test_reads_the_wall_clock() -> None:
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name in ALLOWED or path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if WALL_CLOCK.search(line):
                offenders.append(f"{path.relative_to(TESTS)}:{number}: {line.strip()}")
    assert offenders == [], ("start from a fixed instant (tests/conftest.py START) instead of "
                             "the wall clock:\n" + "\n".join(offenders))
