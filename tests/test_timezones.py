"""Reading the time zone a person types: exact names, cities, countries, offsets, typos."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.timezones import TzGuess, city_name, format_timezone, resolve_timezone

LEGACY_NAMES = {"America/Montreal", "Asia/Calcutta", "Europe/Kiev", "US/Eastern", "EST"}


def assert_real_zones(guess: TzGuess) -> None:
    names = [guess.exact] if guess.exact else []
    names += list(guess.suggestions)
    assert len(guess.suggestions) <= 3
    assert len(set(guess.suggestions)) == len(guess.suggestions)
    for name in names:
        zoneinfo.ZoneInfo(name)  # loads: a real IANA zone
        assert name not in LEGACY_NAMES


@pytest.mark.parametrize("text", ["europe/paris", "Europe/Paris", "EUROPE/PARIS", " Europe/Paris "])
def test_an_iana_name_in_any_case_is_exact(text: str) -> None:
    assert resolve_timezone(text) == TzGuess("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "zone"),
    [("America/Montreal", "America/Toronto"), ("asia/calcutta", "Asia/Kolkata"),
     ("US/Eastern", "America/New_York")],
)
def test_a_legacy_name_is_exact_as_the_zone_it_points_to(text: str, zone: str) -> None:
    assert resolve_timezone(text).exact == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Montreal", "America/Toronto"),
        ("Montréal", "America/Toronto"),
        ("montreal", "America/Toronto"),
        ("Quebec", "America/Toronto"),
        ("Québec", "America/Toronto"),
        ("Londres", "Europe/London"),
        ("London", "Europe/London"),
        ("New York", "America/New_York"),
        ("Genève", "Europe/Zurich"),
        ("Geneva", "Europe/Zurich"),
        ("Dakar", "Africa/Dakar"),
        ("Abidjan", "Africa/Abidjan"),
        ("Bruxelles", "Europe/Brussels"),
        ("Tokyo", "Asia/Tokyo"),
        ("Kinshasa", "Africa/Kinshasa"),
        ("heure de Paris", "Europe/Paris"),
        ("I live in Montreal", "America/Toronto"),
    ],
)
def test_a_city_in_english_or_french_is_suggested(text: str, zone: str) -> None:
    guess = resolve_timezone(text, "fr")
    assert guess.exact is None
    assert guess.suggestions[0] == zone
    assert_real_zones(guess)


@pytest.mark.parametrize(
    ("text", "zone"),
    [("Sénégal", "Africa/Dakar"), ("France", "Europe/Paris"), ("Côte d'Ivoire", "Africa/Abidjan"),
     ("Belgique", "Europe/Brussels"), ("Japan", "Asia/Tokyo")],
)
def test_a_country_with_one_time_zone_gives_it(text: str, zone: str) -> None:
    guess = resolve_timezone(text)
    assert zone in (guess.exact, *guess.suggestions)


def test_a_country_with_several_time_zones_is_not_guessed() -> None:
    guess = resolve_timezone("Canada")  # its main zones are offered, none is taken
    assert guess.exact is None and not guess.sure
    assert guess.suggestions == ("America/Toronto", "America/Vancouver", "America/Winnipeg")
    assert resolve_timezone("États-Unis").suggestions[0] == "America/New_York"
    assert not resolve_timezone("Russie").sure  # one zone of ours, but not the only one


@pytest.mark.parametrize(("text", "zone", "place"), [
    ("Montréal", "America/Toronto", "Montréal"), ("lyon", "Europe/Paris", "Lyon"),
    ("Liege", "Europe/Brussels", "Liège"), ("Sénégal", "Africa/Dakar", ""),
])
def test_one_place_with_one_zone_is_sure(text: str, zone: str, place: str) -> None:
    assert resolve_timezone(text) == TzGuess(None, (zone,), place, sure=True)


@pytest.mark.parametrize(
    ("text", "zone"),
    [("europe/pariss", "Europe/Paris"), ("Amercia/Toronto", "America/Toronto"),
     ("Pariss", "Europe/Paris"), ("montrael", "America/Toronto"), ("londn", "Europe/London")],
)
def test_a_typo_is_suggested_not_taken(text: str, zone: str) -> None:
    guess = resolve_timezone(text)
    assert guess.exact is None
    assert guess.suggestions[0] == zone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UTC", "Etc/UTC"),
        ("gmt", "Etc/UTC"),
        ("GMT+1", "Europe/Paris"),
        ("UTC-5", "America/Toronto"),
        ("utc -05:00", "America/Toronto"),
        ("CET", "Europe/Paris"),
        ("EST", "America/Toronto"),
        ("HNE", "America/Toronto"),
        ("UTC+5:30", "Asia/Kolkata"),
        ("+05:45", "Asia/Kathmandu"),
    ],
)
def test_an_offset_or_abbreviation_gives_suggestions(text: str, expected: str) -> None:
    guess = resolve_timezone(text)
    assert guess.exact is None
    assert guess.suggestions[0] == expected
    assert_real_zones(guess)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eastern time", "America/Toronto"),
        ("eastern standard time", "America/Toronto"),
        ("heure de l'Est", "America/Toronto"),
        ("Heure normale de l'Est", "America/Toronto"),
        ("heure de l'est du Canada", "America/Toronto"),
        ("east coast", "America/Toronto"),
        ("Central time", "America/Winnipeg"),
        ("heure du Centre", "America/Winnipeg"),
        ("Mountain time", "America/Edmonton"),
        ("heure des Rocheuses", "America/Edmonton"),
        ("Pacific time", "America/Vancouver"),
        ("heure du Pacifique", "America/Vancouver"),
        ("heure de l'Atlantique", "America/Halifax"),
        ("heure de Terre-Neuve", "America/St_Johns"),
        ("heure française", "Europe/Paris"),
        ("UK time", "Europe/London"),
        ("Central European Time", "Europe/Paris"),
    ],
)
def test_a_region_named_in_words_offers_its_zones(text: str, expected: str) -> None:
    # "Eastern time" used to be read as a typo of Easter Island (Pacific/Easter).
    guess = resolve_timezone(text, "fr")
    assert guess.exact is None and not guess.sure  # offered as buttons, never taken
    assert guess.suggestions[0] == expected
    assert "Pacific/Easter" not in guess.suggestions
    assert_real_zones(guess)


def test_an_offset_suggests_zones_that_really_have_it() -> None:
    winter, summer = datetime(2027, 1, 15, tzinfo=UTC), datetime(2027, 7, 15, tzinfo=UTC)
    for name in resolve_timezone("UTC+1").suggestions:
        zone = zoneinfo.ZoneInfo(name)
        offsets = {winter.astimezone(zone).utcoffset(), summer.astimezone(zone).utcoffset()}
        assert any(offset is not None and offset.total_seconds() == 3600 for offset in offsets)


def test_ambiguous_abbreviations_offer_the_likely_places() -> None:
    assert set(resolve_timezone("IST").suggestions) >= {"Asia/Kolkata", "Europe/Dublin"}
    assert set(resolve_timezone("CST").suggestions) >= {"America/Chicago", "Asia/Shanghai"}


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 10_000, "😀🌍", "\x00\x1b[31m", "'; DROP TABLE people;--", "<b>x</b>",
     "asdfgh", "utc+15", "Europe", "5", "\u200b"],
)
def test_garbage_gives_nothing_and_never_raises(text: str) -> None:
    assert resolve_timezone(text) == TzGuess(None)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_real_zones_or_nothing(text: str) -> None:
    assert_real_zones(resolve_timezone(text, "fr"))


def test_format_shows_the_name_the_city_in_the_language_and_the_offset() -> None:
    assert format_timezone("Europe/Paris", "en") == "Europe/Paris (Paris, UTC+01:00)"
    assert format_timezone("Europe/London", "fr") == "Europe/London (Londres, UTC+00:00)"
    assert format_timezone("America/Toronto", "fr") == "America/Toronto (Toronto, UTC-05:00)"
    assert format_timezone("Asia/Kolkata", "en") == "Asia/Kolkata (Kolkata, UTC+05:30)"
    assert format_timezone("Etc/UTC", "fr") == "Etc/UTC (UTC+00:00)"


def test_format_shows_the_offset_in_force_at_a_given_moment() -> None:
    summer = datetime(2027, 7, 1, 12, tzinfo=UTC)
    assert format_timezone("Europe/Paris", "en", at=summer) == "Europe/Paris (Paris, UTC+02:00)"
    assert format_timezone("America/Toronto", "en", at=summer).endswith("UTC-04:00)")


def test_format_of_an_unknown_name_shows_it_unchanged() -> None:
    assert format_timezone("Mars/Olympus_Mons", "en") == "Mars/Olympus_Mons"


def test_city_names_follow_the_language() -> None:
    assert city_name("Europe/Brussels", "fr") == "Bruxelles"
    assert city_name("Europe/Brussels", "en") == "Brussels"
    assert city_name("Etc/UTC", "en") == ""
