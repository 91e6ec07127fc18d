"""Realistic generated mentees and mentors for the benchmarks (fixed seed, no I/O but the taxonomy).

What makes them realistic enough to measure with:
- topics typed as people type them (bench/typed_text.py: phrases in French and English,
  sentences and abbreviations, a dropped letter now and then, never built from the
  taxonomy), 1-4 phrases for what a mentee seeks and 2-6 for what a mentor offers, drawn by
  popularity (a Zipf law over a seeded order of the phrases), 70 % around one favourite
  theme; the text is read by `Taxonomy.normalise` as onboarding reads it, so phrases the
  taxonomy does not know stay free tags;
- goals as people write them: a sentence around their own phrases, or one that names no
  topic at all;
- languages: French only, English only, both, or another language with French or English;
- time zones of a francophone programme (Paris, Brussels, Montréal, Toronto, Dakar,
  Casablanca, Réunion, London, New York, Vancouver, Kolkata);
- availability as people give it: weekday evenings, lunch breaks, weekend mornings,
  a few office-hours slots;
- seniority (mentees mostly students and juniors, mentors more senior), departments, mentor
  capacity and current load, a few paused mentors, peers (both roles), reverse mentoring and
  managers.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

from bench import typed_text
from matching.model import Profile
from matching.topics import Taxonomy

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "content" / "topics.toml"

TIMEZONES = [
    ("Europe/Paris", 40), ("America/Toronto", 12), ("America/Montreal", 10),
    ("Europe/Brussels", 6), ("Africa/Dakar", 6), ("Europe/London", 5),
    ("America/New_York", 5), ("Africa/Casablanca", 4), ("Indian/Reunion", 3),
    ("America/Vancouver", 3), ("Asia/Kolkata", 3), ("Europe/Zurich", 3),
]
LANGUAGES = [
    (("fr",), 40), (("en",), 28), (("fr", "en"), 22), (("fr", "ar"), 3), (("en", "es"), 3),
    (("fr", "en", "es"), 2), (("en", "de"), 1), (("pt", "fr"), 1),
]
DEPARTMENTS = [
    "Engineering", "Sales", "Marketing", "Finance", "Human Resources", "Operations",
    "Legal", "Customer Success", "Product", "Research", "IT", "Communication",
]
THEME_SHARE = 0.7
"""Share of a person's phrases drawn around their favourite theme (the rest from all)."""
ZIPF = 0.9
MAX_TOPICS = 10
"""Topics onboarding keeps from one answer (bot/onboarding/onboarding.py)."""
JOINERS_EN = [", ", ", ", " ; ", " and ", "\n", " / "]
JOINERS_FR = [", ", ", ", " ; ", " et ", "\n", " / "]


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer to "what do you seek / offer?": as typed, and what onboarding keeps."""

    text: str
    phrases: tuple[str, ...]
    ids: tuple[str, ...]


class _Pool:
    """Topic phrases someone may type, with their popularity, overall and per theme."""

    def __init__(self, phrases: list[tuple[str, str]], popularity: dict[str, float]) -> None:
        by_theme: dict[str, list[str]] = {}
        for phrase, theme in phrases:
            by_theme.setdefault(theme, []).append(phrase)
        self.themes = list(by_theme)
        self.theme_cumulative = list(itertools.accumulate(
            sum(popularity[p] for p in by_theme[t]) for t in self.themes))
        self.by_theme = {t: (ps, list(itertools.accumulate(popularity[p] for p in ps)))
                         for t, ps in by_theme.items()}
        self.all = [p for p, _ in phrases]
        self.all_cumulative = list(itertools.accumulate(popularity[p] for p in self.all))


def _weighted(rng: random.Random, table: list[tuple[object, int]]):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


class PeopleFactory:
    """Draws profiles; one factory per seed gives the same people every run.

    With `keep_answers`, `answers[person_id]` keeps what each person typed for their topics
    (off by default: the cohort benchmark measures peak memory).
    """

    def __init__(self, taxonomy: Taxonomy, seed: int = 7, *, keep_answers: bool = False) -> None:
        self.taxonomy = taxonomy
        self.rng = random.Random(seed)
        phrases = typed_text.all_phrases()
        order = [phrase for _, phrase, _ in phrases]
        self.rng.shuffle(order)
        popularity = {phrase: 1.0 / (rank + 1) ** ZIPF for rank, phrase in enumerate(order)}
        en = [(p, t) for lang, p, t in phrases if lang == "en"]
        fr = [(p, t) for lang, p, t in phrases if lang == "fr"]
        self.pools = {"en": _Pool(en, popularity), "fr": _Pool(fr, popularity),
                      "both": _Pool(en + fr, popularity)}
        self.answers: dict[int, list[Answer]] | None = {} if keep_answers else None

    def topics(self, count: int, pool_name: str) -> Answer:
        """`count` phrases typed in one answer, read by `Taxonomy.normalise` as onboarding
        reads it (ids in order of appearance, unknown phrases as free tags, at most 10)."""
        rng = self.rng
        pool = self.pools[pool_name]
        favourite = rng.choices(pool.themes, cum_weights=pool.theme_cumulative)[0]
        chosen: list[str] = []
        for _ in range(count * 3):
            if len(chosen) == count:
                break
            if rng.random() < THEME_SHARE:
                phrases, cumulative = pool.by_theme[favourite]
            else:
                phrases, cumulative = pool.all, pool.all_cumulative
            phrase = rng.choices(phrases, cum_weights=cumulative)[0]
            if phrase not in chosen:
                chosen.append(phrase)
        french = pool_name == "fr" or (pool_name == "both" and rng.random() < 0.5)
        joiner = rng.choice(JOINERS_FR if french else JOINERS_EN)
        text = joiner.join(typed_text.typo(rng, p) for p in chosen)
        if rng.random() < 0.1:  # a sentence around the list
            text = rng.choice(typed_text.OPENERS_FR if french else typed_text.OPENERS_EN) + text
        elif rng.random() < 0.3:
            text = text[:1].upper() + text[1:]
        ids = tuple(dict.fromkeys(m.id for m in self.taxonomy.normalise(text)))[:MAX_TOPICS]
        return Answer(text, tuple(chosen), ids)

    def availability(self, evening_bias: float) -> tuple[tuple[int, int, int], ...]:
        rng = self.rng
        slots: set[tuple[int, int, int]] = set()
        patterns = rng.sample(["evening", "lunch", "weekend", "office"], k=rng.choice((1, 1, 2)))
        if rng.random() < evening_bias and "evening" not in patterns:
            patterns.append("evening")
        for pattern in patterns:
            if pattern == "evening":
                start = rng.choice((17 * 60 + 30, 18 * 60, 18 * 60 + 30, 19 * 60))
                for day in rng.sample(range(5), k=rng.randint(2, 4)):
                    slots.add((day, start, min(1440, start + rng.choice((90, 120, 180)))))
            elif pattern == "lunch":
                for day in rng.sample(range(5), k=rng.randint(2, 5)):
                    slots.add((day, 12 * 60, 13 * 60 + rng.choice((0, 30, 60))))
            elif pattern == "weekend":
                for day in rng.sample((5, 6), k=rng.randint(1, 2)):
                    slots.add((day, rng.choice((9, 10)) * 60, rng.choice((12, 13)) * 60))
            else:
                for day in rng.sample(range(5), k=rng.randint(1, 2)):
                    start = rng.choice((9, 10, 14, 15)) * 60
                    slots.add((day, start, start + rng.choice((60, 120))))
        return tuple(sorted(slots))

    def goals(self, answer: Answer, pool_name: str, lang: str, mentor: bool) -> str:
        """What the person writes about their goals (or, for a mentor, a short bio)."""
        rng = self.rng
        t = typed_text
        french = lang == "fr"
        if mentor:
            templates = (t.BIOS_FR + t.MORE_BIOS_FR) if french else (t.BIOS_EN + t.MORE_BIOS_EN)
            plain = t.PLAIN_BIOS_FR if french else t.PLAIN_BIOS_EN
        else:
            templates = (t.GOALS_FR + t.MORE_GOALS_FR) if french else \
                (t.GOALS_EN + t.MORE_GOALS_EN)
            plain = t.PLAIN_GOALS_FR if french else t.PLAIN_GOALS_EN
        roll = rng.random()
        if roll < 0.2 or not answer.phrases:
            return rng.choice(plain)
        a = answer.phrases[0]
        if len(answer.phrases) > 1:
            b = answer.phrases[1]
        else:  # another interest, from the same phrases people type
            pool = self.pools[pool_name]
            b = rng.choices(pool.all, cum_weights=pool.all_cumulative)[0]
        text = rng.choice(templates).format(a=a, b=b)
        return f"{text} {rng.choice(plain)}" if roll > 0.85 else text

    def person(self, person_id: int, *, mentor: bool, capacity: int | None = None) -> Profile:
        rng = self.rng
        languages = frozenset(_weighted(rng, LANGUAGES))
        lang = "fr" if "fr" in languages and ("en" not in languages or rng.random() < 0.5) else "en"
        roles = {"mentor"} if mentor else {"mentee"}
        if rng.random() < (0.08 if mentor else 0.04):
            roles = {"mentor", "mentee"}
        both = {"fr", "en"} <= languages and rng.random() < 0.3  # bilinguals mix both
        pool_name = "both" if both else lang
        sought = self.topics(rng.randint(1, 4), pool_name) if "mentee" in roles else None
        offered = self.topics(rng.randint(2, 6), pool_name) if "mentor" in roles else None
        if self.answers is not None:
            self.answers[person_id] = [a for a in (sought, offered) if a is not None]
        written = offered or sought
        assert written is not None  # everyone seeks or offers something
        if mentor:
            seniority = rng.choices((0, 2, 3, 4, 5), weights=(5, 20, 35, 30, 10))[0]
            cap = capacity if capacity is not None else rng.choice((1, 2, 2, 3, 3, 4, 5))
            load = 0 if capacity is not None else rng.randint(0, cap)
        else:
            seniority = rng.choices((0, 1, 2, 3, 4), weights=(5, 45, 30, 15, 5))[0]
            cap, load = (2, 0) if "mentor" in roles else (0, 0)
        return Profile(
            id=person_id,
            roles=frozenset(roles),
            topics_sought=sought.ids if sought else (),
            topics_offered=offered.ids if offered else (),
            goals=self.goals(written, pool_name, lang, "mentor" in roles),
            languages=languages,
            timezone=_weighted(rng, TIMEZONES),
            availability=self.availability(0.5 if mentor else 0.7),
            seniority=seniority,
            department=rng.choice(DEPARTMENTS) if rng.random() < 0.85 else "",
            capacity=cap,
            load=load,
            paused=mentor and capacity is None and rng.random() < 0.03,
            manager_id=None,
            reverse=not mentor and rng.random() < 0.03,
        )


def generate(
    n_mentees: int,
    n_mentors: int,
    *,
    seed: int = 7,
    capacity: int | None = None,
    taxonomy: Taxonomy | None = None,
) -> tuple[list[Profile], list[Profile]]:
    """(mentees, mentors); ids 1..n_mentees for mentees and 10_000_001.. for mentors.

    With `capacity` every mentor has that capacity and no load (cohort benchmarks);
    otherwise capacities and loads vary as in a running programme. About 5% of mentees name
    a manager who is among the mentors.
    """
    taxonomy = taxonomy or Taxonomy.load(TAXONOMY_PATH)
    factory = PeopleFactory(taxonomy, seed)
    mentors = [
        factory.person(10_000_001 + i, mentor=True, capacity=capacity) for i in range(n_mentors)
    ]
    mentees = [factory.person(1 + i, mentor=False) for i in range(n_mentees)]
    rng = factory.rng
    with_manager = []
    for mentee in mentees:
        if mentors and rng.random() < 0.05:
            mentee = dataclasses.replace(mentee, manager_id=rng.choice(mentors).id)
        with_manager.append(mentee)
    return with_manager, mentors
