"""Weekly availability typed in French or English, and how it is shown back."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.availability import (
    AFTERNOON,
    EVENING,
    MORNING,
    format_availability,
    parse_availability,
    weekly_hours,
)
from bot.text.parse_errors import ParseError

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def h(hours: float) -> int:
    return int(hours * 60)


WEEKDAYS_12_13 = tuple((day, h(12), h(13)) for day in range(5))


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("mardi 17-19, jeudi 12h-13h", ((TUE, h(17), h(19)), (THU, h(12), h(13)))),
        ("Tue 5-7pm, Thu noon-1pm", ((TUE, h(17), h(19)), (THU, h(12), h(13)))),
        ("lundi et mercredi 18h30-20h", ((MON, h(18.5), h(20)), (WED, h(18.5), h(20)))),
        ("weekdays 12-13", WEEKDAYS_12_13),
        ("en semaine 12h-14h", tuple((d, h(12), h(14)) for d in range(5))),
        ("week-end 10h-12h", ((SAT, h(10), h(12)), (SUN, h(10), h(12)))),
        ("fin de semaine 10h-12h", ((SAT, h(10), h(12)), (SUN, h(10), h(12)))),
        ("Mon-Fri 9:00-10:00", tuple((d, h(9), h(10)) for d in range(5))),
        ("du lundi au vendredi 8h à 9h", tuple((d, h(8), h(9)) for d in range(5))),
        ("tuesday 17:00–19:00", ((TUE, h(17), h(19)),)),
        ("jeu 14h-16h", ((THU, h(14), h(16)),)),
        ("sat morning", ((SAT, *MORNING),)),
        ("samedi matin", ((SAT, *MORNING),)),
        ("le samedi matin et le dimanche après-midi", ((SAT, *MORNING), (SUN, *AFTERNOON))),
        ("vendredi soir", ((FRI, *EVENING),)),
        ("jeudi midi", ((THU, h(12), h(13)),)),
        ("thursday noon", ((THU, h(12), h(13)),)),
        ("mardi de midi à 14h", ((TUE, h(12), h(14)),)),
        ("Mon 12am-2am", ((MON, 0, h(2)),)),
        ("Mon 12pm-1pm", ((MON, h(12), h(13)),)),
        ("Mon 10pm-12am", ((MON, h(22), 1440),)),
        ("lundi 22h-minuit", ((MON, h(22), 1440),)),
        ("11-1pm mon", ((MON, h(11), h(13)),)),
        ("Mon 9am-12", ((MON, h(9), h(12)),)),
        ("Tue 5 p.m. to 7 p.m.", ((TUE, h(17), h(19)),)),
        ("mardi 17 heures à 19 heures", ((TUE, h(17), h(19)),)),
        ("mardi 9 h 30 - 11 h", ((TUE, h(9.5), h(11)),)),
        ("entre 17h et 19h le mardi", ((TUE, h(17), h(19)),)),
        ("between 5 and 7pm on tuesdays", ((TUE, h(17), h(19)),)),
        ("17-19 mardi et jeudi", ((TUE, h(17), h(19)), (THU, h(17), h(19)))),
        ("mecredi 10-11", ((WED, h(10), h(11)),)),
        ("ven-lun 10-11", tuple((d, h(10), h(11)) for d in (MON, FRI, SAT, SUN))),
        ("MARDI 17H-19H\nJEUDI 12H-13H", ((TUE, h(17), h(19)), (THU, h(12), h(13)))),
    ],
)
def test_understands_both_languages(text: str, slots: tuple) -> None:
    assert parse_availability(text, "en") == slots
    assert parse_availability(text, "fr") == slots


def test_overlapping_and_adjacent_ranges_are_merged_and_sorted() -> None:
    assert parse_availability("jeudi 14-16, mardi 9-10, mardi 10-11, mardi 9h30-10h30", "fr") == (
        (TUE, h(9), h(11)),
        (THU, h(14), h(16)),
    )
    assert parse_availability("Mon-Fri 9-12, 11-14", "en") == tuple(
        (d, h(9), h(14)) for d in range(5)
    )


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("", "parsing.availability.empty", None),
        ("  \n\t", "parsing.availability.empty", None),
        ("mardi", "parsing.availability.no_time", "mardi"),
        ("mardi 17-19, jeudi", "parsing.availability.no_time", "jeudi"),
        ("17-19", "parsing.availability.no_day", "17-19"),
        ("mardi 19-17", "parsing.availability.bad_range", "19-17"),
        ("Tue 9-5", "parsing.availability.bad_range", "9-5"),
        ("lundi 22h-2h", "parsing.availability.bad_range", "22h-2h"),
        ("mardi 25h-26h", "parsing.availability.bad_time", "25h-26h"),
        ("sat 13pm-14pm", "parsing.availability.bad_time", "13pm-14pm"),
        ("mardi 17h", "parsing.availability.no_end", "17h"),
        ("whenever you like", "parsing.availability.vague", "whenever you like"),
        ("mardi 17-19 sauf le 3", "parsing.availability.not_understood", "sauf"),
        ("😀", "parsing.availability.not_understood", "😀"),
        ("'; DROP TABLE people;--", "parsing.availability.not_understood", "DROP"),
        ("<b>x</b>", "parsing.availability.not_understood", "<"),
    ],
)
def test_unclear_text_is_refused_with_the_fragment(text: str, key: str, fragment: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_availability(text, "fr")
    assert caught.value.key == key
    assert caught.value.params.get("fragment") == fragment


def test_text_over_2000_characters_is_too_long_and_quoted_short() -> None:
    with pytest.raises(ParseError) as caught:
        parse_availability("mardi 17-19, " * 200, "en")
    assert caught.value.key == "parsing.availability.too_long"
    assert len(caught.value.params["fragment"]) <= 40
    assert caught.value.params["max"] == 2000


def test_a_long_fragment_is_cut_to_40_characters() -> None:
    with pytest.raises(ParseError) as caught:
        parse_availability("mardi " + "x" * 100 + " 17-19", "fr")
    assert caught.value.params["fragment"] == "x" * 39 + "…"


def test_control_characters_are_spaces() -> None:
    assert parse_availability("mardi\x0017-19\x1b", "fr") == ((TUE, h(17), h(19)),)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_gives_valid_slots_or_a_parse_error(text: str) -> None:
    try:
        slots = parse_availability(text, "fr")
    except ParseError as err:
        assert err.key.startswith("parsing.availability.")
        assert len(err.params.get("fragment", "")) <= 40
        return
    assert slots == tuple(sorted(slots))
    for day, start, end in slots:
        assert 0 <= day <= 6
        assert 0 <= start < end <= 1440
    for (day1, _, end1), (day2, start2, _) in pairwise(slots):
        assert day1 != day2 or end1 < start2  # merged: no overlap, no contact


WORDS = ["mardi", "Tue", "jeudi", "lun", "weekend", "en semaine", "du", "au", "à", "-", "to",
         "et", "and", ",", "entre", "between", "17", "19", "5", "7pm", "12am", "noon", "midi",
         "minuit", "matin", "soir", "17h30", "9:00", "24h", "25h", "heures", "le"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join))
def test_any_mix_of_schedule_words_gives_valid_slots_or_a_parse_error(text: str) -> None:
    try:
        slots = parse_availability(text, "en")
    except ParseError as err:
        assert err.key.startswith("parsing.availability.")
        return
    assert all(0 <= day <= 6 and 0 <= start < end <= 1440 for day, start, end in slots)
    assert weekly_hours(slots) <= 7 * 24


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["lundi", "Tue", "jeudi", "Sat", "weekdays", "week-end"]),
    st.integers(0, 23),
    st.integers(1, 24),
)
def test_any_forward_24_hour_range_is_read_as_written(day: str, start: int, end: int) -> None:
    text = f"{day} {start}h-{end}h"
    if end <= start:
        with pytest.raises(ParseError):
            parse_availability(text, "fr")
    else:
        slots = parse_availability(text, "fr")
        assert {(s, e) for _, s, e in slots} == {(start * 60, end * 60)}


def test_format_in_english_and_french() -> None:
    slots = ((TUE, h(17), h(19)), (THU, h(12), h(13.5)))
    assert format_availability(slots, "en") == "Tue 17:00–19:00, Thu 12:00–13:30"
    assert format_availability(slots, "fr") == \
        "mar. 17\xa0h – 19\xa0h, jeu. 12\xa0h – 13\xa0h\xa030"
    assert format_availability(((MON, h(22), 1440),), "en") == "Mon 22:00–24:00"
    assert format_availability((), "fr") == ""


@pytest.mark.parametrize(
    ("text", "en", "fr"),
    [
        ("lun-ven 18h-20h", "Mon–Fri 18:00–20:00", "lun.–ven. 18\xa0h – 20\xa0h"),
        ("weekdays 12-1pm, tue evening", "Mon–Fri 12:00–13:00, Tue 18:00–21:00",
         "lun.–ven. 12\xa0h – 13\xa0h, mar. 18\xa0h – 21\xa0h"),
        ("le week-end de 10h à 12h", "Sat and Sun 10:00–12:00", "sam. et dim. 10\xa0h – 12\xa0h"),
        ("lun mer ven 9-10, mar 14-15", "Mon, Wed, and Fri 09:00–10:00, Tue 14:00–15:00",
         "lun., mer. et ven. 9\xa0h – 10\xa0h, mar. 14\xa0h – 15\xa0h"),
        ("tous les jours 7h-8h", "every day 07:00–08:00", "tous les jours 7\xa0h – 8\xa0h"),
    ],
)
def test_days_with_the_same_hours_are_said_together(text: str, en: str, fr: str) -> None:
    # "lun. 18 h – 20 h, mar. 18 h – 20 h, mer. …" five times over was long to read.
    slots = parse_availability(text, "fr")
    assert format_availability(slots, "en") == en
    assert format_availability(slots, "fr") == fr
    for lang in ("en", "fr"):
        assert parse_availability(format_availability(slots, lang), lang) == slots


def test_formatted_text_reads_back_to_the_same_slots() -> None:
    slots = parse_availability("lun-ven 9h-10h30, samedi matin, dimanche 22h-minuit", "fr")
    for lang in ("en", "fr"):
        assert parse_availability(format_availability(slots, lang), lang) == slots


def test_weekly_hours() -> None:
    assert weekly_hours(parse_availability("mardi 17-19, jeudi 12h-13h30", "fr")) == 3.5
    assert weekly_hours(parse_availability("weekdays 12-13", "en")) == 5.0
    assert weekly_hours(()) == 0.0


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # The examples the catalogue messages give must themselves be understood.
        ("Tue 5-7pm, Thu noon-1pm", "en"),
        ("Mon-Fri 12-1pm", "en"),
        ("Tue 5-7pm or weekdays 12-1pm", "en"),
        ("Sat morning", "en"),
        ("Fri 10pm-12am", "en"),
        ("mardi 17h-19h, jeudi 12h-13h", "fr"),
        ("du lundi au vendredi 12h-13h", "fr"),
        ("en semaine 12h-13h", "fr"),
        ("samedi matin", "fr"),
        ("vendredi 22h-minuit", "fr"),
    ],
)
def test_catalogue_examples_are_understood(text: str, lang: str) -> None:
    assert parse_availability(text, lang)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("demain 14h", "parsing.availability.one_date"),
        ("tomorrow at 2pm", "parsing.availability.one_date"),
        ("12/01 14h", "parsing.availability.one_date"),
        ("n'importe quand", "parsing.availability.vague"),
        ("whenever", "parsing.availability.vague"),
        ("je sais pas trop, plutôt le soir", "parsing.availability.vague"),
        ("I don't know", "parsing.availability.vague"),
    ],
)
def test_a_date_or_a_shrug_gets_its_own_explanation(text: str, key: str) -> None:
    # They used to be "I didn't understand «n»" (of "n'importe quand") or «sais».
    with pytest.raises(ParseError) as caught:
        parse_availability(text, "fr")
    assert caught.value.key == key


def test_words_around_an_answer_are_not_in_the_way() -> None:
    assert parse_availability("surtout le mardi 17h-19h", "fr") == ((TUE, h(17), h(19)),)
    assert parse_availability("mardi soir, sinon jeudi midi", "fr") == (
        (TUE, h(18), h(21)), (THU, h(12), h(13)))
    assert parse_availability("mostly Tue 5-7pm", "en") == ((TUE, h(17), h(19)),)
