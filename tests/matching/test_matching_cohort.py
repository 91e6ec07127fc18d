"""Cohort matching: optimal, within capacities and hard constraints, with reasons for the rest."""

from __future__ import annotations

import gc
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_people import REFERENCE_DATE, build_mentor, build_profile, random_people
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from matching import availability, cohort_scores
from matching.cohort import MODES, SCALE, UNMATCHED_CODES, assign, dense_assign, greedy_assign
from matching.cohort_scores import build_space, top_candidates
from matching.model import Constraints, Weights
from matching.scoring import mentor_document, score_pair, unmet_constraint
from matching.text import TextModel

WEIGHTS = Weights()
WEIGHTS_STRATEGY = st.builds(
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


def text_model_for(mentors, taxonomy):
    return TextModel.fit(mentor_document(m, taxonomy) for m in mentors if m.is_mentor)


def brute_force(mentees, mentors, weights, constraints, taxonomy, model):
    """(most placements, best total) over every assignment, scored with score_pair."""
    free = {m.id: m.capacity - m.load for m in mentors}
    options = []
    for mentee in mentees:
        row = []
        for mentor in mentors:
            suggestion = score_pair(mentee, mentor, weights, constraints, taxonomy,
                                    text_model=model, reference_date=REFERENCE_DATE)
            if suggestion is not None:
                row.append((mentor.id, suggestion.score))
        options.append(row)
    best = (0, 0.0)

    def walk(i, placed, total):
        nonlocal best
        if i == len(mentees):
            best = max(best, (placed, total), key=lambda b: (b[0], round(b[1], 6)))
            return
        walk(i + 1, placed, total)
        for mentor_id, value in options[i]:
            if free[mentor_id] > 0:
                free[mentor_id] -= 1
                walk(i + 1, placed + 1, total + value)
                free[mentor_id] += 1

    walk(0, 0, 0.0)
    return best


def check_valid(result, mentees, mentors, constraints):
    by_id = {m.id: m for m in mentors}
    mentee_by_id = {m.id: m for m in mentees}
    counts = Counter(p.mentor_id for p in result.pairs)
    for mentor_id, count in counts.items():
        mentor = by_id[mentor_id]
        assert count <= mentor.capacity - mentor.load
    assert len({p.mentee_id for p in result.pairs}) == len(result.pairs)
    for pair in result.pairs:
        assert pair.mentee_id != pair.mentor_id
        assert unmet_constraint(mentee_by_id[pair.mentee_id], by_id[pair.mentor_id],
                                constraints) is None
    placed = {p.mentee_id for p in result.pairs}
    assert set(result.unmatched) == {m.id for m in mentees} - placed
    assert set(result.unmatched.values()) <= set(UNMATCHED_CODES)


def random_constraints(seed, mentees, mentors):
    rng = np.random.default_rng(seed)
    blocked = set()
    declined = set()
    for mentee in mentees:
        if mentors and rng.random() < 0.3:
            blocked.add(frozenset({mentee.id, mentors[rng.integers(len(mentors))].id}))
        if mentors and rng.random() < 0.3:
            declined.add((mentee.id, mentors[rng.integers(len(mentors))].id))
    return Constraints(blocked=frozenset(blocked), declined=frozenset(declined))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), n_mentees=st.integers(1, 6), n_mentors=st.integers(1, 4))
