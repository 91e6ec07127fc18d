"""Realistic generated mentees and mentors for the benchmarks (fixed seed, no I/O but the taxonomy).

What makes them realistic enough to measure with:
- topics drawn by popularity (Zipf over a seeded order of the taxonomy), mostly within one
  favourite category per person, plus a few free tags;
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
from pathlib import Path

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
FREE_TAGS = [
    "free:lutherie", "free:apiculture", "free:escape games", "free:cosplay",
    "free:calligraphie", "free:drone racing", "free:oenologie", "free:speedcubing",
]
GOAL_OPENINGS_EN = [
    "I want to get better at {a} and understand {b}.",
    "Looking for advice on {a}; I am also curious about {b}.",
    "My goal this year: move into {a}, with some help on {b}.",
    "I'd like to talk about {a} and how to grow my career.",
]
GOAL_OPENINGS_FR = [
    "Je voudrais progresser en {a} et mieux comprendre {b}.",
    "Je cherche des conseils sur {a} ; {b} m'intéresse aussi.",
    "Mon objectif : me former en {a}, avec un coup de main sur {b}.",
    "J'aimerais échanger sur {a} et sur mon projet professionnel.",
]
MENTOR_OPENINGS_EN = [
    "Fifteen years in {a}; happy to share what I learned about {b}.",
    "I lead a team working on {a} and I enjoy coaching people on {b}.",
    "Former {a} lead, now helping juniors with {b} and career choices.",
]
MENTOR_OPENINGS_FR = [
    "Quinze ans d'expérience en {a} ; je partage volontiers ce que je sais sur {b}.",
    "J'encadre une équipe en {a} et j'aime accompagner sur {b}.",
    "Ancienne responsable {a}, j'aide les jeunes sur {b} et leurs choix d'orientation.",
]


def _weighted(rng: random.Random, table: list[tuple[object, int]]):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


class PeopleFactory:
    """Draws profiles; one factory per seed gives the same people every run."""

    def __init__(self, taxonomy: Taxonomy, seed: int = 7) -> None:
        self.taxonomy = taxonomy
        self.rng = random.Random(seed)
        ids = list(taxonomy.ids)
        self.rng.shuffle(ids)
        self.popularity = {topic: 1.0 / (rank + 1) ** 0.9 for rank, topic in enumerate(ids)}
        self.by_category: dict[str, list[str]] = {}
        for topic in taxonomy.topics:
            self.by_category.setdefault(topic.category, []).append(topic.id)
        self.categories = list(self.by_category)
        self.category_cumulative = list(
            itertools.accumulate(
                sum(self.popularity[t] for t in self.by_category[c]) for c in self.categories
            )
        )
        self.cumulative = {
            cat: list(itertools.accumulate(self.popularity[t] for t in topics))
            for cat, topics in self.by_category.items()
        }
        self.all_topics = list(self.popularity)
        self.all_cumulative = list(itertools.accumulate(self.popularity.values()))

    def topics(self, count: int) -> tuple[str, ...]:
        rng = self.rng
        favourite = rng.choices(self.categories, cum_weights=self.category_cumulative)[0]
        chosen: list[str] = []
        for _ in range(count * 3):
            if len(chosen) == count:
                break
            if rng.random() < 0.7:
                pool, cumulative = self.by_category[favourite], self.cumulative[favourite]
            else:
                pool, cumulative = self.all_topics, self.all_cumulative
            topic = rng.choices(pool, cum_weights=cumulative)[0]
            if topic not in chosen:
                chosen.append(topic)
        if rng.random() < 0.04:
            chosen.append(rng.choice(FREE_TAGS))
        return tuple(chosen)

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

    def goals(self, topics: tuple[str, ...], lang: str, mentor: bool) -> str:
        rng = self.rng
        names = [self.taxonomy.label(t, lang).lower() for t in topics] or ["my career"]
        a = names[0]
        b = names[1] if len(names) > 1 else rng.choice(names)
        if mentor:
            template = rng.choice(MENTOR_OPENINGS_FR if lang == "fr" else MENTOR_OPENINGS_EN)
        else:
            template = rng.choice(GOAL_OPENINGS_FR if lang == "fr" else GOAL_OPENINGS_EN)
        return template.format(a=a, b=b)

    def person(self, person_id: int, *, mentor: bool, capacity: int | None = None) -> Profile:
        rng = self.rng
        languages = frozenset(_weighted(rng, LANGUAGES))
        lang = "fr" if "fr" in languages and ("en" not in languages or rng.random() < 0.5) else "en"
        roles = {"mentor"} if mentor else {"mentee"}
        if rng.random() < (0.08 if mentor else 0.04):
            roles = {"mentor", "mentee"}
        sought = self.topics(rng.randint(1, 4))
        offered = self.topics(rng.randint(2, 6)) if "mentor" in roles else ()
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
            topics_sought=sought if ("mentee" in roles) else (),
            topics_offered=offered,
            goals=self.goals(offered or sought, lang, "mentor" in roles),
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
