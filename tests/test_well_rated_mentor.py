"""A mentor whose mentee rates their meetings well earns the well-rated-mentor badge, from
the ratings given after each meeting (bot/meetings/attendance.py emits MeetingRated)."""

from __future__ import annotations

from datetime import timedelta

from bot.kernel.app import App
from bot.kernel.clock import from_iso
from tests.conftest import Chat
from tests.test_meetings import (
    Inbox,
    advance_to,
    app,  # noqa: F401  (the fixture)
    nora_and_mia,
    rows,
    texts,
)

BADGE = "⭐ New badge: *Well-rated mentor*!"


async def meet_and_answer(app: App, inbox: Inbox, mia: Chat, nora: Chat, rating: str) -> str:  # noqa: F811
    """Mia proposes, Nora picks the first slot; after the meeting Nora answers first, then
    Mia says it took place and rates it. Returns what Nora received afterwards."""
    await mia.say("/meet")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press(1)
    [meeting] = await rows(app, "SELECT starts_at, length_minutes FROM meetings"
                                " WHERE status = 'confirmed'")
    advance_to(app, from_iso(meeting["starts_at"])
               + timedelta(minutes=meeting["length_minutes"] + 15))
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Yes, it did")
    await nora.press_label("2")  # a mentor's own answer is not a rating of themselves
    await nora.press_label("Nothing to add")
    inbox.give_buttons(mia)
    await mia.press_label("Oui")  # everyone has answered: the meeting is held now
    await mia.press_label(rating)  # ... and rated after that
    assert "Quelque chose à noter" in mia.text
    await mia.press_label("Rien à ajouter")
    return texts(await inbox.deliver(), "nora")


async def test_a_mentor_rated_well_after_three_meetings_earns_the_badge(app: App) -> None:  # noqa: F811
    nora_id, _, _ = await nora_and_mia(app)
    inbox = Inbox(app)
    await inbox.deliver()
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    for rating in ("5", "4"):
        assert BADGE not in await meet_and_answer(app, inbox, mia, nora, rating)
    received = await meet_and_answer(app, inbox, mia, nora, "5")  # (5 + 4 + 5) / 3 = 4.67
    assert BADGE in received
    held = await rows(app, "SELECT person_id FROM badges WHERE badge = 'well-rated-mentor'")
    assert held == [{"person_id": nora_id}]
    await nora.say("/points")
    assert "⭐ Well-rated mentor" in nora.text
    ratings = await rows(app, "SELECT meeting_id, rating FROM mentor_ratings ORDER BY meeting_id")
    assert ratings == [{"meeting_id": 1, "rating": 5}, {"meeting_id": 2, "rating": 4},
                       {"meeting_id": 3, "rating": 5}]


async def test_a_mentor_rated_below_the_bar_earns_nothing(app: App) -> None:  # noqa: F811
    await nora_and_mia(app)
    inbox = Inbox(app)
    await inbox.deliver()
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    for rating in ("5", "4", "4"):  # 4.33
        assert BADGE not in await meet_and_answer(app, inbox, mia, nora, rating)
    assert await rows(app, "SELECT * FROM badges WHERE badge = 'well-rated-mentor'") == []
