"""Free text outside any question is understood when it is a common phrase (French and
English, accents, case, punctuation and small typos forgiven), never on a short random word;
"stop" stops unsolicited messages outside a question and cancels inside one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.kernel.app import App
from bot.text.phrases import PhraseBook
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_mentoring import Inbox, setup_programme
from tests.test_moderation_fixtures import COORD, matched_pair, person, safe_app, tap

__all__ = ["safe_app"]  # the fixture, used by name

CONTENT = Path(__file__).resolve().parents[1] / "content"


@pytest.mark.parametrize("text", ["aide", "AIDE !", "Aidez-moi svp", "bonjour"])
async def test_french_help_phrases_show_the_french_help(app: App, text: str) -> None:
    await add_person(app, "lea", "mentee", language="fr", sought="project management")
    lea = Chat(app, "lea")
    await lea.say(text)
    assert "Voici ce que je sais faire" in lea.text


@pytest.mark.parametrize("text", ["help", "Help!", "help me please", "What can you do?"])
async def test_english_help_phrases_show_the_help(app: App, text: str) -> None:
    await add_person(app, "mia", "mentee", sought="project management")
    mia = Chat(app, "mia")
    await mia.say(text)
    assert "Here is what I can do" in mia.text


@pytest.mark.parametrize("text", ["je veux un mentor", "Je cherche une mentore.",
                                  "trouver un mentor", "find a mentor", "I NEED A MENTOR"])
async def test_wanting_a_mentor_shows_suggestions(app: App, text: str) -> None:
    await setup_programme(app)
    mia = Chat(app, "mia")
    await mia.say(text)
    assert any(r.text.startswith("*Nora*") for r in mia.last)


@pytest.mark.parametrize("text", ["mes rencontres", "Mes rencontre", "my meetings",
                                  "mes rendez-vous"])
async def test_my_meetings_phrases_list_meetings(app: App, text: str) -> None:
    await add_person(app, "mia", "mentee", sought="project management")
    mia = Chat(app, "mia")
    await mia.say(text)
    assert "You have no meetings yet" in mia.text


@pytest.mark.parametrize("text", ["chnager de mentor", "Changer de mentor !",
                                  "je veux changer de mentor svp", "change mentor"])
async def test_change_mentor_with_typos_asks_to_confirm(safe_app: App, text: str) -> None:
    await matched_pair(safe_app)
    mia = Chat(safe_app, "mia")
    await mia.say(text)
    assert "Change mentor?" in mia.text
    assert any("find another mentor" in b.label for b in mia.buttons)


@pytest.mark.parametrize("text", ["sto", "shop", "quite", "mentor", "helo", "banana",
                                  "je ne veux pas changer de mentor", "ok", "end?!"])
async def test_short_random_or_negated_words_are_not_taken_for_commands(
        safe_app: App, text: str) -> None:
    await matched_pair(safe_app)
    mia = Chat(safe_app, "mia")
    await mia.say(text)
    if text == "end?!":  # the exact command word, punctuation aside
        assert "End your mentoring relationship" in mia.text
        return
    if text == "ok":  # an acknowledgement: a kind word back, and still no command
        assert mia.text.startswith("You're welcome!")
    else:
        assert "I'm not sure what you mean" in mia.text
        assert "“find a mentor”" in mia.text  # with a hint of what works
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM quiet_people") == 0
        assert await tx.value("SELECT status FROM matches") == "active"


async def test_not_understood_in_french_gives_a_french_hint(app: App) -> None:
    await add_person(app, "lea", "mentee", language="fr")
    lea = Chat(app, "lea")
    await lea.say("pamplemousse")
    assert "Je ne suis pas sûr de comprendre" in lea.text
    assert "mes rencontres" in lea.text


async def test_stop_outside_a_question_stops_unsolicited_messages_until_undone(
        safe_app: App) -> None:
    """A relationship ended by the coordinators: the survey goes to the person who did not say
    stop, never to the one who did; /notifications on brings the next ones back."""
    await person(safe_app, COORD, "mentor", capacity=0)
    await matched_pair(safe_app)
    inbox = Inbox(safe_app)
    await inbox.deliver()
    nora = Chat(safe_app, "nora")
    await nora.say("Arrête !")
    assert "I won't send you tips, lessons, check-ins or surveys" in nora.text
    assert "/notifications on" in nora.text  # how to undo it

    await Chat(safe_app, COORD).say("/admin end @mia @nora")
    received: dict[str, list[str]] = {}
    for _ in range(3):
        for handle, texts in (await inbox.deliver()).items():
            received.setdefault(handle, []).extend(texts)
        safe_app.services.clock.advance(timedelta(days=1))
    assert "How satisfied are you" in " ".join(received["mia"])
    assert "How satisfied are you" not in " ".join(received.get("nora", []))
    assert received.get("nora")  # told that it ended: not unsolicited, still sent

    await nora.say("/notifications")
    assert "You don't receive tips" in nora.text
    await tap(nora, "Get them again")
    assert "you'll receive tips, lessons, check-ins and surveys again" in nora.text
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM quiet_people") == 0


async def test_slash_stop_cancels_a_question_and_otherwise_stops_messages(app: App) -> None:
    await setup_programme(app)
    mia = Chat(app, "mia")
    await mia.say("/find")
    await tap(mia, "Request Nora")
    await mia.say("/stop")
    assert "Stopped" in mia.text
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM quiet_people") == 0
    await mia.say("/stop")
    assert "I won't send you tips, lessons, check-ins or surveys" in mia.text


async def test_unsubscribe_in_french_is_understood(app: App) -> None:
    await add_person(app, "lea", "mentee", language="fr")
    lea = Chat(app, "lea")
    await lea.say("désabonner")
    assert "je ne vous enverrai plus de conseils" in lea.text
    await lea.say("/notifications on")
    assert "vous recevrez de nouveau" in lea.text


async def test_stop_inside_a_question_cancels_it_and_sends_nothing(app: App) -> None:
    await setup_programme(app)
    mia = Chat(app, "mia")
    await mia.say("/find")
    await tap(mia, "Request Nora")
    assert "Nora" in mia.text
    await mia.say("STOP")
    assert "Stopped" in mia.text
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM requests") == 0
        assert await tx.value("SELECT count(*) FROM quiet_people") == 0
        assert await tx.value("SELECT count(*) FROM conversations") == 0


def test_the_phrase_table_loads_and_names_only_real_commands(app: App) -> None:
    book = PhraseBook.load(CONTENT / "phrases.toml")
    assert book.commands() <= set(app.router.commands)
    assert book.understand("desabonner") == book.understand("Désabonner !")
