"""/notifications on|off — and "stop" (typed, or /stop) outside any question: no more
unsolicited messages.

Unsolicited means what bot/kernel/delivery.py gates: lesson cards and nudges, a mentor's check-ins,
the closing survey. While a person is quiet (a row in `quiet_people`) the gate drops them;
what they asked for, requests, introductions, meeting reminders and their partner's words
still come, and the answer says so, with how to undo it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.router import Router
from bot.onboarding import onboarding
from bot.store.db import Tx
from bot.store.state import get_conversation
from bot.text.phrases import fold

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

A_SET = "notifications.set"      # value: on | off

_ON = {"on", "oui", "yes", "activer", "active", "reprendre", "start"}
_OFF = {"off", "non", "no", "desactiver", "stop", "arreter", "pause"}


async def is_quiet(tx: Tx, person_id: int) -> bool:
    return bool(await tx.value("SELECT 1 FROM quiet_people WHERE person_id = ?", (person_id,)))


async def cmd_notifications(ctx: Context, args: str) -> list[Reply]:
    choice = fold(args)
    if choice in _OFF:
        return await _set(ctx, "off")
    if choice in _ON:
        return await _set(ctx, "on")
    if choice:
        return [ctx.say("notifications.usage")]
    quiet = await is_quiet(ctx.tx, ctx.person.id)
    key, value = ("notifications.turn_on", "on") if quiet else ("notifications.turn_off", "off")
    return [ctx.reply(ctx.t("notifications.state_off" if quiet else "notifications.state_on"),
                      [Button(ctx.t(key), A_SET, value)])]


async def cmd_stop(ctx: Context, args: str) -> list[Reply]:
    """/stop: inside a question it is /cancel; outside, what people mean by it (Telegram's
    habit too): no more unsolicited messages."""
    conv = await get_conversation(ctx.tx, ctx.person.id)
    if conv is not None:
        return await onboarding.cancel(ctx, conv)
    return await _set(ctx, "off")


async def press_set(ctx: Context, value: str) -> list[Reply]:
    if value not in ("on", "off"):
        return [ctx.say("common.unknown_button")]
    return await _set(ctx, value)


async def _set(ctx: Context, value: str) -> list[Reply]:
    if value == "off":
        await ctx.tx.execute("INSERT INTO quiet_people (person_id, since) VALUES (?, ?)"
                             " ON CONFLICT (person_id) DO NOTHING",
                             (ctx.person.id, to_iso(ctx.now)))
        return [ctx.say("notifications.stopped")]
    await ctx.tx.execute("DELETE FROM quiet_people WHERE person_id = ?", (ctx.person.id,))
    return [ctx.say("notifications.started")]


def register(router: Router, registry: AdminRegistry) -> None:
    router.command("notifications", cmd_notifications, aliases=("notifs",),
                   help_key="notifications.help")
    router.command("stop", cmd_stop)
    router.action(A_SET, press_set)
