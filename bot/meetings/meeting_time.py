"""Meeting times as each person reads them: in their own zone and language.

Stored times are UTC; these functions are the only place where a meeting time becomes
text. Messages queued for later carry the text in every language (`{"lang": {...}}`) for
the recipient's zone, so the dispatcher only picks the language at send time.

    >>> long_form(catalogue, start, 45, "America/Toronto", "en")
    'Tuesday, January 12, 2027, 17:00–17:45 (Toronto time)'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_timedelta

from bot.kernel.i18n import LANGUAGES, Catalogue
from bot.text.availability import format_clock
from bot.text.slots import zone
from bot.text.timezones import city_name

# Before these, French elides "de" (« heure d'Ottawa », « heure d'Édimbourg »); city names in
# h and y keep it (« heure de Halifax », « heure de Yaoundé »).
_VOWELS = frozenset("aeiou")


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("fr" if lang.startswith("fr") else "en")


def _clock(moment: datetime, lang: str) -> str:
    return format_clock(moment.hour * 60 + moment.minute, lang)


def long_form(catalogue: Catalogue, start: datetime, minutes: int, timezone: str,
              lang: str, *, show_zone: bool = True, place: str = "") -> str:
    """ "Tuesday, January 12, 2027, 17:00–17:45 (Toronto time)" (the zone when asked; `place`
    is the city the reader typed for it, shown instead of the zone's city)."""
    tz = zone(timezone)
    local = start.astimezone(tz)
    end = (start + timedelta(minutes=minutes)).astimezone(tz)
    dash = " – " if lang.startswith("fr") else "–"
    clock = f"{_clock(local, lang)}{dash}{_clock(end, lang)}"
    day = format_date(local.date(), "full", locale=_locale(lang))
    when = str(_locale(lang).datetime_formats["full"]).format(clock, day)
    return with_zone(catalogue, when, timezone, lang, place=place) if show_zone else when


def short_form(start: datetime, timezone: str, lang: str) -> str:
    """ "Tue 12 Jan, 17:00" / "mar. 12 janv., 17 h" — short enough for a button."""
    local = start.astimezone(zone(timezone))
    return f"{format_date(local.date(), 'EEE d MMM', locale=_locale(lang))}, {_clock(local, lang)}"


def day_form(moment: datetime, timezone: str, lang: str) -> str:
    """ "January 12, 2027" / "12 janvier 2027"."""
    local = moment.astimezone(zone(timezone))
    return format_date(local.date(), "long", locale=_locale(lang))


def with_zone(catalogue: Catalogue, text: str, timezone: str, lang: str, *,
              place: str = "") -> str:
    """ "… (heure de Montréal)": the reader's own place when they typed one, else the zone's."""
    city = _city(timezone, lang, place)
    if not city:
        return catalogue.text(lang, "meetings.in_utc", when=text)
    return catalogue.text(lang, _elided("meetings.in_zone", city), when=text, city=city)


def zone_name(catalogue: Catalogue, timezone: str, lang: str, *, place: str = "") -> str:
    """ "Toronto time" / "heure de Montréal" (or UTC) for a hint under a question."""
    city = _city(timezone, lang, place)
    if not city:
        return "UTC"
    return catalogue.text(lang, _elided("meetings.zone_name", city), city=city)


def _city(timezone: str, lang: str, place: str) -> str:
    if not timezone:
        return ""
    return place or city_name(timezone, lang)


def _elided(key: str, city: str) -> str:
    """French writes « heure d'Ottawa »: the key whose text elides "de" before a vowel."""
    first = unicodedata.normalize("NFD", city[:1]).lower()[:1]
    return f"{key}_elided" if first in _VOWELS else key


def ahead(delta: timedelta, lang: str, catalogue: Catalogue | None = None) -> str:
    """ "in 1 hour" / "dans 1 heure"; a day exactly is "tomorrow" / "demain" (a reminder a day
    before falls the day before, at the same time), not "in 1 day" / "dans 1 jour"."""
    if catalogue is not None and delta == timedelta(days=1):
        return catalogue.text(lang, "meetings.tomorrow")
    return format_timedelta(delta, locale=_locale(lang), add_direction=True)


def every_language(render: Callable[[str], str]) -> dict[str, Any]:
    """A param rendered later in the recipient's language: {"lang": {"en": ..., "fr": ...}}."""
    return {"lang": {lang: render(lang) for lang in LANGUAGES}}
