"""A reply Telegram asks us to send later (429 `retry_after`, and again after the rate
limiter's own wait) is queued in the outbox and delivered by the dispatcher once the wait is
over: in order, exactly once, with its buttons still working.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from adapters.telegram.pacing import PacingLimiter
from bot.kernel.app import App
from bot.kernel.clock import to_iso
from tests.telegram_fake import FakeBotAPI, user
from tests.test_telegram import (  # noqa: F401  (fixtures)
    QUICK,
    Stopwatch,
    app,
    fake,
    labels,
    move_to_telegram,
    running,
    setup_programme,
)

QUEUED = "SELECT idempotency_key, due_at, status FROM outbox WHERE idempotency_key LIKE 'reply:%'"


async def rows(application: App, sql: str) -> list[dict[str, Any]]:
    async with application.db.read() as tx:
        return [dict(row) for row in await tx.all(sql)]


async def eventually(check: Callable[[], Awaitable[Any]], what: str) -> Any:
    """Poll `check` until it is truthy; fail after 8 seconds."""
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB's own RetryAfter.__init__
async def test_a_reply_telegram_refuses_twice_is_queued_then_sent_once(
        app: App, fake: FakeBotAPI) -> None:  # noqa: F811
    ids = await setup_programme(app)
    await move_to_telegram(app, ids["mia"], 7001)
    mia = user(7001, "Mia")
    clock = app.services.clock
    asked_at = clock.now()
    watch = Stopwatch()  # the limiter waits out the first 429 without real time passing
    limiter = PacingLimiter(**QUICK, clock=watch.clock, sleep=watch.sleep)

    async with running(app, limiter=limiter) as process:
        fake.fail("sendMessage", status=429, retry_after=30, times=2)
        find = fake.push_text(mia, "/find")
        queued = await eventually(lambda: rows(app, QUEUED + " ORDER BY id"), "queued replies")
        assert len(fake.calls_of("sendMessage")) == 2  # the try and the limiter's retry
        assert fake.messages_to(7001) == []  # nothing shown yet, but nothing lost:
        assert len(queued) >= 2  # the list and each mentor's card
        assert {row["due_at"] for row in queued} == {to_iso(asked_at + timedelta(seconds=30))}

        fake.replay(find)  # Telegram sends the update again: nothing is queued twice
        fake.push_text(user(7100, "Ben"), "/help")  # handled after the replay (in order)
        await fake.wait_for(lambda: fake.messages_to(7100), what="Ben's answer")
        assert len(await rows(app, QUEUED)) == len(queued)
        assert fake.messages_to(7001) == []

        clock.advance(timedelta(seconds=30))
        process.wake()
        await fake.wait_for(lambda: len(fake.messages_to(7001)) >= len(queued),
                            what="the queued replies")
        await eventually(lambda: _all_sent(app), "the rows marked sent")
        delivered = list(fake.messages_to(7001))
        texts = [m["text"] for m in delivered]
        assert len(texts) == len(queued) and len(set(texts)) == len(texts)  # each exactly once
        assert "mentors who match you best" in texts[0]  # in their order
        card = next(m for m in delivered if (m["html"] or "").startswith("<b>Nora</b>"))
        assert labels(card)[0] == "Request Nora"

        fake.press(mia, card, "Request Nora")  # the queued buttons work like the originals
        await fake.wait_for(lambda: any("short message" in m["text"]
                                        for m in fake.messages_to(7001)), what="the note question")


async def _all_sent(application: App) -> bool:
    return {row["status"] for row in await rows(application, QUEUED)} == {"sent"}
