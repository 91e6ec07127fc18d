"""After a meeting: did it take place, how useful was it (1–5), anything to note.

Every participant is asked (bot/onboarding/invitations.py queues the question). A meeting counts as
held when at least one person says it took place and nobody says it did not; it is decided
as soon as everyone has answered, or three days after the meeting with the answers there
are (no answer at all: `unknown`). In a circle, a member who could not come is recorded as
absent without overruling the others; only the mentor, or a "it was cancelled", says a
circle did not take place. A decision is final, except that `unknown` becomes held or not
held when a late answer arrives. Emits `MeetingHeld` once per relationship of the meeting,
and `MeetingRated` each time a participant says how useful it was (a mentee's rating is
their mentor's: bot/training/badges.py).

Answers that contradict each other — someone says it took place, someone whose "no" counts
says it did not (or, in a circle, that the others didn't come) — make the meeting
`disputed`, at once or later, whatever was decided before: it is not counted as held, and
the programme's coordinators are alerted once. A changed answer that ends the
contradiction settles it as held or not held.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.kernel.alerts import alert_coordinators
from bot.kernel.clock import to_iso
from bot.kernel.context import Context, Services
from bot.kernel.domain_events import MeetingHeld, MeetingRated
from bot.kernel.events import Button, Reply
from bot.kernel.outbox import Outgoing
from bot.kernel.router import Router
from bot.meetings import meeting_store as store
from bot.meetings.meeting_store import Meeting, Participant, parse_id
from bot.meetings.meeting_time import every_language, long_form
from bot.store.db import Tx
from bot.store.state import Conversation, clear_conversation, set_conversation

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

A_TOOK_PLACE = "att.yes"     # value: meeting id:sequence
A_DID_NOT = "att.no"         # value: meeting id:sequence
A_WHY = "att.why"            # value: meeting id:me|other|cancelled
A_RATE = "att.rate"          # value: meeting id:1..5
A_NO_NOTE = "att.nonote"     # value: meeting id
F_NOTE = "meeting_note"
JOB_OUTCOME = "meeting_outcome"

REASONS = ("me", "other", "cancelled")
MAX_NOTE = 1000
DECIDED = ("held", "not_held")
DISPUTED = "disputed"


@dataclass(frozen=True)
class Answer:
    person_id: int
    took_place: int | None
    absence: str | None


def outcome(answers: list[Answer], *, is_group: bool, organiser_id: int | None) -> str | None:
    """ "held", "not_held", "disputed" (a yes and a no that counts), or None while nobody has
    said anything conclusive."""
    if any(a.took_place == 1 for a in answers) and contradicting(answers, is_group=is_group,
                                                                   organiser_id=organiser_id):
        return DISPUTED
    if any(vetoes(a, is_group=is_group, organiser_id=organiser_id) for a in answers):
        return "not_held"
    if any(a.took_place == 1 for a in answers):
        return "held"
    return None


def vetoes(answer: Answer, *, is_group: bool, organiser_id: int | None) -> bool:
    """A "no" that says the meeting did not take place (in a circle: the mentor's, or
    "cancelled"; a member who could not come is only absent)."""
    if answer.took_place != 0:
        return False
    return not is_group or answer.person_id == organiser_id or answer.absence == "cancelled"


def contradicting(answers: list[Answer], *, is_group: bool,
                  organiser_id: int | None) -> list[Answer]:
    """The answers that say it did not take place, against someone's yes: a veto, or a
    circle member saying the others didn't come."""
    return [a for a in answers if vetoes(a, is_group=is_group, organiser_id=organiser_id)
            or (is_group and a.took_place == 0 and a.absence == "other")]


# --- the answers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Pressed:
    meeting: Meeting
    part: Participant
    rest: str  # what the button value carries after the meeting id