def test_min_cost_flow_equals_dense_optimum_and_brute_force(taxonomy, seed, n_mentees,
                                                            n_mentors):
    mentees, mentors = random_people(seed, n_mentees, n_mentors)
    constraints = random_constraints(seed, mentees, mentors)
    model = text_model_for(mentors, taxonomy)
    kwargs = dict(taxonomy=taxonomy, text_model=model, reference_date=REFERENCE_DATE)
    flow = assign(mentees, mentors, WEIGHTS, constraints, top_k=n_mentors, **kwargs)
    dense = dense_assign(mentees, mentors, WEIGHTS, constraints, **kwargs)
    placed, total = brute_force(mentees, mentors, WEIGHTS, constraints, taxonomy, model)
    for result in (flow, dense):
        check_valid(result, mentees, mentors, constraints)
        assert len(result.pairs) == placed
        assert result.total == pytest.approx(total, abs=1e-5)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_assignments_respect_capacity_and_hard_constraints_at_medium_size(taxonomy, seed):
    mentees, mentors = random_people(seed, 60, 20)
    constraints = random_constraints(seed, mentees, mentors)
    kwargs = dict(taxonomy=taxonomy, reference_date=REFERENCE_DATE)
    total = assign(mentees, mentors, WEIGHTS, constraints, top_k=3, **kwargs)
    fair = assign(mentees, mentors, WEIGHTS, constraints, mode="fair", top_k=3, **kwargs)
    greedy = greedy_assign(mentees, mentors, WEIGHTS, constraints, top_k=3, **kwargs)
    dense = dense_assign(mentees, mentors, WEIGHTS, constraints, **kwargs)
    for result in (total, fair, greedy, dense):
        check_valid(result, mentees, mentors, constraints)
    # Fairness never places fewer people, and lifts (or keeps) the worst pair.
    assert len(fair.pairs) == len(total.pairs)
    if total.pairs:
        assert fair.quality["min_score"] >= total.quality["min_score"] - 1e-6
    # The greedy baseline cannot beat the optimum.
    assert (len(greedy.pairs), greedy.total) <= (len(dense.pairs), dense.total + 1e-6)
    assert len(total.pairs) <= len(dense.pairs)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_vectorised_cohort_scores_equal_score_pair(taxonomy, seed):
    mentees, mentors = random_people(seed, 8, 8)
    constraints = random_constraints(seed, mentees, mentors)
    model = text_model_for(mentors, taxonomy)
    monday = availability.reference_monday(REFERENCE_DATE)
    space = build_space(mentees, mentors, WEIGHTS, constraints, taxonomy, model, monday)
    scores = space.dense_scores()
    for i, mentee in enumerate(space.mentees):
        for j, mentor in enumerate(space.mentors):
            suggestion = score_pair(mentee, mentor, WEIGHTS, constraints, taxonomy,
                                    text_model=model, reference_date=REFERENCE_DATE)
            if suggestion is None:
                assert scores[i, j] == -np.inf
            else:
                assert scores[i, j] == pytest.approx(suggestion.score, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), weights=WEIGHTS_STRATEGY)
def test_pair_scores_and_reasons_are_score_pairs_to_the_bit(taxonomy, seed, weights):
    mentees, mentors = random_people(seed, 25, 10)
    constraints = random_constraints(seed, mentees, mentors)
    model = text_model_for(mentors, taxonomy)
    kwargs = dict(taxonomy=taxonomy, text_model=model, reference_date=REFERENCE_DATE)
    mentee_by_id = {m.id: m for m in mentees}
    mentor_by_id = {m.id: m for m in mentors}
    for mode in MODES:
        result = assign(mentees, mentors, weights, constraints, mode=mode, top_k=4, **kwargs)
        check_valid(result, mentees, mentors, constraints)
        for pair in result.pairs:
            suggestion = score_pair(mentee_by_id[pair.mentee_id], mentor_by_id[pair.mentor_id],
                                    weights, constraints, taxonomy, text_model=model,
                                    reference_date=REFERENCE_DATE)
            assert pair.score == suggestion.score
            assert pair.reasons == suggestion.reasons
        bare = assign(mentees, mentors, weights, constraints, mode=mode, top_k=4,
                      with_reasons=False, **kwargs)
        assert [(p.mentee_id, p.mentor_id) for p in bare.pairs] == [
            (p.mentee_id, p.mentor_id) for p in result.pairs
        ]
        assert [p.score for p in bare.pairs] == pytest.approx(
            [p.score for p in result.pairs], abs=1e-12
        )
        assert all(p.reasons == () for p in bare.pairs)


