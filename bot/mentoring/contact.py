"""How to reach a person, written for the platform where the reader will see it."""

from __future__ import annotations

from bot.kernel.events import Address
from bot.kernel.markup import live

# Relay mode (bot/mentoring/relay.py): shown where a contact would be; the pair writes through /msg.
RELAYED = "/msg"

_PLATFORM_NAMES = {"slack": "Slack", "telegram": "Telegram", "console": "console"}


def contact_of(address: Address, name: str, reader_platform: str) -> str:
    """A Slack mention, a Telegram link or a console handle; across platforms, say where."""
    native = {
        "slack": live(f"<@{address.user_id}>"),  # the only mentions adapters render live
        "telegram": live(f"tg://user?id={address.user_id}"),
        "console": f"@{address.user_id}",
    }.get(address.platform, name)
    if address.platform == reader_platform and address.platform != "telegram":
        return native
    platform = _PLATFORM_NAMES.get(address.platform, address.platform)
    if address.platform == "slack":
        return f"{name} ({platform}, {address.workspace}/{address.user_id})"
    return f"{name} ({platform}: {native})"
