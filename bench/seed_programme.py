"""A programme of N people written through the project's own code, for bench_events.

Profiles come from free text the way onboarding reads it: topics typed as people type them
(a varied list of phrases in French and English, with typos, none of them copied from the
taxonomy) go through `Taxonomy.normalise`, languages through `parse_languages`, time zones
through `resolve_timezone`, availability through `parse_availability`. People are written
with `people.create` / `people.update` and announced with the `onboarded` hook (points,
nudges, the retention sweep); matches get `mentoring.introduce` and the `matched` hook
(introductions, first-meeting prompts, check-ins, end-of-term jobs, nudges, points);
pending requests get the outbox rows `_send_request` writes and the `request_sent` hook;
meetings are made with `meeting_store` and told with `meeting_held` / `meeting_confirmed`;
a few relationships end through `relationship_ended`. Rows due before the bench starts are
marked sent, as the dispatcher would have left them (their jobs are not run).

The timeline spans the 120 days before the bench: people join over it, matches start some
days after their mentee joined, pending requests are at most two days old. Everything is
batched in transactions of `BATCH` people, so 100k people take minutes, not hours.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

from bench.typed_text import BIOS_EN, BIOS_FR, GOALS_EN, GOALS_FR, TOPICS_EN, TOPICS_FR, typo
from bot.kernel import people
from bot.kernel.app import App
from bot.kernel.clock import to_iso
from bot.kernel.domain_events import (
    DomainEvent,
    Matched,
    MeetingConfirmed,
    MeetingHeld,
    Onboarded,
    RelationshipEnded,
    RequestSent,
)
from bot.kernel.events import Address
from bot.kernel.languages import parse_languages
from bot.kernel.outbox import Outgoing
from bot.kernel.people import Person
from bot.meetings.meeting_store import Relationship
from bot.meetings.meeting_store import create as create_meeting
from bot.meetings.meeting_store import update as update_meeting
from bot.mentoring import mentoring
from bot.mentoring.matchmaking import to_profile
from bot.store.db import Tx
from bot.store.state import Conversation, claim_inbound, set_conversation
from bot.text.availability import parse_availability
from bot.text.timezones import resolve_timezone
from matching.model import Constraints
from matching.scoring import score_pair

BATCH = 2000
SPAN = timedelta(days=120)
COORDINATOR = "coord"

SPOKEN = [("français", 30), ("French and English", 20), ("English", 25),
          ("français, anglais", 10), ("arabe, français", 4), ("English, Spanish", 4),
          ("anglais et allemand", 2), ("portugais, français", 2), ("fr, en, es", 3)]
PLACES = [("Paris", 35), ("Montréal", 12), ("Toronto", 8), ("Bruxelles", 6), ("Dakar", 6),
          ("London", 5), ("New York", 5), ("Casablanca", 4), ("La Réunion", 3),
          ("Vancouver", 3), ("Kolkata", 3), ("Zurich", 3), ("Lyon", 4), ("Genève", 3)]
WHEN = ["mardi 17h-19h, jeudi 12h-13h", "Tue 5-7pm, Thu noon-1pm", "weekdays 18h-20h",
        "samedi matin", "lundi et mercredi 12h-14h", "Mon-Fri 9am-10am",
        "mercredi 18h-21h", "Thursday 6-8pm", "vendredi 14h-16h, samedi 10h-12h",
        "Mon and Wed 7-9pm", "mardi et jeudi 12h30-13h30", "Sunday morning"]
DEPARTMENTS = ["Engineering", "R&D", "Ventes", "Finance", "RH", "Ops", "Marketing", "",
               "Support client", "Legal", "Produit", "", "Data", "Communication"]
FIRST = ["Amina", "Lucas", "Chloé", "Noah", "Inès", "Hugo", "Léa", "Omar", "Sofia", "Jules",
         "Fatou", "Ethan", "Maya", "Karim", "Zoé", "Liam", "Nadia", "Théo", "Aïcha", "Paul",
         "Emma", "Yanis", "Priya", "Tom", "Mei", "Diego", "Sara", "Malik", "Julia", "Ali"]
LAST = ["Martin", "Diallo", "Nguyen", "Tremblay", "Bernard", "Haddad", "Roy", "Dubois",
        "Singh", "Moreau", "Gagnon", "Benali", "Petit", "Côté", "Leroy", "Sow", "Garcia",
        "Lambert", "Ndiaye", "Fournier", "Kaur", "Girard", "Bouchard", "Mercier"]


class BenchClock:
    """Real time, shifted: seeding sets it to past moments, the bench lets it run from the
    end of the seeded timeline (the matchmaker's incremental sync needs time that moves)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def set(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)


def address(handle: str, name: str = "") -> Address:
    return Address("console", "local", handle, display_name=name or handle.title())


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


@dataclass
class Typed:
    """A person's onboarding answers as typed, and what the parsers made of them."""

    language: str
    role: str
    topics_text: str
    goals: str
    spoken: str
    place: str
    when: str
    seniority: int
    department: str
    capacity: int


def typed_profile(rng: random.Random, role: str) -> Typed:
    language = "fr" if rng.random() < 0.55 else "en"
    pool = TOPICS_FR if language == "fr" else TOPICS_EN
    if rng.random() < 0.2:  # bilingual people mix both
        pool = TOPICS_FR + TOPICS_EN
    chosen = rng.sample(pool, rng.randint(1, 4))
    joiner = rng.choice([", ", ", ", " ; ", " et " if language == "fr" else " and "])
    topics_text = joiner.join(typo(rng, t) for t in chosen)
    templates = (BIOS_FR if language == "fr" else BIOS_EN) if role == "mentor" else \
        (GOALS_FR if language == "fr" else GOALS_EN)
    goals = rng.choice(templates).format(a=chosen[0], b=chosen[-1])
    seniority = rng.choice([3, 4, 4, 5, 5]) if role == "mentor" else rng.choice([1, 1, 2, 2, 3])
    return Typed(language, role, topics_text, goals, _weighted(rng, SPOKEN),
                 _weighted(rng, PLACES), rng.choice(WHEN), seniority, rng.choice(DEPARTMENTS),
                 rng.choice([1, 2, 2, 3, 3, 4]) if role != "mentee" else 0)


class Parsers:
    """Onboarding's parsers, cached per distinct answer (they are pure)."""

    def __init__(self, app: App) -> None:
        self.taxonomy = app.services.taxonomy

    @cache  # noqa: B019 - one instance per seeding run
    def topics(self, text: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.id for m in self.taxonomy.normalise(text)))[:10]

    @cache  # noqa: B019
    def spoken(self, text: str) -> tuple[str, ...]:
        return tuple(parse_languages(text, "fr"))

    @cache  # noqa: B019
    def zone(self, text: str) -> str:
        guess = resolve_timezone(text, "fr")
        return guess.exact or (guess.suggestions[0] if guess.suggestions else "Europe/Paris")

    @cache  # noqa: B019
    def when(self, text: str) -> tuple[tuple[int, int, int], ...]:
        return tuple(parse_availability(text, "fr"))


