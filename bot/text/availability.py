"""Weekly availability typed by a person, in their local time.

    >>> parse_availability("mardi 17-19, jeudi 12h-13h", "fr")
    ((1, 1020, 1140), (3, 720, 780))

A slot is `(weekday, start, end)`: weekday 0 = Monday .. 6 = Sunday, start and end in
minutes since local midnight, `end <= 1440`. Both languages are understood whatever the
person's language (people mix them); `lang` only matters for display.

What is understood:
- days: names and abbreviations in English and French ("Tue", "jeu", "mercredi"), with
  small typos ("mecredi"), lists ("lundi et mercredi", "Mon, Wed"), ranges ("Mon-Fri",
  "du lundi au vendredi"), groups: weekdays / en semaine / jours ouvrables (Mon-Fri),
  week-end / fin de semaine (Sat-Sun), every day / tous les jours;
- times: 24-hour ("17-19", "18h30-20h", "9:00-10:00", "17:00–19:00") or 12-hour ("5-7pm":
  the am/pm of one end applies to the other when that gives a forward range; "11-1pm" is
  11:00-13:00), "12am" is midnight and "12pm" noon, "noon"/"midi", "midnight"/"minuit"
  (as an end: 24:00). Ranges stay within one day: "22h-2h" is refused;
- parts of the day, fixed so everyone gets the same answer: morning / matin 09:00-12:00,
  noon / midi on its own (lunch) 12:00-13:00, afternoon / après-midi 14:00-17:00,
  evening / soir 18:00-21:00.

Several groups follow each other ("mardi 17-19, jeudi 12-13"); a group may also give its
times first ("17-19 mardi et jeudi"). Anything else is refused with a `ParseError` that
quotes the fragment, rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from babel import Locale
from babel.lists import format_list
from rapidfuzz import fuzz, process

from bot.text.parse_errors import ParseError, fold, fold_with_offsets, quote, quote_span

Slot = tuple[int, int, int]

MAX_LENGTH = 2000
DAY_MINUTES = 1440

MORNING = (9 * 60, 12 * 60)
NOON = (12 * 60, 13 * 60)
AFTERNOON = (14 * 60, 17 * 60)
EVENING = (18 * 60, 21 * 60)

WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})
EVERY_DAY = frozenset(range(7))

_MERIDIEM = r"[ap]\.?\s?m\.?(?![a-z])"
_LEXER = re.compile(
    rf"""
    (?P<phrase>fin\s+de\s+semaine|apres\s*-?\s*midis?|week\s*-?\s*ends?|week\s*-?\s*days?
               |tous\s+les\s+jours|chaque\s+jour|every\s*-?\s*day|7\s*/\s*7)
    |(?<!\d)(?P<clock>\d{{1,2}})
        (?=\s*(?:[:h.]\s*\d{{2}}(?!\d)|h(?![a-z])|{_MERIDIEM}))
        \s*(?:[:h.]\s*(?P<minutes>\d{{2}})|h)?
        (?:\s*(?P<mer>{_MERIDIEM}))?
    |(?P<number>\d+)
    |(?P<word>[a-z]+)
    |(?P<to>-+|~|→|>)
    |(?P<sep>[,;/&+|])
    |(?P<skip>[\s'".()!?:*])
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_PHRASES: dict[str, tuple[str, object]] = {
    "findesemaine": ("days", WEEKEND),
    "apresmidi": ("period", AFTERNOON),
    "apresmidis": ("period", AFTERNOON),
    "weekend": ("days", WEEKEND),
    "weekends": ("days", WEEKEND),
    "weekday": ("days", WEEKDAYS),
    "weekdays": ("days", WEEKDAYS),
    "touslesjours": ("days", EVERY_DAY),
    "chaquejour": ("days", EVERY_DAY),
    "everyday": ("days", EVERY_DAY),
    "7/7": ("days", EVERY_DAY),
}

_WORDS: dict[str, tuple[str, object]] = {
    **dict.fromkeys(("to", "a", "au", "till", "til", "until", "through", "thru", "jusqu"),
                    ("to", None)),
    **dict.fromkeys(("and", "et", "plus", "or", "ou"), ("and", None)),
    **dict.fromkeys(("between", "entre"), ("between", None)),
    **dict.fromkeys(("from", "de", "des", "du", "d"), ("skip", None)),
    **dict.fromkeys(
        (
            "le", "les", "la", "l", "on", "the", "every", "each", "chaque", "tous", "toutes",
            "at", "in", "en", "ce", "cette", "ces", "mes", "my", "je", "suis", "i", "am",
            "dispo", "dispos", "disponible", "disponibles", "available", "free", "libre",
            "libres", "jour", "jours", "day", "days", "ok", "s", "usually", "generally",
            "generalement", "normalement", "plutot", "surtout", "souvent", "idealement",
            "mostly", "mainly", "often", "ideally", "preferably", "sinon", "otherwise",
            "also", "aussi",
        ),
        ("skip", None),
    ),
    **dict.fromkeys(("h", "heure", "heures", "hr", "hrs", "hour", "hours"), ("unit", None)),
    **dict.fromkeys(
        ("semaine", "ouvrables", "ouvres", "workdays", "workday", "working", "business"),
        ("days", WEEKDAYS),
    ),
    **dict.fromkeys(("daily",), ("days", EVERY_DAY)),
    **dict.fromkeys(("matin", "matins", "matinee", "matinees", "morning", "mornings"),
                    ("period", MORNING)),
    **dict.fromkeys(("aprem", "aprems", "afternoon", "afternoons"), ("period", AFTERNOON)),
    **dict.fromkeys(("soir", "soirs", "soiree", "soirees", "evening", "evenings"),
                    ("period", EVENING)),
    **dict.fromkeys(("midi", "noon", "midday", "lunch", "lunchtime", "dejeuner"),
                    ("noon", None)),
    **dict.fromkeys(("minuit", "midnight"), ("midnight", None)),
}

# Day abbreviations people use that CLDR does not list.
_EXTRA_DAY_NAMES = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_TIME_KINDS = ("clock", "number", "noon", "midnight")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # days, clock, number, period, noon, midnight, to, and, between, unit, skip
    value: Any  # days: frozenset of weekdays; clock, number: (h, min); period: (start, end)
    start: int
    end: int
    meridiem: str | None = None  # "a" or "p" when the person wrote am/pm


@dataclass(slots=True)
class _Group:
    """Days and the time ranges that apply to them, with where they were written."""

    days: set[int] = field(default_factory=set)
    ranges: list[tuple[int, int]] = field(default_factory=list)
    start: int = -1
    end: int = -1
    times_first: bool = False

    def cover(self, first: _Token, last: _Token) -> None:
        self.start = first.start if self.start < 0 else min(self.start, first.start)
        self.end = max(self.end, last.end)


def parse_availability(text: str, lang: str) -> tuple[Slot, ...]:
    """Read a weekly availability; raise `ParseError` (parsing.availability.*) if unclear."""
    del lang  # both languages are always understood; `lang` is for display elsewhere
    if not text or not text.strip():
        raise ParseError("parsing.availability.empty")
    if len(text) > MAX_LENGTH:
        params = {"fragment": quote(text), "max": MAX_LENGTH}
        raise ParseError("parsing.availability.too_long", params)
    folded, origin = fold_with_offsets(text)
    try:
        tokens = _lex(text, folded, origin)
        groups = _group(text, origin, tokens)
    except ParseError as error:
        raise _kinder(error, folded, text) from None
    if not groups:
        raise ParseError("parsing.availability.no_day", {"fragment": quote(text)})

    by_day: dict[int, list[tuple[int, int]]] = {}
    for group in groups:
        fragment = quote_span(text, origin, group.start, group.end)
        if not group.days:
            raise ParseError("parsing.availability.no_day", {"fragment": fragment})
        if not group.ranges:
            raise ParseError("parsing.availability.no_time", {"fragment": fragment})
        for day in group.days:
            by_day.setdefault(day, []).extend(group.ranges)
    return tuple(
        (day, start, end) for day in sorted(by_day) for start, end in _merge(by_day[day])
    )


# What people answer instead of a weekly availability: one date ("demain 14h", "tomorrow at
# 2pm") or no time at all ("n'importe quand", "whenever", "je sais pas"). Each gets its own
# explanation rather than "I didn't understand «n»" about a fragment of it.
_ONE_DATE = re.compile(
    r"\b(?:demain|apres-demain|aujourd'?hui|ce soir|ce matin|cet apres-midi|tomorrow|today"
    r"|tonight|this (?:morning|afternoon|evening|week)|next (?:week|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)|semaine prochaine|la semaine derniere"
    r"|\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|\d{4}-\d{2}-\d{2})\b")
_VAGUE = re.compile(
    r"\b(?:n'?importe quand|peu importe|quand (?:vous|tu) (?:voulez|veux)|tout le temps"
    r"|toujours|flexible|souple|je (?:ne )?sais pas|(?:je )?sais pas|aucune idee|any ?time"
    r"|whenever|all the time|always|i (?:do not|don'?t) know|not sure|no idea|idk|dunno"
    r"|depends|ca depend|it depends)\b")


def _kinder(error: ParseError, folded: str, text: str) -> ParseError:
    """A clearer error when the whole answer is a date or a shrug (see _ONE_DATE, _VAGUE)."""
    if error.key not in ("parsing.availability.not_understood", "parsing.availability.no_day",
                         "parsing.availability.no_time", "parsing.availability.no_end"):
        return error
    if _ONE_DATE.search(folded):
        return ParseError("parsing.availability.one_date", {"fragment": quote(text)})
    if _VAGUE.search(folded):
        return ParseError("parsing.availability.vague", {"fragment": quote(text)})
    return error


def format_availability(slots: tuple[Slot, ...] | list[Slot], lang: str) -> str:
    """Slots as people write them, days sharing the same hours together:
    "Mon–Fri 18:00–20:00, Sat and Sun 10:00–12:00" / "lun.–ven. 18 h – 20 h, sam. et dim.
    10 h – 12 h" (the list of five days said one by one was long to read and to check)."""
    names = _locale(lang).days["format"]["abbreviated"]
    dash = " – " if _is_french(lang) else "–"
    by_range: dict[tuple[int, int], list[int]] = {}
    for day, start, end in sorted(slots):
        by_range.setdefault((start, end), []).append(day)
    groups = sorted(by_range.items(), key=lambda item: (item[1][0], item[0]))
    return ", ".join(
        f"{_days_text(days, names, lang)} {format_clock(start, lang)}{dash}"
        f"{format_clock(end, lang)}"
        for (start, end), days in groups
    )


def _days_text(days: list[int], names: dict[int, str], lang: str) -> str:
    """ "Mon–Fri", "Tue and Thu", "Mon–Wed and Fri": runs of three days or more as a range."""
    if len(set(days)) == len(EVERY_DAY):
        return "tous les jours" if _is_french(lang) else "every day"  # both read back
    runs: list[list[int]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts.extend(names[day] for day in run)
    return format_list(parts, locale=_locale(lang))


def weekly_hours(slots: tuple[Slot, ...] | list[Slot]) -> float:
    """Hours available per week; overlapping slots count once."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for day, start, end in slots:
        by_day.setdefault(day, []).append((start, end))
    minutes = sum(end - start for ranges in by_day.values() for start, end in _merge(ranges))
    return minutes / 60


def format_clock(minutes: int, lang: str) -> str:
    """A time of day as people write it: "09:30" in English, "9 h 30" / "17 h" in French."""
    hours, rest = divmod(minutes, 60)
    if _is_french(lang):  # no-break spaces (OQLF): "17 h" never splits across two lines
        return f"{hours}\u00a0h\u00a0{rest:02d}" if rest else f"{hours}\u00a0h"
    return f"{hours:02d}:{rest:02d}"


# --- lexing -----------------------------------------------------------------------------


def _lex(text: str, folded: str, origin: list[int]) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _LEXER.finditer(folded):
        kind = match.lastgroup
        start, end = match.span()
        if kind == "skip":
            continue
        if match.group("clock") is not None:
            minutes = int(match.group("minutes") or 0)
            hours = int(match.group("clock"))
            meridiem = match.group("mer")
            tokens.append(_Token("clock", (hours, minutes), start, end, meridiem and meridiem[0]))
        elif kind == "number":
            tokens.append(_Token("number", (int(match.group()), 0), start, end))
        elif kind == "phrase":
            phrase = re.sub(r"[\s-]", "", match.group())
            token_kind, value = _PHRASES[phrase]
            tokens.append(_Token(token_kind, value, start, end))
        elif kind == "word":
            tokens.append(_word(match.group(), text, origin, start, end))
        elif kind in ("to", "sep"):
            tokens.append(_Token("to" if kind == "to" else "and", None, start, end))
        else:
            raise ParseError(
                "parsing.availability.not_understood",
                {"fragment": quote_span(text, origin, start, end)},
            )
    return _attach_units(tokens)


def _word(word: str, text: str, origin: list[int], start: int, end: int) -> _Token:
    if word in _WORDS:
        kind, value = _WORDS[word]
        return _Token(kind, value, start, end)
    day = _day_names().get(word)
    if day is None and len(word) >= 5:
        # Typos of full day names only: short words are too easily something else.
        names = _full_day_names()
        best = process.extractOne(word, tuple(names), scorer=fuzz.ratio, score_cutoff=80)
        day = names[best[0]] if best else None
    if day is None:
        raise ParseError(
            "parsing.availability.not_understood",
            {"fragment": quote_span(text, origin, start, end)},
        )
    return _Token("days", frozenset({day}), start, end)


def _attach_units(tokens: list[_Token]) -> list[_Token]:
    """ "17 heures" is a time like "17h"; a unit anywhere else says nothing."""
    kept: list[_Token] = []
    for token in tokens:
        if token.kind == "unit":
            if kept and kept[-1].kind == "number":
                previous = kept.pop()
                kept.append(_Token("clock", previous.value, previous.start, token.end))
            continue
        if token.kind == "skip" or (token.kind == "to" and kept and kept[-1].kind == "to"):
            continue  # "jusqu'à" lexes as two "to"
        kept.append(token)
    return kept


# --- grouping ---------------------------------------------------------------------------


def _group(text: str, origin: list[int], tokens: list[_Token]) -> list[_Group]:
    """Split the tokens into groups of days with their time ranges."""
    groups: list[_Group] = []
    current = _Group()
    between = False  # "between 5 and 7": the next "and" joins two times
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "days":
            days, following = _days_at(tokens, i)
            if current.days and current.ranges and not current.times_first:
                groups.append(current)  # "mardi 17-19, jeudi ...": a new group starts
                current = _Group()
            current.days |= days
        elif token.kind in _TIME_KINDS or token.kind == "period":
            span, following = _range_at(text, origin, tokens, i, between)
            between = False
            if current.times_first and current.days:
                groups.append(current)  # "17-19 mardi, 12-13 jeudi"
                current = _Group()
            if not current.days and not current.ranges:
                current.times_first = True
            current.ranges.append(span)
        else:
            # "between" holds until the next range, across "and", commas and fillers.
            between = token.kind == "between" or between
            i += 1
            continue
        current.cover(token, tokens[following - 1])
        i = following
    if current.days or current.ranges:
        groups.append(current)
    return groups


def _days_at(tokens: list[_Token], i: int) -> tuple[set[int], int]:
    """Days at tokens[i], reading a range "Mon-Fri" / "lundi au vendredi" as one."""
    first = tokens[i]
    days = set(first.value)
    if (
        len(days) == 1
        and i + 2 < len(tokens)
        and tokens[i + 1].kind == "to"
        and tokens[i + 2].kind == "days"
        and len(tokens[i + 2].value) == 1
    ):
        start = next(iter(days))
        stop = next(iter(tokens[i + 2].value))
        return {(start + k) % 7 for k in range((stop - start) % 7 + 1)}, i + 3
    return days, i + 1


def _range_at(
    text: str, origin: list[int], tokens: list[_Token], i: int, between: bool
) -> tuple[tuple[int, int], int]:
    """A time range starting at tokens[i] (or a part of the day), and the next index."""
    first = tokens[i]
    fragment_end = first.end
    if first.kind == "period":
        return first.value, i + 1
    joins = ("to", "and") if between else ("to",)
    has_end = (
        i + 2 < len(tokens)
        and tokens[i + 1].kind in joins
        and tokens[i + 2].kind in _TIME_KINDS
    )
    if not has_end:
        if first.kind == "noon":
            return NOON, i + 1
        raise ParseError(
            "parsing.availability.no_end",
            {"fragment": quote_span(text, origin, first.start, fragment_end)},
        )
    last = tokens[i + 2]
    fragment = quote_span(text, origin, first.start, last.end)
    start, end = _resolve(first, last, fragment)
    if end <= start:
        raise ParseError("parsing.availability.bad_range", {"fragment": fragment})
    return (start, end), i + 3


def _resolve(first: _Token, last: _Token, fragment: str) -> tuple[int, int]:
    """Minutes of both ends, sharing am/pm between them ("5-7pm", "11-1pm", "10am-2").

    When am/pm is written on one end only, the reading with the shortest forward range
    wins: "9am-12" is 09:00-12:00, "11-1pm" is 11:00-13:00.
    """
    pairs = [
        (start, DAY_MINUTES if end == 0 else end)
        for start in _candidates(first, fragment, last.meridiem)
        for end in _candidates(last, fragment, first.meridiem)
    ]
    forward = [pair for pair in pairs if pair[0] < pair[1]]
    if not forward:
        return pairs[0]
    return min(forward, key=lambda pair: pair[1] - pair[0])


def _candidates(token: _Token, fragment: str, other_meridiem: str | None) -> list[int]:
    """Possible minute values of one end, most likely first."""
    if token.kind == "noon":
        return [12 * 60]
    if token.kind == "midnight":
        return [0]
    hours, minutes = token.value
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ParseError("parsing.availability.bad_time", {"fragment": fragment})
    if token.meridiem:
        if not 1 <= hours <= 12:
            raise ParseError("parsing.availability.bad_time", {"fragment": fragment})
        return [_twelve_hour(hours, minutes, token.meridiem)]
    if other_meridiem and 1 <= hours <= 12:
        # Written once for both ends: try the same half of the day first, then the other.
        same = _twelve_hour(hours, minutes, other_meridiem)
        other = _twelve_hour(hours, minutes, "a" if other_meridiem == "p" else "p")
        return [same, other]
    return [hours * 60 + minutes]


def _twelve_hour(hours: int, minutes: int, meridiem: str) -> int:
    return (hours % 12 + (12 if meridiem == "p" else 0)) * 60 + minutes


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --- locale data ------------------------------------------------------------------------


def _is_french(lang: str) -> bool:
    return lang.lower().startswith("fr")


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("fr" if _is_french(lang) else "en")


@cache
def _full_day_names() -> dict[str, int]:
    return {
        fold(name): day
        for lang in ("en", "fr")
        for day, name in _locale(lang).days["format"]["wide"].items()
    }


@cache
def _day_names() -> dict[str, int]:
    """Folded day names, abbreviations and plurals in both languages -> weekday."""
    names: dict[str, int] = dict(_EXTRA_DAY_NAMES)
    for lang in ("en", "fr"):
        days = _locale(lang).days["format"]
        for width in ("wide", "abbreviated"):
            for day, name in days[width].items():
                key = fold(name).rstrip(".")
                names[key] = day
                names[key + "s"] = day
    return names
