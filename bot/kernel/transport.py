"""The seam between the core and a platform for messages nobody asked for right now."""

from __future__ import annotations

from typing import Protocol

from bot.kernel.events import Address, Reply


class Unreachable(Exception):
    """The recipient blocked the bot or left (Telegram 403, Slack account_inactive)."""


class RetryLater(Exception):
    """The platform asked us to slow down (HTTP 429); try again after `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Transport(Protocol):
    """Implemented by each adapter. `send` delivers one reply to one address."""

    platform: str

    async def send(self, address: Address, reply: Reply) -> None: ...