async def _own(ctx: Context, value: str, *, with_sequence: bool = False
               ) -> _Pressed | list[Reply]:
    """The meeting a button is about, if the presser took part, it is over and, when asked,
    the button belongs to its current version; otherwise the polite refusal."""
    head, _, rest = value.partition(":")
    meeting = await store.get(ctx.tx, parse_id(head))
    if meeting is None:
        return [ctx.say("common.unknown_button")]
    part = await store.participant(ctx.tx, meeting.id, ctx.person.id)
    if part is None:
        return [ctx.say("meetings.not_yours")]
    if with_sequence and rest != str(meeting.sequence):
        return [ctx.say("attendance.stale")]
    over = meeting.ends_at is not None and meeting.ends_at <= ctx.now
    if meeting.status not in ("confirmed", "held", "not_held", "unknown", DISPUTED) or not over:
        return [ctx.say("attendance.stale")]
    return _Pressed(meeting, part, rest)


async def press_took_place(ctx: Context, value: str) -> list[Reply]:
    pressed = await _own(ctx, value, with_sequence=True)
    if isinstance(pressed, list):
        return pressed
    meeting = pressed.meeting
    await _record(ctx.tx, meeting, ctx.person.id, ctx.now, took_place=1, absence=None)
    await decide(ctx.tx, ctx.services, meeting, ctx.now, final=False)
    buttons = [Button(str(n), A_RATE, f"{meeting.id}:{n}") for n in range(1, 6)]
    return [ctx.reply(ctx.t("attendance.ask_useful"), buttons)]


async def press_did_not(ctx: Context, value: str) -> list[Reply]:
    pressed = await _own(ctx, value, with_sequence=True)
    if isinstance(pressed, list):
        return pressed
    meeting = pressed.meeting
    other = "attendance.why_others" if meeting.is_group else "attendance.why_other"
    return [ctx.reply(ctx.t("attendance.ask_why"), [
        Button(ctx.t("attendance.why_me"), A_WHY, f"{meeting.id}:me"),
        Button(ctx.t(other), A_WHY, f"{meeting.id}:other"),
        Button(ctx.t("attendance.why_cancelled"), A_WHY, f"{meeting.id}:cancelled"),
    ])]


async def press_why(ctx: Context, value: str) -> list[Reply]:
    pressed = await _own(ctx, value)
    if isinstance(pressed, list):
        return pressed
    if pressed.rest not in REASONS:
        return [ctx.say("common.unknown_button")]
    await _record(ctx.tx, pressed.meeting, ctx.person.id, ctx.now, took_place=0,
                  absence=pressed.rest)
    await decide(ctx.tx, ctx.services, pressed.meeting, ctx.now, final=False)
    return [ctx.say("attendance.noted_not_held")]


async def press_rate(ctx: Context, value: str) -> list[Reply]:
    pressed = await _own(ctx, value)
    if isinstance(pressed, list):
        return pressed
    if pressed.rest not in {"1", "2", "3", "4", "5"} or pressed.part.took_place != 1:
        return [ctx.say("common.unknown_button")]
    meeting = pressed.meeting
    rating = int(pressed.rest)
    await ctx.tx.execute("UPDATE meeting_participants SET usefulness = ? WHERE meeting_id = ?"
                         " AND person_id = ?", (rating, meeting.id, ctx.person.id))
    if pressed.part.match_id is not None:
        await ctx.emit(MeetingRated(meeting_id=meeting.id, match_id=pressed.part.match_id,
                                    person_id=ctx.person.id, rating=rating))
    await set_conversation(ctx.tx, ctx.person.id,
                           Conversation(F_NOTE, "note", {"meeting_id": meeting.id}), ctx.now)
    return [ctx.reply(ctx.t("attendance.ask_note"),
                      [Button(ctx.t("attendance.no_note"), A_NO_NOTE, str(meeting.id))])]


