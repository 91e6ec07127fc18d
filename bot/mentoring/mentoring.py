"""Finding a mentor: /find, requests, accept / decline / ask for more info, introductions,
expiry with re-routing, and /pause for mentors.

Everything a mentor or mentee is told proactively goes through the outbox in the same
transaction as the change that caused it; button values are ids that are re-checked
against the database on every press (a forged or stale value gets a polite answer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal

from bot.admin import conduct, export
from bot.kernel import outbox, people
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Context, Services
from bot.kernel.dispatcher import render
from bot.kernel.domain_events import Matched, RequestSent, Started
from bot.kernel.events import Button, Reply
from bot.kernel.ids import parse_number
from bot.kernel.languages import language_name
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.people import Person
from bot.kernel.router import Router, active_only
from bot.meetings.meeting_time import zone_name
from bot.mentoring import readiness, windows
from bot.mentoring.contact import RELAYED, contact_of
from bot.mentoring.ending import relationship_button
from bot.mentoring.matchmaking import in_every_language, mentees_of, render_reason, to_profile
from bot.mentoring.relay import introduce as introduce_relayed
from bot.mentoring.relay import refuse_contact_details, relay_mode
from bot.store.schema_map import marks

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry
from bot.store.db import Tx
from bot.store.state import Conversation, clear_conversation, get_conversation, set_conversation
from matching import availability
from matching.model import Suggestion
from matching.scoring import common_availability

MAX_PENDING = 3
MUTUAL_REASONS = frozenset({"topics", "availability"})
MAX_NOTE = 500
MORE_LIMIT = 30

A_REQUEST = "req.new"        # value: mentor id
A_SEND = "req.send"          # value: mentor id (send without a message)
A_DISMISS = "find.dismiss"   # value: mentor id
A_MORE = "find.more"         # value: how many were shown already
A_ACCEPT = "req.accept"      # value: request id
A_DECLINE = "req.decline"    # value: request id
A_INFO = "req.info"          # value: request id
A_ANSWER = "req.answer"      # value: request id

F_NOTE = "request_note"
F_QUESTION = "request_question"
F_ANSWER = "request_answer"


def _int(value: str) -> int | None:
    return parse_number(value)


# --- rendering --------------------------------------------------------------------------

def _reasons(services: Services, lang: str, suggestion: Suggestion) -> list[str]:
    """The three strongest reasons and, always, when both are free (in the mentee's week),
    or plainly that they have no time in common or that nobody knows."""
    shown = list(suggestion.reasons[:3])
    when = suggestion.availability
    if when is not None:
        shown = [when if r.code == "availability" else r for r in shown]
        if when not in shown:
            shown.append(when)
    return [render_reason(services.catalogue, services.taxonomy, lang, r) for r in shown]


def quality_floor(services: Services) -> float:
    """`[matching] quality_floor` on the library's 0-1 scale: no suggestion below it."""
    return services.config.matching.quality_floor / 100


def _seniority(services: Services, lang: str, level: int) -> str:
    return services.catalogue.text(lang, f"onboarding.seniority_{level}") if level else ""


def _topics(services: Services, lang: str, ids: list[str]) -> str:
    return services.catalogue.join(lang, [services.taxonomy.label(i, lang) for i in ids]) or "—"


def mentor_card(ctx: Context, mentor: Person, suggestion: Suggestion) -> Reply:
    s = ctx.services
    bio = mentor.goals if len(mentor.goals) <= 280 else mentor.goals[:277] + "…"
    text = ctx.t(
        "find.card", name=mentor.name, seniority=_seniority(s, ctx.lang, mentor.seniority),
        department=f" · {mentor.department}" if mentor.department else "",
        topics=_topics(s, ctx.lang, mentor.topics_offered), bio=bio,
        reasons="\n".join(f"- {r}" for r in _reasons(s, ctx.lang, suggestion)),
    )
    text += "\n" + ctx.t("find.score", score=round(suggestion.score * 100))
    return ctx.reply(text, [
        Button(ctx.t("find.request", name=mentor.name)[:75], A_REQUEST, str(mentor.id)),
        Button(ctx.t("find.dismiss"), A_DISMISS, str(mentor.id)),
    ])


# --- /find ------------------------------------------------------------------------------

async def cmd_find(ctx: Context, args: str) -> list[Reply]:
    return await _suggestions(ctx, set())


async def _current_mentor(tx: Tx, mentee_id: int) -> Person | None:
    """The mentee's mentor: active, or paused by the coordinators (still their mentor)."""
    mentor_id = await tx.value(
        "SELECT mentor_id FROM matches WHERE mentee_id = ? AND status IN ('active', 'paused')"
        " LIMIT 1", (mentee_id,))
    return await people.get(tx, mentor_id) if mentor_id else None


async def _has_mentor(ctx: Context) -> Reply | None:
    """Why this mentee can't look for a mentor now, if they can't: they have one."""
    row = await ctx.tx.one(
        "SELECT mentor_id, status FROM matches WHERE mentee_id = ?"
        " AND status IN ('active', 'paused') ORDER BY status LIMIT 1", (ctx.person.id,))
    if row is None:
        return None
    mentor = await people.get(ctx.tx, row["mentor_id"])
    key = "find.has_paused_mentor" if row["status"] == "paused" else "find.has_mentor"
    return ctx.say(key, name=mentor.name if mentor else "?")


async def _refusal(ctx: Context) -> Reply | None:
    """Why this person cannot look for a mentor now, if they cannot."""
    if not ctx.person.is_mentee:
        return ctx.say("find.not_mentee")
    if (has_mentor := await _has_mentor(ctx)) is not None:
        return has_mentor
    return await readiness.find_gate(ctx)  # a lesson, a window...


async def _suggestions(ctx: Context, before: set[int], record: bool = False) -> list[Reply]:
    """A page of suggestions, without anyone in `before` (shown since the last /find). No
    pair under the quality floor; the last page says so and offers the waiting list.

    /find itself writes nothing (it stays a read, as fast as before): the *More
    suggestions* button carries the page's mentor ids, and its press records them, and the
    page it shows (`record`)."""
    if (refusal := await _refusal(ctx)) is not None:
        return [refusal]
    per_page = max(1, ctx.services.config.matching.suggestions)
    floor = quality_floor(ctx.services)
    # One more than a page: whether there is anyone after it is known now, not by a press.
    found = await ctx.services.matchmaker.candidates(ctx.tx, ctx.person, to_iso(ctx.now),
                                                     k=per_page + 1, extra_exclude=before,
                                                     min_score=floor)
    page = found[:per_page]
    if not page:  # nothing (more): said plainly, and the waiting list is offered
        if before:
            return [_the_end(ctx, ctx.t("find.everyone"))]
        if floor > 0 and await ctx.services.matchmaker.candidates(
                ctx.tx, ctx.person, to_iso(ctx.now), k=1):  # someone, but below the floor
            return [_the_end(ctx, ctx.t("find.none_good_enough"), "floor")]
        return [windows.exhausted(ctx, "find.none")]
    if record:
        await _record(ctx, [suggestion.mentor_id for suggestion, _ in page])
    replies = [ctx.say("find.intro" if not before else "find.more_intro")]
    if not before and (waiting := await _waiting_for(ctx)):  # why they are not in the list
        replies[0] = ctx.reply(ctx.t("find.pending", names=ctx.join(waiting)) + "\n"
                               + replies[0].text)
    replies += [mentor_card(ctx, mentor, suggestion) for suggestion, mentor in page]
    total = len(before) + len(page)
    if len(found) <= per_page:
        replies.append(_the_end(ctx, ctx.t("find.everyone")))
    elif total >= MORE_LIMIT:
        replies.append(_the_end(ctx, ctx.t("find.limit", count=total)))
    else:
        ids = ",".join(str(suggestion.mentor_id) for suggestion, _ in page)
        replies.append(ctx.reply(ctx.t("find.more_hint"), [
            Button(ctx.t("find.more"), A_MORE, f"{total}:{ids}")]))
    return replies


async def _waiting_for(ctx: Context) -> list[str]:
    """The mentors this mentee's pending requests are waiting for."""
    rows = await ctx.tx.all("SELECT mentor_id FROM requests WHERE mentee_id = ?"
                            " AND status = 'pending' ORDER BY created_at", (ctx.person.id,))
    found = [await people.get(ctx.tx, row["mentor_id"]) for row in rows]
    return [mentor.name for mentor in found if mentor is not None]


def _the_end(ctx: Context, text: str, why: str = "") -> Reply:
    """No more suggestions: why, in words, and *Join the waiting list*
    (bot/mentoring/windows.py)."""
    return ctx.reply(text + "\n" + ctx.t("waiting.offer"),
                     [Button(ctx.t("waiting.join"), windows.A_JOIN_WAITING, why)])


def _more_value(value: str) -> tuple[int, list[int]] | None:
    """"6:12,40,7" -> (shown so far, the ids of the page pressed from); "0" (the *See other
    mentors* button) or an older button's plain count -> (count, []). None when forged."""
    count_text, _, id_text = value.partition(":")
    count = _int(count_text)
    ids = [_int(part) for part in id_text.split(",")] if id_text else []
    if count is None or count > MORE_LIMIT or len(ids) > min(count, MORE_LIMIT) \
            or any(i is None for i in ids):
        return None
    return count, [i for i in ids if i is not None]


async def press_more(ctx: Context, value: str) -> list[Reply]:
    """*More suggestions*: the page it came with is recorded as shown (the first page of a
    /find starts the list afresh), then the next page leaves out everyone recorded, so that
    nobody is shown twice even when scores moved in between."""
    parsed = _more_value(value)
    if parsed is None:
        return [ctx.say("common.unknown_button")]
    count, ids = parsed
    if count == 0:
        return await _suggestions(ctx, set())
    if (refusal := await _refusal(ctx)) is not None:
        return [refusal]
    if ids and count == len(ids):  # the first page of a /find: a new list
        await ctx.tx.execute("DELETE FROM suggestions_shown WHERE mentee_id = ?",
                             (ctx.person.id,))
    await _record(ctx, ids)
    before = {row[0] for row in await ctx.tx.all(
        "SELECT mentor_id FROM suggestions_shown WHERE mentee_id = ?", (ctx.person.id,))}
    return await _suggestions(ctx, before, record=True)


async def _record(ctx: Context, ids: list[int]) -> None:
    """`ids` shown to this mentee, in one statement; only people of the programme (a forged
    id is no one)."""
    if ids:
        await ctx.tx.execute(
            "INSERT INTO suggestions_shown (mentee_id, mentor_id, shown_at)"
            f" SELECT ?, id, ? FROM people WHERE id IN ({marks(ids)}) AND programme_id = ?"
            " ON CONFLICT DO NOTHING",
            [ctx.person.id, to_iso(ctx.now), *ids, ctx.person.programme_id])


async def press_dismiss(ctx: Context, value: str) -> list[Reply]:
    mentor = await _mentor_from(ctx, value)
    if mentor is None:
        return [ctx.say("request.unknown_mentor")]
    await ctx.tx.execute(
        "INSERT INTO dismissals (mentee_id, mentor_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING", (ctx.person.id, mentor.id, to_iso(ctx.now)))
    return [ctx.say("find.dismissed", name=mentor.name)]


async def _mentor_from(ctx: Context, value: str) -> Person | None:
    mentor_id = _int(value)
    mentor = await people.get(ctx.tx, mentor_id) if mentor_id else None
    if mentor is None or mentor.programme_id != ctx.person.programme_id or not mentor.is_mentor:
        return None
    return mentor


# --- sending a request ------------------------------------------------------------------

async def press_request(ctx: Context, value: str) -> list[Reply]:
    mentor = await _mentor_from(ctx, value)
    if mentor is None or not ctx.person.is_mentee or mentor.id == ctx.person.id:
        return [ctx.say("request.unknown_mentor")]
    checked = await _check_request(ctx, mentor)
    if isinstance(checked, Reply):
        return [checked]
    await set_conversation(ctx.tx, ctx.person.id,
                           Conversation(F_NOTE, "note", {"mentor_id": mentor.id}), ctx.now)
    return [ctx.reply(ctx.t("request.ask_note", name=mentor.name),
                      [Button(ctx.t("request.send_plain"), A_SEND, str(mentor.id))])]


async def _check_request(ctx: Context, mentor: Person) -> Reply | Suggestion:
    """The pair's score, or why this mentee can't ask this mentor now."""
    if (has_mentor := await _has_mentor(ctx)) is not None:
        return has_mentor
    if (not_yet := await readiness.find_gate(ctx)) is not None:
        return not_yet
    pending = await ctx.tx.all(
        "SELECT mentor_id FROM requests WHERE mentee_id = ? AND status = 'pending'",
        (ctx.person.id,))
    if any(row["mentor_id"] == mentor.id for row in pending):
        return ctx.say("request.already", name=mentor.name)
    if len(pending) >= MAX_PENDING:
        return ctx.say("request.too_many", count=len(pending))
    score = await ctx.services.matchmaker.score(ctx.tx, ctx.person, mentor, to_iso(ctx.now))
    if score is None:
        return ctx.say("request.not_possible", name=mentor.name)
    if score.score < quality_floor(ctx.services):  # never offered: a forged or stale button
        return ctx.say("request.not_good_enough", name=mentor.name)
    return score


async def press_send(ctx: Context, value: str) -> list[Reply]:
    mentor = await _mentor_from(ctx, value)
    if mentor is None:
        return [ctx.say("request.unknown_mentor")]
    return await _send_request(ctx, mentor, note="")


async def flow_note(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    if len(text) > MAX_NOTE:
        return [ctx.say("request.note_too_long", limit=MAX_NOTE,
                        length=format_decimal(len(text), locale=ctx.lang))]  # "2 535"
    if (refusal := refuse_contact_details(ctx, text)) is not None:  # relay mode: no contacts
        return [refusal]
    mentor = await _mentor_from(ctx, str(conv.data.get("mentor_id", "")))
    if mentor is None:
        await clear_conversation(ctx.tx, ctx.person.id)
        return [ctx.say("request.unknown_mentor")]
    return await _send_request(ctx, mentor, note=text)


async def _send_request(ctx: Context, mentor: Person, note: str) -> list[Reply]:
    await clear_conversation(ctx.tx, ctx.person.id)
    if not ctx.person.is_mentee or mentor.id == ctx.person.id:
        return [ctx.say("request.unknown_mentor")]
    suggestion = await _check_request(ctx, mentor)
    if isinstance(suggestion, Reply):
        return [suggestion]
    days = ctx.services.config.matching.request_expiry_days
    expires = ctx.now + timedelta(days=days)
    request_id = await ctx.tx.insert(
        "INSERT INTO requests (programme_id, mentee_id, mentor_id, message, score, reasons,"
        " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.person.programme_id, ctx.person.id, mentor.id, note, suggestion.score,
         json.dumps([[r.code, _jsonable(r.params)] for r in suggestion.reasons]),
         to_iso(ctx.now), to_iso(expires)))
    suggestion = _for_the_mentor(ctx, mentor, suggestion)
    await ctx.notify(mentor.id, _request_message(ctx.services, ctx.person, suggestion, note,
                                                 request_id),
                     key=f"request:{request_id}:to-mentor")
    await ctx.notify(mentor.id, Outgoing(
        key="request.reminder_mentor",
        params={"mentee": ctx.person.name, "days": days - days // 2},
        buttons=_answer_buttons(request_id)),
        key=f"request:{request_id}:reminder", delay=timedelta(days=days / 2), kind="reminder")
    await ctx.notify(mentor.id, Outgoing(key="expire_request", params={"request_id": request_id}),
                     key=f"request:{request_id}:expire", delay=timedelta(days=days), kind="job")
    await ctx.emit(RequestSent(request_id=request_id, mentee_id=ctx.person.id,
                               mentor_id=mentor.id))
    return [ctx.say("request.sent", name=mentor.name, days=days)]


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def _answer_buttons(request_id: int) -> tuple[OutButton, ...]:
    return (OutButton("request.accept", A_ACCEPT, str(request_id)),
            OutButton("request.decline", A_DECLINE, str(request_id)),
            OutButton("request.ask_info", A_INFO, str(request_id)))


def _for_the_mentor(ctx: Context, mentor: Person, suggestion: Suggestion) -> Suggestion:
    """The suggestion with when both are free read from the mentor's side: the times in the
    mentor's own week ("Wednesdays before 6 a.m." for a mentee's Tuesday evening). Unknown
    because the mentee gave no times is left out (its words speak of "this mentor")."""
    when = common_availability(to_profile(mentor), to_profile(ctx.person),
                               availability.reference_monday(ctx.now.date()))
    if when.params.get("missing") == "mentor":
        when = None
    return replace(suggestion, availability=when)


def _request_message(services: Services, mentee: Person, suggestion: Suggestion, note: str,
                     request_id: int) -> Outgoing:
    # Reasons are worded for the mentee ("speaks your language"); the mentor sees the
    # ones that read the same from both sides.
    shared = Suggestion(suggestion.mentor_id, suggestion.score, suggestion.criteria,
                        tuple(r for r in suggestion.reasons if r.code in MUTUAL_REASONS),
                        suggestion.availability)

    def reasons(lang: str) -> str:
        return "\n".join(f"- {r}" for r in _reasons(services, lang, shared)) or "—"

    def note_line(lang: str) -> str:
        return services.catalogue.text(lang, "request.note_line", note=note) if note else ""

    return Outgoing(
        key="request.to_mentor",
        params={
            "mentee": mentee.name,
            "topics": in_every_language(lambda lang: _topics(services, lang,
                                                             mentee.topics_sought)),
            "goals": mentee.goals[:400],
            "languages": in_every_language(lambda lang: services.catalogue.join(
                lang, [language_name(c, lang) for c in mentee.languages])),
            "timezone": in_every_language(lambda lang: zone_name(
                services.catalogue, mentee.timezone, lang, place=mentee.timezone_place)),
            "seniority": in_every_language(lambda lang: _seniority(services, lang,
                                                                   mentee.seniority)),
            "department": f" · {mentee.department}" if mentee.department else "",
            "reasons": in_every_language(reasons),
            "note": in_every_language(note_line),
        },
        buttons=_answer_buttons(request_id),
    )


# --- the mentor answers -----------------------------------------------------------------

async def _own_pending_request(ctx: Context, value: str, as_role: str = "mentor"
                               ) -> tuple[Any, list[Reply]]:
    request_id = _int(value)
    row = await ctx.tx.one("SELECT * FROM requests WHERE id = ?", (request_id,)) \
        if request_id else None
    if row is None:
        return None, [ctx.say("common.unknown_button")]
    if row[f"{as_role}_id"] != ctx.person.id:
        return None, [ctx.say("request.not_yours")]
    if row["status"] != "pending":
        return None, [ctx.say("request.answered_already", status=row["status"])]
    return row, []


async def _contact_for(tx: Tx, person: Person, reader: Person, *, services: Services) -> str:
    # relay mode: never a contact (bot/mentoring/relay.py)
    if relay_mode(services, person.programme_id):
        return RELAYED
    addresses = await people.addresses_of(tx, person.id)
    reader_addresses = await people.addresses_of(tx, reader.id)
    reader_platform = reader_addresses[0].platform if reader_addresses else ""
    return contact_of(addresses[0], person.name, reader_platform) if addresses else person.name


async def press_accept(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _own_pending_request(ctx, value)
    if refusal:
        return refusal
    mentee = await people.get(ctx.tx, row["mentee_id"])
    if mentee is None:
        return [ctx.say("common.unknown_button")]
    if (waiting := await conduct.waiting_for_mentee(ctx, mentee, row["id"])) is not None:
        return waiting  # a request older than the code of conduct in force
    if await _current_mentor(ctx.tx, mentee.id) is not None:
        await close_request(ctx.tx, row["id"], "withdrawn", ctx.now)
        return [ctx.say("request.answered_already", status="withdrawn")]
    months = _relationship_months(ctx.services, ctx.person.programme_id)
    await ctx.tx.execute("UPDATE requests SET status = 'accepted', answered_at = ? WHERE id = ?",
                         (to_iso(ctx.now), row["id"]))
    await outbox.cancel(ctx.tx, f"request:{row['id']}:")  # no reminder after a yes
    match_id = await ctx.tx.insert(
        "INSERT INTO matches (programme_id, mentee_id, mentor_id, request_id, source, score,"
        " started_at, ends_at) VALUES (?, ?, ?, ?, 'request', ?, ?, ?)",
        (row["programme_id"], mentee.id, ctx.person.id, row["id"], row["score"],
         to_iso(ctx.now), to_iso(ctx.now + timedelta(days=30 * months))))
    intro = await introduce(ctx.tx, ctx.services, mentee, ctx.person, ctx.now, row["id"],
                            mentor_now=True)
    await ctx.emit(Matched(match_id=match_id, mentee_id=mentee.id, mentor_id=ctx.person.id,
                           source="request"))
    assert intro is not None
    text, buttons = render(ctx.services.catalogue, ctx.lang, intro)  # the introduction, once
    replies = [ctx.reply(text, buttons)]
    replies += await _after_match(ctx, mentee)
    return replies


def _relationship_months(services: Services, programme_id: int) -> int:
    for code, pid in services.programme_ids.items():
        if pid == programme_id:
            return services.config.programmes[code].relationship_months
    return 6


async def introduce(tx: Tx, services: Services, mentee: Person, mentor: Person, now: Any,
                    ref: int | str, *, source: str = "request",
                    mentor_now: bool = False) -> Outgoing | None:
    """Both sides get each other's contact, on their own platform, in their own language.

    The words say who made the match (`source`): the mentor accepting a request, a
    coordinator ("manual") or the cohort matching — a mentor who was asked nothing is never
    said to have accepted. With `mentor_now` (the mentor is pressing *Accept*) the mentor's
    introduction is returned for their reply instead of queued: they get it once."""
    if relay_mode(services, mentee.programme_id):  # relay mode: "talk through me", no contacts
        return await introduce_relayed(tx, services, mentee, mentor, now, ref, source=source,
                                       mentor_now=mentor_now)
    prefix = f"intro.{source}." if source in ("manual", "cohort") else "intro."
    await _enqueue(tx, mentee.id, Outgoing(key=f"{prefix}mentee", params={
        "mentor": mentor.name,
        "contact": await _contact_for(tx, mentor, mentee, services=services)}),
        now, f"intro:{ref}:mentee")
    to_mentor = Outgoing(key=f"{prefix}mentor", params={
        "mentee": mentee.name,
        "contact": await _contact_for(tx, mentee, mentor, services=services)})
    if mentor_now:
        return to_mentor
    await _enqueue(tx, mentor.id, to_mentor, now, f"intro:{ref}:mentor")
    return None


async def _enqueue(tx: Tx, person_id: int, message: Outgoing, now: Any, key: str,
                   kind: str = "message") -> None:
    await outbox.enqueue(tx, person_id, message, due_at=now, key=key, kind=kind)


async def _after_match(ctx: Context, mentee: Person) -> list[Reply]:
    closed = await close_after_match(ctx.tx, mentee, ctx.person, ctx.now)
    count = await mentees_of(ctx.tx, ctx.person.id)
    return [ctx.say("request.full", count=count)] if closed else []


async def close_after_match(tx: Tx, mentee: Person, mentor: Person, now: Any) -> int:
    """Close the mentee's other requests, and the mentor's when they are now full.

    Returns how many of the mentor's requests were closed for them.
    """
    others = await tx.all(
        "SELECT id FROM requests WHERE mentee_id = ? AND status = 'pending'", (mentee.id,))
    for other in others:
        await close_request(tx, other["id"], "withdrawn", now)
    if await mentees_of(tx, mentor.id) < mentor.capacity:
        return 0
    waiting = await tx.all(
        "SELECT id FROM requests WHERE mentor_id = ? AND status = 'pending'", (mentor.id,))
    for request in waiting:
        await close_request(tx, request["id"], "full", now)
    return len(waiting)


async def close_request(tx: Tx, request_id: int, why: str, now: Any) -> None:
    """Close a pending request ("withdrawn", "full", "paused") and tell who needs to know."""
    row = await tx.one("SELECT * FROM requests WHERE id = ?", (request_id,))
    if row is None or row["status"] != "pending":
        return
    status = "withdrawn" if why == "withdrawn" else "closed"
    await tx.execute("UPDATE requests SET status = ?, answered_at = ? WHERE id = ?",
                     (status, to_iso(now), request_id))
    await outbox.cancel(tx, f"request:{request_id}:")
    mentee = await people.get(tx, row["mentee_id"])
    mentor = await people.get(tx, row["mentor_id"])
    if mentee is None or mentor is None:
        return
    if why == "withdrawn":
        await _enqueue(tx, mentor.id, Outgoing(key="request.withdrawn_mentor",
                                               params={"mentee": mentee.name}),
                       now, f"request:{request_id}:withdrawn")
    else:
        await _enqueue(tx, mentee.id, Outgoing(key=f"request.closed_{why}",
                                               params={"mentor": mentor.name}),
                       now, f"request:{request_id}:closed")


async def press_decline(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _own_pending_request(ctx, value)
    if refusal:
        return refusal
    await ctx.tx.execute("UPDATE requests SET status = 'declined', answered_at = ? WHERE id = ?",
                         (to_iso(ctx.now), row["id"]))
    await outbox.cancel(ctx.tx, f"request:{row['id']}:")
    mentee = await people.get(ctx.tx, row["mentee_id"])
    if mentee is None:
        return [ctx.say("common.unknown_button")]
    await ctx.notify(mentee.id, Outgoing(
        key="request.declined_mentee", params={"mentor": ctx.person.name},
        buttons=(OutButton("request.see_others", A_MORE, "0"),)),
        key=f"request:{row['id']}:declined")
    return [ctx.say("request.declined_mentor", mentee=mentee.name)]


# --- ask for more info ------------------------------------------------------------------

async def press_info(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _own_pending_request(ctx, value)
    if refusal:
        return refusal
    mentee = await people.get(ctx.tx, row["mentee_id"])
    await set_conversation(ctx.tx, ctx.person.id,
                           Conversation(F_QUESTION, "question", {"request_id": row["id"]}),
                           ctx.now)
    return [ctx.say("request.ask_question", mentee=mentee.name if mentee else "?")]


async def press_answer(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _own_pending_request(ctx, value, as_role="mentee")
    if refusal:
        return refusal
    mentor = await people.get(ctx.tx, row["mentor_id"])
    await set_conversation(ctx.tx, ctx.person.id,
                           Conversation(F_ANSWER, "answer", {"request_id": row["id"]}), ctx.now)
    return [ctx.say("request.ask_answer", mentor=mentor.name if mentor else "?")]


@dataclass(frozen=True)
class _Relay:
    """One direction of the "ask for more info" exchange before a request is answered."""

    writer: str          # "mentor" asks, "mentee" answers
    reader_column: str
    message_key: str
    text_param: str
    key_letter: str
    sent_key: str


_QUESTION = _Relay("mentor", "mentee_id", "request.question_to_mentee", "question", "q",
                   "request.question_sent")
_ANSWER = _Relay("mentee", "mentor_id", "request.answer_to_mentor", "answer", "a",
                 "request.answer_sent")


async def _relay(ctx: Context, conv: Conversation, text: str, relay: _Relay) -> list[Reply]:
    if len(text) > MAX_NOTE:  # the flow stays open: they can send a shorter text
        return [ctx.say("request.note_too_long", limit=MAX_NOTE,
                        length=format_decimal(len(text), locale=ctx.lang))]  # "2 535"
    if (refusal := refuse_contact_details(ctx, text)) is not None:  # relay mode: no contacts
        return [refusal]
    await clear_conversation(ctx.tx, ctx.person.id)
    row, refusal = await _own_pending_request(ctx, str(conv.data.get("request_id", "")),
                                              as_role=relay.writer)
    if refusal:
        return refusal
    reader = await people.get(ctx.tx, row[relay.reader_column])
    if reader is None:
        return [ctx.say("common.unknown_button")]
    # The earlier notes of this request: one range of the key's unique index (a LIKE would
    # walk the whole outbox), ending before the next letter.
    prefix = f"request:{row['id']}:{relay.key_letter}"
    count = await ctx.tx.value("SELECT count(*) FROM outbox WHERE idempotency_key >= ?"
                               " AND idempotency_key < ?", (prefix, outbox.after_prefix(prefix)))
    buttons = (OutButton("request.answer", A_ANSWER, str(row["id"])),) \
        if relay.writer == "mentor" else _answer_buttons(row["id"])
    await ctx.notify(reader.id, Outgoing(
        key=relay.message_key, params={relay.writer: ctx.person.name, relay.text_param: text},
        buttons=buttons), key=f"request:{row['id']}:{relay.key_letter}{count + 1}")
    if relay.writer == "mentor" and await get_conversation(ctx.tx, reader.id) is None:
        # People answer a question by typing, without pressing *Answer* first: what the
        # mentee types next is the answer (unless they are in the middle of something else).
        await set_conversation(ctx.tx, reader.id, Conversation(
            F_ANSWER, "answer", {"request_id": row["id"]}), ctx.now)
    other = "mentee" if relay.writer == "mentor" else "mentor"
    return [ctx.say(relay.sent_key, **{other: reader.name})]


async def flow_question(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    return await _relay(ctx, conv, text, _QUESTION)


async def flow_answer(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    return await _relay(ctx, conv, text, _ANSWER)


# --- expiry (a scheduled job) -------------------------------------------------------------

async def job_expire_request(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    row = await tx.one("SELECT * FROM requests WHERE id = ?", (params.get("request_id"),))
    if row is None or row["status"] != "pending":
        return
    now = services.clock.now()
    if from_iso(row["expires_at"]) > now:
        return
    mentee = await people.get(tx, row["mentee_id"])
    mentor = await people.get(tx, row["mentor_id"])
    if mentor is None:  # gone from the store: closed, and the mentee told without a name
        await tx.execute("UPDATE requests SET status = 'closed', answered_at = ? WHERE id = ?",
                         (to_iso(now), row["id"]))
        await outbox.cancel(tx, f"request:{row['id']}:")
        if mentee is not None:
            await _enqueue(tx, mentee.id, Outgoing(key="request.closed_gone"), now,
                           f"request:{row['id']}:gone")
        return
    await tx.execute("UPDATE requests SET status = 'expired', answered_at = ? WHERE id = ?",
                     (to_iso(now), row["id"]))
    if mentee is None:
        return
    await _enqueue(tx, mentor.id, Outgoing(key="request.expired_mentor",
                                           params={"mentee": mentee.name}),
                   now, f"request:{row['id']}:expired-mentor")
    # Re-route: the next best mentor, one tap away.
    found = await services.matchmaker.candidates(tx, mentee, to_iso(now), k=1,
                                                 extra_exclude={mentor.id},
                                                 min_score=quality_floor(services))
    if not found:
        await _enqueue(tx, mentee.id, Outgoing(key="request.expired_none",
                                               params={"mentor": mentor.name}),
                       now, f"request:{row['id']}:expired-mentee")
        return
    suggestion, nxt = found[0]
    card = Outgoing(key="find.card", params={
        "name": nxt.name,
        "seniority": in_every_language(lambda lang: _seniority(services, lang, nxt.seniority)),
        "department": f" · {nxt.department}" if nxt.department else "",
        "topics": in_every_language(lambda lang: _topics(services, lang, nxt.topics_offered)),
        "bio": nxt.goals[:280],
        "reasons": in_every_language(
            lambda lang: "\n".join(f"- {r}" for r in _reasons(services, lang, suggestion))),
    }, buttons=(OutButton("find.request", A_REQUEST, str(nxt.id), {"name": nxt.name}),
                OutButton("find.dismiss", A_DISMISS, str(nxt.id))))
    await _enqueue(tx, mentee.id, Outgoing(parts=(
        Outgoing(key="request.expired_mentee", params={"mentor": mentor.name}), card)),
        now, f"request:{row['id']}:expired-mentee")


async def _prepare_matching(tx: Tx, services: Services, event: Started) -> None:
    """At start-up: the mentors are read now, their index is built off the event path."""
    await services.matchmaker.prepare(tx, list(services.programme_ids.values()),
                                      to_iso(services.clock.now()))


# --- pause / resume / my relationships ------------------------------------------------------

async def cmd_pause(ctx: Context, args: str) -> list[Reply]:
    if not ctx.person.is_mentor:
        return [ctx.say("pause.not_mentor")]
    if ctx.person.paused:
        return [ctx.say("pause.already_paused")]
    ctx.person = await people.update(ctx.tx, ctx.person, ctx.now, paused=True)
    waiting = await ctx.tx.all(
        "SELECT id FROM requests WHERE mentor_id = ? AND status = 'pending'", (ctx.person.id,))
    for request in waiting:
        await close_request(ctx.tx, request["id"], "paused", ctx.now)
    if not waiting:
        return [ctx.say("pause.paused_none")]
    return [ctx.say("pause.paused", count=len(waiting))]


async def cmd_resume(ctx: Context, args: str) -> list[Reply]:
    if not ctx.person.is_mentor:
        return [ctx.say("pause.not_mentor")]
    if not ctx.person.paused:
        return [ctx.say("pause.not_paused")]
    ctx.person = await people.update(ctx.tx, ctx.person, ctx.now, paused=False)
    return [ctx.say("pause.resumed")]


async def cmd_mentors(ctx: Context, args: str) -> list[Reply]:
    from babel.dates import format_date

    lines = [ctx.t("mentors.title")]
    buttons: list[Button] = []  # "End my relationship with …" (bot/mentoring/ending.py)

    def since(iso: str) -> str:
        return format_date(from_iso(iso), format="medium", locale=ctx.lang)

    for row in await ctx.tx.all(
            "SELECT * FROM matches WHERE status = 'active' AND (mentee_id = ? OR mentor_id = ?)"
            " ORDER BY started_at", (ctx.person.id, ctx.person.id)):
        as_mentee = row["mentee_id"] == ctx.person.id
        other = await people.get(ctx.tx, row["mentor_id" if as_mentee else "mentee_id"])
        if other is None:
            continue
        lines.append(ctx.t("mentors.as_mentee" if as_mentee else "mentors.as_mentor",
                           name=other.name, since=since(row["started_at"]),
                           contact=await _contact_for(ctx.tx, other, ctx.person,
                                                      services=ctx.services)))
        buttons.append(relationship_button(ctx, row["id"], other.name))
    for row in await ctx.tx.all(
            "SELECT * FROM requests WHERE status = 'pending' AND (mentee_id = ? OR mentor_id = ?)"
            " ORDER BY created_at", (ctx.person.id, ctx.person.id)):
        outgoing = row["mentee_id"] == ctx.person.id
        other = await people.get(ctx.tx, row["mentor_id" if outgoing else "mentee_id"])
        if other is not None:
            lines.append(ctx.t("mentors.pending_out" if outgoing else "mentors.pending_in",
                               name=other.name, since=since(row["created_at"])))
    if len(lines) == 1:
        if ctx.person.is_mentor and not ctx.person.is_mentee:  # /find is not for them
            return [ctx.say("mentors.none_mentor_paused" if ctx.person.paused
                            else "mentors.none_mentor")]
        return [ctx.say("mentors.none")]
    return [ctx.reply("\n".join(lines), buttons)]


def register(router: Router, registry: AdminRegistry) -> None:
    router.command("find", cmd_find, aliases=("trouver",), needs_profile=True,
                   help_key="help.find")
    router.command("mentors", cmd_mentors, aliases=("mentorat",), needs_profile=True,
                   help_key="help.mentors")
    router.command("pause", cmd_pause, needs_profile=True, help_key="help.pause")
    router.command("resume", cmd_resume, aliases=("reprendre",), needs_profile=True)
    for action_id, handler in [(A_REQUEST, press_request), (A_SEND, press_send),
                               (A_DISMISS, press_dismiss), (A_MORE, press_more),
                               (A_ACCEPT, press_accept), (A_DECLINE, press_decline),
                               (A_INFO, press_info), (A_ANSWER, press_answer)]:
        router.action(action_id, active_only(handler))
    router.flow(F_NOTE, flow_note, skip=lambda ctx, conv: press_send(
        ctx, str(conv.data.get("mentor_id", ""))))
    router.flow(F_QUESTION, flow_question)
    router.flow(F_ANSWER, flow_answer)
    router.job("expire_request", job_expire_request)
    router.hooks.on(Started, _prepare_matching)

    export.register_table(export.ExportTable(
        "requests",
        "SELECT r.id, pr.code AS programme, r.mentee_id, r.mentor_id, r.status, r.message,"
        " round(r.score, 4) AS score, r.reasons, r.created_at, r.expires_at, r.answered_at"
        " FROM requests r JOIN programmes pr ON pr.id = r.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY r.id",
        ("reasons",)))
    export.register_table(export.ExportTable(
        "matches",
        "SELECT m.id, pr.code AS programme, m.mentee_id, m.mentor_id, m.request_id, m.source,"
        " m.status, round(m.score, 4) AS score, m.started_at, m.ends_at, m.ended_at,"
        " m.end_reason FROM matches m JOIN programmes pr ON pr.id = m.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY m.id"))
