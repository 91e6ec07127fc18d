"""Scoring one pair: hard constraints, criteria across time zones, reasons."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_people import REFERENCE_DATE, build_mentor, build_profile

from matching.model import CRITERIA, Constraints, Weights
from matching.scoring import score_pair, unmet_constraint
from matching.text import TextModel


def score(mentee, mentor, weights=None, constraints=None, **kwargs):
    return score_pair(
        mentee, mentor, weights or Weights(), constraints, reference_date=REFERENCE_DATE, **kwargs
    )


# ------------------------------------------------------------------ weights


def test_weights_from_config_mapping():
    weights = Weights.from_mapping({"topics": 5, "goals": 0.0, "department_mode": "same"})
    assert weights.topics == 5.0 and weights.goals == 0.0 and weights.department_mode == "same"
    assert weights.availability == Weights().availability


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"topic": 1.0}, "topic"),
        ({"topics": -1}, "topics"),
        ({"load": "high"}, "load"),
        ({"seniority": True}, "seniority"),
        ({"availability": float("nan")}, "availability"),
        ({"department_mode": "random"}, "department_mode"),
    ],
)
def test_bad_weights_name_the_offending_key(data, key):
    with pytest.raises(ValueError, match=key):
        Weights.from_mapping(data)


# ------------------------------------------------------------------ hard constraints


def test_each_hard_constraint_refuses_the_pair():
    mentee = build_profile(1, languages={"fr", "en"})
    good = build_mentor(100, languages={"fr"})
    assert score(mentee, good) is not None
    cases = {
        "not_mentor": build_profile(100),
        "paused": build_mentor(100, paused=True),
        "no_capacity": build_mentor(100, capacity=2, load=2),
        "no_shared_language": build_mentor(100, languages={"de"}),
        "manager": build_mentor(100, manager_id=1),
    }
    for code, mentor in cases.items():
        assert unmet_constraint(mentee, mentor, Constraints()) == code
        assert score(mentee, mentor) is None
    managed = build_profile(1, manager_id=100)
    assert score(managed, good) is None
    peer = build_mentor(1, roles={"mentor", "mentee"})
    assert unmet_constraint(peer, peer, Constraints()) == "self"
    for constraints in (
        Constraints(blocked=frozenset({frozenset({1, 100})})),
        Constraints(blocked=frozenset({frozenset({100, 1})})),
        Constraints(declined=frozenset({(1, 100)})),
    ):
        assert score(mentee, good, constraints=constraints) is None
    # A decline is directional: the mentor declined mentee 1, not mentee 2.
    other = build_profile(2)
    assert score(other, good, constraints=Constraints(declined=frozenset({(1, 100)}))) is not None


# ------------------------------------------------------------------ criteria


def test_availability_is_compared_in_utc_across_time_zones():
    # Paris 18:00-20:00 is 17:00-19:00 UTC in winter; Toronto 12:00-14:00 too.
    mentee = build_profile(1, timezone="Europe/Paris", availability=((1, 1080, 1200),))
    mentor = build_mentor(timezone="America/Toronto", availability=((1, 720, 840),))
    suggestion = score(mentee, mentor)
    assert suggestion.criteria["availability"] == 1.0
    assert {"code": "availability", "hours": 2} in [
        {"code": r.code, "hours": r.params.get("hours")} for r in suggestion.reasons
    ]


def test_availability_follows_daylight_saving_of_the_reference_week():
    # 12 March 2025: Toronto is already on summer time, Paris is not (until 30 March).
    mentee = build_profile(1, timezone="Europe/Paris", availability=((1, 1080, 1200),))
    mentor = build_mentor(timezone="America/Toronto", availability=((1, 720, 840),))
    suggestion = score_pair(mentee, mentor, Weights(), reference_date=date(2025, 3, 12))
    assert suggestion.criteria["availability"] == 0.5  # only 17:00-18:00 UTC in common


def test_no_common_hour_means_no_availability_reason():
    mentee = build_profile(1, availability=((1, 1080, 1200),))
    mentor = build_mentor(availability=((4, 600, 660),))
    suggestion = score(mentee, mentor)
    assert suggestion.criteria["availability"] == 0.0
    assert "availability" not in [r.code for r in suggestion.reasons]


def test_topic_coverage_and_reason_lists_shared_topics_in_the_mentees_order():
    mentee = build_profile(1, topics_sought=("python", "leadership", "sql", "python"))
    mentor = build_mentor(topics_offered=("sql", "python", "cooking"))
    suggestion = score(mentee, mentor)
    assert suggestion.criteria["topics"] == pytest.approx(2 / 3)
    [topics] = [r for r in suggestion.reasons if r.code == "topics"]
    assert topics.params == {"count": 2, "topics": ("python", "sql")}


def test_seniority_prefers_a_more_senior_mentor_and_inverts_for_reverse_mentoring():
    junior = build_profile(1, seniority=2)
    senior = build_mentor(seniority=4)
    assert score(junior, senior).criteria["seniority"] == 1.0
    assert score(build_profile(1, seniority=4), build_mentor(seniority=2)).criteria[
        "seniority"
    ] == 0.0
    reverse = build_profile(1, seniority=4, reverse=True)
    suggestion = score(reverse, build_mentor(seniority=2))
    assert suggestion.criteria["seniority"] == 1.0
    [reason] = [r for r in suggestion.reasons if r.code == "seniority"]
    assert reason.params == {"count": 2, "reverse": True}
    assert reason.message_key == "matching.reason.seniority_reverse"
    assert score(build_profile(1, seniority=0), senior).criteria["seniority"] == 0.0


def test_department_modes():
    mentee = build_profile(1, department="Sales")
    other, same = build_mentor(department="IT"), build_mentor(department=" sales ")
    diverse = Weights(department_mode="diverse")
    assert score(mentee, other, diverse).criteria["department"] == 1.0
    assert score(mentee, same, diverse).criteria["department"] == 0.0
    assert score(mentee, same, Weights(department_mode="same")).criteria["department"] == 1.0
    indifferent = Weights(department_mode="indifferent")
    a = score(mentee, other, indifferent)
    b = score(mentee, same, indifferent)
    assert a.score == b.score and "department" not in [r.code for r in a.reasons]
    [reason] = [r for r in score(mentee, other, diverse).reasons if r.code == "department"]
    assert reason.message_key == "matching.reason.department_diverse"
    assert reason.params["department"] == "IT"


def test_goals_similarity_names_shared_words():
    mentee = build_profile(1, goals="I want to grow as a data engineer and mentor juniors")
    mentor = build_mentor(goals="Data engineering lead; I mentor juniors on pipelines")
    suggestion = score(mentee, mentor)
    assert suggestion.criteria["goals"] > 0.2
    [reason] = [r for r in suggestion.reasons if r.code == "goals"]
    assert "data" in reason.params["words"]
    unrelated = score(mentee, build_mentor(goals="Pâtisserie et boulangerie"))
    assert unrelated.criteria["goals"] == 0.0


def test_load_spreads_requests():
    mentee = build_profile(1)
    assert score(mentee, build_mentor(capacity=4, load=0)).criteria["load"] == 1.0
    assert score(mentee, build_mentor(capacity=4, load=3)).criteria["load"] == 0.25


def test_total_is_the_weighted_mean_of_the_criteria():
    mentee = build_profile(1, topics_sought=("python",), seniority=1, department="IT")
    mentor = build_mentor(topics_offered=("python",), seniority=3, department="Sales")
    weights = Weights(topics=2, availability=1, seniority=1, department=1, goals=1, load=1,
                      language=1)
    suggestion = score(mentee, mentor, weights)
    expected = sum(getattr(weights, c) * suggestion.criteria[c] for c in CRITERIA) / 8
    assert suggestion.score == pytest.approx(expected)


def test_reasons_name_only_contributing_criteria_strongest_first():
    mentee = build_profile(1, topics_sought=("python", "sql"), seniority=1)
    mentor = build_mentor(topics_offered=("python",), seniority=3, availability=())
    weights = Weights(goals=0.0, department=0.0)
    suggestion = score(mentee, mentor, weights)
    codes = [r.code for r in suggestion.reasons]
    assert "availability" not in codes and "goals" not in codes and "department" not in codes
    contributions = [getattr(weights, c) * suggestion.criteria[c] for c in codes]
    assert contributions == sorted(contributions, reverse=True)


def test_zero_weights_everywhere_still_respects_hard_constraints():
    zero = Weights(topics=0, availability=0, seniority=0, department=0, goals=0, load=0,
                   language=0)
    mentee = build_profile(1)
    suggestion = score(mentee, build_mentor(), zero)
    assert suggestion.score == 0.0 and suggestion.reasons == ()
    assert score(mentee, build_mentor(languages={"de"}), zero) is None


@settings(max_examples=150, deadline=None)
@given(
    goals=st.text(max_size=400),
    topics=st.lists(st.sampled_from(["python", "sql", "free:x", "leadership"]), max_size=4),
    seniority=st.integers(-3, 9),
    capacity=st.integers(1, 5),
    timezone=st.sampled_from(["Europe/Paris", "Not/AZone", "", "Asia/Kathmandu"]),
    slots=st.lists(
        st.tuples(st.integers(-1, 8), st.integers(-10, 1500), st.integers(-10, 1500)), max_size=4
    ),
)
def test_criteria_stay_in_unit_interval_for_any_input(goals, topics, seniority, capacity,
                                                       timezone, slots):
    mentee = build_profile(1, goals=goals, topics_sought=tuple(topics), seniority=seniority,
                           timezone=timezone, availability=tuple(slots))
    mentor = build_mentor(goals=goals[::-1], topics_offered=tuple(topics[:2]),
                          seniority=seniority + 1, capacity=capacity, timezone="UTC",
                          availability=tuple(slots))
    suggestion = score(mentee, mentor, text_model=TextModel.fit([goals]))
    assert 0.0 <= suggestion.score <= 1.0
    assert all(0.0 <= value <= 1.0 for value in suggestion.criteria.values())
    assert {r.code for r in suggestion.reasons} <= {
        c for c, v in suggestion.criteria.items() if v > 0
    }
