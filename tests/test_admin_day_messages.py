"""What a busy coordinator gets wrong when writing to people, answered plainly in English and
in French: a broadcast without an audience, an audience misspelt, the French word that could
mean the mentors or the mentees, the same announcement pasted twice; and a declined mentor
reads the coordinators' word on its own line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel.app import App
from tests.conftest import Chat
from tests.fixtures_insight import app_at, member
from tests.programme_ops import Deliveries, coordinators, onboard, programme_app
from tests.test_meetings import rows

__all__ = ["programme_app"]  # the fixture, used by name


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


async def test_a_broadcast_without_a_known_audience_says_which_word_is_wrong(app: App) -> None:
    await member(app, "nora", "mentor", capacity=1)
    await member(app, "mia", "mentee")
    coord, coordfr = Chat(app, "coord"), Chat(app, "coordfr", locale="fr-CA")
    await coord.say("/admin broadcast Hello everyone, kickoff on Friday!")
    assert coord.text.startswith("“Hello” is not an audience. Start with who gets it: all,"
                                 " mentors, mentees")
    await coord.say("/admin broadcast mentros Kickoff on Friday")
    assert coord.text == ("“mentros” is not an audience: did you mean mentors? Write /admin"
                          " broadcast mentors followed by your message.")
    await coord.say("/admin broadcast mentor Kickoff on Friday")  # the singular is fine
    assert coord.text.startswith("*Preview* — to the mentors: 1 person")
    await coordfr.say("/admin broadcast Bonjour à toutes et à tous")
    assert plain(coordfr.text).startswith("« Bonjour » n'est pas un public. Commencez par qui"
                                          " le reçoit")
    assert await rows(app, "SELECT id FROM broadcasts WHERE audience <> 'mentors'") == []


async def test_mentores_without_the_accent_is_asked_never_guessed(app: App) -> None:
    await member(app, "nora", "mentor", capacity=1)
    await member(app, "mia", "mentee")
    coord, coordfr = Chat(app, "coord"), Chat(app, "coordfr", locale="fr-CA")
    # "mentores" is the women mentors, or "mentorés" typed without its accent: it used to
    # send the coordinators' words to the mentees.
    await coordfr.say("/admin broadcast mentores Merci pour votre accueil")
    assert plain(coordfr.text) == (
        "« mentores » : les mentors et mentores, ou les personnes mentorées ? Écrivez mentors"
        " ou mentees (une personne mentorée s'écrit avec l'accent).")
    await coord.say("/admin broadcast mentores Thank you")
    assert coord.text.startswith("“mentores”: the mentors or the mentees? Write mentors or"
                                 " mentees")
    assert await rows(app, "SELECT id FROM broadcasts") == []
    await coordfr.say("/admin broadcast mentorés Bienvenue")  # with the accent: the mentees
    assert plain(coordfr.text).startswith("*Aperçu* — pour les personnes mentorées : 1 personne")


async def test_the_same_announcement_twice_is_pointed_out_before_sending(app: App) -> None:
    await member(app, "nora", "mentor", capacity=1)
    coord, coordfr = Chat(app, "coord"), Chat(app, "coordfr", locale="fr-CA")
    await coord.say("/admin broadcast mentors Kickoff on Friday at noon")
    assert not coord.text.startswith("⚠️")
    await coord.press_label("Send")
    await coord.say("/admin broadcast mentors Kickoff on Friday at noon")  # pasted again
    assert coord.text.startswith("⚠️ You already sent these words to this audience on Mar 15,"
                                 " 2027, 12:00 (1 person). Send again only if you mean to.\n\n"
                                 "*Preview*")
    await coord.press_label("Cancel")
    await coordfr.say("/admin broadcast mentors Kickoff on Friday at noon")
    assert plain(coordfr.text).startswith("⚠️ Vous avez déjà envoyé ce message à ce public le"
                                          " 15 mars 2027, 12 h (1 personne).")
    await coord.say("/admin broadcast all Kickoff on Friday at noon")  # another audience
    assert not coord.text.startswith("⚠️")
    await coord.say("/admin broadcast mentors Kickoff moved to Monday")  # other words
    assert not coord.text.startswith("⚠️")


async def test_a_declined_mentor_reads_the_coordinators_word_on_its_own_line(
        programme_app) -> None:
    app = await programme_app(mentor_approval=True)
    coord, coordo = await coordinators(app)
    olga, lea = Chat(app, "olga"), Chat(app, "lea")
    await onboard(olga, role="mentor")
    await onboard(lea, lang="fr", role="mentor")
    await coord.say("/admin decline @olga too junior")
    await coordo.say("/admin decline @lea pas de place ce trimestre")
    told = await Deliveries(app).deliver()
    olga_text = next(text for text in told["olga"] if "cannot take you on" in text)
    assert ("this time.\nA word from the coordination team: “too junior”\nYou can still update"
            in olga_text)
    lea_text = plain(next(text for text in told["lea"] if "ne peut pas retenir" in text))
    assert ("cette fois-ci.\nMot de l'équipe de coordination : « pas de place ce trimestre »\n"
            "Vous pouvez toujours" in lea_text)
    await coord.say("/admin decline @lea")  # declined without a word: no empty quote
    told = (await Deliveries(app).deliver()).get("lea", [])
    assert all("Mot de l'équipe" not in plain(text) for text in told)
