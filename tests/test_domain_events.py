"""Domain events are typed, and every event a feature handles is emitted somewhere in bot/.

The last check reads the code (an AST scan of bot/ for `emit(SomeEvent(...))`) against the
handlers the real router registers: a feature waiting for an event nobody sends — the
well-rated-mentor badge waited for `meeting_rated` that way — fails here, not in production.
"""

from __future__ import annotations

import ast
import types
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest

from bot.kernel import domain_events
from bot.kernel.app import App, build_router
from bot.kernel.domain_events import (
    CheckinAnswered,
    DomainEvent,
    Matched,
    MeetingConfirmed,
    MeetingHeld,
    MeetingRated,
    Onboarded,
    Started,
    event_types,
)
from bot.kernel.hooks import Hooks
from tests.conftest import START

BOT = Path(__file__).resolve().parent.parent / "bot"

# Emitted for whoever may want them later, with no handler yet (none today).
EMITTED_WITHOUT_HANDLER: frozenset[str] = frozenset()


def sample(kind: type[DomainEvent], **overrides: Any) -> DomainEvent:
    """An event of `kind` whose ids point at nobody (10**9), with `overrides`."""
    values: dict[str, Any] = {}
    hints = get_type_hints(kind)
    for field in fields(kind):  # type: ignore[arg-type]
        values[field.name] = _value_for(hints[field.name])
    return kind(**{**values, **overrides})


def _value_for(hint: Any) -> Any:
    if get_origin(hint) is Literal:
        return get_args(hint)[0]
    if get_origin(hint) is Union or isinstance(hint, types.UnionType):
        return _value_for(next(a for a in get_args(hint) if a is not type(None)))
    return {int: 10**9, str: "x", datetime: START}[hint]


def emitted_in(root: Path) -> dict[str, list[str]]:
    """Event class name -> where (file:line) an `emit(...)` call builds it, across `root`."""
    names = {kind.__name__ for kind in event_types()}
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called(node.func) == "emit"):
                continue
            for arg in node.args:
                built = _called(arg.func) if isinstance(arg, ast.Call) else None
                if built in names:
                    found.setdefault(built, []).append(f"{path.relative_to(root.parent)}:"
                                                       f"{node.lineno}")
    return found


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


# --- the contract -----------------------------------------------------------------------------


def test_every_handled_event_is_emitted_somewhere_in_bot() -> None:
    handled = {kind.__name__ for kind in build_router().hooks.handled()}
    emitted = emitted_in(BOT)
    never_emitted = sorted(handled - set(emitted))
    assert never_emitted == [], f"handled but never emitted in bot/: {never_emitted}"
    assert any(where.startswith("bot/meetings/attendance.py") for where in emitted["MeetingRated"])
    unhandled = set(emitted) - handled
    assert unhandled == EMITTED_WITHOUT_HANDLER, f"emitted with no handler: {sorted(unhandled)}"


def test_every_event_class_is_a_frozen_dataclass_of_ids_and_values() -> None:
    for kind in event_types():
        if kind.__module__ != domain_events.__name__:
            continue
        event = sample(kind)
        for field in fields(event):  # type: ignore[arg-type]
            with pytest.raises(AttributeError):  # frozen
                setattr(event, field.name, getattr(event, field.name))
            assert not field.name.endswith("_at") or kind is MeetingConfirmed
    assert {k.__name__ for k in event_types()} >= {
        "Started", "Onboarded", "RequestSent", "Matched", "RelationshipEnded",
        "RelationshipQuiet", "MeetingConfirmed", "MeetingHeld", "MeetingRated",
        "CheckinAnswered", "SurveyAnswered", "LessonCompleted"}


@pytest.mark.parametrize("overrides", [
    {"match_id": "7"}, {"match_id": True}, {"match_id": None}, {"match_id": 7.0},
    {"source": "hand"}, {"mentee_id": [1]}])
def test_an_ill_typed_event_is_refused_when_built(overrides: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match=r"Matched\.\w+ must be"):
        sample(Matched, **overrides)


def test_a_naive_or_textual_moment_is_refused() -> None:
    for starts_at in ("2027-01-14T16:00:00+00:00", datetime(2027, 1, 14, 16)):
        with pytest.raises(TypeError, match=r"MeetingConfirmed\.starts_at"):
            sample(MeetingConfirmed, starts_at=starts_at)
    assert CheckinAnswered(person_id=1, match_id=2).checkin_id is None  # optional, left out


async def test_strings_and_mismatched_handlers_are_type_errors(app: App) -> None:
    hooks = Hooks()

    async def on_held(tx: Any, services: Any, event: MeetingHeld) -> None:
        raise AssertionError("never called")

    async def on_legacy(tx: Any, services: Any, data: dict[str, Any]) -> None:
        raise AssertionError("never called")

    with pytest.raises(TypeError, match="domain event class"):
        hooks.on("meeting_rated", on_held)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="domain event class"):
        hooks.on(DomainEvent, on_held)
    with pytest.raises(TypeError, match="handles MeetingHeld, not MeetingRated"):
        hooks.on(MeetingRated, on_held)
    with pytest.raises(TypeError, match="handles dict, not Onboarded"):
        hooks.on(Onboarded, on_legacy)
    with pytest.raises(TypeError, match=r"must take \(tx, services, event\)"):
        hooks.on(Started, lambda tx: None)  # type: ignore[arg-type, return-value]
    async with app.db.transaction() as tx:
        with pytest.raises(TypeError, match="takes a domain event"):
            await app.services.hooks.emit(tx, app.services, "onboarded")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await app.services.hooks.emit(tx, app.services, sample(Onboarded),
                                          person_id=1)  # type: ignore[call-arg]


async def test_handlers_get_the_typed_event_in_the_emitters_transaction(app: App) -> None:
    hooks, seen = Hooks(), []

    async def on_either(tx: Any, services: Any, event: Onboarded | Started) -> None:
        seen.append(event)
    hooks.on(Onboarded, on_either)
    hooks.on(Started, on_either)
    async with app.db.transaction() as tx:
        await hooks.emit(tx, app.services, Onboarded(person_id=3))
        await hooks.emit(tx, app.services, Started())
        await hooks.emit(tx, app.services, sample(MeetingHeld))  # no handler: nothing runs
    assert seen == [Onboarded(person_id=3), Started()]
