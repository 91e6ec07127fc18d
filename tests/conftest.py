"""Shared fixtures: a real SQLite file per test, a simulated clock, and no network."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.events import Action, Address, Command, Message, Reply

# Every test's clock starts at a fixed instant, never the wall clock, so that no test depends
# on the hour it runs: a Monday morning with no clock change in the weeks that follow. A test
# about a time of day builds its own SimulatedClock(instant).
START = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
START_ARG = "2027-01-11T09:00Z"  # the same instant, for `mentorbot console --start`

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6) and not (
        host.startswith("127.") or host in ("::1", "localhost")
    ):
        raise RuntimeError(f"tests may not reach the network ({host})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


# MENTORBOT_TEST_DATABASE=postgresql://postgres@127.0.0.1:5432/test runs the tests that build
# their app with make_config on PostgreSQL: one fresh schema per test, dropped after it
# (`make test-postgres`). Tests that open the SQLite file itself are marked `sqlite_only`.
POSTGRES = os.environ.get("MENTORBOT_TEST_DATABASE", "")


def database_for(tmp_path: Path) -> str:
    """The database of this test: its SQLite file, or its own PostgreSQL schema."""
    if not POSTGRES:
        return str(tmp_path / "test.sqlite3")
    schema = "t_" + hashlib.sha1(str(tmp_path).encode()).hexdigest()[:20]
    return f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}search_path={schema}"


@pytest.fixture(autouse=True)
def _postgres_schema(request: pytest.FixtureRequest) -> Iterator[None]:
    if POSTGRES and request.node.get_closest_marker("sqlite_only"):
        pytest.skip("opens the SQLite file itself")
    tmp_path = request.getfixturevalue("tmp_path") if POSTGRES else None
    if tmp_path is not None:  # files a console saves by default go to ./mentorbot-files
        request.getfixturevalue("monkeypatch").chdir(tmp_path)
    yield
    if tmp_path is not None:
        schema = database_for(tmp_path).rsplit("=", 1)[1]
        thread = threading.Thread(target=asyncio.run, args=(_drop_schema(schema),))
        thread.start()
        thread.join()


async def _drop_schema(schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


def make_config(tmp_path: Path) -> Config:
    config = Config()
    config.bot.database = database_for(tmp_path)
    config.programmes = {"main": ProgrammeSettings(name="Programme Test",
                                                   coordinators=["console:local:coord"])}
    return config


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await build_app(make_config(tmp_path), SimulatedClock(START))
    yield application
    await application.close()


def who(handle: str, locale: str = "", timezone: str = "") -> Address:
    return Address("console", "local", handle, display_name=handle.title(), locale=locale,
                   timezone=timezone)


class Chat:
    """Talk to the bot as one person, the way an adapter would, and keep the last buttons."""

    def __init__(self, app: App, handle: str, locale: str = "", timezone: str = "") -> None:
        self.app = app
        self.address = who(handle, locale, timezone)
        self.last: list[Reply] = []
        self.buttons: list = []

    async def _send(self, event: Message | Command | Action) -> list[Reply]:
        self.last = await self.app.bot.handle(event)
        pressed = [b for reply in self.last for b in (*reply.buttons, *reply.choices)]
        if pressed:  # every button of the messages just received stays pressable
            self.buttons = pressed
        return self.last

    async def say(self, text: str, event_id: str = "") -> list[Reply]:
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return await self._send(Command(self.address, name, args, event_id))
        return await self._send(Message(self.address, text, event_id))

    async def press(self, number: int) -> list[Reply]:
        button = self.buttons[number - 1]
        return await self._send(Action(self.address, button.action_id, button.value))

    async def press_label(self, fragment: str) -> list[Reply]:
        for button in self.buttons:
            if fragment.lower() in button.label.lower():
                return await self._send(Action(self.address, button.action_id, button.value))
        raise AssertionError(f"no button {fragment!r} in {[b.label for b in self.buttons]}")

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last)
