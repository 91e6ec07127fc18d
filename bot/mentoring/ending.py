"""A participant ends their relationship themselves: /end (/terminer), or a button of
/mentors; a mentee may "change mentor" (end, then /find without the former mentor).

Steps: a confirmation (End / Change mentor / Keep), then an optional reason for the
coordinators only (typed, or *Skip*), then the end itself, in one transaction:
- the other person is told kindly, without blame and without the reason, in their language;
- bot.mentoring.lifecycle.end_relationship ends the match as its end date would:
  `relationship_ended` (future meetings cancelled, nudges and prompts dropped) and the closing
  survey to both;
- the coordinators are told through bot.kernel.alerts, with the reason when one was given;
- the pair is not suggested again (a dismissal, as *Not for me*), so a mentee who changes
  mentor is shown others at once.

Every button value is a match id re-checked on each press: someone else's match or one
that already ended gets a polite refusal and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from bot.kernel import people
from bot.kernel.alerts import alert_coordinators
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.ids import parse_number
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.router import CommandHandler, Router, active_only
from bot.mentoring.lifecycle import end_relationship
from bot.mentoring.pair_actions import OPEN_STATUSES, open_matches_of, other_side
from bot.store.db import Tx
from bot.store.state import Conversation, clear_conversation, get_conversation, set_conversation

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

A_ASK = "ending.ask"          # value: match id (the /mentors button)
A_CONFIRM = "ending.confirm"  # value: match id:end|change
A_SKIP = "ending.skip"        # value: match id:end|change (no reason)
A_KEEP = "ending.keep"        # value: match id
F_REASON = "ending_reason"
# bot/mentoring/mentoring.py's "More suggestions", value "0": /find again
FIND_MORE = "find.more"
MODES = ("end", "change")
MAX_REASON = 500
CHANGE = "change"


def relationship_button(ctx: Context, match_id: int, name: str) -> Button:
    """*End my relationship with …*, under a relationship that /mentors lists."""
    return Button(ctx.t("ending.button", name=name)[:75], A_ASK, str(match_id))


# --- asking ---------------------------------------------------------------------------------

async def cmd_end(ctx: Context, args: str, *, find: CommandHandler) -> list[Reply]:
    change = args.strip().lower() in (CHANGE, "changer")
    matches = await open_matches_of(ctx.tx, ctx.person.id)
    if change:
        matches = [m for m in matches if m["mentee_id"] == ctx.person.id]
        if not matches and ctx.person.is_mentee:  # no mentor to change: look for one
            return [ctx.say("ending.no_mentor_yet"), *await find(ctx, "")]
    if not matches:
        return [ctx.say("ending.none")]
    return [await _confirmation(ctx, match, change) for match in matches]


async def press_ask(ctx: Context, value: str) -> list[Reply]:
    match = await _own_open_match(ctx, value)
    if isinstance(match, Reply):
        return [match]
    return [await _confirmation(ctx, match, change=False)]


async def _confirmation(ctx: Context, match: Any, change: bool) -> Reply:
    other = await people.get(ctx.tx, other_side(match, ctx.person.id))
    name = other.name if other else "—"
    as_mentee = match["mentee_id"] == ctx.person.id
    since = format_date(from_iso(match["started_at"]), format="medium", locale=ctx.lang)
    key = "ending.confirm_change" if change and as_mentee else "ending.confirm"
    buttons = [] if change and as_mentee else [
        Button(ctx.t("ending.end_button"), A_CONFIRM, f"{match['id']}:end")]
    if as_mentee:
        buttons.append(Button(ctx.t("ending.change_button"), A_CONFIRM, f"{match['id']}:change"))
    buttons.append(Button(ctx.t("ending.keep_button", name=name)[:75], A_KEEP, str(match["id"])))
    return ctx.reply(ctx.t(key, name=name, since=since), buttons)


async def press_confirm(ctx: Context, value: str) -> list[Reply]:
    found = await _own_open_match(ctx, value, with_mode=True)
    if isinstance(found, Reply):
        return [found]
    match, mode = found
    await set_conversation(ctx.tx, ctx.person.id, Conversation(
        F_REASON, "reason", {"match_id": match["id"], "mode": mode}), ctx.now)
    return [ctx.reply(ctx.t("ending.ask_reason"), [
        Button(ctx.t("ending.skip_reason"), A_SKIP, f"{match['id']}:{mode}"),
        Button(ctx.t("ending.changed_mind"), A_KEEP, str(match["id"]))])]


async def press_keep(ctx: Context, value: str) -> list[Reply]:
    conv = await get_conversation(ctx.tx, ctx.person.id)
    if conv is not None and conv.flow == F_REASON:
        await clear_conversation(ctx.tx, ctx.person.id)
    return [ctx.say("ending.kept")]


# --- the reason, then the end ---------------------------------------------------------------

async def flow_reason(ctx: Context, conv: Conversation, text: str, *,
                      find: CommandHandler) -> list[Reply]:
    if len(text) > MAX_REASON:  # the question stays open: a shorter reason is welcome
        return [ctx.say("ending.reason_too_long", limit=MAX_REASON)]
    value = f"{conv.data.get('match_id', '')}:{conv.data.get('mode', '')}"
    return await _end(ctx, value, " ".join(text.split()), find)


async def press_skip(ctx: Context, value: str, *, find: CommandHandler) -> list[Reply]:
    return await _end(ctx, value, "", find)


async def _end(ctx: Context, value: str, reason: str, find: CommandHandler) -> list[Reply]:
    await clear_conversation(ctx.tx, ctx.person.id)
    found = await _own_open_match(ctx, value, with_mode=True)
    if isinstance(found, Reply):
        return [found]
    match, mode = found
    side = "mentee" if match["mentee_id"] == ctx.person.id else "mentor"
    other = await people.get(ctx.tx, other_side(match, ctx.person.id))
    name = other.name if other else "—"
    if other is not None:  # queued before the survey (same due time, earlier row): read first
        told = "told_mentor_paused" if side == "mentee" and other.paused else \
            f"told_{'mentor' if side == 'mentee' else 'mentee'}"  # a paused mentor has no "place"
        await ctx.notify(other.id, Outgoing(
            key=f"ending.{told}",
            params={"name": ctx.person.name},
            buttons=(OutButton("ending.see_mentors", FIND_MORE, "0"),) if side == "mentor"
            else ()), key=f"ending:{match['id']}:to-{other.id}")
    await end_relationship(ctx.tx, ctx.services, match,
                           f"ended_by_{side}: {reason}" if reason else f"ended_by_{side}",
                           ctx.now)
    await _tell_coordinators(ctx, match, side, name, reason, mode)
    mentee_id, mentor_id = match["mentee_id"], match["mentor_id"]
    await ctx.tx.execute(  # not suggested to each other again, whoever ended it
        "INSERT INTO dismissals (mentee_id, mentor_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING", (mentee_id, mentor_id, to_iso(ctx.now)))
    if mode == CHANGE:
        return [ctx.say("ending.done_change", name=name), *await find(ctx, "")]
    hint = [ctx.say("ending.find_hint")] if side == "mentee" else []
    return [ctx.say("ending.done", name=name), *hint]


async def _tell_coordinators(ctx: Context, match: Any, side: str, name: str, reason: str,
                             mode: str) -> None:
    mentee, mentor = (ctx.person.name, name) if side == "mentee" else (name, ctx.person.name)
    parts = [Outgoing(key=f"ending.coordinators_by_{side}",
                      params={"mentee": mentee, "mentor": mentor})]
    if mode == CHANGE:
        parts.append(Outgoing(key="ending.coordinators_change", params={"mentee": mentee}))
    parts.append(Outgoing(key="ending.coordinators_reason", params={"reason": reason})
                 if reason else Outgoing(key="ending.coordinators_no_reason"))
    await alert_coordinators(ctx.tx, ctx.services, match["programme_id"],
                             Outgoing(parts=tuple(parts)), key=f"ending:{match['id']}:alert",
                             now=ctx.now)


# --- checks ---------------------------------------------------------------------------------

async def _own_open_match(ctx: Context, value: str, *, with_mode: bool = False
                          ) -> Any | tuple[Any, str] | Reply:
    """The match a button or the reason flow is about, if it is this person's and still
    open (with the mode, "end" or "change"), or the polite refusal."""
    head, _, mode = value.partition(":")
    match_id = parse_number(head)
    match = await _match(ctx.tx, match_id) if match_id else None
    if match is None or (with_mode and mode not in MODES):
        return ctx.say("common.unknown_button")
    if ctx.person.id not in (match["mentee_id"], match["mentor_id"]):
        return ctx.say("ending.not_yours")
    if match["status"] not in OPEN_STATUSES:
        return ctx.say("ending.already_ended")
    if with_mode and mode == CHANGE and match["mentee_id"] != ctx.person.id:
        return ctx.say("common.unknown_button")  # only a mentee changes mentor
    return (match, mode) if with_mode else match


async def _match(tx: Tx, match_id: int) -> Any:
    return await tx.one("SELECT * FROM matches WHERE id = ?", (match_id,))


def register(router: Router, registry: AdminRegistry) -> None:
    def find(ctx: Context, args: str) -> Any:
        return router.commands["find"].handler(ctx, args)  # bot/mentoring/mentoring.py's /find

    async def end(ctx: Context, args: str) -> list[Reply]:
        return await cmd_end(ctx, args, find=find)

    async def reason(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
        return await flow_reason(ctx, conv, text, find=find)

    async def skip(ctx: Context, value: str) -> list[Reply]:
        return await press_skip(ctx, value, find=find)

    router.command("end", end, aliases=("terminer",), needs_profile=True,
                   help_key="ending.help")
    router.action(A_ASK, active_only(press_ask))
    router.action(A_CONFIRM, active_only(press_confirm))
    router.action(A_SKIP, active_only(skip))
    router.action(A_KEEP, active_only(press_keep))
    async def skip_reason(ctx: Context, conv: Conversation) -> list[Reply]:
        value = f"{conv.data.get('match_id', '')}:{conv.data.get('mode', '')}"
        return await press_skip(ctx, value, find=find)

    router.flow(F_REASON, reason, skip=skip_reason)
