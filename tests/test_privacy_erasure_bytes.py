"""/forget leaves nothing in the files: the SQLite database file and its write-ahead log are
read byte by byte after a person is forgotten, and their name and goals are in neither.
(Without secure_delete the deleted cells stay in the file's free space, and without a
checkpoint the WAL keeps every page the person was written in.)"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.kernel.app import App
from bot.kernel.clock import SimulatedClock
from bot.privacy.privacy import add_months, schedule_retention
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import Inbox, person

# Reads the SQLite file and its WAL byte by byte.
pytestmark = pytest.mark.sqlite_only

safe_app = fixtures.safe_app

HANDLE = "quillonbrasko"           # the console shows them as "Quillonbrasko"
GOALS = "I want to map xylophonic marzipan cartography before next spring."
TRACES = (b"Quillonbrasko", b"quillonbrasko", b"xylophonic marzipan")


async def onboard_mentee_en(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press_label("English")
    await chat.press_label("I agree")
    await chat.press_label("Mentee")
    await chat.say("project management, public speaking")
    await chat.say(GOALS)
    await chat.say("English")
    await chat.say("Montreal")
    if chat.buttons and "Toronto" in " ".join(b.label for b in chat.buttons):
        await chat.press_label("Toronto")
    await chat.say("Tue 5-7pm, Thu noon-1pm")
    await chat.press(3)
    await chat.say("Human resources")
    assert "Your profile is ready" in chat.text


def traces_in(path: Path) -> list[bytes]:
    data = path.read_bytes() if path.exists() else b""
    return [trace for trace in TRACES if trace in data]


async def test_forget_leaves_no_bytes_in_the_database_file_or_its_wal(app: App) -> None:
    chat = Chat(app, HANDLE)
    await onboard_mentee_en(chat)
    async with app.db.transaction() as tx:  # edited once: an old version of the row too
        await tx.execute("UPDATE people SET goals = ? WHERE handle = ?",
                         (GOALS + " Still.", HANDLE))
    database = Path(app.db.path)
    wal = database.with_name(database.name + "-wal")
    assert traces_in(database) or traces_in(wal)  # stored somewhere before

    await chat.say("/forget")
    await chat.press_label("Yes")
    assert "deleted" in chat.text.lower()

    # The bot is still running: nothing was closed or vacuumed by hand.
    assert traces_in(database) == []
    assert traces_in(wal) == []


async def test_retention_sweep_leaves_no_bytes_either(safe_app: App) -> None:
    """The daily job forgets an inactive person the same way: gone from both files."""
    clock = safe_app.services.clock
    assert isinstance(clock, SimulatedClock)
    inbox = Inbox(safe_app)
    await person(safe_app, HANDLE, "mentee")  # their goals say "Quillonbrasko wants to..."
    async with safe_app.db.transaction() as tx:
        await tx.execute("UPDATE people SET goals = ? WHERE handle = ?", (GOALS, HANDLE))
        await schedule_retention(tx, clock.now())
    clock.advance(add_months(clock.now(), 24) - clock.now() - timedelta(days=6))
    assert HANDLE in await inbox.deliver()  # warned
    clock.advance(timedelta(days=8))
    await inbox.deliver()
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM people") == 0
    database = Path(safe_app.db.path)
    assert traces_in(database) == []
    assert traces_in(database.with_name(database.name + "-wal")) == []
