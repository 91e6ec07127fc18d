"""Slack's side of `bot.kernel.transport.Transport`: a reply posted to the person's DM.

One small function per kind of outbound call: a message (Block Kit), a file
(`files_upload_v2`), the update of a pressed message, the App Home view. The DM channel id
comes from `conversations.open` and is cached. Slack's answers are mapped onto the core's
two promises: a recipient who left (`account_inactive`...) is `Unreachable`; a 429 that the
SDK's retry handler already waited out once is `RetryLater` for the dispatcher. A reply
long enough to need several messages is posted in order; if a later part fails, a retry
repeats the earlier parts (the documented at-least-once window).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.pacing import Pacer
from adapters.slack.render import render_reply
from adapters.slack.translate import PLATFORM
from bot.kernel.events import Address, Attachment, Reply
from bot.kernel.transport import RetryLater, Unreachable

log = logging.getLogger(__name__)

# Slack errors that mean this person cannot be written to any more (left, deactivated...).
UNREACHABLE_ERRORS = frozenset({"account_inactive", "channel_not_found", "user_not_found",
                                "cannot_dm_bot"})
DEFAULT_RETRY_AFTER = 30.0
MAX_CHANNELS = 50_000


def failure(error: SlackApiError) -> Exception:
    """The core's view of a Slack error: Unreachable, RetryLater, or the error itself."""
    code = error.response.get("error")
    if code in UNREACHABLE_ERRORS:
        return Unreachable(code)
    if error.response.status_code == 429 or code == "ratelimited":
        return RetryLater(retry_after(error.response.headers))
    return error


def transient(error: BaseException) -> bool:
    """A failure worth trying again later: the network, a timeout, Slack's own 5xx."""
    if isinstance(error, SlackApiError):
        return error.response.status_code >= 500
    return isinstance(error, aiohttp.ClientError | TimeoutError)


def retry_after(headers: Mapping[str, Any] | None) -> float:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(1.0, float(raw))
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER


class SlackTransport:
    """Delivers replies to Slack users through the Web API (`AsyncWebClient`)."""

    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, commands: Mapping[str, str],
                 pacer: Pacer | None = None) -> None:
        self.client = client
        self.commands = commands
        self.pacer = pacer or Pacer()
        self._channels: dict[str, str] = {}

    async def send(self, address: Address, reply: Reply) -> None:
        try:
            channel = await self._channel(address.user_id)
            await self._post(channel, reply)
            if reply.file is not None:
                await self._upload(channel, reply.file)
        except SlackApiError as error:
            problem = failure(error)
            if isinstance(problem, Unreachable):
                self._channels.pop(address.user_id, None)
            log.info("slack.send_failed", extra={"user": address.user_id,
                                                 "error": error.response.get("error")})
            raise problem from error

    async def _channel(self, user_id: str) -> str:
        """The DM channel with `user_id` (opening it is idempotent on Slack's side)."""
        channel = self._channels.get(user_id)
        if channel is None:
            response = await self.client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
            if len(self._channels) >= MAX_CHANNELS:
                self._channels.clear()
            self._channels[user_id] = channel
        return channel

    async def _post(self, channel: str, reply: Reply) -> None:
        for message in render_reply(reply, self.commands):
            await self.pacer.wait(channel)
            await self.client.chat_postMessage(channel=channel, text=message.text,
                                               blocks=list(message.blocks),
                                               unfurl_links=False, unfurl_media=False)

    async def _upload(self, channel: str, file: Attachment) -> None:
        await self.pacer.wait(channel)
        await self.client.files_upload_v2(channel=channel, content=file.content,
                                          filename=file.filename, title=file.filename)

    async def update(self, change: Mapping[str, Any]) -> None:
        """Rewrite a message (the pressed one); failures only cost the cosmetic change."""
        try:
            await self.client.chat_update(channel=change["channel"], ts=change["ts"],
                                          text=change["text"], blocks=change["blocks"])
        except SlackApiError as error:
            log.info("slack.update_failed", extra={"error": error.response.get("error")})

    async def publish_home(self, user_id: str, view: Mapping[str, Any]) -> None:
        await self.client.views_publish(user_id=user_id, view=dict(view))
