"""Coordinators' lists: who waits for a mentor, which requests wait for an answer, which
pairs are active, and one person seen whole — for the coordinator's own programme only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.kernel.app import App
from tests.conftest import Chat
from tests.fixtures_insight import app_at, insight_programme, member


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


async def test_unmatched_mentees_with_their_wait_and_requests(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    await coord.say("/admin unmatched")
    assert coord.text.split("\n") == [
        "*Mentees without a mentor* (2), longest wait first",
        "- Kim · waiting for 23 days · request pending to Nora (for 3 days) and Omar"
        " (for 1 day)",
        "- Ana · waiting for 14 days · no request pending",  # since her relationship ended
        "Match someone by hand with /admin match @mentee @mentor, or everyone at once with"
        " /admin cohort."]


async def test_requests_oldest_first_and_pairs_with_their_meetings(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    await coord.say("/admin requests")
    assert coord.text.split("\n") == [
        "*Pending requests* (2), oldest first",
        "- Kim → Nora · sent 3 days ago · expires on March 19, 2027",
        "- Kim → Omar · sent 1 day ago · expires on March 21, 2027"]
    await coord.say("/admin pairs")
    assert coord.text.split("\n") == [
        "*Active relationships* (3)",
        "- Mia & Nora · since January 10, 2027 · 4 meetings held · last on March 10, 2027",
        "- Leo & Nora · since February 1, 2027 · 1 meeting held · last on March 10, 2027"
        " · ⚠️ at risk",
        "- Ben & Omar · since March 5, 2027 · no meeting held yet"]


async def test_person_is_shown_whole_in_the_coordinators_language(app: App) -> None:
    ids = await insight_programme(app)
    async with app.db.transaction() as tx:
        await tx.execute("INSERT INTO points_ledger (programme_id, person_id, reason, points,"
                         " unique_key, created_at) VALUES (1, ?, 'onboarded', 10, 'x', ?)",
                         (ids["omar"], "2027-03-01T00:00:00+00:00"))
    coordfr = Chat(app, "coordfr")
    await coordfr.say("/admin person @omar")
    text = coordfr.text
    assert text.startswith("*Omar* (@omar) — vue de l'équipe de coordination")
    assert "Rôle\xa0: Mentor" in text                      # the /profile card, in French
    assert "Service\xa0: Finance" in text
    assert "- Personne mentorée\xa0: Ben · actif depuis le 5 mars 2027 · 0 rencontre tenue" in text
    assert "- Personne mentorée\xa0: Ana · terminé le 1er mars 2027 (arrivé à son terme)" \
           " · 1 rencontre tenue" in text
    assert "Demande en attente de la part de Kim (depuis 1 jour)" in text
    assert "*Points*\xa0: 10 · badges\xa0: 0 · leçons terminées\xa0: 0" in text
    await coordfr.say("/admin person <@KIM|Kim>")  # a Slack mention, as Slack escapes it
    assert "*Kim* (@kim)" in coordfr.text
    await coordfr.say("/admin person")
    assert "Qui\u202f?" in coordfr.text


async def test_lists_never_cross_programmes(app: App) -> None:
    await insight_programme(app)
    otto = Chat(app, "otto")
    await otto.say("/admin person @mia")
    assert "couldn't find anyone called “@mia” in your programme" in otto.text
    await otto.say("/admin pairs")
    assert otto.text.split("\n")[1].startswith("- Pia & Quinn")
    assert "Mia" not in otto.text
    await otto.say("/admin unmatched")
    assert "Every active mentee has a mentor" in otto.text
    await otto.say("/admin requests")
    assert "No request is waiting" in otto.text
    coord = Chat(app, "coord")
    await coord.say("/admin person @pia")
    assert "couldn't find anyone" in coord.text


async def test_odd_names_and_long_lists_are_handled(app: App) -> None:
    from tests.fixtures_insight import member

    await member(app, "coord", "mentor", capacity=0)
    for number in range(35):
        await member(app, f"m{number}", "mentee")
    coord = Chat(app, "coord")
    await coord.say("/admin unmatched")
    assert "*Mentees without a mentor* (35)" in coord.text
    assert "… and 5 more (everything is in /admin export)." in coord.text
    for odd in ("@", "🎉", "x" * 3000, "@@@", "<@>", "'; DROP TABLE people; --"):
        await coord.say(f"/admin person {odd}")
        assert "couldn't find anyone" in coord.text or "Whom?" in coord.text


async def test_a_wait_of_hours_is_said_in_hours(app: App) -> None:
    # Someone who joined this morning has not waited "0 days".
    await insight_programme(app)
    await member(app, "zoe", "mentee", sought="python")
    coord, coordfr = Chat(app, "coord"), Chat(app, "coordfr")
    await coord.say("/admin unmatched")
    assert "- Zoe · waiting for less than an hour · no request pending" in coord.text
    app.services.clock.advance(timedelta(hours=5, minutes=50))
    await coord.say("/admin unmatched")
    assert "- Zoe · waiting for 5 hours · no request pending" in coord.text
    await coordfr.say("/admin unmatched")
    assert "- Zoe · attend depuis 5 heures · aucune demande en attente" in coordfr.text
