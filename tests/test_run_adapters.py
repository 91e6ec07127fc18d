"""`mentorbot run` with Slack and Telegram configured: both adapters in one process
(adapters/main.py), one dispatcher for both, and a mentee on Telegram is introduced to a
mentor on Slack, each on their own platform."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.main import Process
from bot.kernel.app import build_app
from bot.kernel.clock import SimulatedClock
from tests.conftest import START
from tests.slack_fake import FakeSlack
from tests.telegram_fake import FakeBotAPI, user
from tests.test_slack import TEAM, World, section_texts, slack_config
from tests.test_telegram import TOKEN, move_to_telegram, setup_programme

NORA_SLACK = "U0NORA"


async def test_one_process_serves_both_platforms(tmp_path: Path) -> None:
    slack_fake, telegram_fake = FakeSlack(), FakeBotAPI()
    await slack_fake.start()
    await telegram_fake.start()
    config = slack_config(tmp_path, slack_fake.base + "/api")
    config.telegram.token = TOKEN
    config.telegram.base_url = telegram_fake.base_url
    app = await build_app(config, SimulatedClock(START))
    stop = asyncio.Event()
    running: asyncio.Task[None] | None = None
    try:
        ids = await setup_programme(app)
        await move_to_telegram(app, ids["mia"], 7001)
        nora_id = ids["nora"]
        slack_fake.add_user(NORA_SLACK, "Nora")
        async with app.db.transaction() as tx:
            await tx.execute("UPDATE addresses SET platform = 'slack', workspace = ?,"
                             " user_id = ? WHERE person_id = ?", (TEAM, NORA_SLACK, nora_id))
        process = Process.configured(app)
        assert process.slack is not None and process.telegram is not None
        assert sorted(process.transports) == ["slack", "telegram"]  # one registry, both
        running = asyncio.create_task(process.serve(stop))
        await asyncio.wait_for(process.telegram.started.wait(), 10)

        mia = user(7001, "Mia")
        telegram_fake.push_text(mia, "/find")
        card = await telegram_fake.wait_for(lambda: next(
            (m for m in telegram_fake.messages_to(7001)
             if (m["html"] or "").startswith("<b>Nora</b>")), None))
        telegram_fake.press(mia, card, "Request Nora")
        ask = await telegram_fake.wait_for(lambda: next(
            (m for m in telegram_fake.messages_to(7001) if "Send without" in str(m)), None))
        telegram_fake.press(mia, ask, "Send without a message")

        world = World(app, slack_fake, process)
        nora = world.person(NORA_SLACK, "Nora")
        for _ in range(100):  # the request reaches Nora's Slack DM
            if any("would like you as their mentor" in section_texts(m) for m in nora.inbox):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the request never reached Slack")
        await nora.press("Accept")
        intro = await telegram_fake.wait_for(lambda: next(
            (m for m in telegram_fake.messages_to(7001) if "agreed" in m["text"]), None))
        assert "Nora (Slack" in intro["text"]  # the mentor's contact, said across platforms
        for _ in range(100):
            if any("You are now *Mia*" in section_texts(m) for m in nora.inbox):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("Nora's introduction never reached Slack")
        assert all(m["chat"]["id"] == 7001 for m in telegram_fake.sent)
        async with app.db.read() as tx:  # every message of both platforms: one dispatcher
            senders = {row["claimed_by"] for row in await tx.all(
                "SELECT claimed_by FROM outbox WHERE status = 'sent' AND kind = 'message'")}
        assert senders == {process.dispatcher.owner}
    finally:
        stop.set()
        if running is not None:
            await asyncio.wait_for(running, 30)
        await app.close()
        await slack_fake.close()
        await telegram_fake.close()
