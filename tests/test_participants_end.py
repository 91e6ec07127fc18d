"""A participant ends their relationship themselves (/end, /terminer, the /mentors button),
or changes mentor: confirmation, optional reason for the coordinators only, the other person
told kindly in their own language, everything planned for the pair stopped, the survey, and
forged or stale buttons refused without changing anything."""

from __future__ import annotations

from datetime import timedelta

from bot.kernel import people
from bot.kernel.app import App
from bot.kernel.events import Action
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_mentoring import setup_programme
from tests.test_moderation_fixtures import (
    COORD,
    Inbox,
    match_id_of,
    matched_pair,
    person,
    safe_app,
    tap,
)

__all__ = ["safe_app"]  # the fixture, used by name


async def _match(app: App, match_id: int) -> dict:
    async with app.db.read() as tx:
        return dict(await tx.one("SELECT * FROM matches WHERE id = ?", (match_id,)))


async def _pending_for_pair(app: App, match_id: int) -> int:
    async with app.db.read() as tx:
        return await tx.value("SELECT count(*) FROM outbox WHERE status = 'pending'"
                              " AND idempotency_key LIKE ?", (f"match:{match_id}:%",))


async def _set_language(app: App, handle: str, language: str) -> None:
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET language = ? WHERE handle = ?", (language, handle))


async def test_mentee_ends_from_mentors_with_a_reason_only_coordinators_read(
        safe_app: App) -> None:
    await person(safe_app, COORD, "mentor", capacity=0)
    mentee_id, _ = await matched_pair(safe_app)
    match_id = await match_id_of(safe_app, mentee_id)
    inbox = Inbox(safe_app)
    await inbox.deliver()  # the introductions
    assert await _pending_for_pair(safe_app, match_id) > 0  # its end date is planned

    mia = Chat(safe_app, "mia")
    await mia.say("/mentors")
    await tap(mia, "End my relationship with Nora")
    assert "End your mentoring relationship with Nora?" in mia.text
    await tap(mia, "End the relationship")
    assert "tell the coordinators why" in mia.text
    assert (await _match(safe_app, match_id))["status"] == "active"  # nothing yet
    await mia.say("Our schedules never fit, sadly.")
    assert "your relationship with Nora has ended" in mia.text
    assert "Whenever you'd like another mentor, type /find" in mia.text

    match = await _match(safe_app, match_id)
    assert match["status"] == "ended"
    assert match["end_reason"] == "ended_by_mentee: Our schedules never fit, sadly."
    assert await _pending_for_pair(safe_app, match_id) == 0  # nothing planned goes out
    received = await inbox.deliver()
    nora = " ".join(received["nora"])
    assert "Mia has ended your mentoring relationship" in nora
    assert "says nothing about your mentoring" in nora
    assert "schedules never fit" not in nora  # the reason is for the coordinators only
    coordinators = " ".join(received[COORD])
    assert "Relationship ended by the mentee" in coordinators
    assert "Our schedules never fit, sadly." in coordinators
    safe_app.services.clock.advance(timedelta(days=1))  # within the daily budget
    later = await inbox.deliver()
    for handle in ("mia", "nora"):  # the closing survey, to both
        assert "How satisfied are you" in " ".join(received.get(handle, []) +
                                                   later.get(handle, []))

    await mia.say("/mentors")
    assert "End my relationship" not in " ".join(b.label for b in mia.buttons
                                                 if b.action_id.startswith("ending."))


async def test_french_mentor_ends_and_the_mentee_hears_it_kindly_in_english(
        safe_app: App) -> None:
    await person(safe_app, COORD, "mentor", capacity=0)
    mentee_id, _ = await matched_pair(safe_app)
    await _set_language(safe_app, "nora", "fr")
    match_id = await match_id_of(safe_app, mentee_id)
    inbox = Inbox(safe_app)
    await inbox.deliver()

    nora = Chat(safe_app, "nora")
    await nora.say("/terminer")
    assert "Terminer votre relation de mentorat avec Mia" in nora.text
    assert not any("Terminer et trouver" in b.label for b in nora.buttons)  # mentees only
    await tap(nora, "Terminer la relation")
    await tap(nora, "Passer")
    assert "votre relation avec Mia a pris fin" in nora.text
    assert (await _match(safe_app, match_id))["end_reason"] == "ended_by_mentor"

    received = await inbox.deliver()
    mia = " ".join(received["mia"])
    assert "Nora has ended your mentoring relationship" in mia
    assert "it says nothing about you" in mia
    assert "They gave no reason." in " ".join(received[COORD])


