"""Score one (mentee, mentor) pair: hard constraints, weighted criteria and reasons.

`score_pair` is the straightforward reference: the vectorised suggestion index and the
cohort solver compute the same numbers for many pairs at once, and tests hold them to it.

Criteria, each in [0, 1]:
- topics: share of the topics the mentee seeks that the mentor offers;
- language: share of the mentee's languages the mentor speaks (sharing none is a hard stop);
- availability: share of the mentee's weekly hours (UTC) in which the mentor is free too;
- seniority: mentor 1-4 levels above the mentee (2 is best); for reverse mentoring, below;
  0 when either level is unknown;
- department: different departments ("diverse") or the same one ("same"); "indifferent"
  drops the criterion from the score;
- goals: cosine similarity of the mentee's goals with the mentor's goals and offered topics;
- load: share of the mentor's capacity still free (spreads requests across mentors).
The score is the weighted mean: sum(weight * value) / sum(weights).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from matching import availability
from matching.model import CRITERIA, Constraints, Profile, Reason, Suggestion, Weights
from matching.text import TextModel, fold
from matching.topics import Taxonomy, is_free

SENIORITY_BY_GAP = {1: 0.8, 2: 1.0, 3: 0.8, 4: 0.6}
"""Value of a seniority gap (mentor level minus mentee level, or the reverse)."""

_PLAIN_TEXT_MODEL = TextModel()


def seniority_level(value: int) -> int:
    """A seniority in 1..5, or 0 (unknown) for anything else."""
    return value if isinstance(value, int) and 1 <= value <= 5 else 0


def seniority_value(mentee: int, mentor: int, reverse: bool) -> float:
    mentee, mentor = seniority_level(mentee), seniority_level(mentor)
    if mentee == 0 or mentor == 0:
        return 0.0
    gap = mentee - mentor if reverse else mentor - mentee
    return SENIORITY_BY_GAP.get(gap, 0.0)


def department_key(department: str) -> str:
    return fold(department) if isinstance(department, str) else ""


def department_value(mentee: str, mentor: str, mode: str) -> float:
    a, b = department_key(mentee), department_key(mentor)
    if mode == "indifferent" or not a or not b:
        return 0.0
    return float(a != b) if mode == "diverse" else float(a == b)


def unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def mentor_document(mentor: Profile, taxonomy: Taxonomy | None) -> str:
    """What a mentee's goals are compared with: the mentor's goals and offered topics."""
    return _document(mentor.goals, mentor.topics_offered, taxonomy)


@lru_cache(maxsize=1 << 18)
def _document(goals: str, offered: tuple[str, ...], taxonomy: Taxonomy | None) -> str:
    labels = []
    for topic in unique(offered):
        if taxonomy is not None:
            labels += [taxonomy.label(topic, "en"), taxonomy.label(topic, "fr")]
        elif is_free(topic):
            labels.append(topic.split(":", 1)[1])
        else:
            labels.append(topic.replace("-", " "))
    return "\n".join([goals, *labels])


def unmet_constraint(mentee: Profile, mentor: Profile, constraints: Constraints) -> str | None:
    """The first hard constraint the pair breaks, as a code, or None when it may be matched."""
    if not mentor.is_mentor:
        return "not_mentor"
    if mentor.id == mentee.id:
        return "self"
    if mentor.paused:
        return "paused"
    if mentor.load >= mentor.capacity:
        return "no_capacity"
    if not mentee.languages & mentor.languages:
        return "no_shared_language"
    if mentor.manager_id == mentee.id or mentee.manager_id == mentor.id:
        return "manager"
    if constraints.forbids(mentee.id, mentor.id):
        return "blocked_or_declined"
    return None


def criteria_values(
    mentee: Profile,
    mentor: Profile,
    weights: Weights,
    taxonomy: Taxonomy | None,
    text_model: TextModel,
    monday: date,
) -> dict[str, float]:
    """Every criterion's value in [0, 1] (hard constraints are not checked here)."""
    sought = unique(mentee.topics_sought)
    offered = set(mentor.topics_offered)
    shared_languages = mentee.languages & mentor.languages
    mentee_mask = availability.week_mask(mentee.availability, mentee.timezone, monday)
    mentor_mask = availability.week_mask(mentor.availability, mentor.timezone, monday)
    mentee_hours = availability.hours(mentee_mask)
    return {
        "topics": sum(t in offered for t in sought) / len(sought) if sought else 0.0,
        "language": len(shared_languages) / len(mentee.languages) if mentee.languages else 0.0,
        "availability": (
            availability.hours(mentee_mask & mentor_mask) / mentee_hours if mentee_hours else 0.0
        ),
        "seniority": seniority_value(mentee.seniority, mentor.seniority, mentee.reverse),
        "department": department_value(
            mentee.department, mentor.department, weights.department_mode
        ),
        "goals": text_model.similarity(mentee.goals, mentor_document(mentor, taxonomy)),
        "load": (mentor.capacity - mentor.load) / mentor.capacity if mentor.capacity > 0 else 0.0,
    }


