"""Calendar invitations (RFC 5545 / iTIP RFC 5546) for meetings, built with icalendar.

One meeting keeps one UID for life, so a calendar replaces the event instead of adding a
second one; SEQUENCE grows with every change (a new time, a cancellation), and a
cancellation is METHOD:CANCEL with STATUS:CANCELLED. Times are written in UTC, which every
calendar shows in its owner's zone. People have no e-mail address here, so organiser and
attendees are named (CN) with a `urn:` address that no calendar will try to write to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from bot.kernel.events import Attachment

PRODID = "-//mentorbot//meetings//EN"


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    starts_at: datetime
    minutes: int
    summary: str
    description: str
    organiser: tuple[int, str]          # (person id, name)
    attendees: tuple[tuple[int, str], ...]
    video_link: str = ""
    cancelled: bool = False


def _address(person_id: int, name: str) -> vCalAddress:
    address = vCalAddress(f"urn:mentorbot:person:{person_id}")
    address.params["cn"] = vText(name[:100])
    return address


def render(invitation: Invitation, now: datetime, filename: str) -> Attachment:
    method = "CANCEL" if invitation.cancelled else "REQUEST"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", invitation.starts_at.astimezone(UTC))
    event.add("dtend", (invitation.starts_at + timedelta(minutes=invitation.minutes))
              .astimezone(UTC))
    event.add("summary", invitation.summary)
    event.add("description", invitation.description)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    event.add("organizer", _address(*invitation.organiser))
    for attendee in invitation.attendees:
        event.add("attendee", _address(*attendee))
    if invitation.video_link:
        event.add("location", invitation.video_link)
        event.add("url", invitation.video_link)
    calendar.add_component(event)
    return Attachment(filename, calendar.to_ical(), f"text/calendar; method={method}")
