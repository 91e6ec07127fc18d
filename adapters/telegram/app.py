"""Wiring of the Telegram adapter: the PTB `Application`, polling or webhook, the transport.

    adapter = TelegramAdapter(app, inbound, transports=registry)   # from adapters/main.py
    await adapter.start()        # receiving; adapter.transport sends
    await adapter.stop()         # stops receiving (what was fetched is handled first)
    await adapter.close()        # once nothing is sent any more

Start-up: forget button tokens older than 30 days, `getMe`, set the command menus (English
and French), then receive updates: long polling by default (`[telegram] mode = "polling"`,
nothing pending is dropped), or a webhook (`mode = "webhook"`, secret token checked). Every
update is translated and put in the process's inbound queue, in the sender's lane: the
core's `Bot.handle`, then replies in the chat it came from. The process's one dispatcher
sends the outbox (adapters/main.py). No ConversationHandler, no JobQueue, no persistence:
state and time live in the core and its database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter

from adapters.telegram import callbacks, translate
from adapters.telegram.menu import MENUS, command_menu
from adapters.telegram.pacing import PacingLimiter
from adapters.telegram.polling import Poller
from adapters.telegram.transport import TelegramTransport, transient
from adapters.telegram.webhook import WebhookServer, check_settings
from bot.admin.roster_invites import TELEGRAM_USERNAME
from bot.kernel.app import App
from bot.kernel.config import TelegramSettings
from bot.kernel.deferred_replies import TRANSIENT_RETRY_SECONDS, defer
from bot.kernel.events import Attachment, Event, Reply
from bot.kernel.inbound import InboundQueue
from bot.kernel.transport import RetryLater, Transport, Unreachable
from bot.store.state import set_meta

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
POLL_TIMEOUT = 25.0                 # seconds a getUpdates call may wait for news
UNKNOWN_BUTTON = "telegram.stale"   # unknown to the core, which answers "no longer valid"
PURGE_EVERY = timedelta(days=1)


def build_application(settings: TelegramSettings, limiter: BaseRateLimiter[Any]) -> Application:
    """PTB without its Updater (we poll ourselves), JobQueue or persistence."""
    return (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(file_url(settings.base_url))
        .updater(None)
        .job_queue(None)
        .rate_limiter(limiter)
        .build()
    )


def file_url(base_url: str) -> str:
    """https://api.telegram.org/bot -> https://api.telegram.org/file/bot (a local server too)."""
    head, found, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if found else base_url


