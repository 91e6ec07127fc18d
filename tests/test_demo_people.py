"""The demo programme's cast: deterministic, balanced, valid, and good to match against."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.demo.demo_people import TIMEZONES, TOPIC_SPELLINGS, DemoPerson, demo_people

ROOT = Path(__file__).resolve().parents[1]
HANDLE = re.compile(r"[a-z0-9]+(\.[a-z0-9]+)*")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
SEEDS = range(12)

# Casefolded spelling -> topic cluster, to tell which mentor can help which mentee.
CLUSTER_OF = {
    spelling.casefold(): cluster
    for cluster, by_language in TOPIC_SPELLINGS.items()
    for spellings in by_language.values()
    for spelling in spellings
}


@pytest.fixture(scope="module")
def cast() -> list[DemoPerson]:
    return demo_people()


def topics(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def clusters(text: str) -> set[str]:
    return {CLUSTER_OF[t.casefold()] for t in topics(text) if t.casefold() in CLUSTER_OF}


def mentors_for(person: DemoPerson, people: list[DemoPerson]) -> list[DemoPerson]:
    """Other people who mentor and speak one of the person's languages."""
    return [
        other
        for other in people
        if other is not person
        and other.role in ("mentor", "both")
        and set(other.languages) & set(person.languages)
    ]


def wants_mentor(person: DemoPerson) -> bool:
    return person.role in ("mentee", "both")


def test_same_seed_gives_the_same_cast_and_another_seed_a_different_one() -> None:
    assert demo_people(7) == demo_people(7)
    assert demo_people() == demo_people(2026, 60)
    assert demo_people(7) != demo_people(8)


def test_the_cast_does_not_depend_on_string_hashing() -> None:
    # Drawing while iterating a set would differ between processes; compare two of them.
    code = "from bot.demo.demo_people import demo_people; print(repr(demo_people(11, 80)))"
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
            check=True,
        )
        outputs.add(done.stdout)
    assert outputs == {repr(demo_people(11, 80)) + "\n"}


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7, 60, 150])
def test_count_is_honoured(count: int) -> None:
    assert len(demo_people(3, count)) == count


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        demo_people(count=-1)


def test_roles_are_45_45_10(cast: list[DemoPerson]) -> None:
    assert Counter(p.role for p in cast) == {"mentor": 27, "mentee": 27, "both": 6}
    for count in (20, 100, 333):
        roles = Counter(p.role for p in demo_people(5, count))
        assert abs(roles["mentor"] - 0.45 * count) <= 1
        assert abs(roles["mentee"] - 0.45 * count) <= 1
        assert abs(roles["both"] - 0.10 * count) <= 1


def test_half_french_half_english_some_bilingual_some_polyglots(cast: list[DemoPerson]) -> None:
    assert Counter(p.language for p in cast) == {"fr": 30, "en": 30}
    for person in cast:
        assert person.language in ("fr", "en")
        assert person.languages[0] == person.language
        assert len(set(person.languages)) == len(person.languages)
    bilingual = [p for p in cast if {"fr", "en"} <= set(p.languages)]
    assert 0.15 * len(cast) <= len(bilingual) <= 0.6 * len(cast)
    extras = {lang for p in cast for lang in p.languages} - {"fr", "en"}
    assert len(extras & {"es", "ar", "de", "pt", "wo"}) >= 4


def test_time_zones_are_real_and_spread(cast: list[DemoPerson]) -> None:
    for person in cast:
        assert person.timezone in TIMEZONES
        ZoneInfo(person.timezone)
    assert len({p.timezone for p in cast}) >= 8
    seen = {p.timezone for seed in SEEDS for p in demo_people(seed)}
    assert seen == set(TIMEZONES)


@pytest.mark.parametrize("seed", SEEDS)
def test_availability_is_one_to_four_valid_slots(seed: int) -> None:
    for person in demo_people(seed):
        slots = person.availability
        assert 1 <= len(slots) <= 4
        assert list(slots) == sorted(slots)
        assert len({day for day, _, _ in slots}) == len(slots)
        for day, start, end in slots:
            assert 0 <= day <= 6
            assert 0 <= start < end <= 1440


def test_availability_looks_like_real_habits(cast: list[DemoPerson]) -> None:
    slots = [slot for p in cast for slot in p.availability]
    lunch = [s for s in slots if s[0] < 5 and 690 <= s[1] <= 780]
    evening = [s for s in slots if s[1] >= 1050]
    saturday_morning = [s for s in slots if s[0] == 5 and s[1] < 720]
    assert lunch and evening and saturday_morning
    assert Counter(len(p.availability) for p in cast).keys() >= {1, 2, 3, 4}


def test_capacity_follows_the_role() -> None:
    for person in demo_people(9, 200):
        if person.role == "mentee":
            assert person.capacity == 0
        else:
            assert 1 <= person.capacity <= 4


@pytest.mark.parametrize("count", [60, 2000])
def test_handles_are_unique_lowercase_ascii(count: int) -> None:
    people = demo_people(4, count)
    handles = [p.handle for p in people]
    assert len(set(handles)) == len(handles)
    for handle in handles:
        assert handle.isascii()
        assert HANDLE.fullmatch(handle), handle