def profile_changes(parsers: Parsers, typed: Typed, joined: datetime) -> dict[str, object]:
    topics = list(parsers.topics(typed.topics_text)) or ["free:" + typed.topics_text[:40]]
    changes: dict[str, object] = {
        "role": typed.role, "status": "active", "consent_at": to_iso(joined),
        "onboarded_at": to_iso(joined), "goals": typed.goals,
        "languages": list(parsers.spoken(typed.spoken)), "timezone": parsers.zone(typed.place),
        "availability": [list(s) for s in parsers.when(typed.when)],
        "seniority": typed.seniority, "department": typed.department,
        "capacity": typed.capacity,
    }
    if typed.role in ("mentee", "both"):
        changes["topics_sought"] = topics
    if typed.role in ("mentor", "both"):
        changes["topics_offered"] = topics
    return changes


@dataclass
class Seeded:
    """What the bench needs to know about the seeded programme."""

    size: int
    programme_id: int
    mentors: list[int] = field(default_factory=list)
    mentees: list[int] = field(default_factory=list)
    free_mentees: list[int] = field(default_factory=list)  # active, unmatched, nothing pending
    handles: dict[int, str] = field(default_factory=dict)
    onboarding: list[int] = field(default_factory=list)


async def seed(app: App, size: int, *, seed: int = 12,
               progress: Callable[[str], None] = print) -> Seeded:
    """Write `size` people (3 mentees for 1 mentor, a few both) and their history."""
    rng = random.Random(seed)
    clock = app.services.clock
    assert isinstance(clock, BenchClock)
    start = clock.now()
    base = start - SPAN
    parsers = Parsers(app)
    programme_id = next(iter(app.services.programme_ids.values()))
    seeded = Seeded(size, programme_id)
    persons: dict[int, Person] = {}
    joined_at: dict[int, datetime] = {}

    async def emit(tx: Tx, event: DomainEvent, at: datetime) -> None:
        clock.set(at)  # handlers read the clock
        await app.router.hooks.emit(tx, app.services, event)

    # People, in joining order; the coordinator is a mentor like the others.
    for first in range(0, size, BATCH):
        async with app.db.transaction() as tx:
            for n in range(first, min(size, first + BATCH)):
                roll = rng.random()
                role = "mentee" if roll < 0.72 else "mentor" if roll < 0.97 else "both"
                handle = COORDINATOR if n == 0 else f"p{n}"
                if n == 0:
                    role = "mentor"
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                typed = typed_profile(rng, "mentor" if role == "both" else role)
                typed.role = role
                joined = base + SPAN * 0.9 * (n / max(1, size))
                person = await people.create(tx, address(handle, name), programme_id,
                                             typed.language, joined, handle=handle)
                seeded.handles[person.id] = handle
                if n and rng.random() < 0.03:  # still answering the onboarding questions
                    person = await people.update(tx, person, joined, status="onboarding",
                                                 consent_at=to_iso(joined), role=role)
                    await set_conversation(tx, person.id, Conversation("onboarding", "goals"),
                                           joined)
                    seeded.onboarding.append(person.id)
                    continue
                person = await people.update(tx, person, joined,
                                             **profile_changes(parsers, typed, joined))
                persons[person.id] = person
                joined_at[person.id] = joined
                for k in range(3):  # earlier messages of this person, as the inbox keeps them
                    await claim_inbound(tx, f"console:local:seed-{n}-{k}", joined)
                await emit(tx, Onboarded(person_id=person.id), joined)
                if person.is_mentor:
                    seeded.mentors.append(person.id)
                if person.is_mentee:
                    seeded.mentees.append(person.id)
        progress(f"  people {min(size, first + BATCH):,}/{size:,}")

    # Matches: about half the mentees, with a mentor who has room, some days after joining.
    room = {m: persons[m].capacity for m in seeded.mentors}
    open_mentors = [m for m in seeded.mentors if room[m] > 0]
    still_open = set(open_mentors)
    matched: list[tuple[int, int, int, datetime]] = []  # match, mentee, mentor, started
    busy: set[int] = set()
    months = 6
    mentees = [m for m in seeded.mentees if rng.random() < 0.5]
    for first in range(0, len(mentees), BATCH):
        async with app.db.transaction() as tx:
            for mentee_id in mentees[first:first + BATCH]:
                if mentee_id in still_open:  # a peer (both roles) never mentors themself
                    open_mentors.remove(mentee_id)
                    still_open.discard(mentee_id)
                if not open_mentors:
                    break
                # Half the mentees pick among the 200 mentors who joined last.
                mentor_id = rng.choice(open_mentors[-200:] if rng.random() < 0.5
                                       else open_mentors)
                room[mentor_id] -= 1
                if not room[mentor_id]:
                    open_mentors.remove(mentor_id)
                    still_open.discard(mentor_id)
                started = min(start - timedelta(hours=1),
                              joined_at[mentee_id] + timedelta(days=rng.uniform(1, 20)))
                mentee, mentor = persons[mentee_id], persons[mentor_id]
                request_id = await tx.insert(
                    "INSERT INTO requests (programme_id, mentee_id, mentor_id, status, message,"
                    " score, reasons, created_at, expires_at, answered_at)"
                    " VALUES (?, ?, ?, 'accepted', '', 0.6, '[]', ?, ?, ?)",
                    (programme_id, mentee_id, mentor_id, to_iso(started - timedelta(days=1)),
                     to_iso(started + timedelta(days=6)), to_iso(started)))
                match_id = await tx.insert(
                    "INSERT INTO matches (programme_id, mentee_id, mentor_id, request_id,"
                    " source, score, started_at, ends_at) VALUES (?, ?, ?, ?, 'request', 0.6,"
                    " ?, ?)",
                    (programme_id, mentee_id, mentor_id, request_id, to_iso(started),
                     to_iso(started + timedelta(days=30 * months))))
                clock.set(started)
                await mentoring.introduce(tx, app.services, mentee, mentor, started, request_id)
                await emit(tx, Matched(match_id=match_id, mentee_id=mentee_id,
                                       mentor_id=mentor_id, source="request"), started)
                matched.append((match_id, mentee_id, mentor_id, started))
                busy.add(mentee_id)
        progress(f"  matches {len(matched):,}")

    # Meetings: most relationships older than two weeks met once to three times.
    meetings = 0
    for first in range(0, len(matched), BATCH):
        async with app.db.transaction() as tx:
            for match_id, mentee_id, mentor_id, started in matched[first:first + BATCH]:
                age = (start - started).days
                mentor, mentee = persons[mentor_id], persons[mentee_id]
                relation = Relationship(match_id, mentor_id, mentee_id, mentee, True, started,
                                        started + timedelta(days=180))
                held = rng.randint(1, 3) if age > 14 and rng.random() < 0.7 else 0
                for number in range(1, held + 1):
                    at = started + timedelta(days=number * min(age, 90) / (held + 1),
                                             hours=rng.randint(0, 8))
                    meeting = await create_meeting(tx, programme_id=programme_id,
                                                   organiser=mentor, members=[relation],
                                                   length=45, now=at - timedelta(days=3))
                    status = "held" if rng.random() < 0.85 else "not_held"
                    await update_meeting(tx, meeting, at, status=status, starts_at=at,
                                         confirmed_at=to_iso(at - timedelta(days=2)),
                                         outcome_at=to_iso(at + timedelta(hours=2)))
                    await tx.execute(
                        "UPDATE meeting_participants SET took_place = ?, usefulness = ?,"
                        " answered_at = ? WHERE meeting_id = ?",
                        (int(status == "held"), rng.randint(2, 5) if status == "held" else None,
                         to_iso(at + timedelta(hours=2)), meeting.id))
                    if status == "held":
                        await emit(tx, MeetingHeld(meeting_id=meeting.id, match_id=match_id,
                                                   mentee_id=mentee_id, mentor_id=mentor_id,
                                                   number=number), at + timedelta(hours=2))
                    meetings += 1
                if rng.random() < 0.15:  # the next one is agreed
                    at = start + timedelta(days=rng.uniform(1, 14))
                    meeting = await create_meeting(tx, programme_id=programme_id,
                                                   organiser=mentor, members=[relation],
                                                   length=45, now=start - timedelta(hours=2))
                    await update_meeting(tx, meeting, start - timedelta(hours=1),
                                         status="confirmed", starts_at=at,
                                         confirmed_at=to_iso(start - timedelta(hours=1)))
                    await emit(tx, MeetingConfirmed(meeting_id=meeting.id, match_id=match_id,
                                                    starts_at=at, number=held + 1),
                               start - timedelta(hours=1))
                    meetings += 1
        progress(f"  meetings {meetings:,}")

    # A few old relationships ended (concluded at their term or earlier).
    ending = [m for m in matched if (start - m[3]).days > 60 and rng.random() < 0.08]
    async with app.db.transaction() as tx:
        for match_id, mentee_id, mentor_id, started in ending:
            at = started + timedelta(days=55)
            await tx.execute("UPDATE matches SET status = 'ended', ended_at = ?,"
                             " end_reason = 'concluded' WHERE id = ?", (to_iso(at), match_id))
            await emit(tx, RelationshipEnded(match_id=match_id, mentee_id=mentee_id,
                                             mentor_id=mentor_id, reason="concluded"), at)
            room[mentor_id] += 1
    progress(f"  ended {len(ending):,}")

    # Pending requests: a quarter of the unmatched mentees asked one to three mentors lately.
    weights = app.services.matchmaker.weights(programme_id)
    taxonomy = app.services.taxonomy
    unmatched = [m for m in seeded.mentees if m not in busy]
    asking = [m for m in unmatched if rng.random() < 0.3]
    requests = 0
    for first in range(0, len(asking), BATCH):
        async with app.db.transaction() as tx:
            for mentee_id in asking[first:first + BATCH]:
                mentee = persons[mentee_id]
                targets = rng.sample(seeded.mentors, 3)
                for mentor_id in targets[:rng.randint(1, 3)]:
                    mentor = persons[mentor_id]
                    if mentor_id == mentee_id:
                        continue
                    suggestion = score_pair(to_profile(mentee), to_profile(mentor), weights,
                                            Constraints(), taxonomy)
                    if suggestion is None:
                        continue
                    sent = start - timedelta(hours=rng.uniform(2, 48))
                    request_id = await tx.insert(
                        "INSERT INTO requests (programme_id, mentee_id, mentor_id, message,"
                        " score, reasons, created_at, expires_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (programme_id, mentee_id, mentor_id, "", suggestion.score,
                         json.dumps([[r.code, {k: list(v) if isinstance(v, tuple) else v
                                               for k, v in r.params.items()}]
                                     for r in suggestion.reasons]),
                         to_iso(sent), to_iso(sent + timedelta(days=7))))
                    await _request_rows(tx, app, mentee, suggestion, request_id, mentor_id, sent)
                    await emit(tx, RequestSent(request_id=request_id, mentee_id=mentee_id,
                                               mentor_id=mentor_id), sent)

                    requests += 1
                busy.add(mentee_id)
        progress(f"  pending requests {requests:,}")

    # What the dispatcher would have done by now: every row due before the bench is sent.
    clock.set(start)
    async with app.db.transaction() as tx:
        sent = await tx.execute(
            "UPDATE outbox SET status = 'sent', sent_at = due_at, attempts = 1"
            " WHERE status = 'pending' AND due_at <= ?", (to_iso(start),))
        pending = await tx.value("SELECT count(*) FROM outbox WHERE status = 'pending'")
    progress(f"  outbox: {sent:,} sent, {pending:,} pending")
    seeded.free_mentees = [m for m in seeded.mentees if m not in busy]
    rng.shuffle(seeded.free_mentees)
    return seeded


async def _request_rows(tx: Tx, app: App, mentee: Person, suggestion: object, request_id: int,
                        mentor_id: int, sent: datetime) -> None:
    """The three outbox rows `mentoring._send_request` writes with a request."""
    from bot.kernel.outbox import enqueue

    message = mentoring._request_message(app.services, mentee, suggestion, "",  # type: ignore[arg-type]
                                         request_id)
    days = app.services.config.matching.request_expiry_days
    await enqueue(tx, mentor_id, message, due_at=sent, key=f"request:{request_id}:to-mentor")
    await enqueue(tx, mentor_id, Outgoing(key="request.reminder_mentor",
                                          params={"mentee": mentee.name, "days": days - days // 2},
                                          buttons=mentoring._answer_buttons(request_id)),
                  due_at=sent + timedelta(days=days / 2), key=f"request:{request_id}:reminder",
                  kind="reminder")
    await enqueue(tx, mentor_id, Outgoing(key="expire_request", params={"request_id": request_id}),
                  due_at=sent + timedelta(days=days), key=f"request:{request_id}:expire",
                  kind="job")