@pytest.mark.parametrize("goals", [0.0, 1.0])
def test_candidate_lists_hold_each_mentees_best_mentors(taxonomy, monkeypatch, goals):
    # Many mentors per mentee (the chunked pool search), small blocks, two threads.
    monkeypatch.setattr(cohort_scores, "MAX_BLOCK", 7)
    monkeypatch.setattr(cohort_scores, "THREADS", 2)
    weights = Weights(goals=goals)
    for seed in range(6):
        mentees, mentors = random_people(seed, 30, 400, peers=False)
        constraints = random_constraints(seed, mentees, mentors)
        model = text_model_for(mentors, taxonomy)
        monday = availability.reference_monday(REFERENCE_DATE)
        space = build_space(mentees, mentors, weights, constraints, taxonomy, model, monday)
        dense = space.dense_scores()
        for k in (1, 3):
            found = top_candidates(space, k)
            assert found.mentee.size == np.minimum(np.isfinite(dense).sum(axis=1), k).sum()
            assert found.score == pytest.approx(dense[found.mentee, found.mentor], abs=1e-12)
            for i in range(len(space.mentees)):
                row = dense[i][np.isfinite(dense[i])]
                best = np.sort(row)[::-1][:k]
                mine = found.score[found.mentee == i]
                assert list(mine) == sorted(mine, reverse=True)
                if found.exact[i]:
                    assert mine == pytest.approx(best, abs=1e-9)
                elif goals == 0.0:  # the pool is ranked by the score itself (in float32)
                    assert mine[-1] >= best[-1] - 1e-6


def most_placed(points, remaining, threshold):
    """Maximum placements using pairs scoring at least `threshold` (capacity-expanded)."""
    slots = np.repeat(np.arange(remaining.size), remaining)
    allowed = (points >= threshold)[:, slots]
    matching = maximum_bipartite_matching(csr_matrix(allowed), perm_type="column")
    return int((matching >= 0).sum())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_fair_threshold_is_the_highest_that_keeps_everyone_placed(taxonomy, seed):
    mentees, mentors = random_people(seed, 30, 8)
    constraints = random_constraints(seed, mentees, mentors)
    model = text_model_for(mentors, taxonomy)
    kwargs = dict(taxonomy=taxonomy, text_model=model, reference_date=REFERENCE_DATE)
    fair = assign(mentees, mentors, WEIGHTS, constraints, mode="fair", top_k=8, **kwargs)
    monday = availability.reference_monday(REFERENCE_DATE)
    space = build_space(mentees, mentors, WEIGHTS, constraints, taxonomy, model, monday)
    scores = space.dense_scores()
    points = np.where(np.isfinite(scores), np.rint(np.clip(scores, 0, 1) * SCALE), -1)
    placeable = most_placed(points, space.remaining, 0)
    assert len(fair.pairs) == placeable
    if placeable == 0:
        assert "fair_threshold" not in fair.quality
        return
    levels = np.unique(points[points >= 0])
    highest = max(t for t in levels if most_placed(points, space.remaining, t) == placeable)
    assert round(fair.quality["fair_threshold"] * SCALE) == highest
    assert fair.quality["min_score"] >= highest / SCALE - 1e-6


def test_unmatched_mentees_get_a_reason(taxonomy):
    mentors = [
        build_mentor(100, languages={"fr"}, capacity=1),
        build_mentor(101, languages={"en"}, capacity=1, load=1),
        build_mentor(102, languages={"es"}, capacity=1),
    ]
    mentees = [
        build_profile(1, languages={"de"}),  # nobody speaks German
        build_profile(2, languages={"en"}),  # the English mentor is full
        build_profile(3, languages={"es"}),  # blocked with the only Spanish mentor
        build_profile(4, languages={"fr"}, topics_sought=("python",)),
        build_profile(5, languages={"fr"}),  # loses the only French place to mentee 4
    ]
    mentors[0] = build_mentor(100, languages={"fr"}, capacity=1, topics_offered=("python",))
    constraints = Constraints(blocked=frozenset({frozenset({3, 102})}))
    result = assign(mentees, mentors, WEIGHTS, constraints, taxonomy=taxonomy,
                    reference_date=REFERENCE_DATE)
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(4, 100)]
    assert result.unmatched == {
        1: "no_shared_language",
        2: "no_capacity",
        3: "all_blocked_or_declined",
        5: "outcompeted",
    }
    lonely = assign([build_profile(1)], [], WEIGHTS)
    assert lonely.unmatched == {1: "no_mentors"} and lonely.pairs == []


