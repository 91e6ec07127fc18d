"""The index changes in place: any mix of new mentors, edited profiles, load changes and
removals gives exactly the suggestions of scoring every current mentor by hand, and the
table never holds more rows than the most mentors it held at once (no compaction needed)."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from matching_people import REFERENCE_DATE, random_people
from test_matching_suggestions import reference, summary

from matching.model import Weights
from matching.suggestions import MentorIndex


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_any_changes_keep_suggestions_exact_and_the_table_small(taxonomy, seed):
    rng = random.Random(seed)
    mentees, mentors = random_people(seed, 5, 20)
    _, pool = random_people(seed + 1, 0, 60)  # other profiles to take fields from
    index = MentorIndex(mentors, Weights(), taxonomy, reference_date=REFERENCE_DATE)
    current = {m.id: m for m in mentors}
    peak, next_id = len(current), 1000
    for _ in range(300):
        draw = rng.random()
        if draw < 0.15 and current:
            gone = rng.choice(sorted(current))
            del current[gone]
            index.remove(gone)
        elif draw < 0.30:
            new = dataclasses.replace(rng.choice(pool), id=next_id)
            next_id += 1
            current[new.id] = new
            index.upsert(new)
        elif current:
            mentor = current[rng.choice(sorted(current))]
            other = rng.choice(pool)
            field = rng.choice(["load", "topics_offered", "goals", "languages",
                                "availability", "seniority", "paused", "department"])
            value = (mentor.load + 1) % 3 if field == "load" else getattr(other, field)
            changed = dataclasses.replace(mentor, **{field: value})
            current[mentor.id] = changed
            index.upsert(changed)
        peak = max(peak, len(current))
        assert index._n <= peak  # freed rows are reused before the table grows
    assert len(index) == len(current) and set(index) == set(current)
    for mentee in mentees:
        want = reference(index, mentee, list(current.values()), 4)
        assert summary(index.suggest(mentee, k=4)) == summary(want)
