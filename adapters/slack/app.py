"""Wiring: a slack-bolt `AsyncApp` in HTTP mode (aiohttp, `/slack/events`) or Socket Mode,
and the Slack transport. The process (adapters/main.py) owns the rest: one inbound queue,
one dispatcher and one alarm for every platform it serves.

Every listener acknowledges first and works afterwards: it calls `ack()`, puts the event in
the process's inbound queue and returns, so Slack gets its answer within its 3 seconds
whatever the database is doing (bolt's `process_before_response=False`). The queue runs one
person's events in order, so their replies never overtake each other. Retries and replays
carry the same event id (`event_id`, `trigger_id`, or the action's identity) and the core's
inbox gives them no second effect. Request signatures are checked by bolt before any
listener runs: a bad or stale signature gets 401 and touches nothing.

    adapter = SlackAdapter(app, inbound)     # inbound: the process's InboundQueue
    await adapter.start()                    # adapter.transport sends; ...
    await adapter.stop()
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.app.async_server import AsyncSlackAppServer
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate
from adapters.slack.directory import UserDirectory
from adapters.slack.pacing import Pacer
from adapters.slack.render import home_view, slack_commands
from adapters.slack.transport import SlackTransport, transient
from bot.kernel import people
from bot.kernel.app import App
from bot.kernel.config import ConfigError, SlackSettings
from bot.kernel.deferred_replies import TRANSIENT_RETRY_SECONDS, defer
from bot.kernel.events import Address, Attachment, Button, Command, Event, Reply
from bot.kernel.i18n import Catalogue, normalise_language
from bot.kernel.inbound import InboundQueue
from bot.kernel.transport import RetryLater, Unreachable

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_DOWNLOAD = 20_000_000  # bytes of a shared file fetched (the core refuses far less)
HOME_MENU = (("find", "slack.home.find"), ("profile", "slack.home.profile"),
             ("help", "slack.home.help"))

# A pure function of translate.py: payload + sender -> core event, or None.
Translator = Callable[[dict[str, Any], Address], Event | None]


def check_settings(settings: SlackSettings) -> None:
    """Refuse to start with settings that cannot work, naming what is missing."""
    if not settings.bot_token:
        raise ConfigError("[slack] bot_token is empty (or set MENTORBOT_SLACK_BOT_TOKEN)")
    if settings.mode == "http" and not settings.signing_secret:
        raise ConfigError("[slack] signing_secret is required in http mode "
                          "(or set MENTORBOT_SLACK_SIGNING_SECRET)")
    if settings.mode == "socket" and not settings.app_token:
        raise ConfigError("[slack] app_token (xapp-…) is required in socket mode "
                          "(or set MENTORBOT_SLACK_APP_TOKEN)")


def api_base(url: str) -> str:
    """slack_sdk joins method names to the base URL, which must end with a slash."""
    return url if url.endswith("/") else url + "/"


class SlackAdapter:
    """The Slack adapter of one process: receives, translates, sends. `start()`, `stop()`."""

    platform = translate.PLATFORM

    def __init__(self, app: App, inbound: InboundQueue, *, pacer: Pacer | None = None,
                 user_cache_seconds: float = 3600.0) -> None:
        settings = app.config.slack
        check_settings(settings)
        self.app = app
        self.inbound = inbound
        self.settings = settings
        self.client = AsyncWebClient(
            token=settings.bot_token, base_url=api_base(settings.api_url),
            retry_handlers=[AsyncConnectionErrorRetryHandler(),
                            AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
        )
        commands = app.router.commands
        self.commands = slack_commands(
            [name for name, spec in commands.items() if not spec.admin],
            [name for name, spec in commands.items() if spec.admin])
        self.transport = SlackTransport(self.client, self.commands, pacer)
        self.directory = UserDirectory(self.client, ttl=user_cache_seconds)
        self.catalogue: Catalogue = app.services.catalogue
        self.bolt = self._bolt_app()
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None

    # --- bolt listeners: acknowledge, then queue the work ---------------------------------

    def _bolt_app(self) -> AsyncApp:
        bolt = AsyncApp(client=self.client, signing_secret=self.settings.signing_secret,
                        process_before_response=False,
                        request_verification_enabled=self.settings.mode == "http")
        bolt.event("message")(self._on_message)
        bolt.event("app_mention")(self._on_mention)
        bolt.event("app_home_opened")(self._on_home_opened)
        bolt.command(translate.SLASH_USER)(self._on_command)
        bolt.command(translate.SLASH_ADMIN)(self._on_command)
        bolt.action(re.compile(".+"))(self._on_action)
        return bolt

    async def _on_message(self, ack: Callable[[], Awaitable[Any]], body: dict[str, Any]) -> None:
        await ack()
        shared = translate.shared_file(body)
        sender = translate.event_sender(body)
        if shared is None or sender is None:
            self._accept(sender, translate.direct_message, body)
            return
        event = translate.direct_message(body, translate.address_from(*sender))
        if event is None:
            return

        async def with_file() -> Event:  # a roster shared in the DM: fetched, then handled
            found = await self._with_profile(event)
            return dataclasses.replace(found, attachment=await self._download(shared))

        self.inbound.put(event.user.key, with_file, self._answer)

    async def _download(self, shared: translate.SharedFile) -> Attachment | None:
        """A shared file's bytes, fetched with the bot token (scope files:read) — only from
        Slack's own hosts, so that the token never goes anywhere else; None when it cannot
        be fetched (the core then answers as if no file came)."""
        host = urlsplit(shared.url).hostname or ""
        if host not in ("files.slack.com", urlsplit(self.settings.api_url).hostname) \
                or shared.size > MAX_DOWNLOAD:
            log.info("slack.download_refused", extra={"size": shared.size})
            return None
        headers = {"Authorization": f"Bearer {self.settings.bot_token}"}
        try:
            async with ClientSession(timeout=ClientTimeout(total=30)) as session, \
                    session.get(shared.url, headers=headers) as response:
                if response.status != 200:
                    log.info("slack.download_failed", extra={"status": response.status})
                    return None
                content = await response.content.read(MAX_DOWNLOAD + 1)
        except (ClientError, TimeoutError) as error:
            log.info("slack.download_failed", extra={"error": type(error).__name__})
            return None
        return Attachment(shared.name or "file", content,
                          shared.mime_type or "application/octet-stream")

    async def _on_mention(self, ack: Callable[[], Awaitable[Any]], body: dict[str, Any]) -> None:
        await ack()
        self._accept(translate.event_sender(body), translate.mention, body)

    async def _on_command(self, ack: Callable[[], Awaitable[Any]], body: dict[str, Any]) -> None:
        await ack()  # empty: the answer goes to the person's DM
        self._accept(translate.command_sender(body), translate.slash_command, body)

    async def _on_action(self, ack: Callable[[], Awaitable[Any]], body: dict[str, Any]) -> None:
        await ack()
        change = translate.pressed_message_update(body)

        async def show_pressed() -> None:
            if change is not None:
                await self.transport.update(change)

        self._accept(translate.action_sender(body), translate.block_action, body, show_pressed)

    async def _on_home_opened(self, ack: Callable[[], Awaitable[Any]],
                              body: dict[str, Any]) -> None:
        await ack()
        sender = translate.event_sender(body)
        event_id = translate.home_opened(body)
        if sender is not None and event_id is not None:
            self.inbound.run(translate.address_from(*sender).key,
                             lambda: self._publish_home(sender, event_id))

    def _accept(self, sender: tuple[str, str] | None, to_event: Translator, body: dict[str, Any],
                after: Callable[[], Awaitable[None]] | None = None) -> None:
        """Start the work for a payload that means something to the core; drop the rest
        (edits, bot messages, other channels...) before any call to Slack."""
        if sender is None:
            return
        event = to_event(body, translate.address_from(*sender))
        if event is None:
            return

        async def answer(handled: Event, replies: list[Reply]) -> None:
            if replies and after is not None:
                await after()  # not for a duplicate: it changed nothing
            await self._answer(handled, replies)

        self.inbound.put(event.user.key, lambda: self._with_profile(event), answer)

    # --- the work, in the person's lane of the inbound queue ------------------------------

    async def _with_profile(self, event: Event) -> Event:
        """The sender as Slack knows them (name, locale, time zone), looked up in the lane."""
        return dataclasses.replace(event, user=await self.directory.address(
            event.user.workspace, event.user.user_id))

    async def _answer(self, event: Event, replies: list[Reply]) -> None:
        await self._deliver(event, replies)

    async def _deliver(self, event: Event, replies: list[Reply]) -> None:
        """Send the replies in order; what Slack will not take now goes to the outbox."""
        for index, reply in enumerate(replies):
            if reply.to.platform != translate.PLATFORM:
                log.error("slack.reply_elsewhere", extra={"platform": reply.to.platform})
                continue
            try:
                await self.transport.send(reply.to, reply)
            except Unreachable:
                # The person is talking to us right now; nothing to mark, only to note.
                log.warning("slack.reply_not_sent", extra={"user": reply.to.user_id,
                                                           "reason": "Unreachable"})
                return
            except RetryLater as later:  # a second 429: the SDK already waited once
                await self._defer(event, replies, index, later.seconds)
                return
            except Exception as error:
                if not transient(error):
                    raise
                await self._defer(event, replies, index, TRANSIENT_RETRY_SECONDS)
                return

    async def _defer(self, event: Event, replies: list[Reply], first: int,
                     seconds: float) -> None:
        """This reply and the ones after it, in order, to the outbox (due in `seconds`)."""
        await defer(self.app.db, self.app.services.clock, event, replies, first, seconds)

    async def _publish_home(self, sender: tuple[str, str], event_id: str) -> None:
        """The Home tab: what /profile and /mentors answer, and the main actions as buttons."""
        # In the person's lane of the inbound queue: never beside one of their events.
        user = await self.directory.address(*sender)
        profile = await self.app.bot.handle(Command(user, "profile", "",
                                                    f"{event_id}:profile"))
        if not profile:
            return  # a retry of an event already handled
        mentors = await self.app.bot.handle(Command(user, "mentors", "",
                                                    f"{event_id}:mentors"))
        async with self.app.db.read() as tx:
            person = await people.find_by_address(tx, user)
        lang = person.language if person else normalise_language(user.locale)
        title = self.app.services.programme_name(person.programme_id) if person else ""
        menu = Reply(user, "", tuple(
            Button(self.catalogue.text(lang, key), translate.HOME_COMMAND, command)
            for command, key in HOME_MENU))
        view = home_view(title, [*profile, *mentors], menu, self.commands)
        try:
            await self.transport.publish_home(user.user_id, view)
        except SlackApiError as error:
            log.warning("slack.home_failed", extra={"user": user.user_id,
                                                    "error": error.response.get("error")})

    # --- life cycle -----------------------------------------------------------------------

    @property
    def failed(self) -> None:
        """bolt's server and socket reconnect on their own: nothing to watch."""
        return None

    async def start(self) -> None:
        await self._check_token()
        if self.settings.mode == "socket":
            self._socket = AsyncSocketModeHandler(self.bolt, self.settings.app_token)
            await self._socket.connect_async()
        else:
            server = AsyncSlackAppServer(port=self.settings.port, path=EVENTS_PATH,
                                         app=self.bolt, host=self.settings.host)
            self._runner = web.AppRunner(server.web_app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
            await site.start()
            self.port = self._runner.addresses[0][1]
        log.info("slack.started", extra={"mode": self.settings.mode, "port": self.port})

    async def _check_token(self) -> None:
        try:
            await self.client.auth_test()
        except SlackApiError as error:
            raise ConfigError(f"[slack] bot_token was refused by Slack "
                              f"({error.response.get('error')})") from error

    async def stop(self) -> None:
        """Stop taking requests. What is queued already is the process's to finish
        (adapters/main.py), still able to send; `close()` comes after."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None

    async def close(self) -> None:
        """Close the Web API session, once nothing will be sent any more."""
        session = getattr(self.client, "session", None)
        if session is not None and not session.closed:
            await session.close()
