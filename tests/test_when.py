"""One date and time typed by a person, and the parsing catalogues every parser speaks from."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kernel.languages import parse_languages
from bot.text.availability import parse_availability
from bot.text.parse_errors import ParseError
from bot.text.when import format_when, parse_when

TORONTO = ZoneInfo("America/Toronto")
PARIS = ZoneInfo("Europe/Paris")
# A Monday morning in Toronto, in winter (UTC-05:00).
NOW = datetime(2027, 1, 11, 10, 15, tzinfo=TORONTO)
ROOT = Path(__file__).resolve().parent.parent


def at(*args: int, zone: ZoneInfo = TORONTO) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


def error(text: str, lang: str = "fr", now: datetime = NOW) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_when(text, lang, now)
    return caught.value


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("jeudi 14h", "fr", at(2027, 1, 14, 14)),
        ("thursday 2pm", "en", at(2027, 1, 14, 14)),
        ("Thursday at 2:30 pm", "en", at(2027, 1, 14, 14, 30)),
        ("tomorrow 5pm", "en", at(2027, 1, 12, 17)),
        ("demain 17h30", "fr", at(2027, 1, 12, 17, 30)),
        ("après-demain 9h", "fr", at(2027, 1, 13, 9)),
        ("apres demain 9h", "fr", at(2027, 1, 13, 9)),
        ("2027-01-12 09:30", "fr", at(2027, 1, 12, 9, 30)),
        ("2027-01-12T09:30", "en", at(2027, 1, 12, 9, 30)),
        ("12/01/2027 9h30", "fr", at(2027, 1, 12, 9, 30)),
        ("01/12/2027 9:30am", "en", at(2027, 1, 12, 9, 30)),
        ("12.01.2027 9h", "fr", at(2027, 1, 12, 9)),
        ("12 janvier 10h", "fr", at(2027, 1, 12, 10)),
        ("January 12 10am", "en", at(2027, 1, 12, 10)),
        ("Jan 14th, 2027 3pm", "en", at(2027, 1, 14, 15)),
        ("le 3 mars à 14h", "fr", at(2027, 3, 3, 14)),
        ("1er mars 2027 14h", "fr", at(2027, 3, 1, 14)),
        ("next monday 10:00", "en", at(2027, 1, 18, 10)),
        ("lundi prochain 10h", "fr", at(2027, 1, 18, 10)),
        ("jeudi à 14", "fr", at(2027, 1, 14, 14)),
        ("demain midi", "fr", at(2027, 1, 12, 12)),
        ("tomorrow at noon", "en", at(2027, 1, 12, 12)),
        ("demain 8h du soir", "fr", at(2027, 1, 12, 20)),
        ("ce soir 20h", "fr", at(2027, 1, 11, 20)),
        ("in 3 days 10am", "en", at(2027, 1, 14, 10)),
        ("in 2 hours", "en", at(2027, 1, 11, 12, 15)),
        ("dans 2 heures", "fr", at(2027, 1, 11, 12, 15)),
        ("dans 1h30", "fr", at(2027, 1, 11, 11, 45)),
        ("in an hour", "en", at(2027, 1, 11, 11, 15)),
        ("dans 24 heures", "fr", at(2027, 1, 12, 10, 15)),
        ("in 2 weeks 10am", "en", at(2027, 1, 25, 10)),
        ("JEUDI 14H", "fr", at(2027, 1, 14, 14)),
    ],
)
def test_understands_both_languages(text: str, lang: str, expected: datetime) -> None:
    result = parse_when(text, lang, NOW)
    assert result == expected
    assert result.tzinfo is TORONTO


def test_numeric_dates_are_day_month_in_french_and_month_day_in_english() -> None:
    assert parse_when("01/12/2027 10h", "fr", NOW) == at(2027, 12, 1, 10)
    assert parse_when("01/12/2027 10am", "en", NOW) == at(2027, 1, 12, 10)


def test_a_weekday_is_today_while_the_time_is_ahead_otherwise_next_week() -> None:
    assert parse_when("lundi 11h", "fr", NOW) == at(2027, 1, 11, 11)
    assert parse_when("lundi 10h", "fr", NOW) == at(2027, 1, 18, 10)
    assert parse_when("lundi prochain 11h", "fr", NOW) == at(2027, 1, 18, 11)


def test_a_time_alone_is_today_if_still_ahead_else_tomorrow() -> None:
    assert parse_when("14h", "fr", NOW) == at(2027, 1, 11, 14)
    assert parse_when("9am", "en", NOW) == at(2027, 1, 12, 9)


def test_a_date_without_year_is_the_next_one() -> None:
    assert parse_when("10 janvier 10h", "fr", NOW) == at(2028, 1, 10, 10)
    assert parse_when("December 25 10am", "en", NOW) == at(2027, 12, 25, 10)


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("", "parsing.when.empty", None),
        ("   ", "parsing.when.empty", None),
        ("31 février 10h", "parsing.when.impossible_date", "31 février"),
        ("2027-02-31 10h", "parsing.when.impossible_date", "2027-02-31"),
        ("30/02 10h", "parsing.when.impossible_date", "30/02"),
        ("13/13/2027 10h", "parsing.when.impossible_date", "13/13/2027"),
        ("jeudi", "parsing.when.no_time", "jeudi"),
        ("demain", "parsing.when.no_time", "demain"),
        ("le 3 mars", "parsing.when.no_time", "3 mars"),
        ("dans 3 jours", "parsing.when.no_time", "dans 3 jours"),
        ("25h", "parsing.when.bad_time", "25h"),
        ("jeudi 13pm", "parsing.when.bad_time", "13pm"),
        ("jeudi 14h blabla", "parsing.when.not_understood", "blabla"),
        ("jeudi vendredi 14h", "parsing.when.not_understood", "vendredi"),
        ("jeudi 14", "parsing.when.not_understood", "14"),
        ("😀", "parsing.when.not_understood", "😀"),
        ("'; DROP TABLE people;--", "parsing.when.not_understood", "DROP"),
        ("<b>x</b>", "parsing.when.not_understood", "<"),
    ],
)
def test_unclear_text_is_refused(text: str, key: str, fragment: str | None) -> None:
    err = error(text)
    assert err.key == key
    assert err.params.get("fragment") == fragment


def test_a_date_and_a_weekday_that_disagree_are_refused() -> None:
    err = error("mardi 14 janvier 15h")
    assert err.key == "parsing.when.weekday_mismatch"
    assert err.params == {"fragment": "mardi 14 janvier", "weekday": "jeudi"}


def test_a_time_already_past_is_refused() -> None:
    err = error("aujourd'hui 9h")
    assert err.key == "parsing.when.past"
    assert err.params["when"] == "lundi 11 janvier 2027, 9\xa0h"
    assert error("2026-12-01 10h").key == "parsing.when.past"
    assert error("12 janvier 10h", now=at(2027, 1, 12, 11)).key == "parsing.when.past"


def test_more_than_a_year_ahead_is_refused() -> None:
    assert parse_when("2028-01-11 10h", "fr", NOW) == at(2028, 1, 11, 10)
    err = error("2028-01-11 10h30", "en")
    assert err.key == "parsing.when.too_far"
    assert err.params["limit"] == "January 11, 2028"
    assert error("29/02 10h").key == "parsing.when.too_far"  # next 29 February: 2028


def test_ten_thousand_characters_are_too_long() -> None:
    err = error("jeudi 14h " * 1000)
    assert err.key == "parsing.when.too_long"
    assert len(err.params["fragment"]) <= 40


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        parse_when("jeudi 14h", "fr", datetime(2027, 1, 11, 10))


# --- daylight saving time -----------------------------------------------------------------


def test_toronto_spring_forward_skips_half_past_two() -> None:
    err = error("2027-03-14 02:30", "en")
    assert err.key == "parsing.when.ambiguous_time"
    assert err.params["kind"] == "skipped"
    first, second = err.params["choices"]
    assert (first.hour, first.minute, first.utcoffset()) == (1, 30, timedelta(hours=-5))
    assert (second.hour, second.minute, second.utcoffset()) == (3, 30, timedelta(hours=-4))
    assert err.params["first"] == "01:30 (UTC-05:00)"
    assert err.params["second"] == "03:30 (UTC-04:00)"
    assert err.params["date"] == "Sunday, March 14, 2027"


def test_toronto_fall_back_repeats_half_past_one() -> None:
    err = error("2027-11-07 01:30", "fr")
    assert err.key == "parsing.when.ambiguous_time"
    assert err.params["kind"] == "repeated"
    first, second = err.params["choices"]
    # Same wall time, one real hour apart (aware datetimes sharing a zone compare by wall
    # time in Python, so compare in UTC).
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert (first.hour, first.minute) == (second.hour, second.minute) == (1, 30)
    assert err.params["first"] == "1\xa0h\xa030 (UTC-04:00)"
    assert err.params["second"] == "1\xa0h\xa030 (UTC-05:00)"
    assert err.params["date"] == "dimanche 7 novembre 2027"


def test_toronto_times_around_the_changes_are_accepted() -> None:
    assert parse_when("2027-03-14 03:30", "en", NOW).utcoffset() == timedelta(hours=-4)
    assert parse_when("2027-03-14 01:59", "en", NOW).utcoffset() == timedelta(hours=-5)
    assert parse_when("2027-11-07 02:00", "en", NOW).utcoffset() == timedelta(hours=-5)


def test_paris_changes_in_2027() -> None:
    now = at(2027, 3, 20, 9, zone=PARIS)
    skipped = error("28/03/2027 2h30", "fr", now)
    assert skipped.params["kind"] == "skipped"
    assert [c.utcoffset() for c in skipped.params["choices"]] == [
        timedelta(hours=1), timedelta(hours=2)
    ]
    repeated = error("31/10/2027 2h30", "fr", now)
    assert repeated.params["kind"] == "repeated"
    assert repeated.params["first"] == "2\xa0h\xa030 (UTC+02:00)"
    assert repeated.params["second"] == "2\xa0h\xa030 (UTC+01:00)"
    assert parse_when("28 mars 3h", "fr", now) == at(2027, 3, 28, 3, zone=PARIS)
    assert parse_when("28 mars 3h", "fr", now).utcoffset() == timedelta(hours=2)


def test_in_two_hours_counts_real_time_across_the_change() -> None:
    before = at(2027, 3, 14, 1, 30)  # EST, half an hour before clocks jump to 03:00
    result = parse_when("in 2 hours", "en", before)
    assert (result.hour, result.minute) == (4, 30)
    assert result.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=2)


def test_in_half_an_hour_during_the_repeated_hour_is_not_in_the_past() -> None:
    before = at(2027, 11, 7, 1, 45)  # first 01:45 (EDT); 30 minutes later is 01:15 EST
    result = parse_when("in 30 minutes", "en", before)
    assert (result.hour, result.minute, result.fold) == (1, 15, 1)
    assert result.utcoffset() == timedelta(hours=-5)


def test_daylight_saving_is_ignored_in_a_zone_without_it() -> None:
    dakar = ZoneInfo("Africa/Dakar")
    now = at(2027, 3, 1, 9, zone=dakar)
    assert parse_when("2027-03-28 02:30", "fr", now) == at(2027, 3, 28, 2, 30, zone=dakar)


# --- any input --------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.text(), st.sampled_from(["en", "fr"]))
def test_any_text_gives_a_future_time_or_a_parse_error(text: str, lang: str) -> None:
    try:
        result = parse_when(text, lang, NOW)
    except ParseError as err:
        assert err.key.startswith("parsing.when.")
        assert len(err.params.get("fragment", "")) <= 40
        return
    assert result.tzinfo is TORONTO
    assert NOW <= result <= NOW.replace(year=2028)


WORDS = ["jeudi", "Tue", "lundi", "prochain", "next", "demain", "tomorrow", "après-demain",
         "le", "à", "at", "in", "dans", "2", "12", "31", "heures", "hours", "jours", "14h",
         "9:30", "2pm", "12am", "midi", "noon", "soir", "matin", "janvier", "février", "March",
         "1er", "2027-03-14", "2027-11-07", "02:30", "01:30", "12/01/2027", "30/02", "/", "-"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join), st.sampled_from(["en", "fr"]))
def test_any_mix_of_date_words_gives_a_future_time_or_a_parse_error(text: str, lang: str) -> None:
    now = at(2027, 3, 13, 23, 45)  # the night before the spring change
    try:
        result = parse_when(text, lang, now)
    except ParseError as err:
        assert err.key.startswith("parsing.when.")
        return
    assert now.astimezone(UTC) <= result.astimezone(UTC) <= at(2028, 3, 13, 23, 45)
    # The wall time read is one that exists, exactly once, in the person's zone.
    assert result.astimezone(UTC).astimezone(TORONTO).replace(tzinfo=None) == result.replace(
        tzinfo=None
    )


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2027, 1, 12), max_value=datetime(2027, 12, 31)))
def test_an_iso_date_and_time_reads_back(moment: datetime) -> None:
    text = moment.strftime("%Y-%m-%d %H:%M")
    try:
        result = parse_when(text, "en", NOW)
    except ParseError as err:
        assert err.key == "parsing.when.ambiguous_time"  # the two DST nights only
        return
    assert result.replace(tzinfo=None) == moment.replace(second=0, microsecond=0)


def test_format_when() -> None:
    assert format_when(at(2027, 1, 14, 14), "fr") == "jeudi 14 janvier 2027, 14\xa0h"
    assert format_when(at(2027, 1, 14, 9, 30), "en") == "Thursday, January 14, 2027, 09:30"


# --- the parsing catalogues -------------------------------------------------------------


def _catalogue(lang: str) -> dict[str, str]:
    data = tomllib.loads((ROOT / "content" / "i18n" / f"parsing.{lang}.toml").read_text("utf-8"))
    flat: dict[str, str] = {}

    def walk(prefix: str, table: dict) -> None:
        for key, value in table.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(path, value)
            else:
                flat[path] = value

    walk("", data)
    return flat


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_french_and_english_catalogues_have_the_same_keys_and_placeholders() -> None:
    en, fr = _catalogue("en"), _catalogue("fr")
    assert set(en) == set(fr)
    for key in en:
        assert _placeholders(en[key]) == _placeholders(fr[key]), key


def test_every_key_named_in_the_parsers_is_in_the_catalogues() -> None:
    catalogue = _catalogue("en")
    for module in ("text/timezones", "text/availability", "kernel/languages", "text/when",
                   "text/parse_errors"):
        source = (ROOT / "bot" / f"{module}.py").read_text("utf-8")
        for key in re.findall(r"\"(parsing\.[a-z_]+\.[a-z_]+)\"", source):
            assert key in catalogue, f"{module}: {key}"


BAD_INPUTS = ["", " ", "x" * 10_000, "😀", "\x00\x07", "'; DROP TABLE people;--", "<b>x</b>",
              "mardi", "17-19", "mardi 19-17", "mardi 25h-26h", "mardi 17h", "jeudi", "25h",
              "31 février 10h", "2026-01-01 10h", "2029-01-01 10h", "mardi 14 janvier 15h",
              "2027-03-14 02:30", "anglais, klingon"]


def _errors() -> list[ParseError]:
    errors = []
    parsers = (
        lambda text: parse_availability(text, "fr"),
        lambda text: parse_languages(text, "fr"),
        lambda text: parse_when(text, "fr", NOW),
    )
    for parse in parsers:
        for text in BAD_INPUTS:
            try:
                parse(text)
            except ParseError as err:
                errors.append(err)
    return errors


def test_every_error_raised_renders_in_both_languages() -> None:
    catalogues = {lang: _catalogue(lang) for lang in ("en", "fr")}
    errors = _errors()
    assert len({err.key for err in errors}) >= 20
    for err in errors:
        for catalogue in catalogues.values():
            rendered = catalogue[err.key].format(**err.params)
            assert "{" not in rendered
