"""The data the matching library works on: profiles, constraints, weights, suggestions.

The bot's store converts its rows into these frozen objects; nothing here does I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

Slot = tuple[int, int, int]
"""(weekday 0=Monday..6, start_minute, end_minute) in the person's LOCAL time; end <= 1440."""

MENTEE = "mentee"
MENTOR = "mentor"

DEPARTMENT_MODES = ("diverse", "same", "indifferent")

CRITERIA = ("topics", "language", "availability", "seniority", "department", "goals", "load")
"""Criterion names, in the order they are summed and in which equal contributions are listed."""


@dataclass(frozen=True, slots=True)
class Profile:
    id: int
    roles: frozenset[str]
    topics_sought: tuple[str, ...]
    topics_offered: tuple[str, ...]
    goals: str
    languages: frozenset[str]
    timezone: str
    availability: tuple[Slot, ...]
    seniority: int
    department: str = ""
    capacity: int = 0
    load: int = 0
    paused: bool = False
    manager_id: int | None = None
    reverse: bool = False

    @property
    def is_mentor(self) -> bool:
        return MENTOR in self.roles

    @property
    def remaining(self) -> int:
        """Places a mentor still has (never negative)."""
        return max(0, self.capacity - self.load)


@dataclass(frozen=True)
class Constraints:
    """Pairs that must never be proposed.

    `blocked` holds unordered pairs (either side blocked the other, or a coordinator did);
    `declined` holds (mentee_id, mentor_id) pairs where the mentor declined the mentee before.
    """

    blocked: frozenset[frozenset[int]] = frozenset()
    declined: frozenset[tuple[int, int]] = frozenset()

    @cached_property
    def _partners(self) -> dict[int, frozenset[int]]:
        # Built once per Constraints object so a query costs a dict lookup, not a scan.
        partners: dict[int, set[int]] = {}
        for pair in self.blocked:
            members = tuple(pair)
            if len(members) == 1:  # frozenset({a, a}): someone blocked with themself
                partners.setdefault(members[0], set()).add(members[0])
                continue
            a, b = members[0], members[1]
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        for mentee_id, mentor_id in self.declined:
            partners.setdefault(mentee_id, set()).add(mentor_id)
        return {key: frozenset(value) for key, value in partners.items()}

    def excluded_for(self, mentee_id: int) -> frozenset[int]:
        """Mentor ids this mentee may not be matched with (blocked either way, or declined)."""
        return self._partners.get(mentee_id, frozenset())

    def forbids(self, mentee_id: int, mentor_id: int) -> bool:
        return mentor_id in self.excluded_for(mentee_id)


@dataclass(frozen=True)
class Weights:
    """Weight of each criterion (all >= 0); the score is the weighted mean of the criteria."""

    topics: float = 3.0
    availability: float = 1.5
    seniority: float = 1.0
    department: float = 0.5
    goals: float = 1.0
    load: float = 0.5
    language: float = 1.0
    department_mode: str = "diverse"

    def __post_init__(self) -> None:
        for name in CRITERIA:
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ValueError(f"matching weight {name!r} must be a finite number >= 0")
        if self.department_mode not in DEPARTMENT_MODES:
            raise ValueError(
                f"matching weight 'department_mode' must be one of {', '.join(DEPARTMENT_MODES)}"
            )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Weights:
        """Build from the `[matching.weights]` table of the config.

        Raises ValueError naming the offending key (unknown key, wrong type, negative value).
        """
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ValueError(f"unknown matching weight {key!r}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key == "department_mode":
                if not isinstance(value, str):
                    raise ValueError("matching weight 'department_mode' must be a string")
                values[key] = value
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"matching weight {key!r} must be a number")
            else:
                values[key] = float(value)
        return cls(**values)

    def effective(self) -> dict[str, float]:
        """Weight per criterion as used in the score ("indifferent" silences department)."""
        weights = {name: float(getattr(self, name)) for name in CRITERIA}
        if self.department_mode == "indifferent":
            weights["department"] = 0.0
        return weights


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a pair was suggested, as a catalogue code and its parameters (never a sentence).

    `code` is the criterion name; `message_key` is the catalogue key the bot renders.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message_key(self) -> str:
        variant = self.code
        if self.code == "seniority" and self.params.get("reverse"):
            variant = "seniority_reverse"
        elif self.code == "availability" and "missing" in self.params:
            # scoring.common_availability: when both are free, in words (or why not known)
            missing = self.params["missing"]
            if missing:
                variant = "availability_unknown_" + ("you" if missing != "mentor" else "them")
            else:
                variant = "availability_when" if self.params.get("hours") else \
                    "availability_none"
        elif self.code == "department":
            variant = f"department_{self.params.get('mode', 'diverse')}"
        return f"matching.reason.{variant}"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A mentor for a mentee: the score, each criterion's value, the reasons (criteria that
    contributed, strongest first) and, always, when both are free (`availability`, from
    `scoring.common_availability`: shown even when that criterion weighs nothing)."""

    mentor_id: int
    score: float
    criteria: dict[str, float]
    reasons: tuple[Reason, ...]
    availability: Reason | None = None