def test_peers_are_never_matched_with_themselves(taxonomy):
    both = [build_mentor(i, roles={"mentor", "mentee"}, topics_sought=("python",),
                         topics_offered=("python",), capacity=1) for i in (1, 2, 3)]
    result = assign(both, both, WEIGHTS, taxonomy=taxonomy, reference_date=REFERENCE_DATE)
    assert len(result.pairs) == 3
    assert all(p.mentee_id != p.mentor_id for p in result.pairs)


def test_group_circle_takes_several_mentees(taxonomy):
    circle = build_mentor(100, capacity=4, topics_offered=("leadership",))
    mentees = [build_profile(i, topics_sought=("leadership",)) for i in range(1, 6)]
    result = assign(mentees, [circle], WEIGHTS, taxonomy=taxonomy, reference_date=REFERENCE_DATE)
    assert len(result.pairs) == 4
    assert Counter(result.unmatched.values()) == {"outcompeted": 1}


def test_pairs_carry_reasons_and_quality_figures(taxonomy):
    mentees, mentors = random_people(3, 30, 12, peers=False)
    result = assign(mentees, mentors, WEIGHTS, taxonomy=taxonomy, reference_date=REFERENCE_DATE,
                    compare_dense=True)
    assert result.pairs
    for pair in result.pairs:
        suggestion = score_pair(
            next(m for m in mentees if m.id == pair.mentee_id),
            next(m for m in mentors if m.id == pair.mentor_id),
            WEIGHTS, taxonomy=taxonomy, reference_date=REFERENCE_DATE,
            text_model=text_model_for(mentors, taxonomy),
        )
        assert pair.score == pytest.approx(suggestion.score)
        assert pair.reasons == suggestion.reasons
    quality = result.quality
    for key in ("placed", "min_score", "p10_score", "mean_rank", "blocking_pairs",
                "share_of_optimum", "exact_top_k"):
        assert key in quality
    assert quality["share_of_optimum"] <= 1.0 + 1e-9
    assert quality["min_score"] <= quality["p10_score"] <= quality["mean_score"] + 1e-9


def test_reasons_read_late_and_in_any_order_are_score_pairs(taxonomy):
    # A plan reads the reasons of the few pairs it shows, after the run, best first: each
    # pair's are worked out when read, and must be what score_pair gives (the mentors'
    # documents carry the topics' English and French labels).
    mentees, mentors = random_people(11, 40, 15)
    model = text_model_for(mentors, taxonomy)
    by_id = {m.id: m for m in [*mentees, *mentors]}
    for mode in MODES:
        result = assign(mentees, mentors, WEIGHTS, mode=mode, taxonomy=taxonomy,
                        text_model=model, reference_date=REFERENCE_DATE)
        assert result.pairs
        shown = sorted(result.pairs, key=lambda p: -p.score)
        for pair in [*shown[:5], *shown]:
            suggestion = score_pair(by_id[pair.mentee_id], by_id[pair.mentor_id], WEIGHTS,
                                    taxonomy=taxonomy, text_model=model,
                                    reference_date=REFERENCE_DATE)
            assert pair.score == suggestion.score
            assert pair.reasons == suggestion.reasons
        assert any(r.code == "goals" for p in result.pairs for r in p.reasons)


def test_a_run_leaves_the_garbage_collector_as_it_found_it():
    mentees, mentors = random_people(4, 6, 3)
    assert gc.isenabled()
    assign(mentees, mentors, WEIGHTS, reference_date=REFERENCE_DATE)
    assert gc.isenabled()
    with pytest.raises(ValueError):
        assign(mentees, mentors, WEIGHTS, mode="lottery")
    assert gc.isenabled()
    gc.disable()
    try:
        greedy_assign(mentees, mentors, WEIGHTS, reference_date=REFERENCE_DATE)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_bad_mode_is_refused():
    with pytest.raises(ValueError, match="mode"):
        assign([], [], WEIGHTS, mode="lottery")


def test_empty_inputs():
    result = assign([], [build_mentor()], WEIGHTS)
    assert result.pairs == [] and result.total == 0.0 and result.unmatched == {}
    assert dense_assign([], [], WEIGHTS).pairs == []
    assert greedy_assign([build_profile(1)], [], WEIGHTS).unmatched == {1: "no_mentors"}
