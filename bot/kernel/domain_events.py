"""Domain events: what happened, as frozen dataclasses of ids and plain values.

One module reports a change (`await ctx.emit(Matched(...))`); others react to it through
`bot/kernel/hooks.py` (`router.hooks.on(Matched, on_matched)`), so features stay independent. A
handler receives the typed event: a misspelt event or field is an error at once, not a
subscriber that silently never runs. tests/test_domain_events.py checks that every event a
feature handles is emitted somewhere in bot/.

Fields carry ids, never objects: a handler reads what it needs in the emitter's
transaction. Each event checks its fields' types when it is built (a bool is not an id, a
string is not a number), so a caller passing the wrong thing fails in the tests.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, ClassVar, Literal, Union, get_args, get_origin, get_type_hints

MatchSource = Literal["request", "cohort", "manual"]


class DomainEvent:
    """Base of every domain event; checks field types after the dataclass sets them."""

    __slots__ = ()
    _field_types: ClassVar[dict[type, tuple[tuple[str, Any], ...]]] = {}

    def __post_init__(self) -> None:
        cls = type(self)
        spec = DomainEvent._field_types.get(cls)
        if spec is None:
            hints = get_type_hints(cls)
            spec = DomainEvent._field_types[cls] = tuple((f.name, hints[f.name])
                                                         for f in fields(cls))  # type: ignore[arg-type]
        for name, hint in spec:
            value = getattr(self, name)
            if not _conforms(value, hint):
                raise TypeError(f"{cls.__name__}.{name} must be {hint}, not "
                                f"{type(value).__name__} {value!r:.40}")


def _conforms(value: Any, hint: Any) -> bool:
    origin = get_origin(hint)
    if origin is Literal:
        return any(type(value) is type(choice) and value == choice for choice in get_args(hint))
    if origin is Union or origin is types.UnionType:
        return any(_conforms(value, choice) for choice in get_args(hint))
    if hint is None or hint is type(None):
        return value is None
    if hint is int:  # a bool is an int to Python, never an id or a count here
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is datetime:  # every moment in the core is aware (stored as UTC)
        return isinstance(value, datetime) and value.tzinfo is not None
    return isinstance(value, hint)


def event_types() -> tuple[type[DomainEvent], ...]:
    """Every domain event class defined so far (this module's, and any a test defines).
    (The events are not `slots=True`: that makes dataclass build a second class, and the
    first would still be listed here.)"""
    return tuple(DomainEvent.__subclasses__())


# --- the events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started(DomainEvent):
    """Once per process start (bot/kernel/app.py), e.g. to seed daily jobs or settle settings."""


@dataclass(frozen=True)
class Onboarded(DomainEvent):
    """A person finished onboarding: their profile is complete."""

    person_id: int


@dataclass(frozen=True)
class RequestSent(DomainEvent):
    """A mentee asked a mentor (bot/mentoring/mentoring.py)."""

    request_id: int
    mentee_id: int
    mentor_id: int


@dataclass(frozen=True)
class Matched(DomainEvent):
    """A relationship began: a request accepted, a cohort run or a coordinator's pairing."""

    match_id: int
    mentee_id: int
    mentor_id: int
    source: MatchSource


@dataclass(frozen=True)
class RelationshipEnded(DomainEvent):
    """A relationship ended, whatever the reason (its term, a coordinator, a block...)."""

    match_id: int
    mentee_id: int
    mentor_id: int
    reason: str


@dataclass(frozen=True)
class RelationshipQuiet(DomainEvent):
    """Nothing happened in a relationship for `weeks` weeks, and a check-in went unanswered."""

    match_id: int
    mentee_id: int
    mentor_id: int
    weeks: int


@dataclass(frozen=True)
class MeetingConfirmed(DomainEvent):
    """A meeting of a relationship was agreed or moved; `number` 1 is its first meeting."""

    meeting_id: int
    match_id: int
    starts_at: datetime
    number: int


@dataclass(frozen=True)
class MeetingHeld(DomainEvent):
    """A meeting was decided held (bot/meetings/attendance.py), once per relationship it belongs to;
    `number` counts the relationship's held meetings so far."""

    meeting_id: int
    match_id: int
    mentee_id: int
    mentor_id: int
    number: int


@dataclass(frozen=True)
class MeetingRated(DomainEvent):
    """A participant said how useful a meeting was, 1 to 5 (bot/meetings/attendance.py). When the
    rater is the relationship's mentee, it is a rating of the mentor."""

    meeting_id: int
    match_id: int
    person_id: int
    rating: int


@dataclass(frozen=True)
class CheckinAnswered(DomainEvent):
    """A person answered a check-in about a relationship; `checkin_id` when known."""

    person_id: int
    match_id: int
    checkin_id: int | None = None


@dataclass(frozen=True)
class SurveyAnswered(DomainEvent):
    """A person finished the survey at the end of a relationship."""

    person_id: int
    match_id: int


@dataclass(frozen=True)
class LessonCompleted(DomainEvent):
    """A person read a micro-lesson or marked it done (bot/training/training.py)."""

    person_id: int
    lesson_id: str
