"""After /forget, the person's next message is answered in the language they spoke, not the
platform's default; nothing else about them is kept (the stored key is a keyed hash of the
address, so neither their handle nor their platform id is in the database file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kernel.app import App
from tests.conftest import Chat
from tests.people_factory import add_person


async def _forget(chat: Chat, yes: str) -> None:
    await chat.say("/forget")
    await chat.press_label(yes)


async def test_a_french_speaker_is_answered_in_french_after_forget(app: App) -> None:
    await add_person(app, "zephyrine", "mentee", language="fr")
    chat = Chat(app, "zephyrine")
    await _forget(chat, "Oui")
    assert "tout ce que je conservais sur vous a été supprimé" in chat.text

    await chat.say("/find")
    assert "Il vous faut d'abord un profil" in chat.text
    await chat.say("/help")
    assert "Voici ce que je sais faire" in chat.text
    async with app.db.read() as tx:
        row = await tx.one("SELECT language, display_name, goals FROM people")
        assert row["language"] == "fr" and row["goals"] == ""
        assert await tx.value("SELECT count(*) FROM remembered_languages") == 0  # used once


async def test_an_english_speaker_stays_english_where_french_is_the_default(
        app: App) -> None:
    app.services.config.bot.language = "fr"
    await add_person(app, "quentin", "mentor", language="en", capacity=1)
    chat = Chat(app, "quentin")
    await _forget(chat, "Yes")
    await chat.say("/help")
    assert "Here is what I can do" in chat.text


async def test_someone_else_on_the_same_platform_is_not_affected(app: App) -> None:
    await add_person(app, "zephyrine", "mentee", language="fr")
    await _forget(Chat(app, "zephyrine"), "Oui")
    other = Chat(app, "olivier")
    await other.say("/help")
    assert "Here is what I can do" in other.text


@pytest.mark.sqlite_only
async def test_what_is_kept_names_nobody(app: App) -> None:
    await add_person(app, "zephyrine", "mentee", language="fr")
    await _forget(Chat(app, "zephyrine"), "Oui")
    async with app.db.read() as tx:
        rows = [dict(r) for r in await tx.all("SELECT * FROM remembered_languages")]
    assert [r["language"] for r in rows] == ["fr"]
    assert "zephyrine" not in str(rows).lower()
    database = Path(app.db.path)
    for path in (database, database.with_name(database.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        assert b"zephyrine" not in data.lower()