async def test_keep_changes_nothing(safe_app: App) -> None:
    mentee_id, _ = await matched_pair(safe_app)
    match_id = await match_id_of(safe_app, mentee_id)
    mia = Chat(safe_app, "mia")
    await mia.say("/end")
    await tap(mia, "End the relationship")
    await tap(mia, "I changed my mind")
    assert "nothing has changed" in mia.text
    await mia.say("Actually, one more thing")  # the reason question is closed
    assert (await _match(safe_app, match_id))["status"] == "active"


async def test_mentee_changes_mentor_and_is_shown_others_never_the_former(app: App) -> None:
    await setup_programme(app)
    mia = Chat(app, "mia")
    await mia.say("/find")
    await tap(mia, "Request Nora")
    await tap(mia, "Send")
    async with app.db.read() as tx:
        request_id = await tx.value("SELECT id FROM requests WHERE status = 'pending'")
    await Chat(app, "nora").app.bot.handle(Action(Chat(app, "nora").address, "req.accept",
                                                  str(request_id)))

    await mia.say("I'd like to change mentor please")
    assert "Change mentor?" in mia.text and "not Nora" in mia.text
    await tap(mia, "End it and find another mentor")
    await tap(mia, "Skip")
    assert "your relationship with Nora has ended" in mia.text
    cards = [r.text for r in mia.last if r.text.startswith("*")]
    assert cards and not any(card.startswith("*Nora*") for card in cards)
    assert any(card.startswith("*Omar*") for card in cards)

    await mia.say("/find")  # and later too
    assert not any(r.text.startswith("*Nora*") for r in mia.last)


async def test_change_mentor_without_a_mentor_goes_to_find(app: App) -> None:
    await setup_programme(app)
    mia = Chat(app, "mia")
    await mia.say("changer de mentor")
    assert "nothing to change" in mia.text
    assert any(r.text.startswith("*Nora*") for r in mia.last)


async def test_forged_and_stale_values_change_nothing(safe_app: App) -> None:
    mentee_id, mentor_id = await matched_pair(safe_app)
    match_id = await match_id_of(safe_app, mentee_id)
    await add_person(safe_app, "eve", "mentee")
    eve = Chat(safe_app, "eve")
    for action_id, value in (("ending.confirm", f"{match_id}:end"),
                             ("ending.skip", f"{match_id}:end"),
                             ("ending.ask", str(match_id))):
        await eve._send(Action(eve.address, action_id, value))
        assert "isn't yours" in eve.text
    nora = Chat(safe_app, "nora")
    await nora._send(Action(nora.address, "ending.skip", f"{match_id}:change"))  # mentees only
    assert "no longer valid" in nora.text
    for value in ("abc:end", f"{match_id}:explode", "99999:end", ""):
        await nora._send(Action(nora.address, "ending.skip", value))
        assert "no longer valid" in nora.text
    assert (await _match(safe_app, match_id))["status"] == "active"

    await nora._send(Action(nora.address, "ending.skip", f"{match_id}:end"))
    assert "has ended" in nora.text
    await nora._send(Action(nora.address, "ending.skip", f"{match_id}:end"))  # twice
    assert "already ended" in nora.text
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM relationship_surveys WHERE match_id = ?",
                              (match_id,)) == 2
        nora_person = await people.get(tx, mentor_id)
    assert nora_person is not None


async def test_nothing_to_end(app: App) -> None:
    await add_person(app, "lea", "mentor", language="fr", capacity=2)
    lea = Chat(app, "lea")
    await lea.say("/end")
    assert "Vous n'avez aucune relation à terminer" in lea.text
