"""One date and time typed by a person, e.g. to propose a meeting.

    >>> parse_when("jeudi 14h", "fr", now)   # now: aware, in the person's time zone
    datetime.datetime(2027, 1, 14, 14, 0, tzinfo=zoneinfo.ZoneInfo(key='America/Toronto'))

The result is aware, in the zone of `now` (the person's zone). Both languages are
understood whatever `lang`; `lang` decides one thing only: a numeric date "01/12/2027"
is day/month in French (1 December) and month/day in English (January 12). ISO dates
"2027-01-12" are read the same everywhere.

What is understood:
- days: today / aujourd'hui, tomorrow / demain, après-demain / the day after tomorrow,
  a weekday ("jeudi", "thu"): the next such day, today if the time is still ahead;
  "next monday" / "lundi prochain" is the next Monday that is not today;
- dates: "2027-01-12", "12/01/2027" (see above), "12.01.2027", "12 janvier",
  "le 3 mars", "1er mars 2027", "January 12", "Jan 12th, 2027"; without a year, the next
  such date (today included);
- times: "14h", "14h30", "14:30", "2pm", "9:30am", "noon" / "midi", "à 14" (French
  24-hour); "8h du soir" / "8 in the evening" is 20:00; a time alone is today if still
  ahead, else tomorrow;
- from now: "in 2 hours", "dans 2 heures", "dans 1h30", "in 3 days 10am".

Refused with a `ParseError` (key `parsing.when.*`): empty, too_long, not_understood,
bad_time ("25h"), impossible_date ("31 février", "2027-02-31"), weekday_mismatch
("mardi 14 janvier" when that is a Thursday), no_time (a day without an hour), past,
too_far (more than a year ahead), ambiguous_time: the local time is skipped or happens
twice because of a daylight-saving change; its params carry both real instants
(`choices`, chronological, aware in the person's zone with the right `fold`: compare or
store them through `.astimezone(UTC)`, as Python compares datetimes of one zone by wall
time) and their display (`first`, `second`), and `kind` says "skipped" or "repeated".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date

from bot.text.availability import format_clock
from bot.text.parse_errors import ParseError, fold, fold_with_offsets, quote, quote_span
from bot.text.timezones import format_offset

MAX_LENGTH = 200
MAX_AHEAD_YEARS = 1

_MERIDIEM = r"[ap]\.?\s?m\.?(?![a-z])"
_AMOUNTS = {"a": 1, "an": 1, "one": 1, "un": 1, "une": 1}
_UNITS = {
    "minute": 1, "minutes": 1, "min": 1, "mins": 1,
    "h": 60, "hour": 60, "hours": 60, "hr": 60, "hrs": 60, "heure": 60, "heures": 60,
    "day": 1440, "days": 1440, "jour": 1440, "jours": 1440,
    "week": 10080, "weeks": 10080, "semaine": 10080, "semaines": 10080,
}  # fmt: skip
_CALENDAR_UNITS = {unit for unit, minutes in _UNITS.items() if minutes >= 1440}

_WORDS: dict[str, tuple[str, object]] = {
    **dict.fromkeys(("today", "auj"), ("day", 0)),
    **dict.fromkeys(("tonight",), ("tonight", None)),
    **dict.fromkeys(("tomorrow", "demain", "tmrw"), ("day", 1)),
    **dict.fromkeys(("next", "prochain", "prochaine"), ("next", None)),
    **dict.fromkeys(("midi", "noon", "midday"), ("noon", None)),
    **dict.fromkeys(("matin", "morning"), ("half", "a")),
    **dict.fromkeys(("aprem", "afternoon", "soir", "evening", "soiree"), ("half", "p")),
    **dict.fromkeys(("a", "at"), ("at", None)),
    **dict.fromkeys(("h", "heure", "heures", "hour", "hours", "hr", "hrs"), ("unit", None)),
    **dict.fromkeys(
        (
            "le", "la", "l", "the", "on", "de", "du", "d", "des", "in", "this", "ce", "cette",
            "vers", "around", "about", "environ", "coming", "pour", "for", "please", "svp",
            "stp", "o", "clock", "oclock",
        ),
        ("skip", None),
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    value: Any  # day: offset; weekday: 0-6; date: (y|None, m, d); clock: (h, min, a|p|None)
    start: int
    end: int


@dataclass(slots=True)
class _Reading:
    """What the text says, piece by piece, before it becomes a datetime."""

    day_offset: int | None = None
    weekday: int | None = None
    next_week: bool = False
    ymd: tuple[int | None, int, int] | None = None  # year may be omitted
    clock: tuple[int, int, str | None] | None = None  # hours, minutes, a/p
    half: str | None = None  # "a" morning, "p" afternoon/evening
    delta: timedelta | None = None  # "in 2 hours"
    date_span: tuple[int, int] | None = None
    time_span: tuple[int, int] | None = None


def parse_when(text: str, lang: str, now: datetime) -> datetime:
    """Read one date and time; the result is aware, in `now`'s zone, and after `now`."""
    zone = now.tzinfo
    if zone is None:
        raise ValueError("now must be timezone-aware")
    if not text or not text.strip():
        raise ParseError("parsing.when.empty")
    if len(text) > MAX_LENGTH:
        raise ParseError("parsing.when.too_long", {"fragment": quote(text), "max": MAX_LENGTH})
    folded, origin = fold_with_offsets(text)
    reading = _read(text, folded, origin, lang)

    if reading.delta is not None:
        moment = _from_now(reading, now)
    else:
        moment = _on_calendar(reading, text, origin, lang, now, zone)
    _check_range(moment, text, lang, now)
    return moment


