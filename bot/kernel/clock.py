"""The one clock of the bot: real in production, simulated in the console.

Everything asks the injected clock for `now()` (aware, UTC); nothing calls datetime.now().
The simulated clock is deterministic: it starts at a given instant and moves only when
advanced (`/time +3d` in the console), so a scenario does the same at whatever hour it runs.
The console keeps the instant reached in the database, so a restart goes on from there.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Protocol

_DURATION = re.compile(r"^\s*\+?\s*(\d{1,5})\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """Stands still at `start` and moves only when advanced, never back.

    The start is required: a default of "now" would make every test depend on the hour it
    runs (a meeting 13 hours away has no 24-hour reminder).
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs an aware start (UTC)")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("the simulated clock never goes back")
        self._now += delta


def parse_duration(text: str) -> timedelta | None:
    """"+3d", "2h", "30m", "1w" -> timedelta; anything else -> None. "0" is zero."""
    if text.strip() == "0":
        return timedelta(0)
    match = _DURATION.match(text)
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2).lower()
    return timedelta(**{_UNITS[unit]: amount})


def parse_instant(text: str) -> datetime | None:
    """"2027-01-11T09:00Z", "2027-01-11 09:00+01:00", "2027-01-11" -> aware UTC datetime;
    without an offset the time is UTC. Anything else -> None."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_iso(moment: datetime) -> str:
    """Stored form of a time: UTC ISO-8601."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
