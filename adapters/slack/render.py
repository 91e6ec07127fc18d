"""Core replies -> Slack Block Kit (pure: no I/O).

The catalogues' markup is nearly Slack's mrkdwn already (`*bold*`, `_italic_`); bullets
become "•", `&`, `<` and `>` are escaped as Slack asks, and command names the core mentions
("type /find") are written the way a Slack user types them ("/mentor find"). Only a user
mention the core marked live (bot/kernel/markup.py) stays a mention: the same `<@U…>`, `<!here>`,
`<#C…>` or `<https://x|click>` typed by someone reaches the reader as text, and sections are
`verbatim` so Slack adds no links or mentions of its own to what people wrote.

Every payload stays within Slack's Block Kit limits whatever the input: long texts are cut
into several sections (and several messages past 50 blocks), buttons are spread over actions
blocks of at most 25 elements, select menus hold at most 100 options, and labels and values
are shortened to what Slack accepts. Lengths are counted in UTF-16 code units, which is never
less than Slack's own count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.slack.translate import encode_action_id
from bot.kernel.events import Button, Reply
from bot.kernel.markup import pieces, without_markers

MAX_BLOCKS = 50            # per message
MAX_HOME_BLOCKS = 100      # per Home tab view
MAX_SECTION_TEXT = 3000
MAX_FALLBACK_TEXT = 3000   # top-level `text` (notifications); Slack cuts at 40,000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ELEMENTS = 25   # per actions block
MAX_OPTIONS = 100          # per select menu
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_HEADER_TEXT = 150

Block = dict[str, Any]

_MENTION = re.compile(r"<@[UW][A-Z0-9]{1,30}>")
_COMMAND = re.compile(r"(?<![\w/.:@<-])/([a-z][a-z0-9_-]{0,31})(?![\w/-])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SlackMessage:
    """One `chat.postMessage`: notification text and blocks."""

    text: str
    blocks: tuple[Block, ...]


def slack_commands(names: Sequence[str], admin_names: Sequence[str] = ("admin",)) -> dict[str,
                                                                                          str]:
    """How each core command is typed in Slack: "find" -> "/mentor find"."""
    commands = {name: f"/mentor {name}" for name in names}
    commands.update({name: "/mentor-admin" for name in admin_names})
    return commands


# --- lengths ------------------------------------------------------------------------------

def units(text: str) -> int:
    """Length as Slack may count it: UTF-16 code units (an emoji can count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    if len(text) * 2 <= limit:
        return len(text)
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` units, with "…" when something was cut."""
    if units(text) <= limit:
        return text
    return text[: _fit(text, limit - 1)].rstrip() + "…"


# --- text ---------------------------------------------------------------------------------

def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str, commands: Mapping[str, str]) -> str:
    """Catalogue markup -> Slack mrkdwn (see the module docstring)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    text = _COMMAND.sub(lambda m: commands.get(m.group(1), m.group(0)), text)
    # Escaped unless the core marked it live: what people typed never pings anyone.
    shown = "".join(piece if is_live and _MENTION.fullmatch(piece) else _escape(piece)
                    for piece, is_live in pieces(text))
    lines = shown.split("\n")
    return "\n".join("• " + line[2:] if line.startswith("- ") else line for line in lines)


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Cut at line ends (else spaces, else anywhere) into pieces of at most `limit` units,
    never inside an escape (`&amp;`) or a mention (`<@U1>`); blank pieces are dropped."""
    pieces = []
    while units(text) > limit:
        end = _fit(text, limit)
        cut = text.rfind("\n", 0, end + 1)
        if cut <= 0:
            cut = text.rfind(" ", 0, end + 1)
        if cut <= 0:
            cut = _outside_tokens(text, end)
        pieces.append(text[:cut])
        text = text[cut:]
        if text[:1] in ("\n", " "):
            text = text[1:]
    pieces.append(text)
    return [piece for piece in pieces if piece.strip()]


def _outside_tokens(text: str, end: int) -> int:
    """`end`, moved back to the start of an escape or mention it would split."""
    for opener, closer in (("&", ";"), ("<", ">")):
        start = text.rfind(opener, max(0, end - 40), end)
        if start > 0 and text.find(closer, start, end) == -1:
            return start
    return end


def _plain(text: str, limit: int) -> dict[str, Any]:
    label = " ".join(_CONTROL.sub(" ", without_markers(text)).split()) or "•"
    return {"type": "plain_text", "text": shorten(label, limit), "emoji": True}


# --- blocks -------------------------------------------------------------------------------

def section(text: str) -> Block:
    # verbatim: Slack links nothing by itself (URLs, #channels, @names people typed).
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _button(button: Button, index: int) -> Block:
    element: Block = {"type": "button", "text": _plain(button.label, MAX_BUTTON_TEXT),
                      "action_id": encode_action_id(button.action_id, index)}
    if button.value:
        element["value"] = button.value[:MAX_BUTTON_VALUE]
    return element


def _select(options: Sequence[Button], index: int) -> Block:
    return {
        "type": "static_select",
        "action_id": encode_action_id(options[0].action_id, index),
        "options": [{"text": _plain(option.label, MAX_OPTION_TEXT), "value": option.value}
                    for option in options],
    }


def _can_be_options(group: Sequence[Button]) -> bool:
    """A select option needs a non-empty value of at most 150 chars, unique in its menu."""
    values = [choice.value for choice in group]
    return all(0 < len(v) <= MAX_OPTION_VALUE for v in values) and len(set(values)) == len(values)


def _choice_groups(choices: Sequence[Button]) -> Iterator[list[Button]]:
    """Consecutive choices with the same action id (one select menu answers one action)."""
    group: list[Button] = []
    for choice in choices:
        if group and choice.action_id != group[0].action_id:
            yield group
            group = []
        group.append(choice)
    if group:
        yield group


def control_elements(buttons: Sequence[Button], choices: Sequence[Button],
                     start: int = 0) -> list[Block]:
    """Buttons, then one select menu per group of choices (several past 100 options)."""
    elements: list[Block] = []
    for button in buttons:
        elements.append(_button(button, start + len(elements)))
    for group in _choice_groups(choices):
        if not _can_be_options(group):
            elements += [_button(choice, start + len(elements) + i)
                         for i, choice in enumerate(group)]
            continue
        for first in range(0, len(group), MAX_OPTIONS):
            elements.append(_select(group[first:first + MAX_OPTIONS], start + len(elements)))
    return elements


def reply_blocks(reply: Reply, commands: Mapping[str, str], start: int = 0) -> list[Block]:
    """Sections for the text, then actions blocks of at most 25 elements each."""
    blocks = [section(piece) for piece in split_text(to_mrkdwn(reply.text, commands))]
    elements = control_elements(reply.buttons, reply.choices, start)
    for first in range(0, len(elements), MAX_ACTION_ELEMENTS):
        blocks.append({"type": "actions", "elements": elements[first:first + MAX_ACTION_ELEMENTS]})
    return blocks


def _fallback(blocks: Sequence[Block]) -> str:
    """Notification text: the message's words, else its button labels."""
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    if not texts:
        texts = [e["text"]["text"] for b in blocks if b["type"] == "actions"
                 for e in b["elements"] if e["type"] == "button"]
    return shorten("\n".join(texts) or "…", MAX_FALLBACK_TEXT)


def render_reply(reply: Reply, commands: Mapping[str, str]) -> list[SlackMessage]:
    """The messages that show `reply` (one, unless it needs more than 50 blocks)."""
    blocks = reply_blocks(reply, commands)
    messages = []
    for first in range(0, len(blocks), MAX_BLOCKS):
        chunk = tuple(blocks[first:first + MAX_BLOCKS])
        messages.append(SlackMessage(_fallback(chunk), chunk))
    return messages


def home_view(title: str, replies: Sequence[Reply], menu: Reply,
              commands: Mapping[str, str]) -> dict[str, Any]:
    """The App Home tab: a header, each reply (profile, relationships...), then the menu.

    Texts already shown are not repeated (a newcomer gets the same "create your profile
    first" answer to several questions). Past 100 blocks the replies are cut, never the menu.
    """
    menu_blocks = [{"type": "divider"}, *reply_blocks(menu, commands, start=1000)]
    blocks: list[Block] = []
    if title.strip():
        blocks.append({"type": "header", "text": _plain(title, MAX_HEADER_TEXT)})
    seen: set[str] = set()
    for number, reply in enumerate(replies):
        if reply.text in seen:
            continue
        seen.add(reply.text)
        if blocks and blocks[-1]["type"] != "header":
            blocks.append({"type": "divider"})
        blocks += reply_blocks(reply, commands, start=number * MAX_ACTION_ELEMENTS * 4)
    room = MAX_HOME_BLOCKS - len(menu_blocks)
    return {"type": "home", "blocks": [*blocks[:room], *menu_blocks]}
