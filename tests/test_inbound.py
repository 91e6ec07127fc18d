"""The process's inbound queue (bot/inbound.py, wired in adapters/main.py): each person's
events strictly in order, different people at the same time.

Two newcomers answer the whole onboarding at once, their messages interleaved and all queued
before any is handled, as a busy Slack or Telegram would deliver them. Each onboarding only
works if that person's answers are handled in the order they were sent (every answer goes
to the question asked before it); Alice's platform is slow to take her first reply, and Bob
must finish meanwhile.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

from adapters.main import Process
from bot.app import App
from bot.events import Event, Message, Reply
from tests.conftest import who

ONBOARDING = ["hello", "English", "yes", "mentee", "public speaking and negotiating a raise",
              "I want to speak up in meetings and ask for a fair salary.", "English and French",
              "Europe/Paris", "Tue 6-8pm, Thu noon-1pm", "2", "Sales"]
PEOPLE = ("alice", "bob")


async def test_each_persons_events_in_order_and_nobody_waits_for_another(app: App) -> None:
    process = Process(app)
    answered: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    bob_done = asyncio.Event()

    async def answer(event: Event, replies: list[Reply]) -> None:
        handle = event.user.user_id
        if handle == "alice" and not answered["alice"]:
            await asyncio.wait_for(bob_done.wait(), 20)  # Alice's platform is slow at first
        assert isinstance(event, Message)
        answered[handle].append((event.text, [reply.text for reply in replies]))
        if handle == "bob" and len(answered["bob"]) == len(ONBOARDING):
            bob_done.set()

    handled = [process.inbound.put(who(handle).key, Message(who(handle), text, f"{handle}:{n}"),
                                   answer)
               for n, text in enumerate(ONBOARDING) for handle in PEOPLE]
    assert process.inbound.pending == len(ONBOARDING) * len(PEOPLE)  # nothing handled yet
    await asyncio.wait_for(asyncio.gather(*handled), 60)

    for handle in PEOPLE:
        steps = answered[handle]
        assert [text for text, _ in steps] == ONBOARDING  # answered in the order sent
        replies = ["\n".join(texts) for _, texts in steps]
        assert replies[0].startswith("Which language")
        assert "Welcome to *Programme Test*" in replies[1]
        assert "Time zone: Europe/Paris" in replies[7]
        assert replies[-1].startswith(f"Your profile is ready, {handle.title()}!")
        async with app.db.read() as tx:
            row = await tx.one("SELECT status, role, timezone, department, language"
                               " FROM people WHERE handle = ?", (handle,))
        assert dict(row) == {"status": "active", "role": "mentee", "timezone": "Europe/Paris",
                             "department": "Sales", "language": "en"}


async def test_a_failing_event_does_not_stop_the_persons_next_ones(app: App) -> None:
    process = Process(app)
    seen: list[str] = []

    async def answer(event: Event, replies: list[Reply]) -> None:
        assert isinstance(event, Message)
        seen.append(event.text)
        if event.text == "hello":
            raise ConnectionError("the platform hung up")  # a send that failed

    first = process.inbound.put(who("carol").key, Message(who("carol"), "hello", "c:1"), answer)
    second = process.inbound.put(who("carol").key, Message(who("carol"), "English", "c:2"),
                                 answer)
    await asyncio.wait_for(asyncio.gather(first, second), 30)
    assert seen == ["hello", "English"]
    await process.inbound.drain()
    assert process.inbound.pending == 0
