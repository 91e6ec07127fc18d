"""A pair paused by the coordinators (after a report) is still a relationship: the mentee is
not offered a mentor meanwhile (by /find, a request button, cohort or manual matching), the
mentor's place stays taken, and resuming works — or says clearly why it can't."""

from __future__ import annotations

from bot.kernel import people
from bot.kernel.app import App
from bot.kernel.events import Action
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import COORD, Inbox, match_id_of, person, tap

safe_app = fixtures.safe_app


async def _pair(app: App, mentee: str, mentor: str, capacity: int) -> tuple[int, int]:
    """Mentee asks with the request button, mentor accepts: ids of both."""
    mentee_id = await person(app, mentee, "mentee")
    mentor_id = await person(app, mentor, "mentor", capacity=capacity)
    await _ask_and_accept(app, mentee, mentee_id, mentor, mentor_id)
    return mentee_id, mentor_id


async def _ask_and_accept(app: App, mentee: str, mentee_id: int, mentor: str,
                          mentor_id: int) -> None:
    await app.bot.handle(Action(Chat(app, mentee).address, "req.send", str(mentor_id)))
    async with app.db.read() as tx:
        request_id = await tx.value("SELECT id FROM requests WHERE mentee_id = ?"
                                    " AND mentor_id = ? AND status = 'pending'",
                                    (mentee_id, mentor_id))
    assert request_id, "the request was refused"
    await app.bot.handle(Action(Chat(app, mentor).address, "req.accept", str(request_id)))


async def _pause_by_report(app: App, mentee: str) -> Chat:
    """The mentee reports the relationship; the coordinator pauses the pair."""
    chat = Chat(app, mentee)
    await chat.say("/report")
    await tap(chat, "My relationship with")
    await chat.say("Something felt wrong in our last meeting.")
    coord = Chat(app, COORD)
    await coord.say("/admin reports")
    await tap(coord, "Pause the pair")
    assert "is paused" in coord.text
    return coord


async def _status(app: App, match_id: int) -> str:
    async with app.db.read() as tx:
        return await tx.value("SELECT status FROM matches WHERE id = ?", (match_id,))


def _cards(chat: Chat) -> list[str]:
    return [r.text.split("*")[1] for r in chat.last if r.text.startswith("*")]


async def test_paused_mentee_is_offered_nobody_until_the_pair_resumes(safe_app: App) -> None:
    await person(safe_app, COORD, "mentor", capacity=0)
    mia_id, nora_id = await _pair(safe_app, "mia", "nora", capacity=2)
    await person(safe_app, "omar", "mentor")
    coord = await _pause_by_report(safe_app, "mia")
    mia = Chat(safe_app, "mia")
    await mia.say("/find")
    assert _cards(mia) == []  # neither Nora again nor another mentor meanwhile
    assert "paused" in mia.text and "Nora" in mia.text
    replies = await safe_app.bot.handle(Action(mia.address, "req.send", str(nora_id)))
    assert "paused" in replies[0].text  # an old Request button does nothing either
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM requests WHERE status = 'pending'") == 0
    await coord.say("/admin reports")
    await tap(coord, "Resume the pair")
    assert "active again" in coord.text
    assert await _status(safe_app, await match_id_of(safe_app, mia_id)) == "active"


async def test_a_paused_pair_keeps_the_mentors_place(safe_app: App) -> None:
    await person(safe_app, COORD, "mentor", capacity=0)
    _, nora_id = await _pair(safe_app, "mia", "nora", capacity=1)
    await _pause_by_report(safe_app, "mia")
    await person(safe_app, "omar", "mentor")
    leo_id = await person(safe_app, "leo", "mentee")
    leo = Chat(safe_app, "leo")
    await leo.say("/find")
    assert _cards(leo) == ["Omar"]  # Nora's only place is Mia's, paused or not
    replies = await safe_app.bot.handle(Action(leo.address, "req.send", str(nora_id)))
    assert "can't take this request" in replies[0].text
    coord = Chat(safe_app, COORD)
    await coord.say("/admin match @leo @nora")
    assert "can't be matched" in coord.text and "no place left" in coord.text
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches WHERE mentee_id = ?", (leo_id,)) == 0


async def test_cohort_matching_leaves_a_paused_pair_alone(safe_app: App) -> None:
    await person(safe_app, COORD, "mentor", capacity=0)
    mia_id, _ = await _pair(safe_app, "mia", "nora", capacity=1)
    coord = await _pause_by_report(safe_app, "mia")
    await person(safe_app, "omar", "mentor", capacity=1)
    await person(safe_app, "leo", "mentee")
    await coord.say("/match-cohort")
    pairs = [line for line in coord.text.splitlines() if "→" in line]
    assert len(pairs) == 1 and pairs[0].startswith("- Leo → Omar")
    assert "Mia" not in coord.text
    await coord.press_label("Apply")
    assert "created" in coord.text
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches WHERE mentee_id = ?", (mia_id,)) == 1
    await coord.say("/admin reports")
    await tap(coord, "Resume the pair")
    assert "active again" in coord.text
    assert await _status(safe_app, await match_id_of(safe_app, mia_id)) == "active"


async def test_resume_refused_politely_when_the_mentor_is_full_now(safe_app: App) -> None:
    inbox = Inbox(safe_app)
    await person(safe_app, COORD, "mentor", capacity=0)
    mia_id, nora_id = await _pair(safe_app, "mia", "nora", capacity=2)
    coord = await _pause_by_report(safe_app, "mia")
    leo_id = await person(safe_app, "leo", "mentee")
    await _ask_and_accept(safe_app, "leo", leo_id, "nora", nora_id)
    async with safe_app.db.transaction() as tx:  # meanwhile Nora gave herself one place only
        nora = await people.get(tx, nora_id)
        await people.update(tx, nora, safe_app.services.clock.now(), capacity=1)
    await inbox.deliver()
    await coord.say("/admin reports")
    await tap(coord, "Resume the pair")
    assert "can't resume" in coord.text and "Nora" in coord.text and "places: 1" in coord.text
    assert await _status(safe_app, await match_id_of(safe_app, mia_id)) == "paused"
    assert await inbox.deliver() == {}  # nobody is told the pair resumed
    await coord.say("/admin reports")
    assert "pair paused" in coord.text  # the report waits, with its Resume button
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches WHERE mentor_id = ?"
                              " AND status = 'active'", (nora_id,)) == 1


async def test_resume_refused_when_the_mentee_has_an_active_relationship(safe_app: App) -> None:
    """Data left by the old bug: the pair was matched again while paused."""
    await person(safe_app, COORD, "mentor", capacity=0)
    mia_id, nora_id = await _pair(safe_app, "mia", "nora", capacity=3)
    coord = await _pause_by_report(safe_app, "mia")
    async with safe_app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO matches (programme_id, mentee_id, mentor_id, source, started_at)"
            " VALUES (1, ?, ?, 'request', '2026-01-01T00:00:00+00:00')", (mia_id, nora_id))
    await coord.say("/admin reports")
    await tap(coord, "Resume the pair")
    assert "can't resume" in coord.text and "Mia" in coord.text
    assert "went wrong" not in coord.text
    async with safe_app.db.read() as tx:
        statuses = [r[0] for r in await tx.all(
            "SELECT status FROM matches WHERE mentee_id = ? ORDER BY id", (mia_id,))]
    assert statuses == ["paused", "active"]
