"""The end of a relationship: conclude or extend, then a closing survey.

A match has `ends_at` (from the programme's `relationship_months`). Two weeks before, both
people are asked whether to conclude as planned or extend by three months; it is extended
when both choose to extend. At `ends_at` the match ends (`status = 'ended'`, reason
`completed`, hook `relationship_ended`), meetings planned after it are cancelled, and both
get a three-question survey: satisfaction 1–5, what they gained (free text, may be skipped),
would they recommend the programme (yes / no).
The survey is an unsolicited message (outbox kind `survey`): the dispatcher's gate
(bot/kernel/delivery.py) keeps it out of quiet hours and within the one-a-day budget, and drops it
once answered.

Both jobs are scheduled when the match starts (hook `matched`) and carry the end date they
were scheduled for: after an extension the old ones find a different date and do nothing.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.admin import export
from bot.kernel import outbox, people
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Context, Services
from bot.kernel.dispatcher import schedule_job
from bot.kernel.domain_events import Matched, RelationshipEnded, SurveyAnswered
from bot.kernel.events import Button, Reply
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.router import Router, active_only
from bot.meetings import meeting_store as store
from bot.meetings.meeting_store import parse_id
from bot.meetings.meeting_time import day_form, every_language
from bot.meetings.meetings import cancel_meeting
from bot.store.db import Tx
from bot.store.state import Conversation, clear_conversation, set_conversation

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

A_CHOICE = "end.choice"          # value: match id:extend|conclude
A_RATE = "survey.rate"           # value: match id:1..5
A_SKIP = "survey.skip"           # value: match id
A_RECOMMEND = "survey.rec"       # value: match id:yes|no
F_BENEFITS = "survey_benefits"
JOB_NEAR_END = "relationship_near_end"
JOB_END = "relationship_end"

ASK_BEFORE = timedelta(days=14)
EXTEND_MONTHS = 3
MAX_BENEFITS = 1000


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (31 January + 1 month = 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- scheduling ------------------------------------------------------------------------------

async def on_matched(tx: Tx, services: Services, event: Matched) -> None:
    match = await store.match_row(tx, event.match_id)
    if match is not None and match["ends_at"]:
        await schedule_end(tx, match["id"], from_iso(match["ends_at"]), services.clock.now())


async def schedule_end(tx: Tx, match_id: int, ends_at: datetime, now: datetime) -> None:
    stamp = to_iso(ends_at)
    if ends_at - ASK_BEFORE > now:
        await schedule_job(tx, JOB_NEAR_END, {"match_id": match_id, "ends_at": stamp},
                           due_at=ends_at - ASK_BEFORE, key=f"match:{match_id}:end-soon:{stamp}")
    await schedule_job(tx, JOB_END, {"match_id": match_id, "ends_at": stamp},
                       due_at=max(ends_at, now), key=f"match:{match_id}:end:{stamp}")


async def _current(tx: Tx, params: dict[str, Any]) -> Any:
    """The match a job is about, if still active and still ending when it was scheduled for."""
    match = await store.match_row(tx, params.get("match_id"))
    if match is None or match["status"] != "active" or match["ends_at"] != params.get("ends_at"):
        return None
    return match


# --- two weeks before: conclude or extend ----------------------------------------------------

def _choice_buttons(match_id: int) -> tuple[OutButton, ...]:
    return (OutButton("lifecycle.extend_button", A_CHOICE, f"{match_id}:extend",
                      {"months": EXTEND_MONTHS}),
            OutButton("lifecycle.conclude_button", A_CHOICE, f"{match_id}:conclude"))


async def job_near_end(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    match = await _current(tx, params)
    if match is None:
        return
    now = services.clock.now()
    ends_at = from_iso(match["ends_at"])
    for person_id, other_id in ((match["mentee_id"], match["mentor_id"]),
                                (match["mentor_id"], match["mentee_id"])):
        person, other = await people.get(tx, person_id), await people.get(tx, other_id)
        if person is None or other is None:
            continue
        await outbox.enqueue(tx, person.id, Outgoing(key="lifecycle.near_end", params={
            "name": other.name, "months": EXTEND_MONTHS,
            "date": every_language(lambda lang, p=person: day_form(ends_at, p.timezone, lang)),
        }, buttons=_choice_buttons(match["id"])), due_at=now,
            key=f"match:{match['id']}:end-soon:{params['ends_at']}:p{person.id}")


async def press_choice(ctx: Context, value: str) -> list[Reply]:
    head, _, choice = value.partition(":")
    match = await store.match_row(ctx.tx, parse_id(head))
    if match is None or choice not in ("extend", "conclude"):
        return [ctx.say("common.unknown_button")]
    if ctx.person.id not in (match["mentee_id"], match["mentor_id"]):
        return [ctx.say("meetings.not_yours")]
    if match["status"] != "active" or not match["ends_at"]:
        return [ctx.say("meetings.relationship_over")]
    other_id = match["mentor_id"] if ctx.person.id == match["mentee_id"] else match["mentee_id"]
    other = await people.get(ctx.tx, other_id)
    name = other.name if other else "—"
    ends_at = from_iso(match["ends_at"])
    await ctx.tx.execute(
        "INSERT INTO relationship_decisions (match_id, person_id, ends_at, choice, decided_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(match_id, person_id, ends_at) DO UPDATE SET"
        " choice = excluded.choice, decided_at = excluded.decided_at",
        (match["id"], ctx.person.id, match["ends_at"], choice, to_iso(ctx.now)))
    their = await ctx.tx.value(
        "SELECT choice FROM relationship_decisions WHERE match_id = ? AND person_id = ?"
        " AND ends_at = ?", (match["id"], other_id, match["ends_at"]))
    date = day_form(ends_at, ctx.person.timezone, ctx.lang)
    key = f"match:{match['id']}:decision:{match['ends_at']}:p{ctx.person.id}:{choice}"
    if choice == "conclude":
        if other is not None:
            await ctx.notify(other.id, Outgoing(key="lifecycle.other_concludes", params={
                "name": ctx.person.name,
                "date": every_language(lambda lang: day_form(ends_at, other.timezone, lang))}),
                key=key)
        return [ctx.say("lifecycle.concluding", name=name, date=date)]
    if their != "extend":
        if other is not None:
            await ctx.notify(other.id, Outgoing(
                key="lifecycle.other_wants_extend",
                params={"name": ctx.person.name, "months": EXTEND_MONTHS},
                buttons=_choice_buttons(match["id"])), key=key)
        return [ctx.say("lifecycle.extend_waiting", name=name, months=EXTEND_MONTHS)]
    new_end = add_months(ends_at, EXTEND_MONTHS)
    await ctx.tx.execute("UPDATE matches SET ends_at = ? WHERE id = ?",
                         (to_iso(new_end), match["id"]))
    await schedule_end(ctx.tx, match["id"], new_end, ctx.now)
    if other is not None:
        await ctx.notify(other.id, Outgoing(key="lifecycle.extended", params={
            "name": ctx.person.name,
            "date": every_language(lambda lang: day_form(new_end, other.timezone, lang))}),
            key=key)
    return [ctx.say("lifecycle.extended", name=name,
                    date=day_form(new_end, ctx.person.timezone, ctx.lang))]


# --- the end ---------------------------------------------------------------------------------

async def job_end(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    match = await _current(tx, params)
    now = services.clock.now()
    if match is None or from_iso(match["ends_at"]) > now:
        return
    await end_relationship(tx, services, match, "completed", now)


async def end_relationship(tx: Tx, services: Services, match: Any, reason: str,
                           now: datetime) -> None:
    """End a match: hook (future meetings off, pending prompts gone), survey to both."""
    await tx.execute("UPDATE matches SET status = 'ended', ended_at = ?, end_reason = ?"
                     " WHERE id = ?", (to_iso(now), reason, match["id"]))
    await services.hooks.emit(tx, services, RelationshipEnded(
        match_id=match["id"], mentee_id=match["mentee_id"], mentor_id=match["mentor_id"],
        reason=reason))
    for person_id, other_id in ((match["mentee_id"], match["mentor_id"]),
                                (match["mentor_id"], match["mentee_id"])):
        other = await people.get(tx, other_id)
        await tx.execute(
            "INSERT INTO relationship_surveys (match_id, person_id, asked_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING", (match["id"], person_id, to_iso(now)))
        await outbox.enqueue(tx, person_id, Outgoing(
            key="survey.intro", params={"name": other.name if other else "—"},
            buttons=tuple(OutButton("survey.score", A_RATE, f"{match['id']}:{n}", {"n": n})
                          for n in range(1, 6))),
            due_at=now, key=f"survey:{match['id']}:p{person_id}", kind="survey")


# --- the survey ------------------------------------------------------------------------------

async def _survey(ctx: Context, value: str) -> tuple[int, str] | list[Reply]:
    """(match id, rest of the value) of this person's open survey, or the polite refusal."""
    head, _, rest = value.partition(":")
    row = await ctx.tx.one("SELECT * FROM relationship_surveys WHERE match_id = ?"
                           " AND person_id = ?", (parse_id(head), ctx.person.id))
    if row is None:
        return [ctx.say("common.unknown_button")]
    if row["answered_at"] is not None:
        return [ctx.say("survey.already")]
    return row["match_id"], rest


