"""Times as a coordinator reads them in lists, cases and the audit log.

A coordinator usually has no participant profile, hence no time zone of their own: their
times were shown in UTC ("1/26/27, 9:00 AM" for a programme in Toronto). They read them in
their own zone when they have one (profile, then what the platform says), else in the
programme's (`[programmes.<code>] timezone`), and never as a bare short date that reads
differently on each side of the Atlantic: "Jan 26, 2027, 04:00" / "26 janv. 2027, 4 h".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.kernel.clock import from_iso
from bot.kernel.context import Context
from bot.kernel.roles import programme_code
from bot.text.availability import format_clock


def zone_name(ctx: Context) -> str:
    settings = ctx.services.config.programmes.get(programme_code(ctx))
    for name in (ctx.person.timezone, ctx.address.timezone,
                 getattr(settings, "timezone", "") if settings is not None else ""):
        if name and _valid(name):
            return name
    return "UTC"


def _valid(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return False
    return True


def moment(ctx: Context, when: str | datetime) -> str:
    """A date and time: "Jan 26, 2027, 04:00" / "26 janv. 2027, 4 h"."""
    instant = from_iso(when) if isinstance(when, str) else when
    local = instant.astimezone(ZoneInfo(zone_name(ctx)))
    clock = format_clock(local.hour * 60 + local.minute, ctx.lang)
    return f"{_first(format_date(local, format='medium', locale=ctx.lang), local, ctx)}, {clock}"


def day(ctx: Context, when: str | datetime, form: str = "long") -> str:
    """A date alone: "January 26, 2027" / "26 janvier 2027" (`form="medium"`: "Jan 26, 2027")."""
    local = (from_iso(when) if isinstance(when, str) else when).astimezone(
        ZoneInfo(zone_name(ctx)))
    return _first(format_date(local, format=form, locale=ctx.lang), local, ctx)


def _first(text: str, local: datetime, ctx: Context) -> str:
    """French writes the first day of a month "1er" ("1er février 2027", OQLF); Babel
    writes "1 février 2027"."""
    if ctx.lang == "fr" and local.day == 1 and text.startswith("1 "):
        return "1er " + text[2:]
    return text
