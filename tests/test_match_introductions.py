"""Issue 13: an introduction says who made the match. A coordinator's match or a cohort
match is announced as such ("your coordinator paired you with…"), in each person's own
language — never "X accepted to be your mentor" when X was asked nothing — and a mentor who
accepts a request gets the introduction once, as the answer to their press."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock
from tests.conftest import START, Chat, make_config
from tests.people_factory import add_person
from tests.test_mentoring import Inbox


async def pair_in_two_languages(app: App) -> None:
    """Mia reads English, Nora (her best mentor) reads French."""
    await add_person(app, "nora", "mentor", language="fr", offered="project management",
                     languages=("en", "fr"), seniority=4, capacity=2)
    await add_person(app, "mia", "mentee", sought="project management", seniority=2)


@pytest.fixture
async def relay_app(tmp_path: Path) -> AsyncIterator[App]:
    config = make_config(tmp_path)
    config.programmes["main"].relay_mode = True
    application = await build_app(config, SimulatedClock(START))
    yield application
    await application.close()


async def test_a_coordinators_match_says_so_to_both_in_their_language(app: App) -> None:
    await pair_in_two_languages(app)
    inbox = Inbox(app)
    coord = Chat(app, "coord")
    await coord.say("/admin match @mia @nora")
    await coord.press_label("Confirm")
    received = await inbox.deliver()
    to_mia, to_nora = received["mia"][0], received["nora"][0]   # the introductions come first
    assert to_mia.startswith("Good news: your coordinator paired you with *Nora*")
    assert "accepted" not in to_mia and "@nora" in to_mia
    assert to_nora.startswith(
        "Bonne nouvelle : l'équipe de coordination a jumelé votre profil avec celui de *Mia*"
        .replace(" :", "\u00a0:"))
    assert "accepté" not in to_nora and "aucune demande" in to_nora and "@mia" in to_nora


async def test_a_cohort_match_says_the_programme_matched_them(app: App) -> None:
    await pair_in_two_languages(app)
    inbox = Inbox(app)
    coord = Chat(app, "coord")
    await coord.say("/admin cohort")
    await coord.press_label("Apply")
    received = await inbox.deliver()
    to_mia, to_nora = received["mia"][0], received["nora"][0]   # the introductions come first
    assert "the programme's cohort matching paired you with *Nora*" in to_mia
    assert "jumelage de cohorte du programme" in to_nora and "accepté" not in to_nora


async def test_in_relay_mode_a_coordinators_match_says_so_and_gives_no_contact(
        relay_app: App) -> None:
    await pair_in_two_languages(relay_app)
    inbox = Inbox(relay_app)
    coord = Chat(relay_app, "coord")
    await coord.say("/admin match @mia @nora")
    await coord.press_label("Confirm")
    received = await inbox.deliver()
    to_mia = received["mia"][0]
    assert to_mia.startswith("Good news: your coordinator paired you with *Nora*")
    assert "talk through me" in to_mia and "@nora" not in to_mia and "accepted" not in to_mia
    inbox.give_buttons(Chat(relay_app, "mia"))
    assert any("Write to Nora" in b.label
               for b in inbox.console.transport.latest_buttons["mia"])


async def test_accepting_a_request_introduces_the_mentor_once(app: App) -> None:
    await pair_in_two_languages(app)
    inbox = Inbox(app)
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/find")
    await mia.press_label("Request Nora")
    await mia.press_label("Send without a message")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Accepter")
    assert len(nora.last) == 1 and "*Mia*" in nora.text and "@mia" in nora.text
    received = await inbox.deliver()
    assert not any("accompagnez" in text or "@mia" in text      # no introduction again
                   for text in received.get("nora", []))
    assert "*Nora* agreed to be your mentor" in received["mia"][0]
