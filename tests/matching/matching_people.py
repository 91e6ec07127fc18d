"""Profiles for the matching tests: a builder with defaults and small random populations."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from pathlib import Path

from matching.model import Profile

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DATE = date(2025, 3, 5)  # a Wednesday in winter time on both sides of the Atlantic


def build_profile(id: int = 1, **fields) -> Profile:
    """A profile with harmless defaults: a French-speaking mentee in Paris, free Tuesday evening."""
    defaults = dict(
        roles=frozenset({"mentee"}),
        topics_sought=(),
        topics_offered=(),
        goals="",
        languages=frozenset({"fr"}),
        timezone="Europe/Paris",
        availability=((1, 18 * 60, 20 * 60),),
        seniority=0,
    )
    defaults.update(fields)
    for key in ("roles", "languages"):
        if not isinstance(defaults[key], frozenset):
            defaults[key] = frozenset(defaults[key])
    return Profile(id=id, **defaults)


def build_mentor(id: int = 100, **fields) -> Profile:
    fields.setdefault("roles", frozenset({"mentor"}))
    fields.setdefault("capacity", 2)
    return build_profile(id, **fields)


def random_people(
    seed: int, n_mentees: int, n_mentors: int, *, peers: bool = True
) -> tuple[list[Profile], list[Profile]]:
    """Small random populations that exercise every criterion and hard constraint.

    Ids overlap between the two lists when `peers` is on (people with both roles), some
    mentors are full or paused, some mentees name a mentor as their manager.
    """
    rng = random.Random(seed)
    topics = ["python", "sql", "leadership", "ux-design", "public-speaking", "free:lutherie"]
    zones = ["Europe/Paris", "America/Toronto", "Asia/Kolkata", "UTC"]
    slots = [(1, 18 * 60, 20 * 60), (3, 12 * 60, 13 * 60), (5, 9 * 60, 12 * 60), (0, 0, 120)]
    words = ["python", "career", "data", "leadership", "confidence", "design", "equipe"]

    def person(pid: int, mentor: bool) -> Profile:
        both = peers and rng.random() < 0.3
        return build_profile(
            pid,
            roles={"mentor", "mentee"} if both else ({"mentor"} if mentor else {"mentee"}),
            topics_sought=tuple(rng.sample(topics, rng.randint(0, 3))),
            topics_offered=tuple(rng.sample(topics, rng.randint(0, 3))),
            goals=" ".join(rng.choices(words, k=rng.randint(0, 4))),
            languages=set(rng.sample(["fr", "en", "es"], rng.randint(1, 2))),
            timezone=rng.choice(zones),
            availability=tuple(rng.sample(slots, rng.randint(0, 3))),
            seniority=rng.randint(0, 5),
            department=rng.choice(["", "Sales", "IT"]),
            capacity=rng.randint(0, 3) if (mentor or both) else 0,
            load=rng.randint(0, 1),
            paused=rng.random() < 0.1,
            reverse=rng.random() < 0.2,
        )

    mentors = [person(100 + j, True) for j in range(n_mentors)]
    mentees = []
    unused = list(mentors)
    for i in range(n_mentees):
        if peers and unused and rng.random() < 0.2:
            # The same person on both sides (peer mentoring).
            source = unused.pop(rng.randrange(len(unused)))
            mentees.append(dataclasses.replace(source, roles=source.roles | {"mentee"}))
            continue
        mentee = person(1 + i, False)
        if mentors and rng.random() < 0.15:
            mentee = dataclasses.replace(mentee, manager_id=rng.choice(mentors).id)
        mentees.append(mentee)
    return mentees, mentors
