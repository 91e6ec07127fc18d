"""The matching index follows every change made within one second of the clock.

Changes are found by time stamps to the second, so every /find of a busy second re-reads
what changed in it, and the index skips rows and loads it has seen already
(bot/mentoring/matchmaking.py `_refresh`). A change after such a read, in the same second, must
still reach the next suggestions: here the simulated clock never moves at all.
"""

from __future__ import annotations

from bot.kernel.app import App
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_mentoring import Inbox


def suggested(chat: Chat) -> list[str]:
    return [r.text.split("*")[1] for r in chat.last if r.text.startswith("*")]


async def test_a_mentor_full_then_free_again_in_the_same_second(app: App) -> None:
    await add_person(app, "nora", "mentor", offered="project management, public speaking",
                     seniority=5, capacity=1)
    await add_person(app, "omar", "mentor", offered="cooking", seniority=4, capacity=2)
    await add_person(app, "mia", "mentee", sought="project management", seniority=2)
    await add_person(app, "lea", "mentee", sought="public speaking", seniority=2)
    inbox = Inbox(app)
    mia, lea, nora = Chat(app, "mia"), Chat(app, "lea"), Chat(app, "nora")

    await lea.say("/find")
    assert suggested(lea)[0] == "Nora"  # read once, and remembered as seen
    await mia.say("/find")
    await mia.press_label("Request Nora")
    await mia.press_label("Send without a message")
    await lea.say("/find")
    assert "Nora" not in suggested(lea)  # her one place is taken by Mia's request

    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Decline")  # the place is free again, the same second
    await lea.say("/find")
    assert suggested(lea)[0] == "Nora"


async def test_a_mentor_who_pauses_resumes_and_edits_in_the_same_second(app: App) -> None:
    await add_person(app, "nora", "mentor", offered="public speaking", seniority=5, capacity=2)
    await add_person(app, "omar", "mentor", offered="cooking", seniority=4, capacity=2)
    await add_person(app, "lea", "mentee", sought="public speaking", seniority=2)
    lea, nora = Chat(app, "lea"), Chat(app, "nora")
    for _ in range(2):  # twice: the second pause finds its row seen before
        await lea.say("/find")
        assert suggested(lea)[0] == "Nora"
        await nora.say("/pause")
        await lea.say("/find")
        assert "Nora" not in suggested(lea)
        await nora.say("/resume")
    await lea.say("/find")
    assert suggested(lea)[0] == "Nora"
