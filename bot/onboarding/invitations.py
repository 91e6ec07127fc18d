"""What everyone is told when a meeting is confirmed, moved or cancelled, and what is
scheduled around it: the .ics invitation, reminders, the question afterwards.

All of it is written to the outbox in the transaction of the change. Keys say which version
of the meeting a row belongs to (`meeting:{id}:seq{n}:p{person}:...`), so a reschedule or a
cancellation cancels exactly the pending rows of the version it replaces.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.kernel import outbox
from bot.kernel.clock import parse_duration
from bot.kernel.context import Services
from bot.kernel.dispatcher import attach_file, schedule_job, set_deadline
from bot.kernel.events import Attachment
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.people import Person
from bot.meetings import ics
from bot.meetings.attendance import A_DID_NOT, A_TOOK_PLACE, JOB_OUTCOME
from bot.meetings.meeting_store import Meeting, Participant
from bot.meetings.meeting_time import ahead, every_language, long_form
from bot.store.db import Tx

AFTER_MEETING = timedelta(minutes=10)    # the "did it take place?" question
OUTCOME_AFTER = timedelta(days=3)        # decided with the answers there are by then


def version_prefix(meeting: Meeting, sequence: int | None = None) -> str:
    return f"meeting:{meeting.id}:seq{meeting.sequence if sequence is None else sequence}:"


def person_prefix(meeting: Meeting, person_id: int) -> str:
    return f"{version_prefix(meeting)}p{person_id}:"


def names_for(services: Services, parts: list[Participant], reader_id: int, lang: str) -> str:
    """The other participants' names, as one reader sees them ("Mia", "Mia, Léo et Zoé")."""
    others = [p.person.name for p in parts if p.person.id != reader_id and p.attending]
    return services.catalogue.join(lang, others) or "—"


def video_line(services: Services, meeting: Meeting, lang: str) -> str:
    if not meeting.video_link:
        return ""
    return services.catalogue.text(lang, "meetings.video_line", link=meeting.video_link)


def video_link_for(services: Services, meeting_id: int) -> str:
    """`[meetings] video_link` with {meeting_id} filled (other braces are left as typed)."""
    return services.config.meetings.video_link.replace("{meeting_id}", str(meeting_id)).strip()


def invitation(services: Services, meeting: Meeting, parts: list[Participant], reader: Person,
               now: datetime, *, cancelled: bool = False) -> Attachment:
    """The .ics file for `reader`, titled in their language."""
    assert meeting.starts_at is not None
    lang = reader.language
    organiser = next((p.person for p in parts if p.person.id == meeting.organiser_id),
                     parts[0].person)
    key = "meetings.ics.summary_group" if meeting.is_group else "meetings.ics.summary"
    summary = services.catalogue.text(lang, key, names=names_for(services, parts, reader.id,
                                                                  lang),
                                      programme=services.programme_name(meeting.programme_id, lang))
    description = services.catalogue.text(lang, "meetings.ics.description",
                                          video=video_line(services, meeting, lang))
    return ics.render(ics.Invitation(
        uid=meeting.uid, sequence=meeting.sequence, starts_at=meeting.starts_at,
        minutes=meeting.length, summary=summary, description=description.strip(),
        organiser=(organiser.id, organiser.name),
        attendees=tuple((p.person.id, p.person.name) for p in parts if p.attending),
        video_link=meeting.video_link, cancelled=cancelled,
    ), now, filename=f"mentoring-meeting-{meeting.id}.ics")


async def _send(tx: Tx, person_id: int, message: Outgoing, key: str, now: datetime,
                file: Attachment) -> None:
    """A message due now with its .ics file (queued once: the key is the version's)."""
    if await outbox.enqueue(tx, person_id, message, due_at=now, key=key):
        await attach_file(tx, key, file)


