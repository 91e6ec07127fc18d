"""Helpers for the training scenarios: a simulated calendar and an inbox that records what
the real dispatcher delivered, when, through the console transport."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from adapters.console import Console, ConsoleTransport
from bot.kernel.app import App
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.domain_events import DomainEvent, Matched
from bot.kernel.events import Address, Reply
from tests.conftest import Chat


@dataclass(frozen=True)
class Delivered:
    at: datetime  # simulated UTC time of delivery
    handle: str
    reply: Reply

    @property
    def text(self) -> str:
        return self.reply.text

    def local(self, zone: str) -> datetime:
        return self.at.astimezone(ZoneInfo(zone))


class RecordingTransport(ConsoleTransport):
    """The console transport, remembering every reply it printed."""

    def __init__(self, out: io.StringIO, clock: SimulatedClock) -> None:
        super().__init__(out)
        self.clock = clock
        self.delivered: list[Delivered] = []

    async def send(self, address: Address, reply: Reply) -> None:
        self.delivered.append(Delivered(self.clock.now(), address.user_id, reply))
        await super().send(address, reply)


class Inbox:
    """What proactive messages reached whom and when, through the real dispatcher."""

    def __init__(self, app: App) -> None:
        clock = app.services.clock
        assert isinstance(clock, SimulatedClock)
        self.app, self.clock = app, clock
        self.console = Console(app, out=io.StringIO())
        self.transport = RecordingTransport(self.console.out, clock)
        self.console.transport = self.transport
        self.console.dispatcher = app.dispatcher({"console": self.transport})
        self._seen = 0

    async def deliver(self) -> list[Delivered]:
        """Deliver what is due now; returns what was delivered since the last call."""
        await self.console.deliver_due()
        return self._new()

    def _new(self) -> list[Delivered]:
        fresh = self.transport.delivered[self._seen:]
        self._seen = len(self.transport.delivered)
        return fresh

    async def feed(self, *lines: str) -> list[Delivered]:
        """Console input lines (in-process); what the bot printed or delivered meanwhile."""
        for line in lines:
            await self.console.feed(line)
        return self._new()

    async def run_until(self, moment: datetime,
                        step: timedelta = timedelta(minutes=15)) -> list[Delivered]:
        """Let simulated time pass in small steps (well inside the dispatcher's grace period),
        delivering as a running bot would."""
        got: list[Delivered] = []
        while self.clock.now() < moment:
            self.clock.advance(min(step, moment - self.clock.now()))
            got += await self.deliver()
        return got

    async def run_for(self, duration: timedelta) -> list[Delivered]:
        return await self.run_until(self.clock.now() + duration)

    def press(self, chat: Chat, delivered: Delivered) -> None:
        """Make `chat` hold the buttons of a delivered message."""
        chat.buttons = [*delivered.reply.buttons, *delivered.reply.choices]


def set_clock(app: App, moment: datetime) -> None:
    """Move the simulated clock forward to `moment` (UTC)."""
    clock = app.services.clock
    assert isinstance(clock, SimulatedClock)
    clock.advance(moment - clock.now())


def next_day_at(app: App, hour: int, days: int = 2) -> datetime:
    """A moment at least a day ahead: `days` days from now at `hour`:00 UTC."""
    now = app.services.clock.now()
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def for_person(delivered: list[Delivered], handle: str) -> list[Delivered]:
    return [d for d in delivered if d.handle == handle]


def lesson_cards(delivered: list[Delivered]) -> list[Delivered]:
    return [d for d in delivered if d.text.startswith("📘")]


async def emit(app: App, event: DomainEvent) -> None:
    """A domain event as another module emits it, in its own transaction."""
    async with app.db.transaction() as tx:
        await app.services.hooks.emit(tx, app.services, event)



async def make_match(app: App, mentee_id: int, mentor_id: int, months: int = 6) -> int:
    """A relationship created the way cohort matching does it, then announced."""
    now = app.services.clock.now()
    async with app.db.transaction() as tx:
        programme_id = next(iter(app.services.programme_ids.values()))
        match_id = await tx.insert(
            "INSERT INTO matches (programme_id, mentee_id, mentor_id, source, started_at,"
            " ends_at) VALUES (?, ?, ?, 'cohort', ?, ?)",
            (programme_id, mentee_id, mentor_id, to_iso(now),
             to_iso(now + timedelta(days=30 * months))))
        await app.services.hooks.emit(tx, app.services, Matched(
            match_id=match_id, mentee_id=mentee_id, mentor_id=mentor_id, source="cohort"))

    return match_id


async def value(app: App, sql: str, params: tuple[Any, ...] = ()) -> Any:
    async with app.db.read() as tx:
        return await tx.value(sql, params)


async def rows(app: App, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    async with app.db.read() as tx:
        return [dict(row) for row in await tx.all(sql, params)]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def lesson_of(delivered: Delivered) -> str:
    """The lesson id a card is about (its Open button's value)."""
    return delivered.reply.buttons[0].value if delivered.reply.buttons else ""


def lessons_of(delivered: list[Delivered], handle: str) -> list[str]:
    return [lesson_of(d) for d in lesson_cards(for_person(delivered, handle))]
