"""A start that cannot work is refused at once: the real `mentorbot` process exits non-zero with
one line on stderr (no traceback, no hanging on an open database), for `run`, `console`,
`export` and `match` alike, and `check-config` reports the same problem beforehand."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store.db import Database, DatabaseError, newest_schema

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("run", "console", "export", "match")
TIMEOUT = 60  # before the fix, a failed start after the database opened never exited


def mentorbot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORBOT_")}
    env |= {"PYTHONUTF8": "1", "PYTHONPATH": str(ROOT)}  # the code under test, from any cwd
    return subprocess.run([sys.executable, "-m", "adapters.cli", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd, env=env)


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused start prints; fails on a traceback or several lines."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mentorbot: ")
    return lines[0]


def check_config_says(cwd: Path, config: Path, line: str) -> None:
    checked = mentorbot("check-config", "--config", str(config), cwd=cwd)
    assert checked.returncode == 2, checked.stdout
    assert line in checked.stderr.splitlines(), checked.stderr


def write_config(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o644)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def fresh_database(path: Path) -> None:
    """A database of this version, closed cleanly (no -wal file left)."""
    db = await Database.open(path)
    await db.close()


# --- the configuration: refused before anything opens ------------------------------------

CONFIG_CASES = {
    "nan weight": ("[matching.weights]\ntopics = nan\n",
                   "mentorbot: {config}:2: [matching.weights] topics must be a finite number "
                   "(got nan)"),
    "infinite tick": ("[scheduler]\ntick_seconds = inf\n",
                      "mentorbot: {config}:2: [scheduler] tick_seconds must be a finite number "
                      "(got inf)"),
    "missing content_dir": ("[bot]\ncontent_dir = \"{dir}/nowhere\"\n",
                            "mentorbot: [bot] content_dir {dir}/nowhere does not exist"),
    "empty content_dir": ("[bot]\ncontent_dir = \"{dir}/empty\"\n",
                          "mentorbot: [bot] content_dir {dir}/empty lacks i18n and "
                          "topics.toml"),
    "broken topics": ("[bot]\ncontent_dir = \"{dir}/content\"\n",
                      "mentorbot: [bot] content_dir {dir}/content: cannot read taxonomy "
                      "{dir}/content/topics.toml"),
}


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_bad_configuration_is_refused_by_every_command(tmp_path: Path, case: str) -> None:
    (tmp_path / "empty").mkdir()
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content" / "topics.toml").write_text("[topics\n", encoding="utf-8")
    text, expected = CONFIG_CASES[case]
    config = write_config(tmp_path, text.format(dir=tmp_path))
    expected = expected.format(config=config, dir=tmp_path)
    database = tmp_path / "bot.sqlite3"
    for command in COMMANDS:
        line = refusal(mentorbot(command, "--config", str(config), "--db", str(database),
                                 cwd=tmp_path))
        assert line.startswith(expected), (command, line)
    assert not database.exists()  # refused before the database was even created
    check_config_says(tmp_path, config, line)


# --- the database: refused as it opens, left as it was -----------------------------------

@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    for path in (tmp_path, *tmp_path.rglob("*")):  # writable again, so that it can be removed
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
        path.chmod(0o755 if path.is_dir() else 0o644)


def make_read_only(path: Path) -> None:
    """chmod; but permissions do not stop root, so as root the file is made immutable."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
    elif subprocess.run(["chattr", "+i", str(path)], capture_output=True,
                        check=False).returncode != 0:
        pytest.skip("root without chattr +i: nothing can make a file read-only for root here")


def garbage(db: Path) -> None:
    db.write_bytes(bytes(range(256)) * 20)


def malformed(db: Path) -> None:
    with db.open("r+b") as file:  # the schema page, right after the 100-byte header
        file.seek(100)
        file.write(b"\xff" * 3000)


def newer(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, '999_x.sql')")
    conn.close()


def read_only_file(db: Path) -> None:
    make_read_only(db)  # its folder stays writable: SQLite could create its -wal and -shm


def read_only_folder(db: Path) -> None:
    make_read_only(db.parent)


DATABASE_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "not a database": (garbage, "mentorbot: database {db} is not a SQLite database"),
    "malformed": (malformed, "mentorbot: database {db} is damaged"),
    "newer schema": (newer, "mentorbot: database {db} was created by a newer mentorbot "
                            "(schema 999 > {newest})"),
    "read-only file": (read_only_file, "mentorbot: database {db} is read-only"),
    "read-only folder": (read_only_folder, "mentorbot: database folder {folder} is not "
                                           "writable"),
}


@pytest.mark.parametrize("case", DATABASE_CASES)
async def test_unusable_database_is_refused_by_every_command(workdir: Path, case: str) -> None:
    folder = workdir / "data"
    folder.mkdir()
    db = folder / "bot.sqlite3"
    await fresh_database(db)
    damage, expected = DATABASE_CASES[case]
    damage(db)
    before = digest(db)
    config = write_config(workdir, f"[bot]\ndatabase = \"{db}\"\n")
    expected = expected.format(db=db, folder=folder, newest=newest_schema())
    for command in COMMANDS:
        line = refusal(mentorbot(command, "--config", str(config), cwd=workdir))
        assert line.startswith(expected), (command, line)
    assert digest(db) == before  # nothing written to it
    check_config_says(workdir, config, line)


async def test_failure_after_the_database_opened_exits_too(workdir: Path) -> None:
    """Whatever fails once the database is open (here a table someone dropped by hand), the
    database is closed and the process ends, with one line; check-config names the table."""
    db = workdir / "bot.sqlite3"
    await fresh_database(db)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE programmes")
    conn.close()
    config = write_config(workdir, f"[bot]\ndatabase = \"{db}\"\n")
    for command in COMMANDS:
        line = refusal(mentorbot(command, "--config", str(config), cwd=workdir))
        assert "programmes" in line, (command, line)
    checked = mentorbot("check-config", "--config", str(config), cwd=workdir)
    assert checked.returncode == 2
    assert f"mentorbot: database {db} lacks tables this version needs: programmes" \
        in checked.stderr.splitlines(), checked.stderr


async def test_database_open_refuses_and_leaves_no_thread_behind(tmp_path: Path) -> None:
    """The same refusals from Database.open itself, for callers that skip the CLI's checks."""
    import threading

    for name, damage in (("garbage", garbage), ("newer", newer), ("malformed", malformed)):
        db = tmp_path / f"{name}.sqlite3"
        await fresh_database(db)
        damage(db)
        before = set(threading.enumerate())
        with pytest.raises(DatabaseError, match=f"database {db} "):
            await Database.open(db)
        for thread in set(threading.enumerate()) - before:  # the connection's, ending
            thread.join(timeout=10)
            assert not thread.is_alive()


def test_check_config_accepts_a_good_setup(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"[bot]\ndatabase = \"{tmp_path}/new.sqlite3\"\n")
    checked = mentorbot("check-config", "--config", str(config), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert f"database: {tmp_path}/new.sqlite3 (will be created)" in checked.stdout
    assert "would start: console" in checked.stdout
    assert not (tmp_path / "new.sqlite3").exists()  # checking creates nothing