async def confirmed(tx: Tx, services: Services, meeting: Meeting, parts: list[Participant],
                    actor: Person, now: datetime, *, rescheduled: bool) -> None:
    """Tell everyone but `actor` (who gets a direct reply), then schedule what follows."""
    assert meeting.starts_at is not None
    start = meeting.starts_at
    for part in parts:
        reader = part.person
        if reader.id == actor.id or not part.attending:
            continue
        message = Outgoing(
            key="meetings.rescheduled_other" if rescheduled else "meetings.confirmed_other",
            params={
                "by": actor.name,
                "names": every_language(lambda lang, r=reader: names_for(services, parts, r.id,
                                                                         lang)),
                "when": every_language(lambda lang, r=reader: long_form(
                    services.catalogue, start, meeting.length, r.timezone, lang,
                    place=r.timezone_place)),
                "video": every_language(lambda lang: video_line(services, meeting, lang)),
            })
        await _send(tx, reader.id, message, f"{person_prefix(meeting, reader.id)}confirmed", now,
                    invitation(services, meeting, parts, reader, now))
    await schedule_followups(tx, services, meeting, parts, now)


async def schedule_followups(tx: Tx, services: Services, meeting: Meeting,
                             parts: list[Participant], now: datetime) -> None:
    """Reminders before, the question after, and the job that decides what happened."""
    assert meeting.starts_at is not None and meeting.ends_at is not None
    start = meeting.starts_at
    value = f"{meeting.id}:{meeting.sequence}"
    for part in parts:
        if not part.attending:
            continue
        reader = part.person
        prefix = person_prefix(meeting, reader.id)
        for label in services.config.meetings.reminders:
            before = parse_duration(label)
            if before is None or before <= timedelta(0) or start - before <= now:
                continue
            key = f"{prefix}remind:{label.strip().lstrip('+')}"
            await outbox.enqueue(tx, reader.id, Outgoing(key="meetings.reminder", params={
                "names": every_language(lambda lang, r=reader: names_for(services, parts, r.id,
                                                                         lang)),
                "ahead": every_language(lambda lang, b=before: ahead(b, lang, services.catalogue)),
                "when": every_language(lambda lang, r=reader: long_form(
                    services.catalogue, start, meeting.length, r.timezone, lang,
                    place=r.timezone_place)),
                "video": every_language(lambda lang: video_line(services, meeting, lang)),
            }), due_at=start - before, key=key, kind="reminder")
            await set_deadline(tx, key, start)  # never after the meeting has begun
        await outbox.enqueue(tx, reader.id, Outgoing(key="attendance.ask", params={
            "names": every_language(lambda lang, r=reader: names_for(services, parts, r.id,
                                                                     lang)),
        }, buttons=(OutButton("attendance.yes", A_TOOK_PLACE, value),
                    OutButton("attendance.no", A_DID_NOT, value))),
            due_at=meeting.ends_at + AFTER_MEETING, key=f"{prefix}after")
    await schedule_job(tx, JOB_OUTCOME, {"meeting_id": meeting.id, "sequence": meeting.sequence},
                       due_at=meeting.ends_at + OUTCOME_AFTER,
                       key=f"{version_prefix(meeting)}outcome")


async def cancelled(tx: Tx, services: Services, meeting: Meeting, parts: list[Participant],
                    actor: Person | None, now: datetime) -> None:
    """Tell everyone but `actor` that the meeting is off, with a cancelling .ics."""
    assert meeting.starts_at is not None
    start = meeting.starts_at
    for part in parts:
        reader = part.person
        if actor is not None and reader.id == actor.id:
            continue
        message = Outgoing(
            key="meetings.cancelled_other" if actor else "meetings.cancelled_ended",
            params={
                "by": actor.name if actor else "",
                "when": every_language(lambda lang, r=reader: long_form(
                    services.catalogue, start, meeting.length, r.timezone, lang,
                    place=r.timezone_place)),
            })
        await _send(tx, reader.id, message, f"{person_prefix(meeting, reader.id)}cancelled", now,
                    invitation(services, meeting, parts, reader, now, cancelled=True))
