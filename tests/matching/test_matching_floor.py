"""The quality floor (no pair below it, for /find and for cohorts) and common availability
in words, computed across time zones."""

from __future__ import annotations

import pytest
from matching_people import REFERENCE_DATE, build_mentor, build_profile, random_people

from matching import availability
from matching.cohort import assign, dense_assign, greedy_assign
from matching.model import Weights
from matching.scoring import score_pair
from matching.suggestions import MentorIndex

STRONG = dict(topics_offered=("python", "sql"), seniority=3)


def mentee():
    return build_profile(1, topics_sought=("python", "sql"), seniority=1)


def test_suggestions_stop_at_the_floor_rather_than_fill_the_list():
    weak = build_mentor(100, topics_offered=("cooking",), seniority=1, availability=())
    strong = build_mentor(101, **STRONG)
    index = MentorIndex([weak, strong], Weights(), reference_date=REFERENCE_DATE)
    weak_score = score_pair(mentee(), weak, Weights(), reference_date=REFERENCE_DATE).score
    assert weak_score < 0.25
    assert [s.mentor_id for s in index.suggest(mentee(), k=3)] == [101, 100]  # no floor
    assert [s.mentor_id for s in index.suggest(mentee(), k=3, min_score=0.25)] == [101]
    only_weak = MentorIndex([weak], Weights(), reference_date=REFERENCE_DATE)
    assert only_weak.suggest(mentee(), k=3, min_score=0.25) == []
    assert only_weak.suggest(mentee(), k=3, min_score=weak_score)[0].mentor_id == 100  # at it


@pytest.mark.parametrize("solver", [assign, greedy_assign, dense_assign])
def test_cohort_leaves_below_floor_mentees_unmatched_and_says_their_best(solver):
    weak_mentee = build_profile(2, topics_sought=("ux-design",), seniority=3, availability=())
    mentors = [build_mentor(100, capacity=3, **STRONG)]
    result = solver([mentee(), weak_mentee], mentors, Weights(), reference_date=REFERENCE_DATE,
                    min_score=0.25)
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(1, 100)]
    assert result.unmatched == {2: "below_floor"}
    best = score_pair(weak_mentee, mentors[0], Weights(), reference_date=REFERENCE_DATE).score
    assert result.best_scores[2] == pytest.approx(best) and best < 0.25
    assert result.min_score == 0.25
    without = solver([mentee(), weak_mentee], mentors, Weights(), reference_date=REFERENCE_DATE)
    assert len(without.pairs) == 2 and not without.unmatched  # the floor made the difference


@pytest.mark.parametrize("mode", ["total", "fair"])
def test_no_cohort_pair_is_below_the_floor(mode):
    mentees, mentors = random_people(7, 60, 25)
    floor = 0.3
    result = assign(mentees, mentors, Weights(), mode=mode, reference_date=REFERENCE_DATE,
                    min_score=floor)
    assert all(p.score >= floor - 1e-6 for p in result.pairs)
    free = assign(mentees, mentors, Weights(), mode=mode, reference_date=REFERENCE_DATE)
    assert len(result.pairs) < len(free.pairs)  # weak pairs were refused
    for mentee_id, best in result.best_scores.items():
        assert result.unmatched[mentee_id] == "below_floor" and best < floor


def test_common_availability_is_in_the_mentees_local_week_across_time_zones():
    # Toronto Tuesday 18:00-20:00 is Wednesday 00:00-02:00 in Paris (winter time both).
    toronto = build_profile(1, timezone="America/Toronto", availability=((1, 18 * 60, 20 * 60),))
    paris = build_mentor(100, timezone="Europe/Paris", availability=((2, 0, 120),))
    suggestion = score_pair(toronto, paris, Weights(), reference_date=REFERENCE_DATE)
    when = suggestion.availability
    assert when.params["times"] == ((1, "evening"),) and when.params["hours"] == 2
    assert when.message_key == "matching.reason.availability_when"
    # The same hours read from Paris: Wednesday before 6 a.m.
    paris_mentee = build_profile(2, timezone="Europe/Paris", availability=((2, 0, 120),))
    toronto_mentor = build_mentor(101, timezone="America/Toronto",
                                  availability=((1, 18 * 60, 20 * 60),))
    back = score_pair(paris_mentee, toronto_mentor, Weights(),
                      reference_date=REFERENCE_DATE).availability
    assert back.params["times"] == ((2, "night"),)


def test_no_common_time_and_unknown_times_are_said_even_without_weight():
    silent = Weights(availability=0.0)
    apart = score_pair(build_profile(1), build_mentor(100, availability=((4, 600, 660),)),
                       silent, reference_date=REFERENCE_DATE)
    assert "availability" not in [r.code for r in apart.reasons]
    assert apart.availability.message_key == "matching.reason.availability_none"
    unknown = score_pair(build_profile(1), build_mentor(100, availability=()), silent,
                         reference_date=REFERENCE_DATE)
    assert unknown.availability.message_key == "matching.reason.availability_unknown_them"
    mine = score_pair(build_profile(1, availability=()), build_mentor(100), silent,
                      reference_date=REFERENCE_DATE)
    assert mine.availability.message_key == "matching.reason.availability_unknown_you"


def test_local_times_cover_every_part_of_the_day():
    monday = availability.reference_monday(REFERENCE_DATE)
    mask = availability.week_mask(((0, 0, 1440),), "UTC", monday)
    assert availability.local_times(mask, "UTC", monday) == tuple(
        (0, part) for part in availability.PARTS)
    assert [availability.PARTS[availability.part_of(h)] for h in (5, 6, 12, 13, 14, 18, 23)] \
        == ["night", "morning", "midday", "midday", "afternoon", "evening", "evening"]
