"""Issue 13: a broadcast reaches each recipient in their language. The coordinator writes it
once (in their own language) and may add the other version from the preview, or writes both
at once (`en: … | fr: …`); a reader whose language has no version gets the other one with a
note. The preview shows every version as it will be read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel.app import App
from tests.conftest import Chat
from tests.fixtures_insight import app_at, insight_programme
from tests.test_meetings import Inbox

HEADER_EN = "📣 *From the coordinators of Programme Test*"
HEADER_FR = "📣 *De la part de l'équipe de coordination de Programme Test*"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


async def test_written_once_then_the_french_version_added_from_the_preview(app: App) -> None:
    await insight_programme(app)           # mentors: coord, nora, omar (en) and coordfr (fr)
    inbox = Inbox(app)
    await inbox.deliver()
    coord = Chat(app, "coord")
    await coord.say("/admin broadcast mentors Thank you for this first month!")
    assert coord.text == (
        "*Preview* — to the mentors: 4 people, each in a private message.\n\n"
        f"*English* — 3 people:\n{HEADER_EN}\n\nThank you for this first month!\n\n"
        "*French* — 1 person, who gets the English text with a note:\n"
        f"{HEADER_FR}\n\n(Ce message a été écrit en anglais seulement.)\n\n"
        "Thank you for this first month!")
    assert [b.label for b in coord.buttons] == ["Send to 4 people", "Add the French version",
                                                "Cancel"]
    await coord.press_label("Add the French version")
    assert "Write the French version of the message" in coord.text
    await coord.say("Merci pour ce premier mois !")
    assert f"*French* — 1 person:\n{HEADER_FR}\n\nMerci pour ce premier mois !" in coord.text
    assert "seulement" not in coord.text
    assert [b.label for b in coord.buttons] == ["Send to 4 people", "Cancel"]
    await coord.press_label("Send")
    received = await inbox.deliver()
    assert received["coordfr"][0].text == f"{HEADER_FR}\n\nMerci pour ce premier mois !"
    assert received["nora"][0].text == f"{HEADER_EN}\n\nThank you for this first month!"


async def test_both_languages_at_once_each_reader_gets_theirs(app: App) -> None:
    await insight_programme(app)
    inbox = Inbox(app)
    await inbox.deliver()
    coord = Chat(app, "coord")
    await coord.say("/admin broadcast mentees en: Meeting on Friday at 5 pm."
                    " | fr: Rencontre vendredi à 17 h.")
    assert "*English* — 3 people:" in coord.text and "*French* — 2 people:" in coord.text
    assert "Rencontre vendredi à 17 h." in coord.text and "note" not in coord.text
    await coord.press_label("Send")
    received = await inbox.deliver()
    assert received["leo"][0].text == f"{HEADER_FR}\n\nRencontre vendredi à 17 h."
    assert received["mia"][0].text == f"{HEADER_EN}\n\nMeeting on Friday at 5 pm."


async def test_a_french_coordinators_text_reaches_english_readers_with_a_note(app: App) -> None:
    await insight_programme(app)
    inbox = Inbox(app)
    await inbox.deliver()
    coordfr = Chat(app, "coordfr")
    await coordfr.say("/admin broadcast mentees Bonne semaine à toutes et à tous !")
    assert "*Anglais* — 3 personnes, qui reçoivent le texte en français avec une note" \
        in coordfr.text
    assert [b.label for b in coordfr.buttons][1] == "Ajouter la version en anglais"
    await coordfr.press_label("Envoyer")
    received = await inbox.deliver()
    assert received["mia"][0].text == (f"{HEADER_EN}\n\n(This message was written in French"
                                       " only.)\n\nBonne semaine à toutes et à tous !")
    assert received["leo"][0].text == f"{HEADER_FR}\n\nBonne semaine à toutes et à tous !"


async def test_badly_marked_versions_get_the_way_to_write_them(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    for args in ("all en: Hi | en: Hello", "all en: Hi | fr:", "all fr: | en: Hi"):
        await coord.say(f"/admin broadcast {args}")
        assert "To write the message in both languages" in coord.text, args
    await coord.say("/admin broadcast all en: Hi | fr: " + "x" * 3100)
    assert "too long to broadcast (3100 characters, at most 3000)" in coord.text
    mia = Chat(app, "mia")
    await coord.say("/admin broadcast all Hello")
    add = coord.buttons[1]
    from bot.kernel.events import Action
    [reply] = await app.bot.handle(Action(mia.address, add.action_id, add.value))
    assert "for the programme's coordinators" in reply.text
