"""Deliver a `Reply` on Telegram: HTML text in as many messages as it takes, inline keyboard
on the last one, files as documents, PNG/JPEG images as photos.

Used two ways: `deliver(chat_id, reply)` answers an inbound event in the chat it came from
(a group, when a command was addressed to the bot there); `send(address, reply)` is the
outbox's `Transport.send`, always to the person's private chat. Telegram's refusals become
the core's errors: 403 (blocked, kicked) and "chat not found" -> `Unreachable`, a 429 still
there after the rate limiter's own retry -> `RetryLater`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import PurePath
from typing import Any, TypeVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from adapters.telegram import callbacks, render
from adapters.telegram.pacing import retry_seconds
from adapters.telegram.translate import PLATFORM
from bot.kernel.clock import Clock
from bot.kernel.events import Address, Attachment, Reply
from bot.kernel.transport import RetryLater, Unreachable
from bot.store.db import Database

log = logging.getLogger(__name__)

PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # bigger images go as documents
T = TypeVar("T")
# Our texts link nothing worth a preview; a link someone typed must not unfold into a card.
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class TelegramTransport:
    platform = PLATFORM

    def __init__(self, bot: Bot, db: Database, clock: Clock) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock

    async def send(self, address: Address, reply: Reply) -> None:
        """The outbox path: a person's private chat with the bot is their user id."""
        if address.platform != PLATFORM or address.workspace != str(self.bot.id) \
                or not address.user_id.isdigit():
            # Another bot's user (the token changed): this bot may not write to them.
            log.warning("telegram.foreign_address", extra={"workspace": address.workspace})
            raise Unreachable(f"not a user of bot {self.bot.id}")
        await self.deliver(int(address.user_id), reply)

    async def deliver(self, chat_id: int, reply: Reply, *, reply_to: int | None = None) -> None:
        """Send `reply` to `chat_id`; with `reply_to`, the first message quotes that one."""
        markup = await self._keyboard(reply)
        file = reply.file
        if file is not None and not reply.text.strip():
            await self._send_file(chat_id, file, "", markup, reply_to)
            return
        captioned = render.split(reply.text, render.CAPTION_LIMIT) if file is not None else []
        if file is not None and len(captioned) == 1:
            await self._send_file(chat_id, file, captioned[0], markup, reply_to)
            return
        parts = render.split(reply.text) or ([render.EMPTY_TEXT] if markup else [])
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await self._send_text(chat_id, part, markup if last and file is None else None,
                                  reply_to if index == 0 else None)
        if file is not None:
            await self._send_file(chat_id, file, "", markup, None)

    async def _keyboard(self, reply: Reply) -> InlineKeyboardMarkup | None:
        rows = render.keyboard_rows(reply.buttons, reply.choices)
        if not rows:
            return None
        flat = [button for row in rows for button in row]
        tokens = iter(await callbacks.issue(self.db, [(b.action_id, b.value) for b in flat],
                                            self.clock.now()))
        return InlineKeyboardMarkup([
            [InlineKeyboardButton(render.button_label(b), callback_data=next(tokens)) for b in row]
            for row in rows
        ])

    async def _send_text(self, chat_id: int, part: str, markup: InlineKeyboardMarkup | None,
                         reply_to: int | None) -> None:
        options: dict[str, Any] = {"reply_markup": markup, "reply_parameters": _quote(reply_to),
                                   "link_preview_options": NO_PREVIEW}
        try:
            await _mapped(lambda: self.bot.send_message(
                chat_id, render.to_html(part), parse_mode=ParseMode.HTML, **options))
        except BadRequest as error:
            if "parse entities" not in error.message.lower():
                raise
            # Our renderer has a bug if this happens; the person still gets the words.
            log.error("telegram.html_refused", extra={"chat_id": chat_id})
            await _mapped(lambda: self.bot.send_message(chat_id, render.to_plain(part),
                                                        **options))

    async def _send_file(self, chat_id: int, file: Attachment, caption: str,
                         markup: InlineKeyboardMarkup | None, reply_to: int | None) -> None:
        name = PurePath(file.filename.replace("\\", "/")).name or "file"
        options: dict[str, Any] = {
            "caption": render.to_html(caption) if caption else None,
            "parse_mode": ParseMode.HTML if caption else None,
            "reply_markup": markup, "reply_parameters": _quote(reply_to), "filename": name,
        }
        if file.mime_type in PHOTO_TYPES and len(file.content) <= MAX_PHOTO_BYTES:
            await _mapped(lambda: self.bot.send_photo(chat_id, file.content, **options))
        else:
            await _mapped(lambda: self.bot.send_document(chat_id, file.content, **options))


def transient(error: BaseException) -> bool:
    """A failure worth trying again later: the network or a timeout (PTB's NetworkError),
    not a request Telegram refused (BadRequest is a NetworkError too in PTB)."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def _quote(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


async def _mapped(call: Callable[[], Awaitable[T]]) -> T:
    """Run one Bot API call, turning Telegram's refusals into the core's transport errors."""
    try:
        return await call()
    except Forbidden as error:
        raise Unreachable(error.message) from error
    except RetryAfter as error:
        raise RetryLater(retry_seconds(error)) from error
    except BadRequest as error:
        if "chat not found" in error.message.lower():
            raise Unreachable(error.message) from error
        raise
