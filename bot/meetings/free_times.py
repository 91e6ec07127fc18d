"""When two people are both free, in words: "on Tuesday evenings and weekday mornings".

The matching library gives the (weekday, part of day) cells of the reader's local week that
both people's availability covers (`matching.availability.local_times`); this module groups
them the way people say them (every weekday, the weekend, every day) and words them from the
catalogue (`matching.when.*`), with Babel's day names and list joining.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from babel.dates import get_day_names

from bot.kernel.i18n import Catalogue, normalise_language
from matching.availability import PARTS

MAX_PHRASES = 4
"""More than this many phrases: the first ones, then "and N other times"."""
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})


def cells(value: Any) -> list[tuple[int, str]]:
    """The (weekday, part) pairs of a reason's `times`, as stored (tuples, or JSON lists);
    anything malformed is left out."""
    found = []
    for item in value if isinstance(value, list | tuple) else ():
        if isinstance(item, list | tuple) and len(item) == 2 and type(item[0]) is int \
                and 0 <= item[0] <= 6 and item[1] in PARTS:
            found.append((item[0], item[1]))
    return found


def _phrases(times: Iterable[tuple[int, str]]) -> list[tuple[int, int, str, int | None]]:
    """(first weekday, part index, group, weekday or None) per phrase, in week order."""
    days_of: dict[str, set[int]] = {}
    for day, part in times:
        days_of.setdefault(part, set()).add(day)
    out = []
    for part, days in days_of.items():
        index = PARTS.index(part)
        if len(days) == 7:
            out.append((0, index, "daily", None))
            continue
        if days >= WEEKDAYS:
            out.append((0, index, "weekdays", None))
            days -= WEEKDAYS
        if days >= WEEKEND:
            out.append((5, index, "weekend", None))
            days -= WEEKEND
        out += [(day, index, "", day) for day in days]
    return sorted(out)


def describe(catalogue: Catalogue, lang: str, times: Sequence[Any]) -> str:
    """"on Tuesday evenings, on weekday mornings and 2 other times" / "le mardi soir…"."""
    return _describe(catalogue, normalise_language(lang), tuple(cells(times)))


@lru_cache(maxsize=4096)
def _day_names(lang: str) -> dict[int, str]:
    return dict(get_day_names("wide", locale=lang))


@lru_cache(maxsize=4096)
def _describe(catalogue: Catalogue, lang: str, times: tuple[tuple[int, str], ...]) -> str:
    # People pick from a few usual slots: the same few phrases come back again and again.
    names = _day_names(lang)
    words = []
    for _, index, group, day in _phrases(times):
        key = f"matching.when.{PARTS[index]}" + (f"_{group}" if group else "")
        words.append(catalogue.text(lang, key, day=names[day] if day is not None else ""))
    if len(words) > MAX_PHRASES:
        rest = len(words) - (MAX_PHRASES - 1)
        words = [*words[:MAX_PHRASES - 1], catalogue.text(lang, "matching.when.more", count=rest)]
    return catalogue.join(lang, words)
