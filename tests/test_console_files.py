"""Issue 13: the console keeps the files the bot sends (an export, an .ics invitation, a
chart, /mydata) in a folder next to the database — or the one `--files` names — and prints
where each one is: `→ @handle: [file: path]`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.console import files_dir_for
from tests.conftest import POSTGRES, START_ARG, database_for
from tests.test_console import mentorbot

CONFIG = """\
[programmes.main]
name = "Programme Test"
coordinators = ["console:local:coord"]
"""


def console(tmp_path: Path, script: str, *extra: str) -> str:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    done = mentorbot("console", "--config", str(config), "--db", str(tmp_path / "club.sqlite3"),
                     "--clock", "simulated", "--start", START_ARG, *extra, stdin=script)
    assert done.returncode == 0, done.stderr
    return done.stdout


def saved(transcript: str, handle: str) -> list[Path]:
    return [Path(p) for p in re.findall(rf"^→ @{handle}: \[file: (.+)\]$", transcript, re.M)]


def test_files_go_next_to_the_database_and_the_path_is_printed(tmp_path: Path) -> None:
    transcript = console(tmp_path, "@coord /admin export json\n/time +1h\n/admin export json\n")
    first, second = saved(transcript, "coord")
    assert first == tmp_path / "club-files" / "mentorbot-main-2027-01-11.json"
    assert second == tmp_path / "club-files" / "mentorbot-main-2027-01-11-2.json"  # not lost
    assert json.loads(first.read_text(encoding="utf-8"))["exported_at"].startswith(
        "2027-01-11T09:00")
    assert json.loads(second.read_text(encoding="utf-8"))["exported_at"].startswith(
        "2027-01-11T10:00")
    assert "📎" not in transcript


def test_files_go_where_files_says(tmp_path: Path) -> None:
    target = tmp_path / "downloads"
    transcript = console(tmp_path, "@coord /admin export csv\n", "--files", str(target))
    [archive] = saved(transcript, "coord")
    assert archive == target / "mentorbot-main-2027-01-11-csv.zip"
    assert archive.read_bytes().startswith(b"PK")
    assert not (tmp_path / "club-files").exists()


def test_with_postgresql_files_go_to_mentorbot_files_in_the_current_folder() -> None:
    """A PostgreSQL URL is no path: its parts must not become folders (`postgresql:/…`)."""
    assert files_dir_for("postgresql://bot:pw@127.0.0.1:5432/club?search_path=a/b") \
        == Path("mentorbot-files")
    assert files_dir_for("/srv/bot/club.sqlite3") == Path("/srv/bot/club-files")
    assert files_dir_for(":memory:") is None  # nothing kept: the console says "📎 name"


@pytest.mark.skipif(not POSTGRES, reason="needs MENTORBOT_TEST_DATABASE (make test-postgres)")
def test_a_console_on_postgresql_saves_files_in_its_folder(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    done = mentorbot("console", "--config", str(config), "--db", database_for(tmp_path),
                     "--clock", "simulated", "--start", START_ARG,
                     stdin="@coord /admin export json\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [export] = saved(done.stdout, "coord")
    assert (tmp_path / export).parent == tmp_path / "mentorbot-files"
    assert json.loads((tmp_path / export).read_text(encoding="utf-8"))["exported_at"]
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["mentorbot-files"]
