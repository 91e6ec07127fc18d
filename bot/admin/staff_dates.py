"""A date a coordinator types in a command (`/admin cohort-window … jumelage=16 février 14h`),
read the way they write it: "2027-02-16", "16/02/2027", "1er février", "February 16",
"16 févr. 14h", "Feb 16 2pm" — with or without an hour.

The reading is bot/text/when.py's (both languages, day/month order by the coordinator's
language, a date that cannot be one order tried the other way); only "a day without an
hour" is welcome here, where the caller decides the hour (a window opens at midnight).
"""

from __future__ import annotations

from datetime import date, datetime, time

from bot.text.parse_errors import ParseError
from bot.text.when import parse_when

_QUOTES = "\"'«»“”‘’ \u00a0\u202f"
_LATE = "23:59"  # an hour added only to read a date alone (today still counts); never kept


def read_day(text: str, lang: str, now: datetime) -> tuple[date, time | None] | None:
    """(the day, the hour typed or None) in `now`'s zone, or None when it is no date."""
    text = text.strip(_QUOTES)
    if not text:
        return None
    other = "en" if lang == "fr" else "fr"
    for reading_lang in (lang, other):  # "16/02/2027" from an English coordinator
        for typed, with_hour in ((text, True), (f"{text} {_LATE}", False)):
            try:
                moment = parse_when(typed, reading_lang, now)
            except ParseError as problem:
                if problem.key == "parsing.when.no_time":
                    continue  # a day alone: read it again with an hour, then drop the hour
                if problem.key == "parsing.when.impossible_date":
                    break  # no 16th month: the other order
                return None  # past, too far, not a date: never read another way instead
            return moment.date(), moment.time() if with_hour else None
    return None