def weighted_score(values: dict[str, float], weights: dict[str, float]) -> float:
    total_weight = sum(weights[name] for name in CRITERIA)
    if total_weight <= 0:
        return 0.0
    return sum(weights[name] * values[name] for name in CRITERIA) / total_weight


def explain(
    mentee: Profile,
    mentor: Profile,
    values: dict[str, float],
    weights: Weights,
    taxonomy: Taxonomy | None,
    text_model: TextModel,
    monday: date,
) -> tuple[Reason, ...]:
    """Reasons for the criteria that contributed (value > 0 and weight > 0), strongest first."""
    effective = weights.effective()
    contributing = [
        name for name in CRITERIA if values[name] > 0.0 and effective[name] > 0.0
    ]
    contributing.sort(key=lambda name: -effective[name] * values[name])
    return tuple(
        _reason(name, mentee, mentor, weights, taxonomy, text_model, monday)
        for name in contributing
    )


def _reason(
    name: str,
    mentee: Profile,
    mentor: Profile,
    weights: Weights,
    taxonomy: Taxonomy | None,
    text_model: TextModel,
    monday: date,
) -> Reason:
    if name == "topics":
        offered = set(mentor.topics_offered)
        shared = tuple(t for t in unique(mentee.topics_sought) if t in offered)
        return Reason("topics", {"count": len(shared), "topics": shared})
    if name == "language":
        shared_languages = tuple(sorted(mentee.languages & mentor.languages))
        return Reason("language", {"count": len(shared_languages), "languages": shared_languages})
    if name == "availability":
        common = availability.hours(
            availability.week_mask(mentee.availability, mentee.timezone, monday)
            & availability.week_mask(mentor.availability, mentor.timezone, monday)
        )
        return Reason("availability", {"count": common, "hours": common})
    if name == "seniority":
        gap = abs(seniority_level(mentor.seniority) - seniority_level(mentee.seniority))
        return Reason("seniority", {"count": gap, "reverse": mentee.reverse})
    if name == "department":
        return Reason(
            "department", {"department": mentor.department, "mode": weights.department_mode}
        )
    if name == "goals":
        words = text_model.shared_words(mentee.goals, mentor_document(mentor, taxonomy))
        return Reason("goals", {"count": len(words), "words": words})
    free = mentor.capacity - mentor.load
    return Reason("load", {"count": free, "capacity": mentor.capacity})


def common_availability(mentee: Profile, mentor: Profile, monday: date) -> Reason:
    """When both are free, in the mentee's local week, whatever the criterion's weight.

    Code "availability"; params: `hours` (and `count`) a week in common, `times` the
    (weekday, part of day) cells of the mentee's local time (`availability.local_times`),
    and `missing`: "" when both gave their free times, else "mentee", "mentor" or "both"
    (then nobody can tell, which is not the same as "no hour in common").
    """
    mentee_mask = availability.week_mask(mentee.availability, mentee.timezone, monday)
    mentor_mask = availability.week_mask(mentor.availability, mentor.timezone, monday)
    missing = {(True, True): "both", (True, False): "mentee",
               (False, True): "mentor"}.get((not mentee_mask, not mentor_mask), "")
    common = mentee_mask & mentor_mask
    hours = availability.hours(common)
    times = availability.local_times(common, mentee.timezone, monday) if hours else ()
    return Reason("availability", {"count": hours, "hours": hours, "times": times,
                                   "missing": missing})


def score_pair(
    mentee: Profile,
    mentor: Profile,
    weights: Weights,
    constraints: Constraints | None = None,
    taxonomy: Taxonomy | None = None,
    *,
    text_model: TextModel | None = None,
    reference_date: date | None = None,
) -> Suggestion | None:
    """The suggestion of `mentor` for `mentee`, or None when a hard constraint fails.

    `text_model` weighs words for the goals criterion (plain TF when None; pass the
    MentorIndex's `text_model` to get the same numbers as its suggestions).
    `reference_date` picks the calendar week used for time zones (today in UTC when None).
    """
    if unmet_constraint(mentee, mentor, constraints or Constraints()) is not None:
        return None
    model = text_model or _PLAIN_TEXT_MODEL
    monday = availability.reference_monday(reference_date)
    values = criteria_values(mentee, mentor, weights, taxonomy, model, monday)
    score = weighted_score(values, weights.effective())
    reasons = explain(mentee, mentor, values, weights, taxonomy, model, monday)
    return Suggestion(mentor.id, score, values, reasons,
                      common_availability(mentee, mentor, monday))
