"""Start the bot: the console, or every adapter whose credentials are configured.

Several adapters run in one process (Slack and Telegram together). Each adapter has a
dispatcher loop, but every dispatcher gets every platform's transport and the outbox lease
lets only one of them send at a time, so a message to a Telegram person queued by a Slack
event is delivered on Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app import App, build_app, console_clock
from bot.clock import Clock, SystemClock
from bot.config import Config, ConfigError

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter
    from adapters.telegram.app import TelegramAdapter

log = logging.getLogger(__name__)


async def run(config: Config, *, console_only: bool, demo: bool, simulated: bool,
              echo: bool = False, start: datetime | None = None,
              files: str | None = None) -> int:
    adapters = config.slack_enabled or config.telegram_enabled
    if simulated and adapters and not console_only:
        print("mentorbot: --clock simulated is for the console only", file=sys.stderr)
        return 2
    clock: Clock = SystemClock()
    if simulated:
        clock = await console_clock(config.bot.database, start)
        if start is not None and clock.now() > start:
            print(f"mentorbot: this database's simulated clock is already at "
                  f"{clock.now():%Y-%m-%d %H:%M} UTC, after --start; it goes on from there",
                  file=sys.stderr)
    app = await build_app(config, clock)
    app.settle_memory()  # fewer, cheaper garbage collections from now on (bot/app.py)
    try:
        if demo:
            from bot.demo import seed_demo

            added = await seed_demo(app)
            if added:
                print(f"(demo programme: {added} fictional people added; try "
                      "'@alex /start' or '@alex /help')", flush=True)
        if console_only or not adapters:
            return await _console(app, simulated, echo, files)
        return await _adapters(app)
    except ConfigError as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        return 2
    finally:
        await app.close()


async def _console(app: App, simulated: bool, echo: bool = False,
                   files: str | None = None) -> int:
    from adapters.console import Console
    from bot import scheduler

    console = Console(app, echo=echo, files_dir=Path(files) if files else None)
    # Real time: the alarm clock wakes the dispatcher; the database says what is due. With
    # the simulated clock, `/time` delivers what falls due instead.
    alarm = None if simulated else await scheduler.start(app, console.dispatcher)
    try:
        await console.run()
    finally:
        if alarm is not None:
            await scheduler.stop(alarm, console.dispatcher)
    return 0


async def _adapters(app: App) -> int:
    """Serve Slack and/or Telegram until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(signum, stop.set)
    await Adapters(app).run(stop)
    return 0


class Adapters:
    """The platform adapters of one process, each able to reach the others' people."""

    def __init__(self, app: App) -> None:
        self.slack: SlackAdapter | None = None
        self.telegram: TelegramAdapter | None = None
        if app.config.slack_enabled:
            from adapters.slack.app import SlackAdapter

            self.slack = SlackAdapter(app)
        if app.config.telegram_enabled:
            from adapters.telegram.app import TelegramAdapter

            self.telegram = TelegramAdapter(app)
        if self.slack is not None and self.telegram is not None:
            self.slack.transports["telegram"] = self.telegram.transport
            self.telegram.transports["slack"] = self.slack.transport

    async def run(self, stop: asyncio.Event) -> None:
        log.info("adapters.starting", extra={"slack": self.slack is not None,
                                             "telegram": self.telegram is not None})
        if self.slack is not None:
            await self.slack.start()
        try:
            if self.telegram is not None:
                await self.telegram.run(stop)
            else:
                await stop.wait()
        finally:
            if self.slack is not None:
                await self.slack.stop()
