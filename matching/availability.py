"""Weekly availability in UTC, so that people in different time zones can be compared.

A person gives weekly slots in their own local time. We place those slots on the real
calendar week that contains a reference date (so daylight saving time is applied exactly as
it will be that week), convert them to UTC and keep a 168-bit mask: bit `h` is UTC hour `h`
of the week, counted from Monday 00:00 UTC. An hour cell counts as available when its
midpoint (hh:30 UTC) lies inside a slot, so a slot in a zone with a half-hour offset rounds
to whole hours the same way for everyone. The overlap of two people is the number of bits
both masks share: hours per week in common.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from matching.model import Slot

HOURS_PER_WEEK = 168
WORDS = 3
"""A mask is stored as 3 unsigned 64-bit words in the vectorised paths (168 <= 192 bits)."""

_WORD_MASK = (1 << 64) - 1


def reference_monday(reference: date | None = None) -> date:
    """The Monday of the week that contains `reference` (today in UTC when None)."""
    day = reference if reference is not None else datetime.now(UTC).date()
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; an unknown or malformed name is treated as UTC.

    The bot validates time zones at onboarding, so this only protects the library
    from a bad row: one wrong zone must not stop a whole cohort run.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return ZoneInfo("UTC")


def _valid(slot: object) -> bool:
    if not isinstance(slot, tuple) or len(slot) != 3:
        return False
    weekday, start, end = slot
    return (
        all(type(v) is int for v in slot)
        and 0 <= weekday <= 6
        and 0 <= start < end <= 1440
    )


def week_mask(slots: tuple[Slot, ...], timezone: str, monday: date) -> int:
    """The UTC hour mask of local weekly `slots` in `timezone`, for the week starting `monday`.

    Malformed slots are ignored. The result is an int with at most 168 bits set.
    """
    try:
        return _week_mask(slots, timezone, monday)
    except TypeError:  # something unhashable in a malformed row: skip the caches
        return _combine(tuple(s for s in slots if _valid(s) and _hashable(s)), timezone, monday)


@lru_cache(maxsize=1 << 18)
def _week_mask(slots: tuple[Slot, ...], timezone: str, monday: date) -> int:
    return _combine(slots, timezone, monday)


def _combine(slots: tuple[Slot, ...], timezone: str, monday: date) -> int:
    mask = 0
    for slot in slots:
        mask |= _slot_mask(slot, timezone, monday) if isinstance(slot, tuple) else 0
    return mask


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


@lru_cache(maxsize=65536)
def _slot_mask(slot: Slot, timezone: str, monday: date) -> int:
    # People pick from a few usual slots, so caching per slot makes most masks free.
    if not _valid(slot):
        return 0
    weekday, start, end = slot
    tz = zone(timezone)
    week_start_utc = datetime.combine(monday, time(), tzinfo=UTC)
    midnight = datetime.combine(monday + timedelta(days=weekday), time(), tzinfo=tz)
    # Aware datetime + timedelta is wall-clock arithmetic; zoneinfo then applies the
    # offset in force at that wall time (DST included).
    start_utc = ((midnight + timedelta(minutes=start)) - week_start_utc) / timedelta(minutes=1)
    end_utc = ((midnight + timedelta(minutes=end)) - week_start_utc) / timedelta(minutes=1)
    mask = 0
    for cell in range(math.ceil((start_utc - 30) / 60), math.ceil((end_utc - 30) / 60)):
        mask |= 1 << (cell % HOURS_PER_WEEK)
    return mask


def hours(mask: int) -> int:
    """Available hours per week in a mask."""
    return mask.bit_count()


def to_words(mask: int) -> tuple[int, int, int]:
    """The mask as three 64-bit words (low bits first), for numpy uint64 arrays."""
    return (mask & _WORD_MASK, (mask >> 64) & _WORD_MASK, (mask >> 128) & _WORD_MASK)


def to_vector(mask: int) -> np.ndarray:
    """The mask as a 0/1 float32 vector of length 168 (for matrix products)."""
    bits = np.frombuffer(mask.to_bytes(24, "little"), dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little")[:HOURS_PER_WEEK].astype(np.float32)


# ---------------------------------------------------------------------- in words

PARTS = ("night", "morning", "midday", "afternoon", "evening")
"""Parts of a local day, by the hour they start: 00, 06, 12, 14, 18 (see `part_of`)."""
_PART_STARTS = (0, 6, 12, 14, 18)


def part_of(hour: int) -> int:
    """Index in PARTS of a local hour 0..23: night before 6, morning until noon, midday
    until 14:00 (lunch), afternoon until 18:00, evening after."""
    part = 0
    for index, start in enumerate(_PART_STARTS):
        if hour >= start:
            part = index
    return part


@lru_cache(maxsize=256)
def _local_cells(timezone: str, monday: date) -> tuple[int, ...]:
    """For each UTC hour of the week, its (weekday * len(PARTS) + part) in `timezone`."""
    tz = zone(timezone)
    start = datetime.combine(monday, time(), tzinfo=UTC)
    cells = []
    for hour in range(HOURS_PER_WEEK):
        local = (start + timedelta(hours=hour)).astimezone(tz)
        cells.append(local.weekday() * len(PARTS) + part_of(local.hour))
    return tuple(cells)


@lru_cache(maxsize=1 << 16)
def local_times(mask: int, timezone: str, monday: date) -> tuple[tuple[int, str], ...]:
    """The (weekday, part of day) cells of `timezone`'s local week that the UTC hour `mask`
    touches, in week order: `((1, "evening"), (3, "morning"))` for Tuesday evenings and
    Thursday mornings."""
    cells = _local_cells(timezone, monday)
    touched = set()
    while mask:  # only the hours set (a few, usually), lowest first
        low = mask & -mask
        touched.add(cells[(low.bit_length() - 1) % HOURS_PER_WEEK])
        mask ^= low
    return tuple((cell // len(PARTS), PARTS[cell % len(PARTS)]) for cell in sorted(touched))
