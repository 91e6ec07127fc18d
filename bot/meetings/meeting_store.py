"""Meetings, their participants and proposals in the store, and the relationships they serve.

Reads and writes only; what people are told lives in bot/onboarding/invitations.py and the handlers
in bot/meetings/meetings.py.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.kernel import people
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.ids import parse_number
from bot.kernel.people import Person
from bot.store.db import Tx
from bot.text.slots import Interval

OPEN = ("proposed", "confirmed")  # statuses of a meeting that can still change


@dataclass
class Relationship:
    """An active match seen from one side."""

    match_id: int
    mentor_id: int
    mentee_id: int
    other: Person
    as_mentor: bool
    started_at: datetime
    ends_at: datetime | None


@dataclass
class Meeting:
    id: int
    programme_id: int
    organiser_id: int | None
    uid: str
    status: str
    is_group: bool
    starts_at: datetime | None
    length: int
    sequence: int
    video_link: str
    confirmed_at: str | None

    @property
    def ends_at(self) -> datetime | None:
        return self.starts_at + timedelta(minutes=self.length) if self.starts_at else None

    @classmethod
    def from_row(cls, row: Any) -> Meeting:
        return cls(row["id"], row["programme_id"], row["organiser_id"], row["uid"],
                   row["status"], bool(row["is_group"]),
                   from_iso(row["starts_at"]) if row["starts_at"] else None,
                   row["length_minutes"], row["sequence"], row["video_link"],
                   row["confirmed_at"])


@dataclass
class Participant:
    person: Person
    match_id: int | None
    role: str
    attending: bool
    took_place: int | None
    absence: str | None
    usefulness: int | None


@dataclass
class Proposal:
    id: int
    meeting_id: int
    proposer_id: int | None
    responder_id: int | None
    slots: list[datetime]
    status: str

    @classmethod
    def from_row(cls, row: Any) -> Proposal:
        return cls(row["id"], row["meeting_id"], row["proposer_id"], row["responder_id"],
                   [from_iso(s) for s in json.loads(row["slots"] or "[]")], row["status"])


def parse_id(text: str) -> int | None:
    """A positive id from a button value; anything else (forged, huge) is None."""
    number = parse_number(text)
    return number if number else None


# --- relationships -------------------------------------------------------------------------

async def relationships(tx: Tx, person_id: int) -> list[Relationship]:
    """The person's active matches, oldest first, with the other person."""
    found = []
    for row in await tx.all(
            "SELECT * FROM matches WHERE status = 'active' AND (mentor_id = ? OR mentee_id = ?)"
            " ORDER BY started_at, id", (person_id, person_id)):
        as_mentor = row["mentor_id"] == person_id
        other = await people.get(tx, row["mentee_id"] if as_mentor else row["mentor_id"])
        if other is not None:
            found.append(Relationship(
                row["id"], row["mentor_id"], row["mentee_id"], other, as_mentor,
                from_iso(row["started_at"]),
                from_iso(row["ends_at"]) if row["ends_at"] else None))
    return found


async def match_row(tx: Tx, match_id: int | None) -> Any:
    if match_id is None:
        return None
    return await tx.one("SELECT * FROM matches WHERE id = ?", (match_id,))


# --- meetings --------------------------------------------------------------------------------