def test_names_are_unique_and_diverse(cast: list[DemoPerson]) -> None:
    names = [p.display_name for p in cast]
    assert len(set(names)) == len(names)
    assert any(any(ch in name for ch in "éèëïô") for name in names)  # accents kept in names
    assert "amina.diallo" in {p.handle for s in SEEDS for p in demo_people(s)}


@pytest.mark.parametrize("count", [2, 3, 4, 5, 9, 17, 60, 90])
def test_every_mentee_shares_a_language_with_a_mentor(count: int) -> None:
    for seed in SEEDS:
        people = demo_people(seed, count)
        for person in filter(wants_mentor, people):
            assert mentors_for(person, people), (seed, count, person)


def test_topic_fields_follow_the_role(cast: list[DemoPerson]) -> None:
    for person in cast:
        assert bool(person.topics_sought) == wants_mentor(person)
        assert bool(person.topics_offered) == (person.role != "mentee")
        for text in (person.topics_sought, person.topics_offered):
            assert len(topics(text)) <= 4


def test_topics_are_typed_like_people_type(cast: list[DemoPerson]) -> None:
    typed = [t for p in cast for t in topics(p.topics_sought) + topics(p.topics_offered)]
    assert any(t.isupper() for t in typed)  # "PM", "RH", "UX", "HR"...
    assert any(t[0].isupper() and not t.isupper() for t in typed)
    assert any(t[0].islower() for t in typed)
    french = {t for p in cast if p.language == "fr" for t in topics(p.topics_sought)}
    assert any(ch in "".join(french) for ch in "éèàç")


def test_no_spelling_belongs_to_two_topics() -> None:
    spellings = [
        s.casefold() for by_lang in TOPIC_SPELLINGS.values() for ss in by_lang.values()
        for s in set(ss)
    ]
    duplicated = {s for s, n in Counter(spellings).items() if n > 1}
    # A spelling may repeat across the two languages of one topic, never across topics.
    for spelling in duplicated:
        owners = {c for c, by in TOPIC_SPELLINGS.items()
                  for ss in by.values() if spelling in {x.casefold() for x in ss}}
        assert len(owners) == 1, spelling
    assert all("," not in s for s in spellings)


@pytest.mark.parametrize("seed", [2026, *SEEDS])
def test_most_mentees_can_be_matched_and_a_few_cannot(seed: int) -> None:
    people = demo_people(seed)
    mentees = list(filter(wants_mentor, people))
    helped = [
        person
        for person in mentees
        if any(
            clusters(person.topics_sought) & clusters(m.topics_offered)
            for m in mentors_for(person, people)
        )
    ]
    assert len(helped) >= 0.8 * len(mentees)
    assert len(helped) < len(mentees)  # the hard cases are part of the demo


def test_reverse_mentoring_has_a_younger_mentor(cast: list[DemoPerson]) -> None:
    reverse = [p for p in cast if p.reverse]
    assert {p.language for p in reverse} == {"fr", "en"}
    for person in reverse:
        assert person.role == "mentee"
        assert person.seniority >= 4
        younger = [
            m
            for m in mentors_for(person, cast)
            if m.seniority < person.seniority
            and clusters(person.topics_sought) & clusters(m.topics_offered)
        ]
        assert younger, person


def test_departments_span_the_whole_programme(cast: list[DemoPerson]) -> None:
    departments = {p.department for p in cast}
    assert len(departments) >= 15
    pupils = [p for p in cast if p.seniority == 1]
    assert 2 <= len(pupils) <= 8
    assert all(p.role == "mentee" for p in pupils)
    founders = {p.department for s in SEEDS for p in demo_people(s)}
    assert any(d.startswith(("Entrepreneur", "Founder")) for d in founders)
    assert Counter(p.seniority for p in cast).keys() == {1, 2, 3, 4, 5}


def test_goals_are_one_to_three_sentences_in_the_right_language(
    cast: list[DemoPerson],
) -> None:
    french_words = {"je", "j'", "de", "mon", "ma", "mes", "une", "les", "le", "la"}
    english_words = {"i", "i'm", "i'd", "i've", "my", "to", "the", "a", "and"}
    for person in cast:
        assert 1 <= len(SENTENCE_END.findall(person.goals)) <= 3, person.goals
        words = set(re.findall(r"[a-zà-ÿ]+'?", person.goals.lower()))
        if person.language == "fr":
            assert words & french_words, person.goals
            assert not words & {"i", "my", "the"}, person.goals
        else:
            assert words & english_words, person.goals
            assert not words & {"je", "mon", "une", "les"}, person.goals


def test_goals_are_varied() -> None:
    cast = demo_people()
    assert len({p.goals for p in cast}) >= 0.9 * len(cast)
    sentences: dict[str, set[str]] = {"fr": set(), "en": set()}
    for seed in SEEDS:
        for person in demo_people(seed):
            parts = re.split(r"(?<=[.!?])\s+", person.goals)
            sentences[person.language].update(parts)
    assert len(sentences["fr"]) >= 40
    assert len(sentences["en"]) >= 40
