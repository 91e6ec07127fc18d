"""The one clock of the bot: real in production, simulated in the console.

Everything asks the injected clock for `now()` (aware, UTC); nothing calls datetime.now().
The simulated clock keeps its offset in the database so that a restart goes on at the same
simulated time (`/time +3d` in the console).
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
    """Real time shifted by an offset that only ever grows."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("the simulated clock never goes back")
        self.offset += delta


def parse_duration(text: str) -> timedelta | None:
    """"+3d", "2h", "30m", "1w" -> timedelta; anything else -> None. "0" is zero."""
    if text.strip() == "0":
        return timedelta(0)
    match = _DURATION.match(text)
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2).lower()
    return timedelta(**{_UNITS[unit]: amount})


def to_iso(moment: datetime) -> str:
    """Stored form of a time: UTC ISO-8601."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
