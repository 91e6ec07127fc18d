"""A mentor who asks to be forgotten leaves matching at once: never suggested again (even by
another bot process on the same database), request expiry goes on for everyone else, and a
mentee whose request was waiting for them is told, politely and without their name."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from bot.kernel.app import App, build_app
from bot.kernel.events import Action
from tests.conftest import Chat, make_config
from tests.people_factory import add_person
from tests.test_mentoring import Inbox, setup_programme


def _cards(chat: Chat) -> list[str]:
    return [r.text.split("*")[1] for r in chat.last if r.text.startswith("*")]


async def _forget(app: App, handle: str) -> None:
    chat = Chat(app, handle)
    await chat.say("/forget")
    await chat.press_label("Yes, delete everything")
    assert "has been deleted" in chat.text


async def _request(app: App, mentee: str, mentor_id: int) -> int:
    await app.bot.handle(Action(Chat(app, mentee).address, "req.send", str(mentor_id)))
    async with app.db.read() as tx:
        return await tx.value("SELECT id FROM requests WHERE mentor_id = ?"
                              " AND status = 'pending'", (mentor_id,))


async def _status(app: App, request_id: int) -> str | None:
    async with app.db.read() as tx:
        return await tx.value("SELECT status FROM requests WHERE id = ?", (request_id,))


async def _ids(app: App) -> dict[str, int]:
    async with app.db.read() as tx:
        return {r["handle"]: r["id"] for r in await tx.all("SELECT id, handle FROM people")}


async def test_expiry_reroutes_past_a_forgotten_mentor(app: App) -> None:
    await setup_programme(app)
    inbox = Inbox(app)
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert _cards(mia)[0] == "Nora"  # the index now holds Nora
    request_id = await _request(app, "mia", (await _ids(app))["omar"])
    await inbox.deliver()
    await _forget(app, "nora")
    app.services.clock.advance(timedelta(days=7, hours=1))
    received = await inbox.deliver()
    assert "Omar didn't answer your request in time" in received["mia"][0]
    assert "Nora" not in received["mia"][0]
    assert await _status(app, request_id) == "expired"
    await mia.say("/find")
    assert "Nora" not in _cards(mia)


async def test_find_fills_the_page_without_the_forgotten_mentor(app: App) -> None:
    await setup_programme(app)
    await add_person(app, "rita", "mentor", offered="project management", languages=("en",),
                     seniority=4, capacity=2)
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert "Nora" in _cards(mia) and len(_cards(mia)) == 3
    await _forget(app, "nora")
    await mia.say("/find")
    assert len(_cards(mia)) == 3 and "Nora" not in _cards(mia)


async def test_another_process_forgets_and_this_one_stops_suggesting(app: App,
                                                                    tmp_path) -> None:
    await setup_programme(app)
    await add_person(app, "rita", "mentor", offered="project management", languages=("en",),
                     seniority=4, capacity=2)
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert "Nora" in _cards(mia)
    other = await build_app(make_config(tmp_path), app.services.clock)
    try:
        await _forget(other, "nora")  # the same database, another bot process
    finally:
        await other.close()
    await mia.say("/find")
    assert len(_cards(mia)) == 3 and "Nora" not in _cards(mia)


async def test_a_waiting_request_to_a_forgotten_mentor_is_closed_and_told(app: App) -> None:
    await setup_programme(app)
    inbox = Inbox(app)
    ids = await _ids(app)
    await _request(app, "mia", ids["nora"])
    await inbox.deliver()
    await _forget(app, "nora")
    received = await inbox.deliver()
    assert "left the programme" in received["mia"][0] and "/find" in received["mia"][0]
    assert "Nora" not in received["mia"][0]
    mia = Chat(app, "mia")
    await mia.say("/mentors")
    assert "Nora" not in mia.text
    app.services.clock.advance(timedelta(days=8))
    assert await inbox.deliver() == {}  # no reminder nor expiry about the closed request


async def test_a_waiting_mentee_who_is_forgotten_closes_the_mentors_request(app: App) -> None:
    await setup_programme(app)
    inbox = Inbox(app)
    await _request(app, "mia", (await _ids(app))["nora"])
    await inbox.deliver()
    await _forget(app, "mia")
    received = await inbox.deliver()
    assert "left the programme" in received["nora"][0] and "Mia" not in received["nora"][0]


@pytest.mark.sqlite_only  # removes a row behind the store's back, with sqlite3 itself
@pytest.mark.sqlite_only  # deletes the row through sqlite3, foreign keys off
async def test_expiry_of_a_request_whose_mentor_row_is_gone(app: App) -> None:
    """A mentor row removed behind the bot's back (an older version, a manual clean-up)."""
    await setup_programme(app)
    inbox = Inbox(app)
    ids = await _ids(app)
    request_id = await _request(app, "mia", ids["nora"])
    await inbox.deliver()
    with sqlite3.connect(app.db.path) as conn:  # foreign keys off: the request row stays
        conn.execute("DELETE FROM people WHERE id = ?", (ids["nora"],))
    app.services.clock.advance(timedelta(days=7, hours=1))
    received = await inbox.deliver()
    assert "left the programme" in received["mia"][0]
    assert await _status(app, request_id) == "closed"
