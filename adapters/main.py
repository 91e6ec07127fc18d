"""The composition root of a process: every platform it serves, one dispatcher, one alarm,
one inbound queue.

`mentorbot run` serves every adapter whose credentials are configured (the console when none
is), `mentorbot console` the console. Whatever the combination, a process has:

- one registry of transports (platform -> `Transport`), filled by the adapters it serves;
- one `Dispatcher` that reads that registry, so an outbox row is delivered on its
  recipient's own platform whichever platform's event queued it (a mentee on Telegram, a
  mentor on Slack);
- one alarm (APScheduler, bot/kernel/scheduler.py) that runs that dispatcher on every tick, when
  the next row falls due, and at once after each handled event;
- one inbound queue (bot/kernel/inbound.py) where every adapter puts what it receives: each
  person's events in order, different people in parallel, each handed to `Bot.handle`.

Adapters only translate, receive and send; none of them drives the dispatcher.

    process = Process.configured(app)       # Slack and/or Telegram, from the config
    await process.serve(stop)               # until stop is set (or an adapter fails)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

from bot.kernel import scheduler
from bot.kernel.app import App, build_app, console_clock
from bot.kernel.clock import Clock, SystemClock
from bot.kernel.config import Config, ConfigError
from bot.kernel.dispatcher import Dispatcher
from bot.kernel.inbound import InboundQueue
from bot.kernel.transport import Transport

if TYPE_CHECKING:
    from adapters.console import Console
    from adapters.slack.app import SlackAdapter
    from adapters.telegram.app import TelegramAdapter

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0  # events in hand at a stop are given this long to finish


class Adapter(Protocol):
    """What the process needs of a platform adapter."""

    platform: str
    transport: Transport

    @property
    def failed(self) -> asyncio.Future[Any] | None:
        """Ends when the adapter can no longer receive (None: it cannot fail that way)."""

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Stop receiving; it may still send until `close()`."""

    async def close(self) -> None: ...


A = TypeVar("A", bound=Adapter)


