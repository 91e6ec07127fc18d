"""A new coordinator tries the console as the README says: the demo has a coordinator to
try the commands with, and a day started with --start goes on from that day after a restart
(a real `mentorbot` subprocess fed through stdin)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import START_ARG
from tests.test_console import mentorbot


def test_the_demo_has_a_coordinator_to_try_the_commands_with(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    run = mentorbot("console", "--db", db, "--demo", "--clock", "simulated", "--start",
                    START_ARG, stdin="@coord /admin stats\n@alex /admin stats\n")
    assert run.returncode == 0, run.stderr
    assert "'@coord /admin help' for the coordinator's commands" in run.stdout
    assert "→ @coord: *Programme statistics — Mentoring programme*\n*People*: 60" in run.stdout
    assert "→ @alex: Sorry, this command is for the programme's coordinators." in run.stdout
    config = tmp_path / "config.toml"  # a programme with its own coordinators: no demo one
    config.write_text(f'[bot]\ndatabase = "{tmp_path / "own.sqlite3"}"\n'
                      '[programmes.main]\ncoordinators = ["console:local:ana"]\n')
    own = mentorbot("console", "--config", str(config), "--demo", "--clock", "simulated",
                    "--start", START_ARG, stdin="@coord /admin stats\n@ana /admin stats\n")
    assert "/admin help' for the coordinator" not in own.stdout
    assert "→ @coord: Sorry, this command is for the programme's coordinators." in own.stdout
    assert "→ @ana: *Programme statistics" in own.stdout


def test_the_simulated_day_is_kept_without_any_time_jump(tmp_path: Path) -> None:
    """Without it, the next start fell back to the wall clock: a match made on January 11,
    2027 read "since December 3, 2026"."""
    db = tmp_path / "day.sqlite3"
    simulated = ("console", "--db", str(db), "--clock", "simulated")
    first = mentorbot(*simulated, "--start", START_ARG, stdin="@alex /help\n")
    assert first.returncode == 0, first.stderr
    second = mentorbot(*simulated, stdin="/time +0m\n")  # no --start, no jump before
    assert second.stdout.strip() == "(clock: 2027-01-11 09:00 UTC)"
