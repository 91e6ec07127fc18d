"""Coordinators match two people by hand (score and reasons first, then *Confirm*) and end
relationships; and one relationship lived through the real flows shows in the figures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.kernel.app import App
from bot.kernel.domain_events import DomainEvent, Matched, RelationshipEnded
from bot.kernel.events import Action
from tests.conftest import Chat
from tests.fixtures_insight import app_at, member
from tests.test_meetings import TUE_THU_11_13, TUE_THU_16_20, advance_to, confirmed_meeting, rows
from tests.test_meetings import app_at as meetings_app_at
from tests.test_mentoring import Inbox as PlainInbox


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


def record(app: App, *kinds: type[DomainEvent]) -> list[DomainEvent]:
    seen: list[DomainEvent] = []

    async def remember(tx: Any, services: Any, event: DomainEvent) -> None:
        seen.append(event)
    for kind in kinds:
        app.services.hooks.on(kind, remember)
    return seen


async def people(app: App) -> dict[str, int]:
    return {
        "coord": await member(app, "coord", "mentor", capacity=0),
        "nora": await member(app, "nora", "mentor", offered="project management, public speaking",
                             languages=("en", "fr"), seniority=4, capacity=1),
        "quinn": await member(app, "quinn", "mentor", offered="project management",
                              languages=("ja",), capacity=2),
        "mia": await member(app, "mia", "mentee", sought="project management, public speaking",
                            seniority=2),
        "leo": await member(app, "leo", "mentee", sought="finance", language="fr",
                            languages=("fr",)),
        "otto": await member(app, "otto", "mentor", "other", capacity=0),
    }


async def test_preview_with_reasons_then_confirm_introduces_both_once(app: App) -> None:
    ids = await people(app)
    seen = record(app, Matched)
    inbox = PlainInbox(app)
    coord, mia = Chat(app, "coord"), Chat(app, "mia")
    await mia.say("/find")
    await mia.press_label("Request Nora")
    await mia.press_label("Send without a message")
    await coord.say("/admin match @mia @nora")
    assert coord.text.startswith("*Match Mia with Nora?*\nScore ")
    assert "- 2 shared topics: Project management and Public speaking" in coord.text
    assert [b.label for b in coord.buttons] == ["Confirm the match"]
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches") == 0  # a preview changes nothing
    await coord.press_label("Confirm")
    assert "Mia and Nora are now matched and have been introduced" in coord.text
    received = await inbox.deliver()
    assert "your coordinator paired you with *Nora*" in "\n".join(received["mia"])
    assert "your coordinator paired you with *Mia*" in "\n".join(received["nora"])
    [match] = await rows(app, "SELECT id, source, request_id, status FROM matches")
    [request] = await rows(app, "SELECT id, status FROM requests")
    assert match["source"] == "manual" and match["request_id"] == request["id"]
    assert request["status"] == "accepted"  # the request she had sent is answered by it
    assert seen == [Matched(match_id=match["id"], mentee_id=ids["mia"], mentor_id=ids["nora"],
                            source="manual")]
    await coord.press_label("Confirm")  # the same button again
    assert "Mia already has a mentor: Nora" in coord.text
    assert len(seen) == 1 and (await inbox.deliver()) == {}


async def test_hard_constraints_are_explained(app: App) -> None:
    await people(app)
    coord = Chat(app, "coord")
    await coord.say("/admin match @mia @quinn")
    assert coord.text == ("Mia and Quinn can't be matched: These two people have no language in"
                          " common.")
    assert coord.buttons == []
    await coord.say("/admin match @nora @quinn")  # two mentors
    assert "Nora is not an active mentee" in coord.text
    await coord.say("/admin match @nora @mia")  # the wrong order is read the right way
    assert coord.text.startswith("(The mentor was named first: I read Mia as the mentee")
    await coord.say("/admin match @mia @leo")
    assert "This person is not a mentor." in coord.text
    await coord.say("/admin match @mia @mia")
    assert "can't be matched" in coord.text
    await coord.say("/admin match @mia")
    assert "Name the mentee, then the mentor" in coord.text
    await coord.say("/admin match @mia @nobody")
    assert "couldn't find anyone called “@nobody”" in coord.text
    await coord.say("/admin match @mia @otto")  # another programme's mentor: not found
    assert "couldn't find anyone called “@otto”" in coord.text
    await coord.say("/admin match @mia @nora")
    await coord.press_label("Confirm")
    await coord.say("/admin match @leo @nora")  # Nora (capacity 1) is full now
    assert "This mentor has no place left." in coord.text


async def test_a_stale_or_foreign_confirm_changes_nothing(app: App) -> None:
    ids = await people(app)
    coord, otto = Chat(app, "coord"), Chat(app, "otto")
    await coord.say("/admin match @mia @nora")
    value = coord.buttons[0].value
    replies = await app.bot.handle(Action(otto.address, "admin.match.confirm", value))
    assert "for the programme's coordinators" in replies[0].text
    for forged in ("", "x:y", f"{ids['mia']}", f"{ids['mia']}:99999", "１:２", "-1:-2"):
        replies = await app.bot.handle(Action(coord.address, "admin.match.confirm", forged))
        assert "no longer valid" in replies[0].text
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches") == 0
        refused = await tx.all("SELECT action FROM audit_log WHERE allowed = 0")
    assert [r["action"] for r in refused] == ["match confirm: other programme"]


async def test_end_tells_both_kindly_and_keeps_the_reason_for_coordinators(app: App) -> None:
    ids = await people(app)
    seen = record(app, RelationshipEnded)
    inbox = PlainInbox(app)
    coord = Chat(app, "coord")
    await coord.say("/admin match @mia @nora")
    await coord.press_label("Confirm")
    await inbox.deliver()
    await coord.say("/admin end @nora @mia Mia changed teams 🙂")  # either order
    assert "The relationship between Mia and Nora has ended" in coord.text
    received = await inbox.deliver()
    assert received["mia"][0].startswith(
        "The programme coordinators have closed your mentoring relationship with *Nora*.")
    assert "Thank you for the time and care you gave." in received["nora"][0]
    assert "How satisfied are you" in received["mia"][1]  # then the closing survey
    assert all("changed teams" not in text for texts in received.values() for text in texts)
    [match] = await rows(app, "SELECT id, status, end_reason FROM matches")
    assert match["status"] == "ended"
    assert match["end_reason"] == "coordinator: Mia changed teams 🙂"
    assert seen == [RelationshipEnded(match_id=match["id"], mentee_id=ids["mia"],
                                      mentor_id=ids["nora"],
                                      reason="coordinator: Mia changed teams 🙂")]
    await coord.say("/admin unmatch @mia @nora")
    assert "Mia and Nora have no active relationship." in coord.text
    await coord.say("/admin person @mia")
    assert "ended by the coordinators — Mia changed teams 🙂" in coord.text
    otto = Chat(app, "otto")
    await otto.say("/admin end @mia @nora")
    assert "couldn't find anyone" in otto.text


async def test_a_relationship_lived_through_the_real_flows_shows_in_the_figures(
        tmp_path: Path) -> None:
    """Match by hand, meet (proposal, pick, the meeting, both answers), end, survey: every
    row written by the modules that own it, then read by /admin stats and /admin pairs."""
    app = await meetings_app_at(tmp_path, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
    try:
        await member(app, "coord", "mentor", capacity=0)
        await member(app, "nora", "mentor", offered="project management", capacity=3,
                     languages=("en", "fr"), timezone="America/Toronto",
                     availability=TUE_THU_11_13)
        await member(app, "mia", "mentee", sought="project management", language="fr",
                     languages=("fr", "en"), availability=TUE_THU_16_20)
        coord = Chat(app, "coord")
        await coord.say("/admin match @mia @nora")
        await coord.press_label("Confirm")
        inbox, mia, nora = await confirmed_meeting(app)  # Thursday 14 January, 16:00 UTC
        advance_to(app, datetime(2027, 1, 14, 17, 0, tzinfo=UTC))
        await inbox.deliver()
        inbox.give_buttons(mia)
        await mia.press_label("Oui")
        await mia.press_label("5")
        inbox.give_buttons(nora)
        await nora.press_label("Yes, it did")
        await nora.press_label("4")
        await nora.press_label("Nothing to add")
        await coord.say("/admin stats")
        assert "*Meetings, last 30 days*: 1 held · attendance 100%" in coord.text
        assert "after meetings 4.5/5 (2 answers)" in coord.text
        assert "median 0 days (1 mentee matched)" in coord.text  # signed up and matched today
        await coord.say("/admin pairs")
        assert "- Mia & Nora · since January 11, 2027 · 1 meeting held · last on January 14," \
               " 2027" in coord.text
        await coord.say("/admin end @mia @nora")
        await inbox.deliver()
        inbox.give_buttons(mia)
        await mia.press_label("4")
        await mia.say("Plus de confiance")
        await mia.press_label("Oui")
        await coord.say("/admin stats")
        assert "closing surveys 4/5 (1 answer) · 100% would recommend" in coord.text
        [reply] = await coord.say("/admin insight benefit")
        assert "All mentees: 4.5/5 (2 answers)." in reply.text  # her 5 and her survey's 4
    finally:
        await app.close()