def format_when(moment: datetime, lang: str) -> str:
    """ "Thursday, January 14, 2027, 14:00" / "jeudi 14 janvier 2027, 14 h"."""
    locale = _locale(lang)
    day = format_date(moment.date(), "full", locale=locale)
    clock = format_clock(moment.hour * 60 + moment.minute, lang)
    return str(locale.datetime_formats["full"]).format(clock, day)


# --- from words to a reading -------------------------------------------------------------


def _read(text: str, folded: str, origin: list[int], lang: str) -> _Reading:
    reading = _Reading()
    tokens = _lex(text, folded, origin, lang)
    for token in tokens:
        _apply(reading, token, text, origin)
    return reading


def _lex(text: str, folded: str, origin: list[int], lang: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _lexer().finditer(folded):
        kind = match.lastgroup or "other"
        start, end = match.span()
        groups = match.groupdict()
        if kind == "skip":
            continue
        if groups["rel"] is not None:
            delta = _delta(groups)
            if groups["unit"] in _CALENDAR_UNITS:  # "dans 3 jours": a day, still needing a time
                tokens.append(_Token("day", delta.days, start, end))
            else:
                tokens.append(_Token("delta", delta, start, end))
        elif groups["iso"] is not None:
            value = (int(groups["iy"]), int(groups["im"]), int(groups["id"]))
            tokens.append(_Token("date", value, start, end))
        elif groups["num"] is not None:
            tokens.append(_Token("date", _numeric_date(groups, lang), start, end))
        elif groups["dm"] is not None or groups["md"] is not None:
            tokens.append(_Token("date", _named_date(groups), start, end))
        elif groups["clock"] is not None:
            meridiem = groups["mer"][0] if groups["mer"] else None
            value = (int(groups["clock"]), int(groups["minutes"] or 0), meridiem)
            tokens.append(_Token("clock", value, start, end))
        elif kind == "number":
            tokens.append(_Token("number", int(match.group()), start, end))
        elif kind == "phrase":
            tokens.append(_phrase(match.group(), start, end))
        elif kind == "word":
            tokens.append(_word(match.group(), text, origin, start, end))
        else:
            raise _not_understood(text, origin, start, end)
    return _join_numbers([token for token in tokens if token.kind != "skip"], text, origin)


def _join_numbers(tokens: list[_Token], text: str, origin: list[int]) -> list[_Token]:
    """A bare number is an hour in "14 heures", "à 14", "8 du soir", "tonight 8"; else refused."""
    joined: list[_Token] = []
    for i, token in enumerate(tokens):
        if token.kind == "number":
            unit_follows = i + 1 < len(tokens) and tokens[i + 1].kind == "unit"
            next_to_half = any(
                0 <= j < len(tokens) and tokens[j].kind in ("at", "half", "tonight")
                for j in (i - 1, i + 1)
            )
            if not (unit_follows or next_to_half):
                raise _not_understood(text, origin, token.start, token.end)
            end = tokens[i + 1].end if unit_follows else token.end
            joined.append(_Token("clock", (token.value, 0, None), token.start, end))
        elif token.kind not in ("at", "unit"):  # "at"/"à" and a stray "h" add nothing
            joined.append(token)
    return joined


def _apply(reading: _Reading, token: _Token, text: str, origin: list[int]) -> None:
    """Record one token; a second day, date or time is a contradiction."""
    span = (token.start, token.end)
    if token.kind in ("day", "weekday", "date"):
        taken = (
            (token.kind == "day" and reading.day_offset is not None)
            or (token.kind == "weekday" and reading.weekday is not None)
            or (token.kind == "date" and reading.ymd is not None)
        )
        if taken or reading.delta is not None:
            raise _not_understood(text, origin, *span)
        if token.kind == "day":
            reading.day_offset = token.value
        elif token.kind == "weekday":
            reading.weekday = token.value
        else:
            reading.ymd = token.value
        reading.date_span = _widen(reading.date_span, span)
    elif token.kind in ("clock", "noon"):
        if reading.clock is not None or reading.delta is not None:
            raise _not_understood(text, origin, *span)
        reading.clock = (12, 0, None) if token.kind == "noon" else token.value
        reading.time_span = span
    elif token.kind == "tonight":
        _apply(reading, _Token("day", 0, *span), text, origin)
        reading.half = "p"
    elif token.kind == "half":
        reading.half = token.value
    elif token.kind == "next":
        reading.next_week = True
        reading.date_span = _widen(reading.date_span, span)
    elif token.kind == "delta":
        has_day = reading.day_offset is not None or reading.weekday is not None
        if reading.delta is not None or reading.clock is not None or reading.ymd or has_day:
            raise _not_understood(text, origin, *span)
        reading.delta = token.value
        reading.date_span = _widen(reading.date_span, span)


def _widen(span: tuple[int, int] | None, more: tuple[int, int]) -> tuple[int, int]:
    return more if span is None else (min(span[0], more[0]), max(span[1], more[1]))


def _phrase(phrase: str, start: int, end: int) -> _Token:
    compact = re.sub(r"[^a-z]", "", phrase)
    if compact == "aujourdhui":
        return _Token("day", 0, start, end)
    if compact in ("apresdemain", "dayaftertomorrow"):
        return _Token("day", 2, start, end)
    return _Token("half", "p", start, end)  # après-midi


def _word(word: str, text: str, origin: list[int], start: int, end: int) -> _Token:
    if word in _WORDS:
        kind, value = _WORDS[word]
        return _Token(kind, value, start, end)
    weekday = _weekdays().get(word)
    if weekday is None:
        raise _not_understood(text, origin, start, end)
    return _Token("weekday", weekday, start, end)


def _delta(groups: dict[str, str | None]) -> timedelta:
    amount_text = groups["amount"] or "1"
    amount = _AMOUNTS.get(amount_text) or int(amount_text)
    minutes = amount * _UNITS[groups["unit"] or groups["hunit"] or "h"] + int(groups["relmin"] or 0)
    return timedelta(minutes=minutes)


def _numeric_date(groups: dict[str, str | None], lang: str) -> tuple[int | None, int, int]:
    first = int(groups["n1"] or 0)
    second = int(groups["n2"] or groups["n2b"] or 0)
    year = _full_year(groups["n3"] or groups["n3b"])
    if lang.lower().startswith("fr"):
        return year, second, first
    return year, first, second


def _named_date(groups: dict[str, str | None]) -> tuple[int | None, int, int]:
    if groups["dm"] is not None:
        day, month, year = groups["dmd"], groups["dmm"], groups["dmy"]
    else:
        day, month, year = groups["mdd"], groups["mdm"], groups["mdy"]
    return _full_year(year), _months()[(month or "").rstrip(".")], int(day or 0)


def _full_year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return 2000 + year if year < 100 else year


def _not_understood(text: str, origin: list[int], start: int, end: int) -> ParseError:
    return ParseError(
        "parsing.when.not_understood", {"fragment": quote_span(text, origin, start, end)}
    )


# --- from a reading to a datetime -------------------------------------------------------


def _from_now(reading: _Reading, now: datetime) -> datetime:
    """ "in 2 hours" counts real time (a DST change in between is no surprise)."""
    delta = reading.delta or timedelta(0)
    moment = (now.astimezone(UTC) + delta).astimezone(now.tzinfo)
    return moment.replace(second=0, microsecond=0)


def _on_calendar(
    reading: _Reading,
    text: str,
    origin: list[int],
    lang: str,
    now: datetime,
    zone: tzinfo,
) -> datetime:
    has_day = (
        reading.day_offset is not None or reading.weekday is not None or reading.ymd is not None
    )
    date_fragment = _fragment(text, origin, reading.date_span)
    if reading.clock is None:
        if has_day:
            raise ParseError("parsing.when.no_time", {"fragment": date_fragment})
        raise ParseError("parsing.when.not_understood", {"fragment": quote(text)})
    hours, minutes = _clock(reading, _fragment(text, origin, reading.time_span))
    at = time(hours, minutes)
    today = now.date()
    local_now = now.replace(tzinfo=None)

    if reading.ymd is not None:
        day = _calendar_date(reading.ymd, today, at, local_now, date_fragment)
        if reading.weekday is not None and day.weekday() != reading.weekday:
            raise ParseError(
                "parsing.when.weekday_mismatch",
                {"fragment": date_fragment, "weekday": _weekday_name(day, lang)},
            )
    elif reading.day_offset is not None:
        day = today + timedelta(days=reading.day_offset)
        if reading.weekday is not None and day.weekday() != reading.weekday:
            raise ParseError(
                "parsing.when.weekday_mismatch",
                {"fragment": date_fragment, "weekday": _weekday_name(day, lang)},
            )
    elif reading.weekday is not None:
        ahead = (reading.weekday - today.weekday()) % 7
        if ahead == 0 and (reading.next_week or datetime.combine(today, at) <= local_now):
            ahead = 7
        day = today + timedelta(days=ahead)
    else:  # a time alone: today if still ahead, else tomorrow
        day = today if datetime.combine(today, at) > local_now else today + timedelta(days=1)
    # Out-of-range days are refused before any zone arithmetic (year 9999 overflows).
    if day < today:
        raise _past(text, datetime.combine(day, at), lang)
    if day > _add_years(now, MAX_AHEAD_YEARS).date():
        raise _too_far(text, now, lang)
    return _localise(datetime.combine(day, at), zone, lang, text)


def _clock(reading: _Reading, fragment: str) -> tuple[int, int]:
    assert reading.clock is not None
    hours, minutes, written = reading.clock
    if minutes > 59 or hours > 23 or (written and not 1 <= hours <= 12):
        raise ParseError("parsing.when.bad_time", {"fragment": fragment})
    # "8h du soir": a part of the day acts as am/pm on a 12-hour clock.
    meridiem = written or (reading.half if hours <= 12 else None)
    if meridiem == "p" and hours < 12:
        hours += 12
    elif meridiem == "a" and hours == 12:
        hours = 0
    return hours, minutes


def _calendar_date(
    ymd: tuple[int | None, int, int], today: date, at: time, local_now: datetime, fragment: str
) -> date:
    """The date meant; without a year, the next one (today included)."""
    year, month, day = ymd
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            raise ParseError("parsing.when.impossible_date", {"fragment": fragment}) from None
    for candidate_year in range(today.year, today.year + 9):  # 29 February: within 8 years
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ParseError("parsing.when.impossible_date", {"fragment": fragment})


def _localise(naive: datetime, zone: tzinfo, lang: str, text: str) -> datetime:
    """Attach the zone, refusing a wall time that a DST change skips or repeats."""
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    round_trip = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        # Skipped (clocks jump forward): offer the same wall time on either side.
        choices = sorted({earlier.astimezone(UTC), later.astimezone(UTC)})
        kind = "skipped"
    elif earlier.utcoffset() != later.utcoffset():
        choices = sorted({earlier.astimezone(UTC), later.astimezone(UTC)})
        kind = "repeated"
    else:
        return earlier
    first, second = (choice.astimezone(zone) for choice in choices)
    raise ParseError(
        "parsing.when.ambiguous_time",
        {
            "fragment": quote(text),
            "date": format_date(naive.date(), "full", locale=_locale(lang)),
            "time": format_clock(naive.hour * 60 + naive.minute, lang),
            "first": _with_offset(first, lang),
            "second": _with_offset(second, lang),
            "choices": (first, second),
            "kind": kind,
        },
    )


def _with_offset(moment: datetime, lang: str) -> str:
    clock = format_clock(moment.hour * 60 + moment.minute, lang)
    return f"{clock} ({format_offset(moment.utcoffset() or timedelta(0))})"


def _check_range(moment: datetime, text: str, lang: str, now: datetime) -> None:
    # In UTC: Python compares two datetimes of one zone by wall time, ignoring `fold`.
    if moment.astimezone(UTC) < now.astimezone(UTC):
        raise _past(text, moment, lang)
    if moment.astimezone(UTC) > _add_years(now, MAX_AHEAD_YEARS).astimezone(UTC):
        raise _too_far(text, now, lang)


def _past(text: str, moment: datetime, lang: str) -> ParseError:
    return ParseError(
        "parsing.when.past", {"fragment": quote(text), "when": format_when(moment, lang)}
    )


def _too_far(text: str, now: datetime, lang: str) -> ParseError:
    limit = _add_years(now, MAX_AHEAD_YEARS)
    shown = format_date(limit.date(), "long", locale=_locale(lang))
    return ParseError("parsing.when.too_far", {"fragment": quote(text), "limit": shown})


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def _fragment(text: str, origin: list[int], span: tuple[int, int] | None) -> str:
    if span is None:
        return quote(text)
    return quote_span(text, origin, *span)


def _weekday_name(day: date, lang: str) -> str:
    return str(_locale(lang).days["format"]["wide"][day.weekday()])


# --- locale data and the lexer -------------------------------------------------------------


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("fr" if lang.lower().startswith("fr") else "en")


@cache
def _weekdays() -> dict[str, int]:
    names: dict[str, int] = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
    for lang in ("en", "fr"):
        days = _locale(lang).days["format"]
        for width in ("wide", "abbreviated"):
            for day, name in days[width].items():
                names[fold(name).rstrip(".")] = day
    return names


@cache
def _months() -> dict[str, int]:
    names: dict[str, int] = {"sept": 9}
    for lang in ("en", "fr"):
        months = _locale(lang).months["format"]
        for width in ("wide", "abbreviated"):
            for month, name in months[width].items():
                names[fold(name).rstrip(".")] = month
    return names


@cache
def _lexer() -> re.Pattern[str]:
    month = "|".join(sorted(map(re.escape, _months()), key=len, reverse=True))
    hour_units = "|".join(sorted((u for u in _UNITS if _UNITS[u] == 60), key=len, reverse=True))
    units = "|".join(sorted((u for u in _UNITS if _UNITS[u] != 60), key=len, reverse=True))
    amounts = "|".join(sorted(_AMOUNTS, key=len, reverse=True))
    return re.compile(
        rf"""
        (?P<rel>(?:in|dans)\s+(?P<amount>\d{{1,4}}|{amounts})\s*
            (?:(?P<hunit>{hour_units})(?![a-z])(?:\s*(?P<relmin>\d{{2}})(?![\d:h]|\s*[ap]\.?m))?
              |(?P<unit>{units})(?![a-z])))
        |(?P<iso>(?<!\d)(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?!\d)t?)
        |(?P<num>(?<![\d:])(?P<n1>\d{{1,2}})
            (?:/(?P<n2>\d{{1,2}})(?:/(?P<n3>\d{{4}}|\d{{2}}))?(?![\d/])
              |(?P<sep>[.-])(?P<n2b>\d{{1,2}})(?P=sep)(?P<n3b>\d{{4}}|\d{{2}})(?!\d)))
        |(?P<dm>(?<!\d)(?P<dmd>\d{{1,2}})\s*(?:er|e|st|nd|rd|th)?\s+(?P<dmm>{month})\.?
            (?![a-z])(?:\s+(?P<dmy>\d{{4}})(?![\d:h]))?)
        |(?P<md>(?P<mdm>{month})\.?\s+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:h]|\s*[ap]\.?m)
            (?:,?\s+(?P<mdy>\d{{4}})(?![\d:h]))?)
        |(?<!\d)(?P<clock>\d{{1,2}})
            (?=\s*(?:[:h]\s*\d{{2}}(?!\d)|h(?![a-z])|{_MERIDIEM}))
            \s*(?:[:h]\s*(?P<minutes>\d{{2}})|h)?
            (?:\s*(?P<mer>{_MERIDIEM}))?
        |(?P<phrase>aujourd\s*'?\s*hui|apres\s*-?\s*demain|day\s+after\s+tomorrow
                   |apres\s*-?\s*midi)
        |(?P<number>\d+)
        |(?P<word>[a-z]+)
        |(?P<skip>[\s,;'".!?()\-]+)
        |(?P<other>.)
        """,
        re.VERBOSE | re.DOTALL,
    )
