"""Figures as a coordinator reads them: numbers, percentages, ratings, days and months in
their language (Babel: "1,234.5" / "1 234,5", "42%" / "42 %")."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot.admin.figures import Average
from bot.kernel.context import Context


def _rounded(value: float, decimals: int) -> Decimal:
    """Half up (4.25 → 4.3), as people round; Babel alone would round half to even."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: float, lang: str, decimals: int = 1) -> str:
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(_rounded(value, decimals), format=pattern, locale=lang)


def percent(ratio: float, lang: str) -> str:
    return format_percent(_rounded(ratio * 100, 0) / 100, locale=lang)


def days(ctx: Context, value: float) -> str:
    """"2.5 days", "12 days", "1 day" (one decimal under ten days)."""
    decimals = 1 if value < 10 else 0
    return ctx.t("figures.days", count=float(_rounded(value, decimals)),
                 number=number(value, ctx.lang, decimals))


def rating(ctx: Context, average: Average) -> str:
    """"4.3/5 (12 answers)", or "no answers yet"."""
    if average.mean is None:
        return ctx.t("figures.no_answers")
    return ctx.t("figures.rating", mean=number(average.mean, ctx.lang),
                 answers=counted(ctx, "figures.answers", average.count))


def counted(ctx: Context, key: str, count: int) -> str:
    """A plural message whose number is written the local way ("1 234 réponses")."""
    return ctx.t(key, count=count, number=number(count, ctx.lang, 0))


def capped(ctx: Context, lines: list[str], limit: int) -> list[str]:
    """At most `limit` lines, then "… and 12 more (everything is in /admin export)"."""
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], counted(ctx, "roster.more", len(lines) - limit)]


def month(value: str, lang: str) -> str:
    """"2027-03" → "Mar 2027" / "mars 2027"."""
    year, month_number = (int(part) for part in value.split("-"))
    return format_date(date(year, month_number, 1), "MMM y", locale=lang)
