"""Self-service suggestions: the vectorised index agrees with scoring every pair by hand."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st
from matching_people import REFERENCE_DATE, build_mentor, build_profile, random_people

from matching.model import Constraints, Weights
from matching.scoring import score_pair, unmet_constraint
from matching.suggestions import MentorIndex


def reference(index: MentorIndex, mentee, mentors, k, constraints=None, exclude=()):
    """Sort score_pair over every mentor: what suggest must return."""
    found = []
    for mentor in mentors:
        if mentor.id in exclude:
            continue
        suggestion = score_pair(
            mentee, mentor, index.weights, constraints, index.taxonomy,
            text_model=index.text_model, reference_date=REFERENCE_DATE,
        )
        if suggestion is not None:
            found.append(suggestion)
    found.sort(key=lambda s: (-s.score, s.mentor_id))
    return found[:k]


def summary(suggestions):
    return [(s.mentor_id, round(s.score, 12), s.reasons) for s in suggestions]


weights_strategy = st.builds(
    Weights,
    topics=st.sampled_from([0.0, 1.0, 3.0]),
    availability=st.sampled_from([0.0, 1.5]),
    seniority=st.sampled_from([0.0, 1.0]),
    department=st.sampled_from([0.0, 0.5]),
    goals=st.sampled_from([0.0, 1.0]),
    load=st.sampled_from([0.0, 0.5]),
    language=st.sampled_from([0.0, 1.0]),
    department_mode=st.sampled_from(["diverse", "same", "indifferent"]),
)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 6), weights=weights_strategy)
def test_suggest_equals_sorting_score_pair_over_all_mentors(taxonomy, seed, k, weights):
    mentees, mentors = random_people(seed, 6, 25)
    blocked = frozenset({frozenset({mentees[0].id, mentors[0].id})})
    declined = frozenset({(mentees[1].id, mentors[1].id)})
    constraints = Constraints(blocked=blocked, declined=declined)
    index = MentorIndex(mentors, weights, taxonomy, reference_date=REFERENCE_DATE)
    for mentee in mentees:
        got = index.suggest(mentee, k=k, constraints=constraints, exclude={mentors[2].id})
        want = reference(index, mentee, mentors, k, constraints, exclude={mentors[2].id})
        assert summary(got) == summary(want)
        for suggestion in got:
            mentor = index.get(suggestion.mentor_id)
            assert unmet_constraint(mentee, mentor, constraints) is None
            assert suggestion.mentor_id != mentors[2].id


def test_suggestions_carry_their_reasons(taxonomy):
    mentee = build_profile(1, topics_sought=("python", "leadership"), seniority=1,
                           goals="Grow into a data engineering role")
    best = build_mentor(100, topics_offered=("python", "leadership"), seniority=3,
                        goals="Data engineering manager")
    other = build_mentor(101, topics_offered=("cooking",), seniority=3)
    index = MentorIndex([other, best], Weights(), taxonomy, reference_date=REFERENCE_DATE)
    first, second = index.suggest(mentee, k=2)
    assert (first.mentor_id, second.mentor_id) == (100, 101)
    assert first.reasons[0].code == "topics"
    assert first.reasons[0].params["topics"] == ("python", "leadership")
    assert "topics" not in [r.code for r in second.reasons]


def test_upsert_and_remove_change_results_without_rebuilding(taxonomy):
    mentee = build_profile(1, topics_sought=("python",))
    a = build_mentor(100, topics_offered=("python",))
    b = build_mentor(101, topics_offered=("sql",))
    index = MentorIndex([a, b], Weights(), taxonomy, reference_date=REFERENCE_DATE)
    assert [s.mentor_id for s in index.suggest(mentee, k=1)] == [100]
    # The first mentor fills up: they must disappear from suggestions.
    index.upsert(dataclasses.replace(a, load=2))
    assert [s.mentor_id for s in index.suggest(mentee, k=5)] == [101]
    # The second mentor now offers python: they come first among new and old.
    index.upsert(dataclasses.replace(b, topics_offered=("python",)))
    index.upsert(build_mentor(102, topics_offered=("python", "sql"), capacity=3))
    assert {s.mentor_id for s in index.suggest(mentee, k=5)} == {101, 102}
    index.remove(101)
    index.remove(999)  # unknown ids are ignored
    assert [s.mentor_id for s in index.suggest(mentee, k=5)] == [102]
    assert len(index) == 2 and 101 not in index


def test_many_changes_trigger_compaction_and_stay_correct(taxonomy):
    mentees, mentors = random_people(7, 4, 40)
    index = MentorIndex(mentors, Weights(), taxonomy, reference_date=REFERENCE_DATE)
    current = {m.id: m for m in mentors}
    for round_ in range(60):
        for mentor in list(current.values())[:30]:
            changed = dataclasses.replace(mentor, load=(mentor.load + 1) % 3,
                                          seniority=(mentor.seniority + round_) % 6)
            current[mentor.id] = changed
            index.upsert(changed)
    assert index._n < 40 * 60  # retired rows were compacted away
    for mentee in mentees:
        assert summary(index.suggest(mentee, k=4)) == summary(
            reference(index, mentee, list(current.values()), 4)
        )


def test_set_weights_reorders(taxonomy):
    mentee = build_profile(1, topics_sought=("python",), seniority=1)
    topical = build_mentor(100, topics_offered=("python",), seniority=1)
    senior = build_mentor(101, topics_offered=(), seniority=3)
    index = MentorIndex([topical, senior], Weights(), taxonomy, reference_date=REFERENCE_DATE)
    assert index.suggest(mentee, k=1)[0].mentor_id == 100
    index.set_weights(Weights(topics=0.0, seniority=5.0))
    assert index.suggest(mentee, k=1)[0].mentor_id == 101


def test_edge_cases_return_empty_lists(taxonomy):
    mentee = build_profile(1, languages={"de"})
    index = MentorIndex([build_mentor(100)], Weights(), taxonomy, reference_date=REFERENCE_DATE)
    assert index.suggest(mentee) == []
    assert index.suggest(build_profile(2), k=0) == []
    assert MentorIndex([], Weights(), taxonomy).suggest(build_profile(2)) == []
    peer = build_mentor(100, roles={"mentor", "mentee"})
    assert index.suggest(peer) == []  # never oneself


def test_ties_are_broken_by_mentor_id(taxonomy):
    twins = [build_mentor(i) for i in (105, 103, 104, 101, 102)]
    index = MentorIndex(twins, Weights(), taxonomy, reference_date=REFERENCE_DATE)
    assert [s.mentor_id for s in index.suggest(build_profile(1), k=3)] == [101, 102, 103]