class Process:
    def __init__(self, app: App) -> None:
        self.app = app
        # The dispatcher reads this very dict when it sends: every adapter added is used.
        self.transports: dict[str, Transport] = {}
        self.dispatcher: Dispatcher = app.dispatcher(self.transports)
        self.inbound = InboundQueue(app.bot.handle, after=self.wake)
        self.adapters: list[Adapter] = []
        self.alarm: scheduler.Alarm | None = None
        self.slack: SlackAdapter | None = None
        self.telegram: TelegramAdapter | None = None
        self._started: list[Adapter] = []

    @classmethod
    def configured(cls, app: App) -> Process:
        """Every adapter whose credentials the config has."""
        process = cls(app)
        if app.config.slack_enabled:
            process.add_slack()
        if app.config.telegram_enabled:
            process.add_telegram()
        return process

    # --- what the process serves ---------------------------------------------------------

    def add_transport(self, platform: str, transport: Transport) -> None:
        """A platform reached by this process without receiving from it here."""
        self.transports[platform] = transport

    def add(self, adapter: A) -> A:
        self.adapters.append(adapter)
        self.transports[adapter.platform] = adapter.transport
        return adapter

    def add_slack(self, **options: Any) -> SlackAdapter:
        from adapters.slack.app import SlackAdapter  # slack-bolt only when Slack is served

        self.slack = self.add(SlackAdapter(self.app, self.inbound, **options))
        return self.slack

    def add_telegram(self, **options: Any) -> TelegramAdapter:
        from adapters.telegram.app import TelegramAdapter

        self.telegram = self.add(TelegramAdapter(self.app, self.inbound,
                                                 transports=self.transports, **options))
        return self.telegram

    def add_console(self, out: TextIO = sys.stdout, files_dir: Path | None = None,
                    echo: bool = False) -> Console:
        """The terminal chat; it reads its own input (`Console.run`) once started."""
        from adapters.console import Console

        console = Console(self.app, out, files_dir, echo, inbound=self.inbound,
                          dispatcher=self.dispatcher)
        self.add_transport(console.platform, console.transport)
        return console

    # --- life cycle -------------------------------------------------------------------------

    def wake(self) -> None:
        """Send what is due now rather than at the next tick (an event was just handled)."""
        if self.alarm is not None:
            self.alarm.wake()

    async def start(self, *, alarm: bool = True) -> None:
        """Start receiving on every platform, then the alarm (`alarm=False`: whoever runs the
        process sends what is due itself, as the console does with a simulated clock)."""
        try:
            for adapter in self.adapters:
                self._started.append(adapter)  # stopped and closed even if its start fails
                await adapter.start()
            if alarm:
                self.alarm = await scheduler.start(self.app, self.dispatcher)
            else:
                await self.dispatcher.recover()
        except BaseException:
            await self.stop()
            raise
        log.info("process.started", extra={"platforms": sorted(self.transports)})

    async def stop(self) -> None:
        """Stop receiving, finish the events in hand, let a send in progress finish, give
        the dispatcher's lease up, then close the connections."""
        for adapter in reversed(self._started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("process.adapter_stop_failed", extra={"platform": adapter.platform})
        await self.inbound.close(STOP_GRACE_SECONDS)
        if self.alarm is not None:
            await self.alarm.stop(STOP_GRACE_SECONDS)
            self.alarm = None
        else:
            await self.dispatcher.release()
        started, self._started = self._started, []
        for adapter in reversed(started):
            try:
                await adapter.close()
            except Exception:
                log.exception("process.adapter_close_failed", extra={"platform": adapter.platform})

    async def drain(self) -> None:
        """Wait until every event received is handled and every message due is sent."""
        await self.inbound.drain()
        while (await self.dispatcher.run_once()).sent:
            pass

    async def serve(self, stop: asyncio.Event) -> None:
        """Start, serve until `stop` is set or an adapter can no longer receive (its error
        is raised once everything is stopped), then stop."""
        await self.start()
        failure: BaseException | None = None
        try:
            waiting = asyncio.ensure_future(stop.wait())
            watched: set[asyncio.Future[Any]] = {waiting}
            watched |= {adapter.failed for adapter in self.adapters
                        if adapter.failed is not None}
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            for future in watched - {waiting}:
                if future.done() and not future.cancelled() and future.exception():
                    failure = future.exception()  # e.g. the Telegram token was revoked
        finally:
            await self.stop()
        if failure is not None:
            raise failure


# --- `mentorbot run` and `mentorbot console` ---------------------------------------------------

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
    app.settle_memory()  # fewer, cheaper garbage collections from now on (bot/kernel/app.py)
    try:
        if demo:
            from bot.demo.demo import demo_coordinator, seed_demo

            added = await seed_demo(app)
            coordinator = await demo_coordinator(app) if added else ""
            if added:
                staff = (f"; '@{coordinator} /admin help' for the coordinator's commands"
                         if coordinator else "")
                print(f"(demo programme: {added} fictional people added; try "
                      f"'@alex /start' or '@alex /help'{staff})", flush=True)
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
    process = Process(app)
    console = process.add_console(echo=echo, files_dir=Path(files) if files else None)
    # Real time: the alarm clock wakes the dispatcher; the database says what is due. With
    # the simulated clock, `/time` delivers what falls due instead.
    await process.start(alarm=not simulated)
    try:
        await console.run()
    finally:
        await process.stop()
    return 0


async def _adapters(app: App) -> int:
    """Serve Slack and/or Telegram until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(signum, stop.set)
    process = Process.configured(app)
    log.info("adapters.starting", extra={"slack": process.slack is not None,
                                         "telegram": process.telegram is not None})
    await process.serve(stop)
    return 0


def adapter_problems(config: Config) -> list[str]:
    """The adapters' own refusals of their settings, for `check-config` and before `run`
    (each adapter imported only when it is configured, as `Process.configured` does)."""
    found = []
    if config.slack_enabled:
        from adapters.slack.app import check_settings as check_slack

        try:
            check_slack(config.slack)
        except ConfigError as exc:
            found.append(str(exc))
    if config.telegram_enabled and config.telegram.mode == "webhook":
        from adapters.telegram.webhook import check_settings as check_telegram

        try:
            check_telegram(config.telegram.webhook_url, config.telegram.secret_token)
        except ConfigError as exc:
            found.append(str(exc))
    return found