async def flow_note(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    if len(text) > MAX_NOTE:
        return [ctx.say("attendance.note_too_long", limit=MAX_NOTE)]
    await clear_conversation(ctx.tx, ctx.person.id)
    meeting_id = conv.data.get("meeting_id")
    await ctx.tx.execute("UPDATE meeting_participants SET note = ? WHERE meeting_id = ?"
                         " AND person_id = ?", (text, meeting_id, ctx.person.id))
    return [ctx.say("attendance.thanks")]


async def press_no_note(ctx: Context, value: str) -> list[Reply]:
    await clear_conversation(ctx.tx, ctx.person.id)
    return [ctx.say("attendance.thanks")]


async def _record(tx: Tx, meeting: Meeting, person_id: int, now: datetime, *,
                  took_place: int, absence: str | None) -> None:
    await tx.execute(
        "UPDATE meeting_participants SET took_place = ?, absence = ?, answered_at = ?"
        " WHERE meeting_id = ? AND person_id = ?",
        (took_place, absence, to_iso(now), meeting.id, person_id))


# --- deciding ---------------------------------------------------------------------------------

async def decide(tx: Tx, services: Services, meeting: Meeting, now: datetime, *,
                 final: bool) -> None:
    """Settle the outcome once everyone has answered (or, when `final`, with what there is)."""
    meeting = await store.get(tx, meeting.id) or meeting
    parts = await store.participants(tx, meeting.id)
    answers = [Answer(p.person.id, p.took_place, p.absence) for p in parts if p.attending]
    result = outcome(answers, is_group=meeting.is_group, organiser_id=meeting.organiser_id)
    if result == DISPUTED:
        if meeting.status != DISPUTED:  # at once, even over a decision already made
            await store.update(tx, meeting, now, status=DISPUTED, outcome_at=now)
            await _alert_disputed(tx, services, meeting, parts, answers, now)
        return
    if meeting.status in DECIDED:
        return
    everyone = all(a.took_place is not None for a in answers)
    if not (everyone or final or meeting.status in ("unknown", DISPUTED)):
        return
    if result is None and meeting.status in ("unknown", DISPUTED):
        return
    meeting = await store.update(tx, meeting, now, status=result or "unknown", outcome_at=now)
    if result == "held":
        await _emit_held(tx, services, meeting)


async def _alert_disputed(tx: Tx, services: Services, meeting: Meeting,
                          parts: list[Participant], answers: list[Answer],
                          now: datetime) -> None:
    """Once per meeting: who said yes, who said no, when it was (in the organiser's zone)."""
    names = {p.person.id: p.person for p in parts}
    against = {a.person_id for a in contradicting(answers, is_group=meeting.is_group,
                                                  organiser_id=meeting.organiser_id)}
    said_yes = [names[a.person_id].name for a in answers if a.took_place == 1]
    said_no = [names[a.person_id].name for a in answers if a.person_id in against]
    organiser = names.get(meeting.organiser_id or 0) or parts[0].person
    assert meeting.starts_at is not None  # only a meeting that took place is answered about
    start = meeting.starts_at
    catalogue = services.catalogue
    await alert_coordinators(tx, services, meeting.programme_id, Outgoing(
        key="attendance.disputed_alert", params={
            "when": every_language(lambda lang: long_form(catalogue, start, meeting.length,
                                                          organiser.timezone, lang)),
            "yes": every_language(lambda lang: catalogue.join(lang, said_yes)),
            "no": every_language(lambda lang: catalogue.join(lang, said_no)),
            "names": every_language(lambda lang: catalogue.join(lang, [p.person.name
                                                                       for p in parts])),
        }), key=f"disputed:{meeting.id}", now=now)


async def _emit_held(tx: Tx, services: Services, meeting: Meeting) -> None:
    for match_id in await store.match_ids(tx, meeting.id):
        match = await store.match_row(tx, match_id)
        if match is None:
            continue
        number = await tx.value(
            "SELECT count(DISTINCT m.id) FROM meetings m JOIN meeting_participants p"
            " ON p.meeting_id = m.id WHERE p.match_id = ? AND m.status = 'held'", (match_id,))
        await services.hooks.emit(tx, services, MeetingHeld(
            meeting_id=meeting.id, match_id=match_id, mentee_id=match["mentee_id"],
            mentor_id=match["mentor_id"], number=number))



async def job_outcome(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    meeting = await store.get(tx, params.get("meeting_id"))
    if meeting is None or meeting.status != "confirmed" or \
            meeting.sequence != params.get("sequence"):
        return  # moved, cancelled or already decided
    await decide(tx, services, meeting, services.clock.now(), final=True)


# --- the question answered in words ----------------------------------------------------------

# "Did your meeting with … take place?" answered by typing: "oui, c'était très bien",
# "non, Karim n'est pas venu", "yes it did", "no, it was cancelled".
_YES = re.compile(r"^\W*(?:oui|ouais|yes|yep|yeah|bien sur|absolument|of course|it did"
                  r"|elle a eu lieu|c'?etait|it was (?:great|good|useful)|super|tres bien)\b")
_NO = re.compile(r"^\W*(?:non|no|nope|pas eu lieu|elle n'a pas eu lieu|it didn'?t|it did not"
                 r"|annulee?|cancell?ed)\b")
_REPLY_WORDS = 15
_ASKED_WITHIN = timedelta(days=7)


async def typed_answer(ctx: Context, text: str) -> list[Reply] | None:
    """A yes or no typed after the question "did it take place?", for the latest meeting this
    person was asked about and hasn't answered; None when the text is not that."""
    plain = _plain(text)
    if len(plain.split()) > _REPLY_WORDS:
        return None
    if (rating := re.fullmatch(r"\W*([1-5])\s*(?:/\s*5)?\W*", plain)) is not None:
        return await _typed_rating(ctx, rating.group(1))
    said = "yes" if _YES.search(plain) else "no" if _NO.search(plain) else None
    if said is None:
        return None
    row = await ctx.tx.one(
        "SELECT m.id, m.sequence FROM meeting_participants p JOIN meetings m"
        " ON m.id = p.meeting_id WHERE p.person_id = ? AND p.answered_at IS NULL"
        " AND m.status IN ('confirmed', 'unknown') AND m.starts_at BETWEEN ? AND ?"
        " ORDER BY m.starts_at DESC LIMIT 1",
        (ctx.person.id, to_iso(ctx.now - _ASKED_WITHIN), to_iso(ctx.now)))
    if row is None:
        return None
    # The question's own outbox row (bot/onboarding/invitations.py keys it so), once sent.
    asked = f"meeting:{row['id']}:seq{row['sequence']}:p{ctx.person.id}:after"
    if not await ctx.tx.value(
            "SELECT 1 FROM outbox WHERE idempotency_key = ? AND status = 'sent'", (asked,)):
        return None  # never asked (or not yet): not an answer to it
    value = f"{row['id']}:{row['sequence']}"
    return await (press_took_place if said == "yes" else press_did_not)(ctx, value)


async def _typed_rating(ctx: Context, rating: str) -> list[Reply] | None:
    """"4" typed under "how useful was it, from 1 to 5?", just asked (the person said today
    that the meeting took place and has not rated it)."""
    row = await ctx.tx.one(
        "SELECT meeting_id FROM meeting_participants WHERE person_id = ? AND took_place = 1"
        " AND usefulness IS NULL AND answered_at >= ? ORDER BY answered_at DESC LIMIT 1",
        (ctx.person.id, to_iso(ctx.now - timedelta(days=1))))
    return None if row is None else await press_rate(ctx, f"{row['meeting_id']}:{rating}")


def _plain(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in plain if not unicodedata.combining(c))


def register(router: Router, registry: AdminRegistry) -> None:
    for action_id, handler in [(A_TOOK_PLACE, press_took_place), (A_DID_NOT, press_did_not),
                               (A_WHY, press_why), (A_RATE, press_rate),
                               (A_NO_NOTE, press_no_note)]:
        router.action(action_id, handler)
    router.text(typed_answer)
    router.flow(F_NOTE, flow_note, skip=lambda ctx, conv: press_no_note(
        ctx, str(conv.data.get("meeting_id", ""))))
    router.job(JOB_OUTCOME, job_outcome)

