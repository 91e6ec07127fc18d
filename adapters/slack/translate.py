"""Slack payloads -> core events (pure: no I/O, no SDK objects, only dicts and strings).

Slack sends three kinds of inbound payloads: Events API callbacks (`message.im`,
`app_mention`, `app_home_opened`), slash commands (`/mentor find`, `/mentor-admin stats`)
and interactivity payloads (`block_actions`: a button or a select menu). Each function here
takes the decoded body and, where it makes an event, the sender's `Address` (built by
`address_from` from the ids plus what `users.info` said). Every event carries an id that
stays the same when Slack retries or replays the request, so the core's inbox has no second
effect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.kernel.core import clean_text
from bot.kernel.events import Action, Address, Command, Message

PLATFORM = "slack"
SLASH_USER = "/mentor"
SLASH_ADMIN = "/mentor-admin"
ADMIN_COMMAND = "admin"
# Buttons the adapter itself draws (App Home menu): their value is a core command name.
HOME_COMMAND = "slack.command"
ACTION_SEPARATOR = "|"
MAX_ACTION_ID = 255  # Slack's limit for action_id
MAX_DISPLAY_NAME = 100

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^<>]*)?>")
_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SLACK_ID = re.compile(r"^[A-Z0-9]{1,32}$")


# --- action ids ---------------------------------------------------------------------------

def encode_action_id(core_id: str, index: int) -> str:
    """`<core action id>|<index>`: Slack wants action ids unique within a block."""
    suffix = f"{ACTION_SEPARATOR}{index}"
    return core_id[: MAX_ACTION_ID - len(suffix)] + suffix


def decode_action_id(slack_id: str) -> str:
    """The core action id back from `encode_action_id` (an id without index is kept whole)."""
    core_id, separator, index = slack_id.rpartition(ACTION_SEPARATOR)
    return core_id if separator and index.isdigit() else slack_id


# --- identity -----------------------------------------------------------------------------

def address_from(team_id: str, user_id: str, info: Mapping[str, Any] | None = None) -> Address:
    """The sender's address; `info` is the `user` object of `users.info` when we have it."""
    info = info or {}
    profile = info.get("profile") or {}
    name = next((str(n) for n in (profile.get("display_name"), profile.get("real_name"),
                                  info.get("real_name"), info.get("name")) if n), "")
    return Address(
        PLATFORM, team_id, user_id,
        display_name=_CONTROL.sub("", name).strip()[:MAX_DISPLAY_NAME],
        locale=_short(info.get("locale"), 20),
        timezone=_short(info.get("tz"), 64),
        username=_CONTROL.sub("", str(info.get("name") or "")).strip()[:MAX_DISPLAY_NAME],
    )


