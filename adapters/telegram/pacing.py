"""Keep under Telegram's flood limits, and wait out a 429 when we hit one anyway.

Telegram asks bots to stay around 30 messages per second overall, one per second in a chat
(short bursts are tolerated) and 20 per minute in a group; beyond that it answers 429 with a
`retry_after`. `PacingLimiter` is a python-telegram-bot rate limiter (plugged in with
`ApplicationBuilder().rate_limiter(...)`, so every Bot API call goes through it) that:

- paces sends and edits with token buckets: one per chat (bursts of a few messages, so a
  reply made of several messages is not spread over seconds) and one for the whole bot;
- on a 429 (PTB raises `RetryAfter`) holds *every* request for `retry_after` seconds, since
  the limit is the bot's, then makes the same request again, `max_retries` times at most.
  After that, or when the wait is unreasonably long, the error goes up: the transport turns
  it into `RetryLater` and the outbox tries again later.

It needs no extra dependency (PTB's `AIORateLimiter` needs the `rate-limiter` extra).
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

_PACED_PREFIXES = ("send", "edit", "copy", "forward")
_MAX_IDLE_BUCKETS = 1000


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whichever way this PTB version exposes it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class _Bucket:
    """A token bucket where a reservation may go negative: the caller waits its turn."""

    __slots__ = ("capacity", "level", "rate", "stamp")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.level = capacity
        self.stamp = now

    def _refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def reserve(self, now: float) -> float:
        """Take one token; returns how long to wait before using it."""
        self._refill(now)
        self.level -= 1
        return 0.0 if self.level >= 0 else -self.level / self.rate

    def idle(self, now: float) -> bool:
        self._refill(now)
        return self.level >= self.capacity


class PacingLimiter(BaseRateLimiter[None]):
    def __init__(self, *, per_second: float = 30, chat_per_second: float = 1,
                 chat_burst: int = 5, group_per_minute: float = 20, group_burst: int = 3,
                 max_retries: int = 1, max_wait: float = 60,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.per_second = per_second
        self.chat_per_second = chat_per_second
        self.chat_burst = chat_burst
        self.group_per_second = group_per_minute / 60
        self.group_burst = group_burst
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._overall = _Bucket(per_second, per_second, clock())
        self._chats: dict[str, _Bucket] = {}
        self._hold_until = 0.0

    async def initialize(self) -> None:
        """Nothing to set up: buckets are created on first use."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint.startswith(_PACED_PREFIXES):
            await self.take_turn(data.get("chat_id"))
        retries = 0
        while True:
            await self._wait_hold()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_seconds(error)
                if retries >= self.max_retries or seconds > self.max_wait:
                    raise
                retries += 1
                log.warning("telegram.flood_wait", extra={"endpoint": endpoint,
                                                          "seconds": seconds})
                self._hold_until = max(self._hold_until, self._clock() + seconds)

    async def take_turn(self, chat_id: object) -> None:
        """Wait until one more message to `chat_id` keeps us within the limits."""
        if chat_id is not None:
            await self._pause(self._chat_bucket(str(chat_id)).reserve(self._clock()))
        # The overall slot is taken only now, when the message is about to leave.
        await self._pause(self._overall.reserve(self._clock()))

    def _chat_bucket(self, chat: str) -> _Bucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            now = self._clock()
            if len(self._chats) >= _MAX_IDLE_BUCKETS:
                self._chats = {k: b for k, b in self._chats.items() if not b.idle(now)}
            group = chat.startswith(("-", "@"))  # groups and channels have negative ids
            bucket = (_Bucket(self.group_per_second, self.group_burst, now) if group
                      else _Bucket(self.chat_per_second, self.chat_burst, now))
            self._chats[chat] = bucket
        return bucket

    async def _wait_hold(self) -> None:
        await self._pause(self._hold_until - self._clock())

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            await self._sleep(seconds)
