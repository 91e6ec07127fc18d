"""Free meeting times for several people: their weekly availability on the real calendar,
minus the meetings they already have.

A weekly slot `(weekday, start_min, end_min)` is local wall-clock time. It is placed on each
calendar day in the person's own zone, and zoneinfo applies the offset in force that day:
a slot at 17:00 in Montréal stays at 17:00 local after the clocks change, and moves in UTC.
The people's UTC intervals are intersected, busy intervals are cut out, and start times are
taken on a 15-minute grid (every real zone offset is a multiple of 15 minutes, so the grid
is the same in every zone).

    >>> free_starts([("Europe/Paris", [(1, 1020, 1140)])], [], after, before, 45, count=3)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[datetime, datetime]
Slot = tuple[int, int, int]

STEP = timedelta(minutes=15)


def zone(name: str) -> ZoneInfo:
    """The person's zone; an empty or unknown name is UTC (never an exception)."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return ZoneInfo("UTC")


def weekly_intervals(slots: Iterable[Sequence[int]], timezone: str, start: datetime,
                     end: datetime) -> list[Interval]:
    """The UTC intervals between `start` and `end` covered by local weekly `slots`."""
    tz = zone(timezone)
    by_day: dict[int, list[tuple[int, int]]] = {}
    for slot in slots:
        if _valid(slot):
            by_day.setdefault(slot[0], []).append((slot[1], slot[2]))
    intervals: list[Interval] = []
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    while day <= last:
        for first_minute, end_minute in by_day.get(day.weekday(), ()):
            lower = max(_at(day, first_minute, tz), start)
            upper = min(_at(day, end_minute, tz), end)
            if lower < upper:
                intervals.append((lower, upper))
        day += timedelta(days=1)
    return merge(intervals)


def _at(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """Local wall time `minutes` after midnight of `day`, as UTC (24:00 is next midnight)."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=tz).astimezone(UTC)


def _valid(slot: Sequence[int]) -> bool:
    try:
        weekday, first, last = slot
    except (TypeError, ValueError):
        return False
    numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in (weekday, first, last))
    return numbers and 0 <= weekday <= 6 and 0 <= first < last <= 1440


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for lower, upper in sorted(intervals):
        if merged and lower <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], upper))
        else:
            merged.append((lower, upper))
    return merged


def intersect(first: list[Interval], second: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(first) and j < len(second):
        lower = max(first[i][0], second[j][0])
        upper = min(first[i][1], second[j][1])
        if lower < upper:
            out.append((lower, upper))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(free: list[Interval], busy: Iterable[Interval]) -> list[Interval]:
    remaining = free
    for lower, upper in merge(busy):
        cut: list[Interval] = []
        for a, b in remaining:
            if upper <= a or b <= lower:
                cut.append((a, b))
                continue
            if a < lower:
                cut.append((a, lower))
            if upper < b:
                cut.append((upper, b))
        remaining = cut
    return remaining


def overlaps(start: datetime, minutes: int, busy: Iterable[Interval]) -> bool:
    end = start + timedelta(minutes=minutes)
    return any(lower < end and start < upper for lower, upper in busy)


def free_starts(people: Sequence[tuple[str, Iterable[Sequence[int]]]], busy: Iterable[Interval],
                after: datetime, before: datetime, minutes: int, *, count: int = 3,
                day_zone: str = "UTC") -> list[datetime]:
    """Up to `count` UTC start times when everyone in `people` ((zone, weekly slots) each) is
    free for `minutes`, between `after` and `before`.

    Spread out: first the earliest time of as many different days (in `day_zone`, the zone
    of the person who will read them) as possible, then more times on those days.
    """
    if not people or minutes <= 0 or count <= 0 or before <= after:
        return []
    common = weekly_intervals(people[0][1], people[0][0], after, before)
    for timezone, slots in people[1:]:
        common = intersect(common, weekly_intervals(slots, timezone, after, before))
    length = timedelta(minutes=minutes)
    starts = [s for lower, upper in subtract(common, busy) for s in _grid(lower, upper, length)]
    tz = zone(day_zone)
    chosen: list[datetime] = []
    days: set[date] = set()
    for start in starts:  # one per day first
        day = start.astimezone(tz).date()
        if day not in days and len(chosen) < count:
            chosen.append(start)
            days.add(day)
    for start in starts:  # then fill, never overlapping a chosen time
        if len(chosen) >= count:
            break
        if not overlaps(start, minutes, [(c, c + length) for c in chosen]):
            chosen.append(start)
    return sorted(chosen)


def _grid(lower: datetime, upper: datetime, length: timedelta) -> list[datetime]:
    """Start times on the 15-minute grid from `lower` that end by `upper`."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = -(-(lower - epoch) // STEP)  # ceiling division of timedeltas
    start = epoch + steps * STEP
    out = []
    while start + length <= upper:
        out.append(start)
        start += STEP
    return out
