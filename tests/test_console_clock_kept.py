"""A console day started with --start and never moved with /time: the next start goes on
from that day, instead of jumping back to the wall clock (dates in every list would be
months apart: "since December 3, 2026" for a match made on January 11, 2027)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import START_ARG
from tests.test_console import mentorbot


def test_the_simulated_day_is_kept_without_any_time_jump(tmp_path: Path) -> None:
    db = tmp_path / "day.sqlite3"
    simulated = ("console", "--db", str(db), "--clock", "simulated")
    first = mentorbot(*simulated, "--start", START_ARG, stdin="@alex /help\n")
    assert first.returncode == 0, first.stderr
    second = mentorbot(*simulated, stdin="/time +0m\n")  # no --start, no jump before
    assert second.stdout.strip() == "(clock: 2027-01-11 09:00 UTC)"