async def get(tx: Tx, meeting_id: int | None) -> Meeting | None:
    if meeting_id is None:
        return None
    row = await tx.one("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
    return Meeting.from_row(row) if row else None


async def participants(tx: Tx, meeting_id: int) -> list[Participant]:
    found = []
    for row in await tx.all(
            "SELECT * FROM meeting_participants WHERE meeting_id = ?"
            " ORDER BY role = 'mentee', person_id", (meeting_id,)):
        person = await people.get(tx, row["person_id"])
        if person is not None:
            found.append(Participant(person, row["match_id"], row["role"],
                                     bool(row["attending"]), row["took_place"], row["absence"],
                                     row["usefulness"]))
    return found


async def participant(tx: Tx, meeting_id: int, person_id: int) -> Participant | None:
    return next((p for p in await participants(tx, meeting_id) if p.person.id == person_id),
                None)


async def create(tx: Tx, *, programme_id: int, organiser: Person, members: list[Relationship],
                 length: int, now: datetime) -> Meeting:
    """A new meeting (status proposed) between `organiser` and the other side of `members`."""
    meeting_id = await tx.insert(
        "INSERT INTO meetings (programme_id, organiser_id, uid, is_group, length_minutes,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (programme_id, organiser.id, f"{uuid.uuid4()}@mentorbot", int(len(members) > 1),
         length, to_iso(now), to_iso(now)))
    await set_participants(tx, meeting_id, organiser, members)
    meeting = await get(tx, meeting_id)
    assert meeting is not None
    return meeting


async def set_participants(tx: Tx, meeting_id: int, organiser: Person,
                           members: list[Relationship]) -> None:
    await tx.execute("DELETE FROM meeting_participants WHERE meeting_id = ?", (meeting_id,))
    rows = [(meeting_id, organiser.id, None if len(members) > 1 else members[0].match_id,
             "mentor" if members[0].as_mentor else "mentee")]
    rows += [(meeting_id, r.other.id, r.match_id, "mentee" if r.as_mentor else "mentor")
             for r in members]
    await tx.executemany(
        "INSERT INTO meeting_participants (meeting_id, person_id, match_id, role)"
        " VALUES (?, ?, ?, ?)", rows)


async def open_meeting_for(tx: Tx, person_id: int, members: list[Relationship]) -> Meeting | None:
    """A not yet agreed meeting of the same relationship (1:1) or circle (same organiser)."""
    if len(members) == 1:
        row = await tx.one(
            "SELECT m.* FROM meetings m JOIN meeting_participants p ON p.meeting_id = m.id"
            " WHERE m.status = 'proposed' AND m.is_group = 0 AND p.match_id = ?"
            " ORDER BY m.id DESC LIMIT 1", (members[0].match_id,))
    else:
        row = await tx.one(
            "SELECT * FROM meetings WHERE status = 'proposed' AND is_group = 1"
            " AND organiser_id = ? ORDER BY id DESC LIMIT 1", (person_id,))
    return Meeting.from_row(row) if row else None


async def update(tx: Tx, meeting: Meeting, now: datetime, **changes: Any) -> Meeting:
    columns = ", ".join(f"{name} = ?" for name in changes)
    values = [to_iso(v) if isinstance(v, datetime) else v for v in changes.values()]
    await tx.execute(f"UPDATE meetings SET {columns}, updated_at = ? WHERE id = ?",
                     (*values, to_iso(now), meeting.id))
    fresh = await get(tx, meeting.id)
    assert fresh is not None
    return fresh


async def match_ids(tx: Tx, meeting_id: int) -> list[int]:
    rows = await tx.all("SELECT DISTINCT match_id FROM meeting_participants WHERE meeting_id = ?"
                        " AND match_id IS NOT NULL ORDER BY match_id", (meeting_id,))
    return [r[0] for r in rows]


