"""Mentor check-ins: a relationship without a meeting for `[meetings] quiet_weeks` weeks.

The mentor is asked "How is it going with …? Schedule the next meeting?" with three
buttons ("since your last meeting" only after a meeting; before any, "you haven't had a
first meeting yet"). An unanswered prompt is repeated once a week later; a week after that
the relationship is marked at risk (`relationship_health`, read by the coordinators' stats)
and `relationship_quiet` is emitted. A meeting agreed or held meanwhile closes the prompt
and clears the mark; so does the mentor's "all is well", which also restarts the count.

"It's not working" — the check-in's button, the same button on the quiet-relationship
nudges both people get, or typed ("ça ne marche pas", "not working") in reply to either —
records a concern (`relationship_concerns`: who, which relationship), marks the relationship
at risk, stops its check-ins and quiet-relationship prompts, tells the person what happens
next and alerts the programme's coordinators once. A meeting agreed or held since, or the
relationship's end, settles it (and the prompts may resume).

The check-in's other answers may be typed too: "ça va bien" / "all good" is *All is well*,
"oui, planifions" / "let's schedule" is *Schedule*.

One job per relationship (`quiet_check`) does it all: each run looks at the relationship and
schedules the next run, so nothing has to be cancelled when a meeting happens.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.admin import export
from bot.kernel import outbox, people
from bot.kernel.alerts import alert_about_pair
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Context, Services
from bot.kernel.delivery import has_open_concern
from bot.kernel.dispatcher import schedule_job
from bot.kernel.domain_events import (
    CheckinAnswered,
    Matched,
    MeetingConfirmed,
    MeetingHeld,
    RelationshipEnded,
    RelationshipQuiet,
)
from bot.kernel.events import Button, Reply
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.router import Router, active_only
from bot.meetings import meeting_store as store
from bot.meetings.meeting_store import parse_id
from bot.meetings.meetings import plan
from bot.mentoring.lifecycle import ASK_BEFORE
from bot.store.db import Tx
from bot.store.state import Conversation, clear_conversation, get_conversation, set_conversation

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

A_ANSWER = "chk.answer"   # value: checkin id:schedule|fine|struggling
A_NOT_WORKING = "chk.not_working"  # value: match id (quiet-relationship nudges, either side)
F_REPLY = "checkin_reply"  # a typed answer to a check-in or quiet-relationship prompt
JOB_QUIET = "quiet_check"
ANSWERS = ("schedule", "fine", "struggling")
REPEAT_AFTER = timedelta(weeks=1)
FINAL_STRETCH = ASK_BEFORE  # before the planned end: the end's own question instead
REPLY_WINDOW = timedelta(days=14)  # a typed "not working" answers a prompt this recent
MAX_REPLY_WORDS = 12  # a longer message is about something else
# What people type for "it's not working", once lower-cased, without accents, with straight
# apostrophes: "ça ne marche pas", "ça ne fonctionne plus", "not working", "it doesn't work".
NOT_WORKING = re.compile(
    r"\b(?:ca|cela|c'est)\s+(?:ne\s+|n')?(?:marche|fonctionne|va)\s+(?:pas|plus)\b"
    r"|\bnot\s+working\b|\bisn'?t\s+working\b|\b(?:doesn'?t|does\s+not)\s+work\b")


async def on_matched(tx: Tx, services: Services, event: Matched) -> None:
    weeks = services.config.meetings.quiet_weeks
    if weeks > 0:
        now = services.clock.now()
        await _next_check(tx, event.match_id, now + timedelta(weeks=weeks))


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
        " AND m.status IN ('confirmed', 'held', 'unknown', 'disputed')",
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
    if await has_open_concern(tx, match["id"]):
        await _next_check(tx, match["id"], now + quiet)  # "it's not working": no prompts
        return
    ends_at = from_iso(match["ends_at"]) if match["ends_at"] else None
    if ends_at is not None and ends_at - now <= FINAL_STRETCH:
        # The question "conclude or extend?" (bot/mentoring/lifecycle.py) has been asked: no
        # check-in in the last two weeks. After an extension, the checks resume.
        await _next_check(tx, match["id"], ends_at)
        return
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
        await _prompt(tx, match, checkin_id, "ask", now)
        await _next_check(tx, match["id"], now + REPEAT_AFTER)
    elif open_row["repeated_at"] is None:
        await tx.execute("UPDATE checkins SET repeated_at = ? WHERE id = ?",
                         (to_iso(now), open_row["id"]))
        await _prompt(tx, match, open_row["id"], "repeat", now)
        await _next_check(tx, match["id"], now + REPEAT_AFTER)
    else:
        await _close(tx, open_row["id"], "unanswered", now)
        await mark_at_risk(tx, match["id"], "quiet", now)
        await services.hooks.emit(tx, services, RelationshipQuiet(
            match_id=match["id"], mentee_id=match["mentee_id"], mentor_id=match["mentor_id"],
            weeks=weeks_quiet(last, now)))
        await _next_check(tx, match["id"], now + quiet)


def weeks_quiet(last: datetime, now: datetime) -> int:
    return max(1, (now - last).days // 7)


async def _prompt(tx: Tx, match: Any, checkin_id: int, which: str, now: datetime) -> None:
    """"ask" or "repeat": weeks since the last meeting, or, before any, since the match."""
    mentee = await people.get(tx, match["mentee_id"])
    if mentee is None:
        return
    last_meeting = await tx.value(
        "SELECT max(m.starts_at) FROM meetings m JOIN meeting_participants p"
        " ON p.meeting_id = m.id WHERE p.match_id = ? AND m.starts_at <= ?"
        " AND m.status IN ('confirmed', 'held', 'unknown', 'disputed')",
        (match["id"], to_iso(now)))
    key = f"checkin.{which}" if last_meeting else f"checkin.{which}_not_met"
    weeks = weeks_quiet(from_iso(last_meeting or match["started_at"]), now)
    await outbox.enqueue(tx, match["mentor_id"], Outgoing(
        key=key, params={"name": mentee.name, "weeks": weeks, "count": weeks},
        buttons=tuple(OutButton(f"checkin.answer_{answer}", A_ANSWER, f"{checkin_id}:{answer}",
                                {"name": mentee.name}) for answer in ANSWERS)),
        due_at=now, key=f"checkin:{checkin_id}:{which}", kind="checkin")
    await expect_reply(tx, match["mentor_id"], match["id"], now)


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


async def on_meeting(tx: Tx, services: Services, event: MeetingConfirmed | MeetingHeld) -> None:
    """A meeting agreed or held: any open prompt is moot and the relationship is fine."""
    now = services.clock.now()
    await tx.execute("UPDATE checkins SET closed_at = ?, answer = 'activity'"
                     " WHERE match_id = ? AND closed_at IS NULL", (to_iso(now), event.match_id))
    await tx.execute("UPDATE relationship_health SET at_risk_since = NULL, reason = NULL,"
                     " updated_at = ? WHERE match_id = ?", (to_iso(now), event.match_id))
    await _settle_concerns(tx, event.match_id, now)


async def on_ended(tx: Tx, services: Services, event: RelationshipEnded) -> None:
    await _settle_concerns(tx, event.match_id, services.clock.now())


async def _settle_concerns(tx: Tx, match_id: Any, now: datetime) -> None:
    await tx.execute("UPDATE relationship_concerns SET resolved_at = ? WHERE match_id = ?"
                     " AND resolved_at IS NULL", (to_iso(now), match_id))


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
    await _forget_reply(ctx)
    # The button's check-in: points count once per check-in answered (bot/training).
    await ctx.emit(CheckinAnswered(person_id=ctx.person.id, match_id=match["id"],
                                   checkin_id=row["id"]))
    if answer == "struggling":
        return await not_working(ctx, match, "checkin")
    await ctx.tx.execute("UPDATE relationship_health SET at_risk_since = NULL, reason = NULL,"
                         " updated_at = ? WHERE match_id = ?", (to_iso(ctx.now), match["id"]))
    if answer == "fine":
        return [ctx.say("checkin.thanks_fine")]
    relations = [r for r in await store.relationships(ctx.tx, ctx.person.id)
                 if r.match_id == match["id"]]
    return await plan(ctx, relations) if relations else [ctx.say("meetings.relationship_over")]


# --- "it's not working" ----------------------------------------------------------------------

async def not_working(ctx: Context, match: Any, source: str) -> list[Reply]:
    """The person says the relationship isn't working: record it, stop its prompts, tell the
    coordinators (once per person until it is settled) and the person what happens next."""
    other = await people.get(ctx.tx, match["mentor_id"] if ctx.person.id == match["mentee_id"]
                             else match["mentee_id"])
    name = other.name if other else "—"
    if await ctx.tx.value("SELECT 1 FROM relationship_concerns WHERE match_id = ?"
                          " AND person_id = ? AND resolved_at IS NULL",
                          (match["id"], ctx.person.id)):
        return [ctx.say("checkin.not_working_already", name=name)]
    concern_id = await ctx.tx.insert(
        "INSERT INTO relationship_concerns (match_id, person_id, source, created_at)"
        " VALUES (?, ?, ?, ?)", (match["id"], ctx.person.id, source, to_iso(ctx.now)))
    await ctx.tx.execute("UPDATE checkins SET closed_at = ?, answer = 'struggling'"
                         " WHERE match_id = ? AND closed_at IS NULL",
                         (to_iso(ctx.now), match["id"]))
    await mark_at_risk(ctx.tx, match["id"], "struggling", ctx.now)
    # The prompts already queued go too (the dispatcher's gate would drop them anyway).
    await ctx.tx.execute(
        "UPDATE outbox SET status = 'cancelled' WHERE +status = 'pending' AND idempotency_key IN"
        " (SELECT 'checkin:' || c.id || ':' || k.which FROM checkins c, (SELECT 'ask' AS which"
        " UNION ALL SELECT 'repeat') AS k WHERE c.match_id = ? UNION ALL SELECT idempotency_key"
        " FROM nudges WHERE match_id = ? AND rule_key LIKE 'quiet/%')",
        (match["id"], match["id"]))
    await alert_about_pair(ctx.tx, ctx.services, match["id"], "checkin.not_working_alert",
                           key=f"concern:{concern_id}:alert", now=ctx.now, by=ctx.person.name)
    return [ctx.say("checkin.not_working_told", name=name)]


async def _own_active_match(ctx: Context, match_id: Any) -> Any:
    match = await store.match_row(ctx.tx, match_id)
    if match is None or ctx.person.id not in (match["mentee_id"], match["mentor_id"]) or \
            match["status"] != "active":
        return None
    return match


async def press_not_working(ctx: Context, value: str) -> list[Reply]:
    match = await store.match_row(ctx.tx, parse_id(value))
    if match is None:
        return [ctx.say("common.unknown_button")]
    if ctx.person.id not in (match["mentee_id"], match["mentor_id"]):
        return [ctx.say("meetings.not_yours")]
    if match["status"] != "active":
        return [ctx.say("meetings.relationship_over")]
    await _forget_reply(ctx)
    return await not_working(ctx, match, "prompt")


async def expect_reply(tx: Tx, person_id: int, match_id: int, now: datetime) -> None:
    """After a check-in or quiet-relationship prompt, what the person types next may answer
    it ("ça ne marche pas"). Only when no other conversation is under way."""
    conv = await get_conversation(tx, person_id)
    if conv is not None and conv.flow != F_REPLY:
        return
    ids = set(conv.data.get("match_ids", [])) if conv is not None else set()
    await set_conversation(tx, person_id, Conversation(F_REPLY, "reply", {
        "match_ids": sorted(ids | {match_id}), "asked_at": to_iso(now)}), now)


async def _forget_reply(ctx: Context) -> None:
    conv = await get_conversation(ctx.tx, ctx.person.id)
    if conv is not None and conv.flow == F_REPLY:
        await clear_conversation(ctx.tx, ctx.person.id)


def _plain(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in plain if not unicodedata.combining(c))


def says_not_working(text: str) -> bool:
    plain = _plain(text)
    return len(plain.split()) <= MAX_REPLY_WORDS and NOT_WORKING.search(plain) is not None


# The other answers people type to "How is it going with …? Shall we schedule the next one?":
# "ça va bien", "all good" (the *All is well* button) and "oui, planifions" (*Schedule*).
FINE = re.compile(r"^\W*(?:(?:oui|yes|yep)\W+)?(?:(?:ca|tout|all|it'?s|its|everything'?s?)\s+)?"
                  r"(?:va\s+)?(?:(?:tres\s+)?bien|super|parfait|good|fine|great|well|going well"
                  r"|goes well|excellent)\b")
SCHEDULE = re.compile(r"\b(?:planifi\w*|on planifie|schedule|let'?s plan|plan it|oui|yes|ok"
                      r"|d'accord|volontiers|sure)\b")


def typed_answer(text: str) -> str | None:
    """"fine", "schedule" or None for a short typed reply to a check-in."""
    plain = _plain(text)
    if len(plain.split()) > MAX_REPLY_WORDS or says_not_working(text):
        return None
    if re.search(r"\b(?:planifi\w*|schedule|plan|bien sur|of course|sure|volontiers)\b", plain):
        return "schedule"
    if FINE.search(plain):
        return "fine"
    return "schedule" if SCHEDULE.search(plain) else None


async def flow_reply(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    """Typed text after a prompt: "it's not working" is an answer; anything else is handled
    as if no prompt had been sent (the conversation ends)."""
    await clear_conversation(ctx.tx, ctx.person.id)
    asked = conv.data.get("asked_at")
    recent = isinstance(asked, str) and from_iso(asked) + REPLY_WINDOW > ctx.now
    if recent and (answer := typed_answer(text)) is not None:
        checkin = await _open_checkin(ctx, conv)
        if checkin is not None:  # "ça va bien" / "oui, planifions": the check-in's buttons
            return await press_answer(ctx, f"{checkin}:{answer}")
    if not (recent and says_not_working(text)):
        return [ctx.say("common.not_understood")]
    matches = [m for m in [await _own_active_match(ctx, mid)
                           for mid in conv.data.get("match_ids", [])] if m is not None]
    if len(matches) == 1:
        return await not_working(ctx, matches[0], "typed")
    if not matches:
        return [ctx.say("common.not_understood")]
    buttons = []
    for match in matches:
        other = await people.get(ctx.tx, match["mentor_id"] if ctx.person.id ==
                                 match["mentee_id"] else match["mentee_id"])
        buttons.append(Button(other.name if other else "—", A_NOT_WORKING, str(match["id"])))
    return [ctx.reply(ctx.t("checkin.not_working_which"), buttons)]


async def _open_checkin(ctx: Context, conv: Conversation) -> int | None:
    """The one check-in this person was asked and has not answered, among the prompt's
    relationships (several open: None, the buttons tell them apart)."""
    ids = [m for m in conv.data.get("match_ids", []) if isinstance(m, int)]
    if not ids:
        return None
    rows = await ctx.tx.all(
        f"SELECT id FROM checkins WHERE person_id = ? AND closed_at IS NULL AND match_id IN"
        f" ({','.join('?' * len(ids))})", (ctx.person.id, *ids))
    return rows[0]["id"] if len(rows) == 1 else None


def register(router: Router, registry: AdminRegistry) -> None:
    router.action(A_ANSWER, active_only(press_answer))
    router.action(A_NOT_WORKING, active_only(press_not_working))
    router.flow(F_REPLY, flow_reply)
    router.job(JOB_QUIET, job_quiet_check)
    router.hooks.on(Matched, on_matched)
    router.hooks.on(MeetingConfirmed, on_meeting)
    router.hooks.on(MeetingHeld, on_meeting)
    router.hooks.on(RelationshipEnded, on_ended)

    export.register_table(export.ExportTable(
        "checkins",
        "SELECT c.id, c.match_id, c.person_id, c.asked_at, c.repeated_at, c.closed_at, c.answer"
        " FROM checkins c JOIN matches m ON m.id = c.match_id"
        " JOIN programmes pr ON pr.id = m.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY c.id"))
    export.register_table(export.ExportTable(
        "relationship_concerns",
        "SELECT c.id, c.match_id, c.person_id, c.source, c.created_at, c.resolved_at"
        " FROM relationship_concerns c JOIN matches m ON m.id = c.match_id"
        " JOIN programmes pr ON pr.id = m.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY c.id"))
    export.register_table(export.ExportTable(
        "relationship_health",
        "SELECT h.match_id, h.at_risk_since, h.reason, h.updated_at"
        " FROM relationship_health h JOIN matches m ON m.id = h.match_id"
        " JOIN programmes pr ON pr.id = m.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY h.match_id"))