class TelegramAdapter:
    """One bot token, serving every person who talks to that bot.

    `inbound` is the process's queue; `transports` its registry of every platform's
    transport, for a reply addressed to someone elsewhere (adapters/main.py).
    """

    platform = translate.PLATFORM

    def __init__(self, app: App, inbound: InboundQueue, *,
                 transports: Mapping[str, Transport] | None = None,
                 limiter: BaseRateLimiter[Any] | None = None,
                 poll_timeout: float = POLL_TIMEOUT) -> None:
        self.app = app
        self.inbound = inbound
        self.settings = app.config.telegram
        self.application = build_application(self.settings, limiter or PacingLimiter())
        self.transport = TelegramTransport(self.application.bot, app.db, app.services.clock)
        self.transports: Mapping[str, Transport] = transports or {}
        self.poll_timeout = poll_timeout
        self.me = translate.BotIdentity(0, "")
        self.webhook: WebhookServer | None = None
        self._poller: asyncio.Task[None] | None = None
        self._purging: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._purged_at: datetime | None = None
        self._acks: set[asyncio.Task[None]] = set()
        self.started = asyncio.Event()  # set once updates are being received

    # --- life cycle ---------------------------------------------------------------------

    @property
    def failed(self) -> asyncio.Task[None] | None:
        """What ends when receiving fails for good (polling with a revoked token)."""
        return self._poller

    async def start(self) -> None:
        path = check_settings(self.settings.webhook_url, self.settings.secret_token) \
            if self.settings.mode == "webhook" else ""
        await self._purge_callbacks()
        await self.application.initialize()  # getMe: who we are
        bot = self.application.bot
        self.me = translate.BotIdentity(bot.id, bot.username)
        async with self.app.db.transaction() as tx:  # deep links in roster invitations
            await set_meta(tx, TELEGRAM_USERNAME, bot.username)
        await self._set_menus()
        await self.application.start()
        if self.settings.mode == "webhook":
            await self._start_webhook(path)
        else:
            poller = Poller(bot, self._receive, timeout=self.poll_timeout,
                            allowed_updates=ALLOWED_UPDATES)
            self._poller = asyncio.create_task(poller.run(self._stopping), name="telegram-poll")
        self._purging = asyncio.create_task(self._purge_daily(), name="telegram-purge")
        self.started.set()
        log.info("telegram.started", extra={"bot_id": self.me.id, "mode": self.settings.mode})

    async def stop(self) -> None:
        """Stop receiving; the updates fetched are handled first, then confirmed."""
        self._stopping.set()
        if self._poller is not None:
            with contextlib.suppress(Exception):
                await self._poller  # its failure, if any, is the process's to report
        if self.webhook is not None:
            await self.webhook.stop()
            self.webhook = None
        if self._purging is not None:
            self._purging.cancel()
            await asyncio.gather(self._purging, return_exceptions=True)
            self._purging = None

    async def close(self) -> None:
        """Close the connections, once nothing is sent any more."""
        if self._acks:
            await asyncio.gather(*list(self._acks), return_exceptions=True)
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        log.info("telegram.stopped", extra={"bot_id": self.me.id})

    async def _start_webhook(self, path: str) -> None:
        self.webhook = WebhookServer(path, self.settings.secret_token, self._accept_webhook)
        await self.webhook.start(self.settings.host, self.settings.port)
        await self.application.bot.set_webhook(
            self.settings.webhook_url, secret_token=self.settings.secret_token,
            allowed_updates=list(ALLOWED_UPDATES), drop_pending_updates=False)

    async def _accept_webhook(self, data: dict[str, Any]) -> None:
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:  # malformed: sending it again would not help, so it is acknowledged
            log.warning("telegram.webhook_bad_update", extra={"update_id": data["update_id"]})
            return
        self._receive(update)  # queued: Telegram gets its 200 at once

    async def _set_menus(self) -> None:
        bot = self.application.bot
        for lang, language_code in MENUS:
            commands = command_menu(self.app.router, self.app.services.catalogue, lang)
            try:
                await bot.set_my_commands(commands, language_code=language_code)
            except TelegramError as error:  # a missing menu must not keep the bot down
                log.warning("telegram.menu_failed", extra={"lang": lang,
                                                           "error": type(error).__name__})

    async def _purge_callbacks(self) -> None:
        now = self.app.services.clock.now()
        deleted = await callbacks.purge(self.app.db, now)
        self._purged_at = now
        if deleted:
            log.info("telegram.callbacks_purged", extra={"count": deleted})

    async def _purge_daily(self) -> None:
        """Forget old button tokens once a day (by the app's clock, checked every tick)."""
        tick = max(0.05, self.app.config.scheduler.tick_seconds)
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=tick)
            try:
                if self._purged_at is None or \
                        self.app.services.clock.now() - self._purged_at >= PURGE_EVERY:
                    await self._purge_callbacks()
            except Exception:  # a database hiccup: tried again at the next tick
                log.exception("telegram.purge_failed")

    # --- one update -----------------------------------------------------------------------

    def _receive(self, update: Update) -> asyncio.Future[None] | None:
        """Put the update in its sender's lane of the inbound queue, in the order received;
        the future ends once it is handled (the poller confirms it to Telegram then)."""
        query = update.callback_query
        if query is not None:  # every press, at once: the spinner stops
            acknowledging = asyncio.create_task(self._acknowledge(query.id))
            self._acks.add(acknowledging)
            acknowledging.add_done_callback(self._acks.discard)
        inbound = translate.inbound(update, self.me)
        if inbound is None:
            return None
        if isinstance(inbound, translate.Press):
            press = inbound

            async def answer_press(event: Event, replies: list[Reply]) -> None:
                await self._answer(event, replies, press.chat_id, None)

            return self.inbound.put(press.user.key, lambda: self._action_of(press),
                                    answer_press)
        incoming = inbound

        async def prepare() -> Event:
            if incoming.document is None:
                return incoming.event
            # A roster sent as a document: fetched in the lane, in its place.
            return replace(incoming.event, attachment=await self._download(incoming.document))

        async def answer(event: Event, replies: list[Reply]) -> None:
            await self._answer(event, replies, incoming.chat_id, incoming.reply_to)

        return self.inbound.put(incoming.event.user.key, prepare, answer)

    async def _download(self, document: translate.FileRef) -> Attachment | None:
        """The document's bytes (Telegram lets bots fetch files up to 20 MB); None when it
        cannot be fetched, and the core answers as if no file came."""
        try:
            file = await self.application.bot.get_file(document.file_id)
            content = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            log.info("telegram.download_failed", extra={"error": type(error).__name__})
            return None
        return Attachment(document.name or "file", content,
                          document.mime_type or "application/octet-stream")

    async def _action_of(self, press: translate.Press) -> Event:
        target = await callbacks.resolve(self.app.db, press.token)
        if target is not None:
            return press.action(*target)
        log.info("telegram.stale_button", extra={"update_id": press.event_id})
        if press.message_id is not None:
            # Its buttons are all dead: take the keyboard away rather than let it be pressed.
            with contextlib.suppress(TelegramError):
                await self.application.bot.edit_message_reply_markup(
                    press.chat_id, press.message_id, reply_markup=None)
        return press.action(UNKNOWN_BUTTON, "")

    async def _acknowledge(self, query_id: str) -> None:
        try:
            await self.application.bot.answer_callback_query(query_id)
        except TelegramError as error:  # too old to answer: the press is handled anyway
            log.info("telegram.answer_failed", extra={"error": type(error).__name__})

    async def _answer(self, event: Event, replies: list[Reply], chat_id: int,
                      reply_to: int | None) -> None:
        for index, reply in enumerate(replies):
            try:
                if reply.to.key == event.user.key:
                    await self.transport.deliver(chat_id, reply, reply_to=reply_to)
                else:
                    await self._send_elsewhere(reply)
            except RetryLater as later:
                # Still flooded after the limiter's own wait: this reply and the ones after
                # it go to the outbox, due when Telegram said, and keep their order.
                await defer(self.app.db, self.app.services.clock, event, replies, index,
                            later.seconds)
                return
            except (Unreachable, TelegramError) as error:
                if transient(error):
                    await defer(self.app.db, self.app.services.clock, event, replies, index,
                                TRANSIENT_RETRY_SECONDS)
                    return
                # The rest would fail the same way, or arrive without what came before.
                log.warning("telegram.reply_failed", extra={"chat_id": chat_id,
                                                            "error": type(error).__name__})
                return

    async def _send_elsewhere(self, reply: Reply) -> None:
        transport = self.transports.get(reply.to.platform)
        if transport is None:
            log.warning("telegram.no_transport", extra={"platform": reply.to.platform})
            return
        await transport.send(reply.to, reply)
