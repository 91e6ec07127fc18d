"""Where an event goes: commands by name, buttons by action id, free text by conversation flow.

Feature modules expose `register(router)`; the composition root calls them, so adding a
feature never means editing a central switch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.kernel.context import Context
from bot.kernel.events import Event, Reply
from bot.kernel.hooks import Hooks
from bot.store.state import Conversation

CommandHandler = Callable[[Context, str], Awaitable[list[Reply]]]
ActionHandler = Callable[[Context, str], Awaitable[list[Reply]]]
FlowHandler = Callable[[Context, Conversation, str], Awaitable[list[Reply]]]
# What /skip does in a flow whose question has a skip button ("Passer", "Send without a
# message"): the same as the button, so typing /skip is never "nothing to skip".
SkipHandler = Callable[[Context, Conversation], Awaitable[list[Reply]]]
# Free text outside any conversation that no plain-word command matched: a feature may take
# it as the answer to a question it asked earlier ("oui" after "did your meeting take
# place?"), or return None to let the next one try ("I'm not sure what you mean" at last).
TextHandler = Callable[[Context, str], Awaitable[list[Reply] | None]]
# Asked before any event is routed: replies that take its place (a changed code of conduct
# to accept first), or None to let the event through.
Gate = Callable[[Context, Event], Awaitable[list[Reply] | None]]
# A scheduled change run by the dispatcher when due (a request expiring, a check-in...).
# Called as handler(tx, params, services=...).
JobHandler = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: CommandHandler
    needs_profile: bool = False   # refuse politely until onboarding is complete
    help_key: str = ""            # catalogue key of its /help line ("" = not listed)
    admin: bool = False


@dataclass
class Router:
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    flows: dict[str, FlowHandler] = field(default_factory=dict)
    skips: dict[str, SkipHandler] = field(default_factory=dict)
    texts: list[TextHandler] = field(default_factory=list)
    jobs: dict[str, JobHandler] = field(default_factory=dict)
    hooks: Hooks = field(default_factory=Hooks)
    help_order: list[str] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)

    def command(self, name: str, handler: CommandHandler, *, aliases: tuple[str, ...] = (),
                needs_profile: bool = False, help_key: str = "", admin: bool = False) -> None:
        spec = CommandSpec(name, handler, needs_profile, help_key, admin)
        for alias in (name, *aliases):
            if alias in self.commands:
                raise ValueError(f"command /{alias} registered twice")
            self.commands[alias] = spec
        if help_key:
            self.help_order.append(name)

    def action(self, action_id: str, handler: ActionHandler) -> None:
        if action_id in self.actions:
            raise ValueError(f"action {action_id} registered twice")
        self.actions[action_id] = handler

    def flow(self, name: str, handler: FlowHandler, *, skip: SkipHandler | None = None) -> None:
        self.flows[name] = handler
        if skip is not None:
            self.skips[name] = skip

    def text(self, handler: TextHandler) -> None:
        self.texts.append(handler)

    def gate(self, gate: Gate) -> None:
        self.gates.append(gate)

    def job(self, name: str, handler: JobHandler) -> None:
        if name in self.jobs:
            raise ValueError(f"job {name} registered twice")
        self.jobs[name] = handler


def active_only(handler: ActionHandler) -> ActionHandler:
    """A button that only people with a complete, active profile may press."""
    async def guarded(ctx: Context, value: str) -> list[Reply]:
        if not ctx.person.active:
            return [ctx.say("common.needs_profile")]
        return await handler(ctx, value)
    return guarded
