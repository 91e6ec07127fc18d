"""Planning meetings: /meet offers three times that suit everyone, the other side picks one,
proposes another time in their own words, or declines; /meetings lists upcoming and past
meetings with reschedule and cancel buttons.

Times offered come from both people's weekly availability in the next `[meetings]
horizon_days`, at least 12 hours ahead, never over their other meetings, each shown to its
reader in their own zone and language. A mentor with several mentees may plan one meeting
for the whole circle: they pick the time themselves and every member is invited.

Button values are ids (a proposal, a meeting, a match) re-checked on every press: a forged,
stale or foreign value gets a polite answer and changes nothing. A confirmed meeting sends
everyone an .ics invitation, queues reminders and the question afterwards
(bot/onboarding/invitations.py); moving it sends an update with the same UID and SEQUENCE + 1,
cancelling it a METHOD:CANCEL invitation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.admin import export
from bot.kernel import outbox, people
from bot.kernel.context import Context, Services
from bot.kernel.dispatcher import render
from bot.kernel.domain_events import Matched, MeetingConfirmed
from bot.kernel.events import Button, Reply
from bot.kernel.ids import parse_number
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.people import Person
from bot.kernel.router import Router, active_only
from bot.meetings import meeting_store as store
from bot.meetings.meeting_store import Meeting, Proposal, Relationship, parse_id
from bot.meetings.meeting_time import every_language, long_form, short_form, zone_name
from bot.onboarding import invitations
from bot.onboarding.invitations import names_for, person_prefix, video_line
from bot.store.db import Tx
from bot.store.state import Conversation, clear_conversation, set_conversation
from bot.text.parse_errors import ParseError, fold
from bot.text.slots import free_starts, overlaps, zone
from bot.text.when import parse_when

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

A_MEET = "mtg.meet"              # value: match id, or "group"
A_PICK = "mtg.pick"              # value: proposal id:slot index
A_OTHER = "mtg.other"            # value: proposal id
A_AT = "mtg.at"                  # value: proposal id:unix time (one side of a DST change)
A_DECLINE = "mtg.decline"        # value: proposal id
A_MOVE = "mtg.move"              # value: meeting id
A_CANCEL = "mtg.cancel"          # value: meeting id (asks to confirm)
A_CANCEL_YES = "mtg.cancel_yes"  # value: meeting id
A_ABSENT = "mtg.absent"          # value: meeting id (a circle member who can't come)
F_TIME = "meeting_time"

GROUP = "group"
GROUP_WORDS = frozenset({"group", "groupe", "all", "tous", "circle", "cercle"})
SLOTS = 3
PROPOSAL_NOTICE = timedelta(hours=12)  # the earliest time offered
TYPED_NOTICE = timedelta(minutes=30)   # the earliest time someone may type
PICK_NOTICE = timedelta(minutes=5)     # an offered time must still be ahead when picked
MAX_AHEAD = timedelta(days=366)        # as far as bot.text.when accepts a typed time
LIST_LIMIT = 10
MAX_CHANGE_BUTTONS = 6


def _settings(services: Services) -> tuple[int, int]:
    meetings = services.config.meetings
    return max(meetings.length_minutes, 5), max(meetings.horizon_days, 1)


# --- /meet -----------------------------------------------------------------------------------

async def cmd_meet(ctx: Context, args: str) -> list[Reply]:
    relations = await store.relationships(ctx.tx, ctx.person.id)
    if not relations:
        mentor_only = ctx.person.is_mentor and not ctx.person.is_mentee  # /find is not theirs
        return [ctx.say("meetings.no_relationship_mentor" if mentor_only
                        else "meetings.no_relationship")]
    mentees = [r for r in relations if r.as_mentor]
    wanted = fold(args).lstrip("@").strip()
    if wanted in GROUP_WORDS and len(mentees) > 1:
        return await plan(ctx, mentees)
    named = [r for r in relations if wanted and wanted in (fold(r.other.name),
                                                            fold(r.other.handle))]
    if named:
        return await plan(ctx, named[:1])
    if len(relations) == 1 and not wanted:
        return await plan(ctx, relations)
    buttons = [Button(ctx.t("meetings.with", name=r.other.name)[:75], A_MEET, str(r.match_id))
               for r in relations]
    if len(mentees) > 1:
        buttons.append(Button(ctx.t("meetings.with_group", count=len(mentees)), A_MEET, GROUP))
    return [ctx.reply(ctx.t("meetings.choose_who"), buttons)]


async def press_meet(ctx: Context, value: str) -> list[Reply]:
    relations = await store.relationships(ctx.tx, ctx.person.id)
    if value == GROUP:
        mentees = [r for r in relations if r.as_mentor]
        return await plan(ctx, mentees) if len(mentees) > 1 else \
            [ctx.say("meetings.not_your_relationship")]
    match_id = parse_id(value)
    chosen = [r for r in relations if r.match_id == match_id]
    if not chosen:
        return [ctx.say("meetings.not_your_relationship")]
    return await plan(ctx, chosen)


async def plan(ctx: Context, members: list[Relationship]) -> list[Reply]:
    """Plan a meeting with `members` (one relationship, or a mentor's circle)."""
    meeting = await store.open_meeting_for(ctx.tx, ctx.person.id, members)
    if meeting is not None:
        waiting = await store.pending_proposal(ctx.tx, meeting.id)
        if waiting and waiting.slots and waiting.responder_id == ctx.person.id \
                and waiting.proposer_id != ctx.person.id:
            return [await _show_again(ctx, meeting, waiting)]  # they proposed first: answer it
        meeting = await store.update(ctx.tx, meeting, ctx.now, organiser_id=ctx.person.id)
        await store.set_participants(ctx.tx, meeting.id, ctx.person, members)
    else:
        length, _ = _settings(ctx.services)
        meeting = await store.create(ctx.tx, programme_id=ctx.person.programme_id,
                                     organiser=ctx.person, members=members, length=length,
                                     now=ctx.now)
    return await _offer(ctx, meeting, moving=False)


async def _offer(ctx: Context, meeting: Meeting, *, moving: bool) -> list[Reply]:
    """Find free times for everyone and offer them (circle: to the organiser at once).

    Everyone counts, also a circle member who couldn't make the time being moved."""
    parts = await store.participants(ctx.tx, meeting.id)
    _, horizon = _settings(ctx.services)
    taken = await store.busy(ctx.tx, [p.person.id for p in parts], exclude=meeting.id,
                             since=ctx.now)
    if moving and meeting.starts_at is not None and meeting.ends_at is not None:
        taken.append((meeting.starts_at, meeting.ends_at))  # a new time, not the same one
    starts = free_starts([(p.person.timezone, p.person.availability) for p in parts], taken,
                         ctx.now + PROPOSAL_NOTICE, ctx.now + timedelta(days=horizon),
                         meeting.length, count=SLOTS, day_zone=ctx.person.timezone)
    names = names_for(ctx.services, parts, ctx.person.id, ctx.lang)
    if not starts:
        proposal = await store.propose(ctx.tx, meeting, ctx.person, ctx.person, [], ctx.now)
        await _ask_time(ctx, proposal)
        return [ctx.say("meetings.no_common_slot", names=names, days=horizon,
                        zone=zone_name(ctx.services.catalogue, ctx.person.timezone, ctx.lang,
                                       place=ctx.person.timezone_place))]
    if meeting.is_group:
        proposal = await store.propose(ctx.tx, meeting, ctx.person, ctx.person, starts, ctx.now)
        return [await _show_again(ctx, meeting, proposal)]
    other = next(p.person for p in parts if p.person.id != ctx.person.id)
    proposal = await store.propose(ctx.tx, meeting, ctx.person, other, starts, ctx.now)
    await ctx.notify(other.id, _proposal_message(ctx.services, meeting, proposal, ctx.person,
                                                 other, moving=moving),
                     key=f"meeting:{meeting.id}:proposal:{proposal.id}")
    times = "\n".join(f"- {_when(ctx, meeting, start)}" for start in starts)
    if moving and meeting.starts_at is not None:
        return [ctx.say("meetings.move_sent", name=other.name, times=times,
                        when=_when(ctx, meeting))]
    return [ctx.say("meetings.proposed", name=other.name, times=times)]


def _when(ctx: Context, meeting: Meeting, start: datetime | None = None, *,
          show_zone: bool = True) -> str:
    moment = start or meeting.starts_at
    assert moment is not None
    return long_form(ctx.services.catalogue, moment, meeting.length, ctx.person.timezone,
                     ctx.lang, show_zone=show_zone, place=ctx.person.timezone_place)


def _when_for(services: Services, meeting: Meeting, reader: Person) -> dict[str, Any]:
    """The agreed time of `meeting` as `reader` will read it, in every language."""
    start = meeting.starts_at
    assert start is not None
    return every_language(lambda lang: long_form(services.catalogue, start, meeting.length,
                                                 reader.timezone, lang,
                                                 place=reader.timezone_place))


def _proposal_message(services: Services, meeting: Meeting, proposal: Proposal,
                      proposer: Person, reader: Person, *, moving: bool) -> Outgoing:
    """The times offered to `reader`, as buttons in their zone, then "another time", "no"."""
    counter = len(proposal.slots) == 1
    label = "meetings.accept_time" if counter else "meetings.slot_button"
    buttons = tuple(
        OutButton(label, A_PICK, f"{proposal.id}:{index}", {"when": every_language(
            lambda lang, s=start: short_form(s, reader.timezone, lang))})
        for index, start in enumerate(proposal.slots))
    buttons += (OutButton("meetings.other_time", A_OTHER, str(proposal.id)),
                OutButton("meetings.decline_button", A_DECLINE, str(proposal.id)))

    def when(lang: str, start: datetime) -> str:
        return long_form(services.catalogue, start, meeting.length, reader.timezone, lang,
                         place=reader.timezone_place)

    params: dict[str, Any] = {
        "name": proposer.name, "length": meeting.length,
        "zone": every_language(lambda lang: zone_name(services.catalogue, reader.timezone, lang,
                                                      place=reader.timezone_place)),
    }
    if counter:
        params["proposed"] = every_language(lambda lang: when(lang, proposal.slots[0]))
    current = meeting.starts_at
    if meeting.is_group:  # shown to the mentor who organises it
        key = "meetings.group_pick"
    elif moving and current is not None:
        params["when"] = every_language(lambda lang: when(lang, current))
        key = "meetings.move_counter" if counter else "meetings.move_proposal"
    else:
        key = "meetings.counter_proposal" if counter else "meetings.proposal"
    return Outgoing(key=key, params=params, buttons=buttons)


async def _show_again(ctx: Context, meeting: Meeting, proposal: Proposal) -> Reply:
    """A pending proposal shown to its responder right now, as the queued message reads."""
    proposer = await people.get(ctx.tx, proposal.proposer_id or 0) or ctx.person
    message = _proposal_message(ctx.services, meeting, proposal, proposer, ctx.person,
                                moving=meeting.status == "confirmed")
    text, buttons = render(ctx.services.catalogue, ctx.lang, message)
    return ctx.reply(text, buttons)


async def _ask_time(ctx: Context, proposal: Proposal) -> None:
    await set_conversation(ctx.tx, ctx.person.id,
                           Conversation(F_TIME, "time", {"proposal_id": proposal.id}), ctx.now)


# --- answering a proposal ------------------------------------------------------------------

async def _answerable(ctx: Context, proposal: Proposal | None) -> Meeting | list[Reply]:
    """The meeting of a proposal this person may answer now, or the polite refusal."""
    if proposal is None:
        return [ctx.say("common.unknown_button")]
    if proposal.responder_id != ctx.person.id:
        return [ctx.say("meetings.not_yours")]
    meeting = await store.get(ctx.tx, proposal.meeting_id)
    if meeting is not None and not await _relationships_active(ctx.tx, meeting):
        # Said first: "answered or replaced, see /meetings" sent people to look for nothing.
        return [ctx.say("meetings.relationship_over")]
    if proposal.status != "pending" or meeting is None or meeting.status not in store.OPEN:
        return [ctx.say("meetings.proposal_closed")]
    return meeting


async def _relationships_active(tx: Tx, meeting: Meeting) -> bool:
    for match_id in await store.match_ids(tx, meeting.id):
        match = await store.match_row(tx, match_id)
        if match is None or match["status"] != "active":
            return False
    return True


async def press_pick(ctx: Context, value: str) -> list[Reply]:
    head, _, index = value.partition(":")
    proposal = await store.get_proposal(ctx.tx, parse_id(head))
    meeting = await _answerable(ctx, proposal)
    if isinstance(meeting, list):
        return meeting
    assert proposal is not None
    chosen = parse_number(index, max_digits=3)
    if chosen is None or chosen >= len(proposal.slots):
        return [ctx.say("common.unknown_button")]
    start = proposal.slots[chosen]
    if start < ctx.now + PICK_NOTICE:
        return [ctx.say("meetings.slot_passed")]
    if await _clashes(ctx.tx, meeting, start):
        return [ctx.say("meetings.slot_taken")]
    return await confirm(ctx, meeting, proposal, start)


async def _clashes(tx: Tx, meeting: Meeting, start: datetime) -> bool:
    """Someone of the meeting has another agreed meeting at that time."""
    parts = [p for p in await store.participants(tx, meeting.id) if p.attending]
    taken = await store.busy(tx, [p.person.id for p in parts], exclude=meeting.id,
                             since=start - timedelta(days=1), offered=False)
    return overlaps(start, meeting.length, taken)


async def confirm(ctx: Context, meeting: Meeting, proposal: Proposal,
                  start: datetime) -> list[Reply]:
    """Agree on `start`: tell everyone, queue reminders; a confirmed meeting is moved."""
    moved = meeting.status == "confirmed"
    if moved:
        await outbox.cancel(ctx.tx, invitations.version_prefix(meeting))
        meeting = await store.update(ctx.tx, meeting, ctx.now, starts_at=start,
                                     sequence=meeting.sequence + 1)
        # A new time is a new chance for a circle member who couldn't make the old one.
        await ctx.tx.execute("UPDATE meeting_participants SET attending = 1"
                             " WHERE meeting_id = ?", (meeting.id,))
    else:
        meeting = await store.update(
            ctx.tx, meeting, ctx.now, status="confirmed", starts_at=start, confirmed_at=ctx.now,
            video_link=invitations.video_link_for(ctx.services, meeting.id))
    await store.answer_proposal(ctx.tx, proposal, "accepted", ctx.now, chosen=start)
    await store.supersede(ctx.tx, meeting.id, ctx.now)
    parts = await store.participants(ctx.tx, meeting.id)
    await invitations.confirmed(ctx.tx, ctx.services, meeting, parts, ctx.person, ctx.now,
                                rescheduled=moved)
    if not moved:
        for match_id in await store.match_ids(ctx.tx, meeting.id):
            number = await ctx.tx.value(
                "SELECT count(DISTINCT m.id) FROM meetings m JOIN meeting_participants p"
                " ON p.meeting_id = m.id WHERE p.match_id = ? AND m.confirmed_at IS NOT NULL"
                " AND m.status != 'cancelled'", (match_id,))
            await ctx.emit(MeetingConfirmed(meeting_id=meeting.id, match_id=match_id,
                                            starts_at=start, number=number))
    text = ctx.t("meetings.moved" if moved else "meetings.confirmed",
                 names=names_for(ctx.services, parts, ctx.person.id, ctx.lang),
                 when=_when(ctx, meeting), video=video_line(ctx.services, meeting, ctx.lang))
    file = invitations.invitation(ctx.services, meeting, parts, ctx.person, ctx.now)
    return [Reply(ctx.address, text, file=file)]


async def press_other(ctx: Context, value: str) -> list[Reply]:
    proposal = await store.get_proposal(ctx.tx, parse_id(value))
    meeting = await _answerable(ctx, proposal)
    if isinstance(meeting, list):
        return meeting
    assert proposal is not None
    await _ask_time(ctx, proposal)
    return [ctx.say("meetings.ask_time",
                    zone=zone_name(ctx.services.catalogue, ctx.person.timezone, ctx.lang,
                                       place=ctx.person.timezone_place))]


async def flow_time(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    proposal = await store.get_proposal(ctx.tx, conv.data.get("proposal_id"))
    meeting = await _answerable(ctx, proposal)
    if isinstance(meeting, list):
        await clear_conversation(ctx.tx, ctx.person.id)
        return meeting
    assert proposal is not None
    local_now = ctx.now.astimezone(zone(ctx.person.timezone))
    try:
        moment = parse_when(text, ctx.lang, local_now)
    except ParseError as error:
        return [_parse_error(ctx, proposal, error)]
    return await _typed(ctx, meeting, proposal, moment.astimezone(UTC))


def _parse_error(ctx: Context, proposal: Proposal, error: ParseError) -> Reply:
    """The parser's message; for a time a DST change makes ambiguous, both real times."""
    text = ctx.t(error.key, **error.params) + "\n" + ctx.t("meetings.or_cancel")
    buttons = []
    if error.key == "parsing.when.ambiguous_time":
        for label, moment in zip(("first", "second"), error.params.get("choices", ()),
                                 strict=False):
            buttons.append(Button(str(error.params[label]), A_AT,
                                  f"{proposal.id}:{int(moment.timestamp())}"))
    return ctx.reply(text, buttons)


async def press_at(ctx: Context, value: str) -> list[Reply]:
    head, _, stamp = value.partition(":")
    proposal = await store.get_proposal(ctx.tx, parse_id(head))
    meeting = await _answerable(ctx, proposal)
    if isinstance(meeting, list):
        return meeting
    assert proposal is not None
    seconds = parse_number(stamp)
    start = datetime.fromtimestamp(seconds, UTC) if seconds is not None else None
    if start is None or start > ctx.now + MAX_AHEAD:  # the parser never offers more
        return [ctx.say("common.unknown_button")]
    return await _typed(ctx, meeting, proposal, start)


async def _typed(ctx: Context, meeting: Meeting, proposal: Proposal,
                 start: datetime) -> list[Reply]:
    """A time typed by the person answering: proposed to the other side (circle: agreed)."""
    if start < ctx.now + TYPED_NOTICE:
        return [ctx.say("meetings.too_soon")]
    if await _clashes(ctx.tx, meeting, start):
        return [ctx.say("meetings.typed_taken", when=_when(ctx, meeting, start))]
    await clear_conversation(ctx.tx, ctx.person.id)
    if meeting.is_group:
        return await confirm(ctx, meeting, proposal, start)
    parts = [p for p in await store.participants(ctx.tx, meeting.id) if p.attending]
    other = next((p.person for p in parts if p.person.id != ctx.person.id), None)
    if other is None:
        return [ctx.say("meetings.relationship_over")]
    counter = await store.propose(ctx.tx, meeting, ctx.person, other, [start], ctx.now)
    await ctx.notify(other.id, _proposal_message(ctx.services, meeting, counter, ctx.person,
                                                 other, moving=meeting.status == "confirmed"),
                     key=f"meeting:{meeting.id}:proposal:{counter.id}")
    return [ctx.say("meetings.counter_sent", name=other.name, when=_when(ctx, meeting, start))]


async def press_decline(ctx: Context, value: str) -> list[Reply]:
    proposal = await store.get_proposal(ctx.tx, parse_id(value))
    meeting = await _answerable(ctx, proposal)
    if isinstance(meeting, list):
        return meeting
    assert proposal is not None
    await store.answer_proposal(ctx.tx, proposal, "declined", ctx.now)
    await clear_conversation(ctx.tx, ctx.person.id)
    kept = meeting.status == "confirmed"
    if not kept:
        meeting = await store.update(ctx.tx, meeting, ctx.now, status="declined")
    proposer = await people.get(ctx.tx, proposal.proposer_id or 0)
    if proposer is not None and proposer.id != ctx.person.id:
        key = f"meeting:{meeting.id}:proposal:{proposal.id}:declined"
        if kept:
            message = Outgoing(key="meetings.move_declined_other", params={
                "name": ctx.person.name, "when": _when_for(ctx.services, meeting, proposer)})
        else:
            match_ids = await store.match_ids(ctx.tx, meeting.id)
            message = Outgoing(key="meetings.declined_other", params={"name": ctx.person.name},
                               buttons=(OutButton("meetings.plan_button", A_MEET,
                                                  str(match_ids[0]) if match_ids else GROUP),))
        await ctx.notify(proposer.id, message, key=key)
    return [ctx.say("meetings.kept" if kept else "meetings.declined")]


# --- changing an agreed meeting ------------------------------------------------------------

async def _changeable(ctx: Context, value: str, *, organiser_only: bool = True
                      ) -> Meeting | list[Reply]:
    meeting = await store.get(ctx.tx, parse_id(value))
    if meeting is None:
        return [ctx.say("common.unknown_button")]
    if await store.participant(ctx.tx, meeting.id, ctx.person.id) is None:
        return [ctx.say("meetings.not_yours")]
    if meeting.status != "confirmed" or meeting.starts_at is None or \
            meeting.starts_at <= ctx.now:
        return [ctx.say("meetings.cannot_change")]
    if organiser_only and meeting.is_group and meeting.organiser_id != ctx.person.id:
        return [ctx.say("meetings.only_organiser")]
    return meeting


async def press_move(ctx: Context, value: str) -> list[Reply]:
    meeting = await _changeable(ctx, value)
    if isinstance(meeting, list):
        return meeting
    if not await _relationships_active(ctx.tx, meeting):
        return [ctx.say("meetings.relationship_over")]
    return await _offer(ctx, meeting, moving=True)


async def press_cancel(ctx: Context, value: str) -> list[Reply]:
    meeting = await _changeable(ctx, value)
    if isinstance(meeting, list):
        return meeting
    parts = await store.participants(ctx.tx, meeting.id)
    return [ctx.reply(ctx.t("meetings.cancel_confirm",
                            names=names_for(ctx.services, parts, ctx.person.id, ctx.lang),
                            when=_when(ctx, meeting)),
                      [Button(ctx.t("meetings.cancel_yes"), A_CANCEL_YES, str(meeting.id))])]


async def press_cancel_yes(ctx: Context, value: str) -> list[Reply]:
    meeting = await _changeable(ctx, value)
    if isinstance(meeting, list):
        return meeting
    meeting, parts = await cancel_meeting(ctx.tx, ctx.services, meeting, ctx.person, ctx.now)
    text = ctx.t("meetings.cancelled", names=names_for(ctx.services, parts, ctx.person.id,
                                                        ctx.lang), when=_when(ctx, meeting))
    file = invitations.invitation(ctx.services, meeting, parts, ctx.person, ctx.now,
                                  cancelled=True)
    return [Reply(ctx.address, text, file=file)]


async def cancel_meeting(tx: Tx, services: Services, meeting: Meeting, actor: Person | None,
                         now: datetime) -> tuple[Meeting, list[store.Participant]]:
    """Call a meeting off: pending reminders and proposals go, everyone else is told."""
    await outbox.cancel(tx, f"meeting:{meeting.id}:")
    await store.supersede(tx, meeting.id, now)
    meeting = await store.update(tx, meeting, now, status="cancelled",
                                 sequence=meeting.sequence + 1, cancelled_at=now,
                                 cancelled_by=actor.id if actor else None)
    parts = await store.participants(tx, meeting.id)
    if meeting.starts_at is not None:
        await invitations.cancelled(tx, services, meeting, parts, actor, now)
    return meeting, parts


async def press_absent(ctx: Context, value: str) -> list[Reply]:
    meeting = await _changeable(ctx, value, organiser_only=False)
    if isinstance(meeting, list):
        return meeting
    if not meeting.is_group or meeting.organiser_id == ctx.person.id:
        return [ctx.say("common.unknown_button")]
    await ctx.tx.execute("UPDATE meeting_participants SET attending = 0 WHERE meeting_id = ?"
                         " AND person_id = ?", (meeting.id, ctx.person.id))
    await outbox.cancel(ctx.tx, person_prefix(meeting, ctx.person.id))
    organiser = await people.get(ctx.tx, meeting.organiser_id or 0)
    if organiser is not None:
        await ctx.notify(organiser.id, Outgoing(key="meetings.absent_other", params={
            "name": ctx.person.name, "when": _when_for(ctx.services, meeting, organiser)}),
            key=f"{person_prefix(meeting, ctx.person.id)}absent")
    return [ctx.say("meetings.absent", when=_when(ctx, meeting))]


# --- /meetings -------------------------------------------------------------------------------

async def cmd_meetings(ctx: Context, args: str) -> list[Reply]:
    upcoming = await store.meetings_of(ctx.tx, ctx.person.id, upcoming=True, now=ctx.now,
                                       limit=LIST_LIMIT)
    past = await store.meetings_of(ctx.tx, ctx.person.id, upcoming=False, now=ctx.now, limit=5)
    if not upcoming and not past:
        return [ctx.say("meetings.none")]
    zone_text = zone_name(ctx.services.catalogue, ctx.person.timezone, ctx.lang,
                          place=ctx.person.timezone_place)
    lines = [ctx.t("meetings.list_upcoming", zone=zone_text)]
    buttons: list[Button] = []
    for meeting in upcoming:
        parts = await store.participants(ctx.tx, meeting.id)
        names = names_for(ctx.services, parts, ctx.person.id, ctx.lang)
        if meeting.status == "proposed":
            waiting = await store.pending_proposal(ctx.tx, meeting.id)
            key = "meetings.item_waiting"
            if waiting is not None and waiting.responder_id == ctx.person.id:
                key = "meetings.item_to_answer" if waiting.slots else "meetings.item_to_propose"
            lines.append(ctx.t(key, names=names))
            continue
        lines.append(ctx.t("meetings.item_upcoming", when=_when(ctx, meeting, show_zone=False),
                           names=names))
        if len(buttons) < MAX_CHANGE_BUTTONS:
            buttons += _change_buttons(ctx, meeting)
    if not upcoming:
        lines.append(ctx.t("meetings.list_nothing_ahead"))
    if past:
        lines += ["", ctx.t("meetings.list_past")]
    for meeting in past:
        parts = await store.participants(ctx.tx, meeting.id)
        lines.append(ctx.t(f"meetings.past_{meeting.status}",
                           when=_when(ctx, meeting, show_zone=False),
                           names=names_for(ctx.services, parts, ctx.person.id, ctx.lang)))
    return [ctx.reply("\n".join(lines), buttons)]


def _change_buttons(ctx: Context, meeting: Meeting) -> list[Button]:
    assert meeting.starts_at is not None
    short = short_form(meeting.starts_at, ctx.person.timezone, ctx.lang)
    if meeting.is_group and meeting.organiser_id != ctx.person.id:
        return [Button(ctx.t("meetings.absent_button", when=short), A_ABSENT, str(meeting.id))]
    return [Button(ctx.t("meetings.move_button", when=short), A_MOVE, str(meeting.id)),
            Button(ctx.t("meetings.cancel_button", when=short), A_CANCEL, str(meeting.id))]


# --- after a match ---------------------------------------------------------------------------

async def on_matched(tx: Tx, services: Services, event: Matched) -> None:
    """Right after the introduction, both sides get a button to plan their first meeting."""
    now = services.clock.now()
    match_id = event.match_id
    for person_id, other_id in ((event.mentee_id, event.mentor_id),
                                (event.mentor_id, event.mentee_id)):
        other = await people.get(tx, other_id)
        if other is None:
            continue
        await outbox.enqueue(tx, person_id, Outgoing(
            key="meetings.plan_first", params={"name": other.name},
            buttons=(OutButton("meetings.plan_button", A_MEET, str(match_id)),)),
            due_at=now, key=f"match:{match_id}:plan-first:p{person_id}")


def register(router: Router, registry: AdminRegistry) -> None:
    router.command("meet", cmd_meet, aliases=("rdv",), needs_profile=True,
                   help_key="help.meet")
    router.command("meetings", cmd_meetings, aliases=("rencontres",), needs_profile=True,
                   help_key="help.meetings")
    for action_id, handler in [(A_MEET, press_meet), (A_PICK, press_pick),
                               (A_OTHER, press_other), (A_AT, press_at),
                               (A_DECLINE, press_decline), (A_MOVE, press_move),
                               (A_CANCEL, press_cancel), (A_CANCEL_YES, press_cancel_yes),
                               (A_ABSENT, press_absent)]:
        router.action(action_id, active_only(handler))
    router.flow(F_TIME, flow_time)
    router.hooks.on(Matched, on_matched)

    for table in EXPORT_TABLES:
        export.register_table(table)


EXPORT_TABLES = (
    export.ExportTable(
        "meetings",
        "SELECT m.id, pr.code AS programme, m.organiser_id, m.status, m.is_group, m.starts_at,"
        " m.length_minutes, m.sequence, m.created_at, m.confirmed_at, m.cancelled_at,"
        " m.cancelled_by, m.outcome_at,"
        " (SELECT json_group_array(DISTINCT p.match_id) FROM meeting_participants p"
        "  WHERE p.meeting_id = m.id AND p.match_id IS NOT NULL) AS match_ids"
        " FROM meetings m JOIN programmes pr ON pr.id = m.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY m.id",
        ("match_ids",),
    ),
    export.ExportTable(
        "meeting_participants",
        "SELECT p.meeting_id, p.person_id, p.match_id, p.role, p.attending, p.took_place,"
        " p.absence, p.usefulness, p.note, p.answered_at"
        " FROM meeting_participants p JOIN meetings m ON m.id = p.meeting_id"
        " JOIN programmes pr ON pr.id = m.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY p.meeting_id, p.person_id",
    ),
)
