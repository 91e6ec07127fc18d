"""Long polling that confirms an update to Telegram only after it was handled.

PTB's own `Updater` confirms a batch as soon as it is fetched, so updates still queued in
memory are lost if the process dies. Here every update of a batch is handed, in order, to
`accept`, which queues it (the process's inbound queue: one person's updates in order,
different people in parallel) and returns a future that ends once it is handled; the offset
moves past the batch only when all of them are, and Telegram is told on the next
`getUpdates`: a crash means the update is delivered again, and the core's inbox (keyed on
`update_id`) gives it no second effect. At start-up nothing pending is dropped: a backlog
after downtime is handled, each person's updates in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0


class Poller:
    def __init__(self, bot: Bot, accept: Callable[[Update], Awaitable[Any] | None], *,
                 timeout: float, allowed_updates: Sequence[str]) -> None:
        self.bot = bot
        self.accept = accept
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch and handle updates until `stop` is set, then confirm what was handled."""
        # A webhook left from another deployment would make getUpdates fail (409).
        await self.bot.delete_webhook(drop_pending_updates=False)
        backoff = 1.0
        while not stop.is_set():
            try:
                updates = await _unless_stopped(self._fetch(), stop)
            except InvalidToken:
                raise
            except TelegramError as error:
                log.warning("telegram.poll_failed", extra={"error": type(error).__name__})
                await _sleep_unless_stopped(backoff, stop)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            handled = []
            for update in updates or ():
                try:
                    done = self.accept(update)
                except Exception:  # one bad update must not stop the bot for everyone
                    log.exception("telegram.update_failed", extra={"update_id": update.update_id})
                    continue
                if done is not None:
                    handled.append(done)
            # Everything fetched is handled before it is confirmed, even when stopping.
            await asyncio.gather(*handled, return_exceptions=True)
            if updates:
                self.offset = updates[-1].update_id + 1
        await self._confirm()

    async def _fetch(self) -> tuple[Update, ...]:
        return await self.bot.get_updates(offset=self.offset, timeout=self.timeout,
                                          allowed_updates=self.allowed_updates)

    async def _confirm(self) -> None:
        """Tell Telegram what was handled, so that a restart does not fetch it again."""
        if self.offset is None:
            return
        try:
            await self.bot.get_updates(offset=self.offset, timeout=0, limit=1,
                                       allowed_updates=self.allowed_updates)
        except TelegramError as error:  # they come again after a restart; the inbox dedups
            log.warning("telegram.confirm_failed", extra={"error": type(error).__name__})


async def _unless_stopped(fetch: Awaitable[tuple[Update, ...]],
                          stop: asyncio.Event) -> tuple[Update, ...] | None:
    """The fetched updates, or None when `stop` came first (the poll is abandoned)."""
    task = asyncio.ensure_future(fetch)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        task.cancel()
        raise
    finally:
        stopped.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TelegramError):
            await task
        return None
    return task.result()


async def _sleep_unless_stopped(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
