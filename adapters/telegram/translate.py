"""Telegram updates -> core events (pure: no I/O, no database, no network).

What the bot listens to:
- in a private chat: every message (text, or a caption; a sticker is an empty message) and
  every command, `/cmd` or `/cmd@ThisBot`;
- in a group: only commands addressed to this bot (`/cmd@ThisBot`), never other chatter;
- everywhere: presses on our inline buttons. Their callback data is a short token that still
  has to be looked up (`Press`), because Telegram allows only 64 bytes of it.

Everything else (edited messages, channel posts, other bots, commands for another bot) gives
None. The platform's `update_id` becomes the event id, so a re-delivered update has no
second effect in the core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Chat, Update, User

from bot.kernel.core import clean_text
from bot.kernel.events import Action, Address, Command, Message

PLATFORM = "telegram"
MAX_NAME = 100
# "/name", "/name@BotName", then arguments. Telegram only marks [A-Za-z0-9_] names as commands,
# but a person who types "/héllo" meant a command too: the core answers "unknown command".
_COMMAND = re.compile(r"^/([^\s@/]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who we are on Telegram (from getMe): the numeric id is the workspace of every address."""

    id: int
    username: str

    @property
    def workspace(self) -> str:
        return str(self.id)


@dataclass(frozen=True, slots=True)
class FileRef:
    """A document sent with a message (a roster): fetched by the adapter with getFile."""

    file_id: str
    name: str
    mime_type: str = ""


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message or command, and the chat its answers go to."""

    event: Message | Command
    chat_id: int
    reply_to: int | None = None  # in a group, answers quote the command they answer
    document: FileRef | None = None  # a file sent with it; its caption is the text


@dataclass(frozen=True, slots=True)
class Press:
    """A tap on one of our inline buttons; `token` is looked up in telegram_callbacks."""

    user: Address
    token: str
    query_id: str
    chat_id: int
    message_id: int | None
    event_id: str

    def action(self, action_id: str, value: str) -> Action:
        return Action(self.user, action_id, value, self.event_id)


def address_of(user: User, me: BotIdentity) -> Address:
    """The immutable identity (bot id, numeric user id) plus what Telegram knows about them."""
    return Address(PLATFORM, me.workspace, str(user.id),
                   display_name=clean_text(user.full_name)[:MAX_NAME],
                   locale=user.language_code or "",
                   username=clean_text(user.username or "")[:MAX_NAME])


def inbound(update: Update, me: BotIdentity) -> Incoming | Press | None:
    """What the core should hear from this update, or None when it is not for us."""
    if update.callback_query is not None:
        return _press(update, me)
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    user = address_of(message.from_user, me)
    event_id = str(update.update_id)
    text = message.text if message.text is not None else (message.caption or "")
    command = parse_command(text)
    private = message.chat.type == Chat.PRIVATE
    document = FileRef(message.document.file_id, clean_text(message.document.file_name or ""),
                       message.document.mime_type or "") if message.document else None
    if command is not None:
        name, target, args = command
        if not _addressed_to_us(target, me, private):
            return None
        return Incoming(Command(user, name, args, event_id), message.chat.id,
                        None if private else message.message_id, document)
    if not private:
        return None  # group chatter is not for the bot
    return Incoming(Message(user, text, event_id), message.chat.id, document=document)


def parse_command(text: str) -> tuple[str, str | None, str] | None:
    """"/find@Bot some args" -> ("find", "Bot", "some args"); None when not a command."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    name, target, args = match.groups()
    return name, target, (args or "").strip()


def _addressed_to_us(target: str | None, me: BotIdentity, private: bool) -> bool:
    if target is None:
        return private  # in a group a bare /cmd may be meant for another bot
    return target.lower() == me.username.lower()


def _press(update: Update, me: BotIdentity) -> Press | None:
    query = update.callback_query
    assert query is not None
    if query.from_user.is_bot or query.data is None:
        return None
    message = query.message
    chat_id = message.chat.id if message is not None else query.from_user.id
    return Press(address_of(query.from_user, me), query.data, query.id, chat_id,
                 message.message_id if message is not None else None, str(update.update_id))
