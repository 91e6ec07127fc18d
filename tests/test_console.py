"""The console as a newcomer uses it: a real `mentorbot` subprocess fed through stdin."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import START_ARG

ROOT = Path(__file__).resolve().parent.parent


def mentorbot(*args: str, stdin: str = "", cwd: Path | None = None,
              timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args], input=stdin, capture_output=True,
        text=True, timeout=timeout, cwd=cwd or ROOT, env={**os.environ, "PYTHONUTF8": "1"},
    )


MENTEE_FR = """\
@amelie /start
#2
#1
#1
gestion de projet, prise de parole
Je veux devenir cheffe de projet d'ici un an.
français, anglais
Europe/Paris
mardi 17h-19h, jeudi 12h-13h
#2
/skip
"""

MENTOR_EN = """\
@bob /start
#1
#1
#2
project management, public speaking, python
I have led software projects for fifteen years and enjoy coaching new leads.
English, French
America/Toronto
Tue 5-7pm, Thu noon-1pm
#4
Engineering
3
"""


def test_scripted_console_onboards_both_roles_then_export(tmp_path: Path) -> None:
    db = tmp_path / "console.sqlite3"
    result = mentorbot("console", "--db", str(db), stdin=MENTEE_FR + MENTOR_EN)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "→ @amelie: Bienvenue" in out
    assert "   [1] English" in out and "   [2] Français" in out
    assert "→ @amelie: Votre profil est prêt" in out
    assert "→ @bob: Your profile is ready" in out
    assert "Traceback" not in out + result.stderr

    exported = mentorbot("export", "--db", str(db), "--format", "json")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    by_handle = {p["handle"]: p for p in data["people"]}
    amelie, bob = by_handle["amelie"], by_handle["bob"]
    assert amelie["language"] == "fr" and amelie["role"] == "mentee"
    assert amelie["status"] == "active" and amelie["timezone"] == "Europe/Paris"
    assert "project-management" in amelie["topics_sought"]
    assert amelie["availability"] == [[1, 1020, 1140], [3, 720, 780]]
    assert bob["language"] == "en" and bob["role"] == "mentor" and bob["capacity"] == 3
    assert bob["languages"] == ["en", "fr"] and bob["department"] == "Engineering"
    assert bob["addresses"] == ["console:local:bob"]

    csv_out = mentorbot("export", "--db", str(db), "--format", "csv")
    assert csv_out.returncode == 0
    header, *rows = csv_out.stdout.strip().splitlines()
    assert header.startswith("ID,Programme,Name,Handle,Language,Status")  # for people
    assert len(rows) == 2


def test_killed_mid_onboarding_resumes_at_the_same_step(tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "console", "--db", str(db)], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdin and proc.stdout
    for line in ["@zoe /start", "#1", "#1", "#1"]:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
    deadline = time.monotonic() + 30
    seen = ""
    while "What would you like help with" not in seen and time.monotonic() < deadline:
        seen += proc.stdout.readline()
    assert "What would you like help with" in seen
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    result = mentorbot("console", "--db", str(db),
                       stdin="@zoe project management, UX design\n")
    assert result.returncode == 0, result.stderr
    assert "Noted: " in result.stdout
    assert "In one or two sentences, what would you like to achieve" in result.stdout


def test_cli_help_version_and_check_config(tmp_path: Path) -> None:
    assert "mentorbot 0.1.0" in mentorbot("--version").stdout
    for command in ("console", "run", "export", "check-config"):
        result = mentorbot(command, "--help")
        assert result.returncode == 0 and "usage: mentorbot" in result.stdout
    ok = mentorbot("check-config", "--config", str(ROOT / "config.example.toml"))
    assert ok.returncode == 0 and "would start: console" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("[bot]\ndatabse = 'x'\n")
    failed = mentorbot("check-config", "--config", str(bad))
    assert failed.returncode == 2 and f"{bad}:2: [bot] databse" in failed.stderr


def test_simulated_clock_starts_where_asked_and_survives_restart(tmp_path: Path) -> None:
    db = tmp_path / "clock.sqlite3"
    simulated = ("console", "--db", str(db), "--clock", "simulated")
    first = mentorbot(*simulated, "--start", START_ARG, stdin="/time +3d\n/time +0m\n")
    assert first.returncode == 0, first.stderr
    # The clock stands still between commands: it moves only when told to.
    assert first.stdout.splitlines() == ["(clock: 2027-01-14 09:00 UTC)"] * 2
    second = mentorbot(*simulated, stdin="/time +1h\n")  # no --start: where it stopped
    assert second.stdout.strip() == "(clock: 2027-01-14 10:00 UTC)"
    # An earlier --start never takes a database back in time; it says so.
    again = mentorbot(*simulated, "--start", START_ARG, stdin="/time +30m\n")
    assert again.returncode == 0
    assert again.stdout.strip() == "(clock: 2027-01-14 10:30 UTC)"
    assert "already at 2027-01-14 10:00 UTC, after --start" in again.stderr
    bad = mentorbot(*simulated, stdin="/time soon\n")
    assert "usage: /time +3d" in bad.stdout


def test_start_instant_is_validated(tmp_path: Path) -> None:
    db = str(tmp_path / "start.sqlite3")
    paris = mentorbot("console", "--db", db, "--clock", "simulated",
                      "--start", "2027-07-01T09:00+02:00", stdin="/time +0m\n")
    assert paris.stdout.strip() == "(clock: 2027-07-01 07:00 UTC)"  # an offset is honoured
    for wrong in ("tomorrow", "2027-13-01T09:00Z", "2027-01-11T25:00", ""):
        refused = mentorbot("console", "--db", db, "--clock", "simulated", "--start", wrong)
        assert refused.returncode == 2
        assert f"argument --start: not a date and time: {wrong!r}" in refused.stderr
        assert "try 2027-01-11T09:00Z" in refused.stderr
    real = mentorbot("console", "--db", db, "--start", START_ARG)
    assert real.returncode == 2 and "--start needs --clock simulated" in real.stderr


def test_a_console_database_from_before_keeps_its_simulated_time(tmp_path: Path) -> None:
    """Databases saved the clock as an offset from the wall clock: read once, as an instant."""
    db = tmp_path / "old.sqlite3"
    assert mentorbot("console", "--db", str(db), stdin="").returncode == 0
    century = 100 * 365 * 24 * 3600
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES"
                     " ('simulated_clock_offset_seconds', ?)", (str(float(century)),))
    simulated = ("console", "--db", str(db), "--clock", "simulated")
    first = mentorbot(*simulated, stdin="/time +0m\n").stdout.strip()
    assert int(first.removeprefix("(clock: ")[:4]) >= 2100  # a century ahead, as it was
    # Converted once: from now on it is an instant that moves only when told to.
    assert mentorbot(*simulated, stdin="/time +0m\n").stdout.strip() == first
    with sqlite3.connect(db) as conn:
        keys = {row[0] for row in conn.execute("SELECT key FROM meta")}
    assert "simulated_clock_offset_seconds" not in keys and "simulated_clock_now" in keys


def test_echo_turns_a_script_into_a_transcript(tmp_path: Path) -> None:
    result = mentorbot("console", "--db", str(tmp_path / "e.sqlite3"), "--echo",
                       stdin="# a comment is not echoed\n@zoe /help\n")
    lines = result.stdout.splitlines()
    assert lines[0] == "← @zoe /help"
    assert lines[1].startswith("→ @zoe: *Here is what I can do*")
    assert "comment" not in result.stdout


def test_buttons_can_still_be_pressed_after_a_restart(tmp_path: Path) -> None:
    """Amélie quits after the language question and comes back the next day: `#2` is still
    *Français*. What is kept is only what a press needs (no label, which may hold a name)."""
    db = tmp_path / "again.sqlite3"
    first = mentorbot("console", "--db", str(db), "--clock", "simulated", "--start", START_ARG,
                      stdin="@amelie /start\n")
    assert "[2] Français" in first.stdout
    second = mentorbot("console", "--db", str(db), "--clock", "simulated",
                       stdin="@amelie #2\n#1\n")
    assert "(no button" not in second.stdout, second.stdout
    assert "Avant de commencer, voici ce que je conserve" in second.stdout
    assert "[1] J'accepte" in second.stdout
    with sqlite3.connect(db) as conn:
        [kept] = conn.execute(
            "SELECT value FROM meta WHERE key = 'console_last_buttons'").fetchone()
    assert "amelie" in json.loads(kept) and "Français" not in kept and "accepte" not in kept
