"""Who is writing: `users.info` (display name, locale, time zone), cached for a while.

The ids come from the request and are the identity; what `users.info` adds are hints (the
time zone pre-fills onboarding, the locale picks a first language). When Slack cannot
answer, the person still gets an answer: the address simply carries no hints.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.translate import address_from
from bot.kernel.events import Address

log = logging.getLogger(__name__)

MAX_CACHED = 10_000


class UserDirectory:
    def __init__(self, client: AsyncWebClient, ttl: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, Address]] = {}

    async def address(self, team_id: str, user_id: str) -> Address:
        now = self._clock()
        cached = self._cache.get((team_id, user_id))
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:
            log.warning("slack.users_info_failed",
                        extra={"user": user_id, "error": error.response.get("error")})
            return address_from(team_id, user_id)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("slack.users_info_failed",
                        extra={"user": user_id, "error": type(error).__name__})
            return address_from(team_id, user_id)
        info = response.get("user")
        address = address_from(team_id, user_id, info if isinstance(info, dict) else None)
        if len(self._cache) >= MAX_CACHED:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
        self._cache[(team_id, user_id)] = (now + self.ttl, address)
        return address
