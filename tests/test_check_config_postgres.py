"""`mentorbot check-config` on a PostgreSQL `[bot] database`: the URL is shown without its
password, and the database is described as what it is (reachable or not, where its schema
stands), never as a file that "will be created". Exit codes: 0 fine, 2 refused."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.store.db import newest_schema
from tests.conftest import POSTGRES, database_for
from tests.test_startup import mentorbot, write_config


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("password", ["s3cret-Passw0rd", "pw"])
def test_an_unreachable_postgresql_is_refused_without_its_password(
        tmp_path: Path, password: str) -> None:
    url = f"postgresql://mentorbot:{password}@127.0.0.1:{closed_port()}/mentorbot"
    config = write_config(tmp_path, f'[bot]\ndatabase = "{url}"\n')
    checked = mentorbot("check-config", "--config", str(config), cwd=tmp_path)
    assert checked.returncode == 2, checked.stdout + checked.stderr
    everything = checked.stdout + checked.stderr
    assert password not in everything.replace("mentorbot", "")  # "pw" is not in the words
    assert "(will be created)" not in everything
    assert f"database: postgresql://mentorbot:***@127.0.0.1:{url.rsplit(':', 1)[1]}" \
           f" (PostgreSQL, not reachable)" in checked.stdout
    assert "cannot be reached" in checked.stderr
    assert "Traceback" not in checked.stderr


def test_a_password_given_as_a_parameter_is_not_shown_either(tmp_path: Path) -> None:
    url = (f"postgresql://127.0.0.1:{closed_port()}/mentorbot?user=mentorbot"
           "&password=another-s3cret")
    config = write_config(tmp_path, f'[bot]\ndatabase = "{url}"\n')
    checked = mentorbot("check-config", "--config", str(config), cwd=tmp_path)
    assert checked.returncode == 2
    assert "another-s3cret" not in checked.stdout + checked.stderr
    assert "password=***" in checked.stdout


@pytest.mark.skipif(not POSTGRES, reason="needs MENTORBOT_TEST_DATABASE (make test-postgres)")
async def test_a_reachable_postgresql_says_where_its_schema_stands(tmp_path: Path) -> None:
    from bot.store.postgres import PostgresDatabase

    url = database_for(tmp_path)  # this test's own schema, dropped after it
    with_password = url.replace("://postgres@", "://postgres:hunter22@", 1)
    assert with_password != url, "the test database URL names the user postgres"
    config = write_config(tmp_path, f'[bot]\ndatabase = "{with_password}"\n')

    empty = mentorbot("check-config", "--config", str(config), cwd=tmp_path)
    assert empty.returncode == 0, empty.stderr
    assert "reachable; empty: the tables will be created at the first start" in empty.stdout
    assert "hunter22" not in empty.stdout + empty.stderr

    db = await PostgresDatabase.open(url)
    await db.close()
    ready = mentorbot("check-config", "--config", str(config), cwd=tmp_path)
    assert ready.returncode == 0, ready.stderr
    assert f"reachable; schema {newest_schema()}, up to date" in ready.stdout
