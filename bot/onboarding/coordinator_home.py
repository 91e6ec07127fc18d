"""What a coordinator sees before (or instead of) a participant profile.

A coordinator is staff: `/start`, `/help` and a first "hello" tell them which programme they
coordinate and how to run it (`/admin help`), with no onboarding or consent question. One
button lets them also take part as a mentor or mentee; from then on (onboarding begun) they
get the participant's flow, and once their profile is complete they count as a participant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.roles import is_coordinator, is_coordinator_only
from bot.onboarding import onboarding
from bot.store.state import get_conversation

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

A_JOIN = "coordinator.join"   # no value: start the participant onboarding


async def _welcome_instead(ctx: Context) -> bool:
    """A coordinator-only person who has not begun (or has given up) a participant profile."""
    if ctx.person.status not in ("new", "no_consent"):
        return False
    if await get_conversation(ctx.tx, ctx.person.id) is not None:
        return False
    return await is_coordinator_only(ctx)


def welcome(ctx: Context) -> Reply:
    programme = ctx.services.programme_name(ctx.person.programme_id, ctx.lang)
    return ctx.reply(ctx.t("coordinator_home.welcome", programme=programme),
                     [Button(ctx.t("coordinator_home.join"), A_JOIN, "")])


async def start(ctx: Context) -> list[Reply]:
    """/start or a first message: a coordinator's welcome, else onboarding as usual."""
    if await _welcome_instead(ctx):
        return [welcome(ctx)]
    return await onboarding.start(ctx)


async def press_join(ctx: Context, value: str) -> list[Reply]:
    """*Also take part*: the participant onboarding, from its first question."""
    return await onboarding.start(ctx)


async def help_reply(ctx: Context, registry: AdminRegistry | None,
                     participant_lines: list[str]) -> Reply:
    """/help: a coordinator-only person gets the coordinator's commands; a coordinator who
    also takes part gets the participant's list and where their admin commands are."""
    if registry is None or not await is_coordinator(ctx):
        return ctx.reply("\n".join(participant_lines))
    if ctx.person.onboarded_at is not None:
        return ctx.reply("\n".join([*participant_lines, "", ctx.t("coordinator_home.also")]))
    programme = ctx.services.programme_name(ctx.person.programme_id, ctx.lang)
    lines = [ctx.t("coordinator_home.help_title", programme=programme)]
    lines += registry.help_lines(ctx)  # grouped as /admin help groups them
    lines += ["", ctx.t("help.language"), ctx.t("coordinator_home.help_join")]
    return ctx.reply("\n".join(lines))
