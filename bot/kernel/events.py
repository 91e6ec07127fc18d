"""The core contract: what adapters hand to the bot and what the bot hands back.

Adapters translate platform payloads into these frozen dataclasses and render
`Reply` objects; nothing else crosses the boundary, so the core never sees a
Slack or Telegram object (see shared/DESIGN.md, "The core contract").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.kernel.markup import without_markers


def _clean(obj: object, name: str) -> None:
    """Inbound text never carries the core's live-markup markers (bot/kernel/markup.py)."""
    value = getattr(obj, name)
    if isinstance(value, str):
        object.__setattr__(obj, name, without_markers(value))


@dataclass(frozen=True, slots=True)
class Address:
    """Where a person is reachable: an immutable platform identity plus what the platform knows.

    Identity is (platform, workspace, user_id) only; display name, locale and time zone are
    hints that may change and never take part in equality or authorisation.
    """

    platform: str
    workspace: str
    user_id: str
    display_name: str = field(default="", compare=False)
    locale: str = field(default="", compare=False)
    timezone: str = field(default="", compare=False)
    username: str = field(default="", compare=False)  # Slack / Telegram @username, a hint

    def __post_init__(self) -> None:
        _clean(self, "display_name")
        _clean(self, "username")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.platform, self.workspace, self.user_id)


@dataclass(frozen=True, slots=True)
class Message:
    """Free text in a direct conversation with the bot."""

    user: Address
    text: str
    event_id: str = ""
    attachment: Attachment | None = None  # a file sent with it (a CSV roster)

    def __post_init__(self) -> None:
        _clean(self, "text")


@dataclass(frozen=True, slots=True)
class Command:
    """`/name args` — a slash command (Slack sub-command, Telegram or console command)."""

    user: Address
    name: str
    args: str = ""
    event_id: str = ""
    attachment: Attachment | None = None  # a file sent with it (`/admin import` + a CSV)

    def __post_init__(self) -> None:
        _clean(self, "args")


@dataclass(frozen=True, slots=True)
class Action:
    """A button or menu press. `value` comes from the platform and is never trusted."""

    user: Address
    action_id: str
    value: str = ""
    event_id: str = ""

    def __post_init__(self) -> None:
        _clean(self, "value")


Event = Message | Command | Action


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (an .ics invitation, a CSV export, a PNG chart), or received
    with a command (a roster to import)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Reply:
    """One outbound message. `to` is the address it is delivered to.

    `text` uses the restricted markup of the catalogues (`*bold*`, `_italic_`, `- ` bullets);
    each adapter renders it for its platform. `buttons` are rendered as Block Kit buttons,
    inline keyboards or numbered console options; `choices` is a longer list of options that
    Slack shows as a select menu and the other platforms as more buttons.
    """

    to: Address
    text: str
    buttons: tuple[Button, ...] = ()
    choices: tuple[Button, ...] = ()
    file: Attachment | None = None
