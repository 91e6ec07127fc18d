"""Start the bot: the console, or every adapter whose credentials are configured."""

from __future__ import annotations

import logging
import sys

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App, build_app
from bot.clock import Clock, SimulatedClock, SystemClock
from bot.config import Config

log = logging.getLogger(__name__)


async def run(config: Config, *, console_only: bool, demo: bool, simulated: bool) -> int:
    clock: Clock = SimulatedClock() if simulated else SystemClock()
    app = await build_app(config, clock)
    try:
        if demo:
            from bot.demo import seed_demo

            added = await seed_demo(app)
            if added:
                print(f"(demo programme: {added} fictional people added; try "
                      "'@alex /start' or '@alex /help')", flush=True)
        if console_only or not (config.slack_enabled or config.telegram_enabled):
            return await _console(app, simulated)
        print("mentorbot: the Slack and Telegram adapters are not part of this version yet; "
              "use `mentorbot console`", file=sys.stderr)
        return 2
    finally:
        await app.close()


async def _console(app: App, simulated: bool) -> int:
    from adapters.console import Console

    console = Console(app)
    scheduler = None
    if not simulated:
        # Real time: the alarm clock wakes the dispatcher; the database says what is due.
        scheduler = AsyncIOScheduler()
        scheduler.add_job(console.deliver_due, "interval",
                          seconds=app.config.scheduler.tick_seconds, max_instances=1,
                          coalesce=True)
        scheduler.start()
    try:
        await console.run()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0
