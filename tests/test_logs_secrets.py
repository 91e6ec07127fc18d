"""No token, secret or message text ever reaches the logs, whatever the log level: the real
`mentorbot run` process against the fake Telegram and Slack servers, its stderr read whole."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from pathlib import Path

import pytest

from bot.kernel.config import Config
from bot.kernel.logs import JsonFormatter, Redactor, secrets_of
from tests.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack, SlackSender
from tests.telegram_fake import TOKEN, FakeBotAPI, user

ROOT = Path(__file__).resolve().parent.parent
WORDS = "zanzibar marmalade 4417"  # a message nobody else would write
TELEGRAM_SECRET = TOKEN.split(":", 1)[1]


class Running:
    """`python -m adapters.cli run` with settings from the environment; stderr kept line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.lines: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._news = asyncio.Event()

    async def __aenter__(self) -> Running:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli", "run", cwd=ROOT,
            env={**os.environ, "PYTHONUTF8": "1", **self.env},
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        async for line in self.proc.stderr:
            self.lines.append(line.decode("utf-8", "replace"))
            self._news.set()

    async def event(self, name: str, timeout: float = 30) -> dict[str, object]:
        """The first log entry whose event is `name` (waiting for it)."""
        async with asyncio.timeout(timeout):
            while True:
                for line in self.lines:
                    with contextlib.suppress(ValueError):
                        entry = json.loads(line)
                        if entry.get("event") == name:
                            return entry
                self._news.clear()
                await self._news.wait()

    async def __aexit__(self, *exc: object) -> None:
        assert self.proc is not None and self._reader is not None
        if self.proc.returncode is None:
            self.proc.terminate()
        await asyncio.wait_for(self.proc.wait(), 30)
        await asyncio.wait_for(self._reader, 30)

    @property
    def stderr(self) -> str:
        return "".join(self.lines)


def assert_clean(stderr: str, *forbidden: str) -> None:
    assert stderr.strip(), "nothing was logged at all"
    for secret in forbidden:
        assert secret not in stderr, f"{secret!r} is in the logs"


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_telegram_run_logs_neither_token_nor_message(tmp_path: Path, level: str) -> None:
    fake = FakeBotAPI()
    await fake.start()
    env = {"MENTORBOT_TELEGRAM_TOKEN": TOKEN, "MENTORBOT_TELEGRAM_BASE_URL": fake.base_url,
           "MENTORBOT_BOT_LOG_LEVEL": level, "MENTORBOT_SCHEDULER_TICK_SECONDS": "0.2",
           "MENTORBOT_BOT_DATABASE": str(tmp_path / "bot.sqlite3")}
    try:
        async with Running(env) as bot:
            await bot.event("telegram.started")
            mia = user(7001, "Mia")
            fake.push_text(mia, "/start")
            await fake.wait_for(lambda: fake.messages_to(7001), timeout=30)
            fake.push_text(mia, WORDS)
            await fake.wait_for(lambda: len(fake.messages_to(7001)) >= 2, timeout=30)
    finally:
        await fake.close()
    assert "telegram.started" in bot.stderr
    assert_clean(bot.stderr, TOKEN, TELEGRAM_SECRET, WORDS, "zanzibar")


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_slack_run_logs_neither_secrets_nor_rejected_bodies(tmp_path: Path,
                                                                  level: str) -> None:
    fake = FakeSlack()
    api = await fake.start()
    fake.add_user("U0MIA", "Mia")
    env = {"MENTORBOT_SLACK_BOT_TOKEN": BOT_TOKEN, "MENTORBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "MENTORBOT_SLACK_API_URL": api, "MENTORBOT_SLACK_HOST": "127.0.0.1",
           "MENTORBOT_SLACK_PORT": "0", "MENTORBOT_BOT_LOG_LEVEL": level,
           "MENTORBOT_SCHEDULER_TICK_SECONDS": "0.2",
           "MENTORBOT_BOT_DATABASE": str(tmp_path / "bot.sqlite3")}
    payload = json.loads((ROOT / "tests/payloads/slack/event_message_im.json").read_text())
    try:
        async with Running(env) as bot:
            started = await bot.event("slack.started")
            sender = SlackSender(f"http://127.0.0.1:{started['port']}/slack/events")
            forged = {**payload, "event": {**payload["event"], "text": WORDS}}
            assert await sender.event(forged, secret="not-the-signing-secret") == 401
            signed = {**forged, "event_id": "Ev0SIGNED"}
            assert await sender.event(signed) == 200
            for _ in range(300):  # the genuine message is answered in Mia's DM
                if fake.posted_to("U0MIA"):
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the signed message was never answered")
    finally:
        await fake.close()
    assert "slack.started" in bot.stderr
    assert_clean(bot.stderr, BOT_TOKEN, SIGNING_SECRET, WORDS, "zanzibar")


def test_formatter_redacts_configured_secrets_and_token_shapes() -> None:
    """Whatever a library puts in a message, its arguments or an exception, secrets go."""
    config = Config()
    config.slack.bot_token, config.slack.signing_secret = BOT_TOKEN, SIGNING_SECRET
    config.slack.app_token, config.telegram.token = APP_TOKEN, TOKEN
    config.telegram.secret_token = "webhook-secret-abcdef"
    formatter = JsonFormatter(Redactor(secrets_of(config)))
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed "
                           "(signing secret " + SIGNING_SECRET + ")")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("somelib", logging.ERROR, __file__, 1,
                               "token %s, app %s, hook %s, other xoxp-1-2-abc, xapp-9-Z",
                               (BOT_TOKEN, APP_TOKEN, "webhook-secret-abcdef"), exc_info)
    line = formatter.format(record)
    for secret in (BOT_TOKEN, APP_TOKEN, TOKEN, TELEGRAM_SECRET, SIGNING_SECRET,
                   "webhook-secret-abcdef", "xoxp-1-2-abc", "xapp-9-Z"):
        assert secret not in line
    assert "[redacted]" in json.loads(line)["exc"]