async def busy(tx: Tx, person_ids: list[int], *, exclude: int | None, since: datetime,
               offered: bool = True) -> list[Interval]:
    """When these people are taken: agreed meetings and, with `offered`, the times offered
    in open proposals of their other meetings (not to be offered twice)."""
    intervals: list[Interval] = []
    marks = ",".join("?" * len(person_ids))
    for row in await tx.all(
            f"SELECT DISTINCT m.id, m.starts_at, m.length_minutes FROM meetings m"
            f" JOIN meeting_participants p ON p.meeting_id = m.id"
            f" WHERE p.person_id IN ({marks}) AND p.attending = 1 AND m.status = 'confirmed'"
            f" AND m.id != ? AND m.starts_at >= ?",
            (*person_ids, exclude or 0, to_iso(since - timedelta(days=1)))):
        start = from_iso(row["starts_at"])
        intervals.append((start, start + timedelta(minutes=row["length_minutes"])))
    if not offered:
        return intervals
    for row in await tx.all(
            f"SELECT DISTINCT q.slots, m.length_minutes FROM meeting_proposals q"
            f" JOIN meetings m ON m.id = q.meeting_id"
            f" JOIN meeting_participants p ON p.meeting_id = m.id"
            f" WHERE p.person_id IN ({marks}) AND q.status = 'pending' AND m.id != ?",
            (*person_ids, exclude or 0)):
        for text in json.loads(row["slots"] or "[]"):
            start = from_iso(text)
            intervals.append((start, start + timedelta(minutes=row["length_minutes"])))
    return intervals


# --- proposals -------------------------------------------------------------------------------

async def propose(tx: Tx, meeting: Meeting, proposer: Person, responder: Person,
                  slots: list[datetime], now: datetime) -> Proposal:
    """A new pending proposal; earlier pending ones of the meeting are superseded."""
    await supersede(tx, meeting.id, now)
    proposal_id = await tx.insert(
        "INSERT INTO meeting_proposals (meeting_id, proposer_id, responder_id, slots, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (meeting.id, proposer.id, responder.id, json.dumps([to_iso(s) for s in slots]),
         to_iso(now)))
    proposal = await get_proposal(tx, proposal_id)
    assert proposal is not None
    return proposal


async def supersede(tx: Tx, meeting_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE meeting_proposals SET status = 'superseded', answered_at = ?"
        " WHERE meeting_id = ? AND status = 'pending'", (to_iso(now), meeting_id))


async def get_proposal(tx: Tx, proposal_id: int | None) -> Proposal | None:
    if proposal_id is None:
        return None
    row = await tx.one("SELECT * FROM meeting_proposals WHERE id = ?", (proposal_id,))
    return Proposal.from_row(row) if row else None


async def pending_proposal(tx: Tx, meeting_id: int) -> Proposal | None:
    row = await tx.one("SELECT * FROM meeting_proposals WHERE meeting_id = ? AND status = 'pending'"
                       " ORDER BY id DESC LIMIT 1", (meeting_id,))
    return Proposal.from_row(row) if row else None


async def answer_proposal(tx: Tx, proposal: Proposal, status: str, now: datetime,
                          chosen: datetime | None = None) -> None:
    await tx.execute(
        "UPDATE meeting_proposals SET status = ?, answered_at = ?, chosen = ? WHERE id = ?",
        (status, to_iso(now), to_iso(chosen) if chosen else None, proposal.id))


# --- lists -------------------------------------------------------------------------------------

async def meetings_of(tx: Tx, person_id: int, *, upcoming: bool, now: datetime,
                      limit: int = 10) -> list[Meeting]:
    """Upcoming (agreed or being agreed, not over) or past (over, not cancelled) meetings."""
    if upcoming:
        sql = ("SELECT m.* FROM meetings m JOIN meeting_participants p ON p.meeting_id = m.id"
               " WHERE p.person_id = ? AND (m.status = 'proposed' OR (m.status = 'confirmed'"
               " AND datetime(m.starts_at, '+' || m.length_minutes || ' minutes') > datetime(?)))"
               " ORDER BY m.starts_at IS NULL, m.starts_at, m.id LIMIT ?")
    else:
        sql = ("SELECT m.* FROM meetings m JOIN meeting_participants p ON p.meeting_id = m.id"
               " WHERE p.person_id = ? AND m.status IN ('confirmed', 'held', 'not_held', 'unknown',"
               " 'disputed')"
               " AND datetime(m.starts_at, '+' || m.length_minutes || ' minutes') <= datetime(?)"
               " ORDER BY m.starts_at DESC LIMIT ?")
    return [Meeting.from_row(r) for r in await tx.all(sql, (person_id, to_iso(now), limit))]
