"""Mentor check-ins: a relationship without a meeting for `[meetings] quiet_weeks` weeks.

The mentor is asked "How is it going with …? Schedule the next meeting?" with three
buttons. An unanswered prompt is repeated once a week later; a week after that the
relationship is marked at risk (`relationship_health`, read by the coordinators' stats) and
`relationship_quiet` is emitted. A meeting agreed or held meanwhile closes the prompt and
clears the mark; so does the mentor's "all is well", which also restarts the count.

One job per relationship (`quiet_check`) does it all: each run looks at the relationship and
schedules the next run, so nothing has to be cancelled when a meeting happens.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import export, outbox, people
from bot import meeting_store as store
from bot.clock import from_iso, to_iso
from bot.context import Context, Services
from bot.dispatcher import schedule_job
from bot.events import Reply
from bot.meeting_store import parse_id
from bot.meetings import plan
from bot.outbox import OutButton, Outgoing
from bot.router import Router, active_only
from bot.store.db import Tx

if TYPE_CHECKING:
    from bot.admin import AdminRegistry

A_ANSWER = "chk.answer"   # value: checkin id:schedule|fine|struggling
JOB_QUIET = "quiet_check"
ANSWERS = ("schedule", "fine", "struggling")
REPEAT_AFTER = timedelta(weeks=1)


async def on_matched(tx: Tx, services: Services, data: dict[str, Any]) -> None:
    weeks = services.config.meetings.quiet_weeks
    if weeks > 0:
        now = services.clock.now()
        await _next_check(tx, data["match_id"], now + timedelta(weeks=weeks))


async def _next_check(tx: Tx, match_id: int, at: datetime) -> None:
    await schedule_job(tx, JOB_QUIET, {"match_id": match_id}, due_at=at,
                       key=f"match:{match_id}:quiet:{to_iso(at)}")


async def _last_activity(tx: Tx, match: Any) -> datetime:
    """The latest of: the start, a meeting agreed or held (future ones too, and past ones
    nobody reported on), a "fine" or "schedule" answer."""
    moments = [from_iso(match["started_at"])]
    latest_meeting = await tx.value(
        "SELECT max(m.starts_at) FROM meetings m JOIN meeting_participants p"
        " ON p.meeting_id = m.id WHERE p.match_id = ?"
        " AND m.status IN ('confirmed', 'held', 'unknown')",
        (match["id"],))
    latest_answer = await tx.value(
        "SELECT max(closed_at) FROM checkins WHERE match_id = ? AND answer IN ('fine', 'schedule')",
        (match["id"],))
    moments += [from_iso(t) for t in (latest_meeting, latest_answer) if t]
    return max(moments)


async def job_quiet_check(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    match = await store.match_row(tx, params.get("match_id"))
    weeks = services.config.meetings.quiet_weeks
    if match is None or match["status"] != "active" or weeks <= 0:
        return
    now = services.clock.now()
    quiet = timedelta(weeks=weeks)
    open_row = await tx.one("SELECT * FROM checkins WHERE match_id = ? AND closed_at IS NULL"
                            " ORDER BY id DESC LIMIT 1", (match["id"],))
    last = await _last_activity(tx, match)
    if open_row is not None and last > from_iso(open_row["asked_at"]):
        await _close(tx, open_row["id"], "activity", now)  # a meeting came first
        open_row = None
    if open_row is None:
        if now < last + quiet:
            await _next_check(tx, match["id"], last + quiet)
            return
        checkin_id = await tx.insert(
            "INSERT INTO checkins (match_id, person_id, asked_at) VALUES (?, ?, ?)",
            (match["id"], match["mentor_id"], to_iso(now)))
        await _prompt(tx, match, checkin_id, "ask", weeks_quiet(last, now), now)
        await _next_check(tx, match["id"], now + REPEAT_AFTER)
    elif open_row["repeated_at"] is None:
        await tx.execute("UPDATE checkins SET repeated_at = ? WHERE id = ?",
                         (to_iso(now), open_row["id"]))
        await _prompt(tx, match, open_row["id"], "repeat", weeks_quiet(last, now), now)
        await _next_check(tx, match["id"], now + REPEAT_AFTER)
    else:
        await _close(tx, open_row["id"], "unanswered", now)
        await mark_at_risk(tx, match["id"], "quiet", now)
        await services.hooks.emit(tx, services, "relationship_quiet", match_id=match["id"],
                                  mentee_id=match["mentee_id"], mentor_id=match["mentor_id"],
                                  weeks=weeks_quiet(last, now))
        await _next_check(tx, match["id"], now + quiet)


def weeks_quiet(last: datetime, now: datetime) -> int:
    return max(1, (now - last).days // 7)


async def _prompt(tx: Tx, match: Any, checkin_id: int, which: str, weeks: int,
                  now: datetime) -> None:
    mentee = await people.get(tx, match["mentee_id"])
    if mentee is None:
        return
    await outbox.enqueue(tx, match["mentor_id"], Outgoing(
        key=f"checkin.{which}", params={"name": mentee.name, "weeks": weeks, "count": weeks},
        buttons=tuple(OutButton(f"checkin.answer_{answer}", A_ANSWER, f"{checkin_id}:{answer}",
                                {"name": mentee.name}) for answer in ANSWERS)),
        due_at=now, key=f"checkin:{checkin_id}:{which}", kind="checkin")


async def _close(tx: Tx, checkin_id: int, answer: str, now: datetime) -> None:
    await tx.execute("UPDATE checkins SET closed_at = ?, answer = ? WHERE id = ?",
                     (to_iso(now), answer, checkin_id))


async def mark_at_risk(tx: Tx, match_id: int, reason: str, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO relationship_health (match_id, at_risk_since, reason, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT(match_id) DO UPDATE SET"
        " at_risk_since = COALESCE(relationship_health.at_risk_since, excluded.at_risk_since),"
        " reason = excluded.reason, updated_at = excluded.updated_at",
        (match_id, to_iso(now), reason, to_iso(now)))


async def on_meeting(tx: Tx, services: Services, data: dict[str, Any]) -> None:
    """A meeting agreed or held: any open prompt is moot and the relationship is fine."""
    now = services.clock.now()
    await tx.execute("UPDATE checkins SET closed_at = ?, answer = 'activity'"
                     " WHERE match_id = ? AND closed_at IS NULL", (to_iso(now), data["match_id"]))
    await tx.execute("UPDATE relationship_health SET at_risk_since = NULL, reason = NULL,"
                     " updated_at = ? WHERE match_id = ?", (to_iso(now), data["match_id"]))


async def press_answer(ctx: Context, value: str) -> list[Reply]:
    head, _, answer = value.partition(":")
    row = await ctx.tx.one("SELECT * FROM checkins WHERE id = ?", (parse_id(head),))
    if row is None or answer not in ANSWERS:
        return [ctx.say("common.unknown_button")]
    if row["person_id"] != ctx.person.id:
        return [ctx.say("meetings.not_yours")]
    match = await store.match_row(ctx.tx, row["match_id"])
    if match is None or match["status"] != "active":
        return [ctx.say("meetings.relationship_over")]
    if row["closed_at"] is not None and row["answer"] not in (None, "unanswered"):
        return [ctx.say("checkin.already")]
    await _close(ctx.tx, row["id"], answer, ctx.now)
    await ctx.emit("checkin_answered", person_id=ctx.person.id, match_id=match["id"])
    if answer == "struggling":
        await mark_at_risk(ctx.tx, match["id"], "struggling", ctx.now)
        return [ctx.say("checkin.thanks_struggling")]
    await ctx.tx.execute("UPDATE relationship_health SET at_risk_since = NULL, reason = NULL,"
                         " updated_at = ? WHERE match_id = ?", (to_iso(ctx.now), match["id"]))
    if answer == "fine":
        return [ctx.say("checkin.thanks_fine")]
    relations = [r for r in await store.relationships(ctx.tx, ctx.person.id)
                 if r.match_id == match["id"]]
    return await plan(ctx, relations) if relations else [ctx.say("meetings.relationship_over")]


def register(router: Router, registry: AdminRegistry) -> None:
    router.action(A_ANSWER, active_only(press_answer))
    router.job(JOB_QUIET, job_quiet_check)
    router.hooks.on("matched", on_matched)
    router.hooks.on("meeting_confirmed", on_meeting)
    router.hooks.on("meeting_held", on_meeting)
    export.register_table(export.ExportTable(
        "checkins",
        "SELECT c.id, c.match_id, c.person_id, c.asked_at, c.repeated_at, c.closed_at, c.answer"
        " FROM checkins c JOIN matches m ON m.id = c.match_id"
        " JOIN programmes pr ON pr.id = m.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY c.id"))
    export.register_table(export.ExportTable(
        "relationship_health",
        "SELECT h.match_id, h.at_risk_since, h.reason, h.updated_at"
        " FROM relationship_health h JOIN matches m ON m.id = h.match_id"
        " JOIN programmes pr ON pr.id = m.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY h.match_id"))
