"""The process's inbound queue (bot/kernel/inbound.py, wired in adapters/main.py): each person's
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
from pathlib import Path

from adapters.main import Process
from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock
from bot.kernel.events import Event, Message, Reply
from tests.conftest import START, who
from tests.telegram_fake import FakeBotAPI, user
from tests.test_telegram import running, telegram_config

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


async def test_two_telegram_newcomers_interleaved_in_one_backlog_both_onboard(
        tmp_path: Path) -> None:
    """The same through the real Telegram adapter: every answer of both people waits in
    Telegram while the bot is down, interleaved; one poll fetches them all."""
    fake = FakeBotAPI()
    await fake.start()
    app = await build_app(telegram_config(tmp_path, fake.base_url), SimulatedClock(START))
    people = {"alice": user(8101, "Alice"), "bob": user(8102, "Bob")}
    try:
        for text in ONBOARDING:
            for person in people.values():
                fake.push_text(person, text)
        async with running(app):
            await fake.wait_for(lambda: all(
                any(m["text"].startswith("Your profile is ready")
                    for m in fake.messages_to(person["id"])) for person in people.values()),
                timeout=60, what="both profiles ready")
        assert fake.pending == []  # every update confirmed once handled
        for handle, person in people.items():
            texts = [m["text"] for m in fake.messages_to(person["id"])]
            assert texts[0].startswith("Which language")
            ready = f"Your profile is ready, {handle.title()}!"
            assert [t for t in texts if t.startswith(ready)] == [texts[order_ready(texts)]]
            # every answer went to the question asked just before it, in the order sent,
            # and the profile was completed once
            order = [next(n for n, t in enumerate(texts) if t.startswith(marker))
                     for marker in ("Which language", "Welcome to", "Would you like to be",
                                    "Time zone: Europe/Paris", "Your profile is ready")]
            assert order == sorted(order)
            async with app.db.read() as tx:
                row = await tx.one("SELECT p.status, p.role, p.timezone, p.department"
                                   " FROM people p JOIN addresses a ON a.person_id = p.id"
                                   " WHERE a.platform = 'telegram' AND a.user_id = ?",
                                   (str(person["id"]),))
            assert dict(row) == {"status": "active", "role": "mentee",
                                 "timezone": "Europe/Paris", "department": "Sales"}
    finally:
        await app.close()
        await fake.close()


def order_ready(texts: list[str]) -> int:
    return next(n for n, text in enumerate(texts) if text.startswith("Your profile is ready"))