async def press_rate(ctx: Context, value: str) -> list[Reply]:
    found = await _survey(ctx, value)
    if isinstance(found, list):
        return found
    match_id, score = found
    if score not in {"1", "2", "3", "4", "5"}:
        return [ctx.say("common.unknown_button")]
    await ctx.tx.execute("UPDATE relationship_surveys SET satisfaction = ? WHERE match_id = ?"
                         " AND person_id = ?", (int(score), match_id, ctx.person.id))
    await set_conversation(ctx.tx, ctx.person.id,
                           Conversation(F_BENEFITS, "benefits", {"match_id": match_id}), ctx.now)
    return [ctx.reply(ctx.t("survey.ask_benefits"),
                      [Button(ctx.t("survey.skip"), A_SKIP, str(match_id))])]


async def flow_benefits(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    if len(text) > MAX_BENEFITS:
        return [ctx.say("survey.too_long", limit=MAX_BENEFITS)]
    return await _benefits(ctx, str(conv.data.get("match_id", "")), text)


async def press_skip(ctx: Context, value: str) -> list[Reply]:
    return await _benefits(ctx, value, "")


async def _benefits(ctx: Context, value: str, text: str) -> list[Reply]:
    await clear_conversation(ctx.tx, ctx.person.id)
    found = await _survey(ctx, value)
    if isinstance(found, list):
        return found
    match_id, _ = found
    await ctx.tx.execute("UPDATE relationship_surveys SET benefits = ? WHERE match_id = ?"
                         " AND person_id = ?", (text, match_id, ctx.person.id))
    return [ctx.reply(ctx.t("survey.ask_recommend"), [
        Button(ctx.t("common.yes"), A_RECOMMEND, f"{match_id}:yes"),
        Button(ctx.t("common.no"), A_RECOMMEND, f"{match_id}:no")])]


async def press_recommend(ctx: Context, value: str) -> list[Reply]:
    found = await _survey(ctx, value)
    if isinstance(found, list):
        return found
    match_id, answer = found
    if answer not in ("yes", "no"):
        return [ctx.say("common.unknown_button")]
    await ctx.tx.execute(
        "UPDATE relationship_surveys SET would_recommend = ?, answered_at = ?"
        " WHERE match_id = ? AND person_id = ?",
        (int(answer == "yes"), to_iso(ctx.now), match_id, ctx.person.id))
    await ctx.emit(SurveyAnswered(person_id=ctx.person.id, match_id=match_id))
    return [ctx.say("survey.thanks")]


_SURVEY_WITHIN = timedelta(days=14)
_YES = re.compile(r"^\W*(?:oui|ouais|yes|yep|yeah|bien sur|absolument|of course|sure"
                  r"|certainement|definitely)\b")
_NO = re.compile(r"^\W*(?:non|no|nope|pas vraiment|not really)\b")


async def typed_answer(ctx: Context, text: str) -> list[Reply] | None:
    """The survey's questions answered by typing: "4" for the satisfaction, "oui" / "no"
    for the recommendation, when that question is the one this person was just asked."""
    plain = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    if len(plain.split()) > 8 or not ctx.person.active:
        return None
    score = re.fullmatch(r"\W*([1-5])\s*(?:/\s*5)?\W*", plain)
    said = "yes" if _YES.search(plain) else "no" if _NO.search(plain) else None
    if score is None and said is None:
        return None
    waiting = "satisfaction IS NULL" if score else \
        "satisfaction IS NOT NULL AND benefits IS NOT NULL AND would_recommend IS NULL"
    row = await ctx.tx.one(
        f"SELECT match_id FROM relationship_surveys WHERE person_id = ? AND {waiting}"
        " AND answered_at IS NULL AND asked_at >= ? ORDER BY asked_at DESC LIMIT 1",
        (ctx.person.id, to_iso(ctx.now - _SURVEY_WITHIN)))
    if row is None or not await ctx.tx.value(  # the survey's message was delivered
            "SELECT 1 FROM outbox WHERE idempotency_key = ? AND status = 'sent'",
            (f"survey:{row['match_id']}:p{ctx.person.id}",)):
        return None
    if score:
        return await press_rate(ctx, f"{row['match_id']}:{score.group(1)}")
    return await press_recommend(ctx, f"{row['match_id']}:{said}")


async def on_ended(tx: Tx, services: Services, event: RelationshipEnded) -> None:
    """However a relationship ends (its term, a coordinator, a block, /forget), its future
    meetings are cancelled for both and its pending prompts and reminders are dropped."""
    match_id = event.match_id
    now = services.clock.now()
    await outbox.cancel(tx, f"match:{match_id}:")
    for row in await tx.all(
            "SELECT DISTINCT m.id FROM meetings m JOIN meeting_participants p"
            " ON p.meeting_id = m.id WHERE p.match_id = ? AND m.is_group = 0"
            " AND (m.status = 'proposed' OR (m.status = 'confirmed' AND m.starts_at > ?))",
            (match_id, to_iso(now))):
        meeting = await store.get(tx, row["id"])
        if meeting is not None:
            await cancel_meeting(tx, services, meeting, None, now)


def register(router: Router, registry: AdminRegistry) -> None:
    for action_id, handler in [(A_CHOICE, press_choice), (A_RATE, press_rate),
                               (A_SKIP, press_skip), (A_RECOMMEND, press_recommend)]:
        router.action(action_id, active_only(handler))
    router.text(typed_answer)
    router.flow(F_BENEFITS, flow_benefits, skip=lambda ctx, conv: press_skip(
        ctx, str(conv.data.get("match_id", ""))))
    router.job(JOB_NEAR_END, job_near_end)
    router.job(JOB_END, job_end)
    router.hooks.on(Matched, on_matched)
    router.hooks.on(RelationshipEnded, on_ended)

    for name, columns in (
            ("relationship_decisions", "d.match_id, d.person_id, d.ends_at, d.choice,"
                                       " d.decided_at"),
            ("relationship_surveys", "d.match_id, d.person_id, d.satisfaction, d.benefits,"
                                     " d.would_recommend, d.asked_at, d.answered_at")):
        export.register_table(export.ExportTable(
            name,
            f"SELECT {columns} FROM {name} d JOIN matches m ON m.id = d.match_id"
            " JOIN programmes pr ON pr.id = m.programme_id"
            " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY d.match_id, d.person_id"))
