"""Domain events inside one transaction, handled by type.

A feature that reacts to another's change (a nudge after a match, points for a held
meeting) registers a handler for an event class of bot/kernel/domain_events.py instead of being
called by name, so modules stay independent:

    router.hooks.on(Matched, on_matched)           # async def on_matched(tx, services, event)
    await ctx.emit(Matched(match_id, mentee_id, mentor_id, "request"))

Handlers run in the emitter's transaction, in the order they were registered: their writes
commit or roll back with it. Dispatch is by the event's exact class. Anything that is not a
domain event class (a string, the base class) is refused with a TypeError when registered
or emitted, and so is a handler whose annotated event parameter cannot take the event.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin

from bot.kernel.domain_events import DomainEvent

if TYPE_CHECKING:
    from bot.kernel.context import Services
    from bot.store.db import Tx

E = TypeVar("E", bound=DomainEvent)
Handler = Callable[["Tx", "Services", E], Awaitable[None]]


@dataclass
class Hooks:
    handlers: dict[type[DomainEvent], list[Handler[Any]]] = field(default_factory=dict)

    def on(self, event_type: type[E], handler: Handler[E]) -> None:
        if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)) \
                or event_type is DomainEvent:
            raise TypeError(f"hooks.on() takes a domain event class, not {event_type!r}")
        _check_handler(event_type, handler)
        self.handlers.setdefault(event_type, []).append(handler)

    def handled(self) -> frozenset[type[DomainEvent]]:
        """The event classes that have at least one handler."""
        return frozenset(kind for kind, handlers in self.handlers.items() if handlers)

    async def emit(self, tx: Tx, services: Services, event: DomainEvent) -> None:
        if not isinstance(event, DomainEvent):
            raise TypeError(f"hooks.emit() takes a domain event, not {type(event).__name__}")
        for handler in self.handlers.get(type(event), ()):
            await handler(tx, services, event)


def _check_handler(event_type: type[DomainEvent], handler: Callable[..., Any]) -> None:
    """A handler takes (tx, services, event); when its event parameter is annotated with
    event classes, `event_type` must be one of them (a handler for the wrong event fails
    at start-up, not silently at run time)."""
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError):
        return  # a builtin or C callable: nothing to check
    try:
        signature.bind(None, None, None)
    except TypeError:
        raise TypeError(f"a handler of {event_type.__name__} must take (tx, services, event):"
                        f" {handler!r}") from None
    parameter = list(signature.parameters.values())[2:3]
    annotation = parameter[0].annotation if parameter else inspect.Parameter.empty
    if isinstance(annotation, str):
        try:  # `from __future__ import annotations`: resolve it where the handler lives
            inner = inspect.unwrap(handler)
            annotation = eval(annotation, getattr(inner, "__globals__", {}))

        except Exception:
            return  # a name only imported for type checking: nothing to check
    accepted = _classes(annotation)
    if accepted and not any(issubclass(event_type, kind) for kind in accepted):
        raise TypeError(f"{getattr(handler, '__qualname__', handler)!r} handles "
                        f"{' | '.join(k.__name__ for k in accepted)}, not {event_type.__name__}")


def _classes(annotation: Any) -> tuple[type, ...]:
    """The classes an annotation names, or () when it says nothing checkable (Any, a TypeVar)."""
    origin = get_origin(annotation)
    if origin is Union or isinstance(annotation, types.UnionType):
        parts = [_classes(arg) for arg in get_args(annotation)]
        return () if any(not part for part in parts) else tuple(k for p in parts for k in p)
    if origin is not None:  # dict[str, Any]: a dict, which no event is
        annotation = origin
    if isinstance(annotation, type):
        return (annotation,)
    return ()