def _short(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _ids(team_id: Any, user_id: Any) -> tuple[str, str] | None:
    if isinstance(team_id, str) and isinstance(user_id, str) and _SLACK_ID.match(team_id) \
            and _SLACK_ID.match(user_id):
        return team_id, user_id
    return None


def event_sender(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(team id, user id) of an Events API callback."""
    event = body.get("event") or {}
    return _ids(body.get("team_id") or event.get("team"), event.get("user"))


def command_sender(body: Mapping[str, Any]) -> tuple[str, str] | None:
    return _ids(body.get("team_id"), body.get("user_id"))


def action_sender(body: Mapping[str, Any]) -> tuple[str, str] | None:
    user = body.get("user") or {}
    team = body.get("team") or {}
    return _ids(team.get("id") or user.get("team_id"), user.get("id"))


# --- text ---------------------------------------------------------------------------------

def plain_text(text: str) -> str:
    """Slack's escaped message text as the person typed it (links shown by their label)."""

    def unlink(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if label:
            return ("#" if target.startswith("#") else "") + label
        if target.startswith("!"):
            return "@" + target[1:].split("^", 1)[0]
        if target.startswith(("@", "#")):
            return target
        return target.removeprefix("mailto:")

    text = _LINK.sub(unlink, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _command_text(name: str, args: str, user: Address, event_id: str) -> Command:
    return Command(user, name.lstrip("/").lower(), args.strip(), event_id)


# --- inbound events -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SharedFile:
    """A file a person shared in their DM with the bot (a roster): fetched by the adapter."""

    name: str
    url: str
    mime_type: str
    size: int


def direct_message(body: Mapping[str, Any], user: Address) -> Message | Command | None:
    """A person's own new message in their DM with the bot; None for anything else.

    Edits, deletions, bot messages and every other subtype are ignored: only what a person
    typed as a new message (or sent with a file: `file_share`) is an answer to the bot.
    """
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("subtype") not in (None, "file_share") or event.get("bot_id") \
            or event.get("edited") or event.get("hidden"):
        return None
    text = event.get("text")
    if not isinstance(text, str):
        return None
    event_id = str(body.get("event_id") or "")
    text = plain_text(text).strip()
    if text.startswith("/") and len(text) > 1 and not text.startswith("//"):
        name, _, args = text[1:].partition(" ")
        return _command_text(name, args, user, event_id)
    return Message(user, text, event_id)


def shared_file(body: Mapping[str, Any]) -> SharedFile | None:
    """The first file of a person's `file_share` message in their DM with the bot."""
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("channel_type") != "im" \
            or event.get("subtype") != "file_share" or event.get("bot_id"):
        return None
    files = event.get("files")
    first = files[0] if isinstance(files, list) and files and isinstance(files[0], dict) \
        else {}
    url, size = first.get("url_private_download"), first.get("size")
    if not isinstance(url, str):
        return None
    return SharedFile(clean_text(str(first.get("name") or ""))[:100], url,
                      str(first.get("mimetype") or ""), size if isinstance(size, int) else 0)


def mention(body: Mapping[str, Any], user: Address) -> Command | None:
    """`@mentorbot find` in a channel means `/mentor find`; the answer goes to the DM."""
    event = body.get("event") or {}
    text = event.get("text")
    if event.get("type") != "app_mention" or event.get("bot_id") or not isinstance(text, str):
        return None
    text = plain_text(_MENTION.sub("", text, count=1)).strip()
    name, _, args = text.lstrip("/").partition(" ")
    return _command_text(name or "help", args, user, str(body.get("event_id") or ""))


def home_opened(body: Mapping[str, Any]) -> str | None:
    """The event id of an `app_home_opened` on the Home tab (not the Messages tab), or None."""
    event = body.get("event") or {}
    if event.get("type") != "app_home_opened" or event.get("tab", "home") != "home":
        return None
    return str(body.get("event_id") or "") or None


def slash_command(body: Mapping[str, Any], user: Address) -> Command | None:
    """`/mentor find x` -> Command("find", "x"); `/mentor` -> "help";
    `/mentor-admin stats` -> Command("admin", "stats"). Deduplicated on `trigger_id`."""
    text = plain_text(str(body.get("text") or "")).strip()
    event_id = f"cmd:{body.get('trigger_id') or ''}" if body.get("trigger_id") else ""
    command = body.get("command")
    if command == SLASH_ADMIN:
        return Command(user, ADMIN_COMMAND, text, event_id)
    if command != SLASH_USER:
        return None
    if not text:
        return Command(user, "help", "", event_id)
    name, _, args = text.partition(" ")
    return _command_text(name, args, user, event_id)


def _pressed(action: Mapping[str, Any]) -> tuple[str, str] | None:
    """(value, label) of a pressed button or a chosen select option."""
    kind = action.get("type")
    if kind == "button":
        return str(action.get("value") or ""), str((action.get("text") or {}).get("text") or "")
    if kind == "static_select":
        option = action.get("selected_option") or {}
        return str(option.get("value") or ""), str((option.get("text") or {}).get("text") or "")
    return None


def action_identity(body: Mapping[str, Any], action: Mapping[str, Any]) -> str:
    """The same press, retried or replayed, gets the same id: message (or view), time, user."""
    container = body.get("container") or {}
    where = container.get("message_ts") or container.get("view_id") or ""
    user = (body.get("user") or {}).get("id") or ""
    return f"act:{where}:{action.get('action_ts') or ''}:{user}"


def block_action(body: Mapping[str, Any], user: Address) -> Action | Command | None:
    """A button or select press. App Home menu buttons become the command they name."""
    actions = body.get("actions") or []
    if body.get("type") != "block_actions" or not actions:
        return None
    action = actions[0]
    pressed = _pressed(action)
    if pressed is None:
        return None
    value = pressed[0]
    core_id = decode_action_id(str(action.get("action_id") or ""))
    event_id = action_identity(body, action)
    if core_id == HOME_COMMAND:
        return _command_text(value, "", user, event_id) if value else None
    return Action(user, core_id, value, event_id)


def pressed_message_update(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """After a press, the message keeps its text and shows `✓ label` instead of its controls,
    so an old question cannot be answered twice by accident. None outside a DM message."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    actions = body.get("actions") or []
    if container.get("type") != "message" or not message or not actions:
        return None
    pressed = _pressed(actions[0])
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or message.get("ts")
    if pressed is None or not channel or not ts:
        return None
    label = _escape(pressed[1].strip())[:200] or "✓"
    blocks = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"✓ *{label}*",
                                                    "verbatim": True}]})
    return {"channel": channel, "ts": ts, "text": str(message.get("text") or label)[:3000],
            "blocks": blocks}


def _escape(text: str) -> str:
    # A "*" inside the label would end the bold early.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*", "")
