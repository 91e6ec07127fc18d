"""`/block`: never anything again between me and this person — no suggestion, no request, no
relayed message, no meeting. An active relationship between them ends, pending requests
between them are closed.

The `blocks` table is read by the matching constraints (bot/mentoring/matchmaking.py,
bot/mentoring/cohorts.py) and by relay mode; ending the relationship emits
`relationship_ended`, which stops nudges and meetings. The other person is told the relationship
ended, never that they were blocked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.kernel import people
from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.outbox import Outgoing
from bot.kernel.people import Person
from bot.kernel.router import Router
from bot.mentoring.pair_actions import close_requests, end_match, open_matches_between

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

A_PICK = "block.pick"        # value: person id
A_CONFIRM = "block.confirm"  # value: person id
A_CANCEL = "block.cancel"
CHOICES = 10


def _int(value: str) -> int | None:
    """A button value as an id; anything else (signs, "１", 40 digits) is None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


async def cmd_block(ctx: Context, args: str) -> list[Reply]:
    handle = args.strip().split(" ")[0] if args.strip() else ""
    if handle:
        target = await people.find_by_handle(ctx.tx, ctx.person.programme_id, handle[:100])
        if target is None:
            return [ctx.say("block.unknown", name=handle.lstrip("@")[:40])]
        return await _confirm(ctx, target)
    buttons = [Button(ctx.t("block.pick_button", name=other.name)[:75], A_PICK, str(other.id))
               for other in await _people_around(ctx)]
    if not buttons:
        return [ctx.say("block.nobody")]
    return [ctx.reply(ctx.t("block.pick"), buttons)]


async def _people_around(ctx: Context) -> list[Person]:
    """People this person has had something to do with: relationships and requests."""
    rows = await ctx.tx.all(
        "SELECT other, max(at) AS at FROM ("
        " SELECT CASE WHEN mentee_id = :me THEN mentor_id ELSE mentee_id END AS other,"
        " started_at AS at FROM matches WHERE mentee_id = :me OR mentor_id = :me"
        " UNION ALL SELECT CASE WHEN mentee_id = :me THEN mentor_id ELSE mentee_id END,"
        " created_at FROM requests WHERE mentee_id = :me OR mentor_id = :me)"
        " WHERE other NOT IN (SELECT blocked_id FROM blocks WHERE person_id = :me)"
        " GROUP BY other ORDER BY at DESC LIMIT :n", {"me": ctx.person.id, "n": CHOICES})
    found = [await people.get(ctx.tx, row["other"]) for row in rows]
    return [person for person in found if person is not None]


async def _target(ctx: Context, value: str) -> Person | None:
    person_id = _int(value)
    target = await people.get(ctx.tx, person_id) if person_id else None
    if target is None or target.programme_id != ctx.person.programme_id:
        return None
    return target


async def press_pick(ctx: Context, value: str) -> list[Reply]:
    target = await _target(ctx, value)
    if target is None:
        return [ctx.say("block.unknown_button")]
    return await _confirm(ctx, target)


async def _confirm(ctx: Context, target: Person) -> list[Reply]:
    if target.id == ctx.person.id:
        return [ctx.say("block.not_yourself")]
    if await _already(ctx, target):
        return [ctx.say("block.already", name=target.name)]
    return [ctx.reply(ctx.t("block.confirm", name=target.name), [
        Button(ctx.t("block.confirm_button", name=target.name)[:75], A_CONFIRM, str(target.id)),
        Button(ctx.t("block.cancel_button"), A_CANCEL, ""),
    ])]


async def _already(ctx: Context, target: Person) -> bool:
    return bool(await ctx.tx.value(
        "SELECT 1 FROM blocks WHERE person_id = ? AND blocked_id = ?",
        (ctx.person.id, target.id)))


async def press_confirm(ctx: Context, value: str) -> list[Reply]:
    target = await _target(ctx, value)
    if target is None:
        return [ctx.say("block.unknown_button")]
    if target.id == ctx.person.id:
        return [ctx.say("block.not_yourself")]
    if await _already(ctx, target):
        return [ctx.say("block.already", name=target.name)]
    ended = await block(ctx, target)
    text = ctx.t("block.done", name=target.name)
    return [ctx.reply(f"{text} {ctx.t('block.done_ended')}" if ended else text)]


async def block(ctx: Context, target: Person) -> int:
    """Record the block and stop everything between the two; returns relationships ended."""
    await ctx.tx.execute(
        "INSERT INTO blocks (person_id, blocked_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING", (ctx.person.id, target.id, to_iso(ctx.now)))
    ended = 0
    for match in await open_matches_between(ctx.tx, ctx.person.id, target.id):
        if await end_match(ctx.tx, ctx.services, match, "blocked", ctx.now):
            ended += 1
            await _tell_ended(ctx, match, target)
    for request in await close_requests(ctx.tx, ctx.now, ctx.person.id, target.id):
        await ctx.notify(target.id, Outgoing(key="block.request_closed",
                                             params={"name": ctx.person.name}),
                         key=f"request:{request['id']}:closed-by-block")
    return ended


async def _tell_ended(ctx: Context, match: Any, target: Person) -> None:
    """The other side learns the relationship ended, not that they were blocked."""
    await ctx.notify(target.id, Outgoing(key="block.ended_other",
                                         params={"name": ctx.person.name}),
                     key=f"match:{match['id']}:ended-by-block")


async def press_cancel(ctx: Context, value: str) -> list[Reply]:
    return [ctx.say("block.cancelled")]


def register(router: Router, registry: AdminRegistry) -> None:
    router.command("block", cmd_block, aliases=("bloquer",), help_key="block.help")
    router.action(A_PICK, press_pick)
    router.action(A_CONFIRM, press_confirm)
    router.action(A_CANCEL, press_cancel)
