"""Badges: earned by the rules of content/points.toml, or given by a coordinator.

A badge is awarded once (a unique award key per person and badge) and announced to the
person through the outbox, in their language at send time. The rules read three sources:

- `held_meetings`: filled on each `MeetingHeld` event (one row per meeting and person);
- `lesson_progress`: lessons marked done (bot/training/training.py);
- ratings of mentors, 1 to 5, per meeting and mentee: the usefulness mentees give a meeting
  in the meetings module (`meeting_participants.usefulness`), and `mentor_ratings`, written
  with `record_rating` on each `MeetingRated` event from the mentee (bot/meetings/attendance.py
  emits it when the usefulness is given, so the badge is checked then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.kernel import outbox, people
from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.events import Reply
from bot.kernel.outbox import Outgoing
from bot.kernel.people import Person
from bot.store.db import Tx
from bot.training.lessons import LessonLibrary
from bot.training.points import BadgeRule, PointsRules, award

RECOGNITION = "recognition"
MAX_NOTE = 300


@dataclass(frozen=True, slots=True)
class Earned:
    """A badge a person holds: a rule's badge, or a coordinator's recognition with its note."""

    badge: str
    note: str
    created_at: str


async def record_held_meeting(tx: Tx, *, meeting_id: int, person_id: int, match_id: int | None,
                              number: int, now: datetime) -> bool:
    """Remember that `person_id` took part in a held meeting; False when already known."""
    return await tx.execute(
        "INSERT INTO held_meetings (meeting_id, person_id, match_id, number, held_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (meeting_id, person_id, match_id, number, to_iso(now))) > 0


async def held_count(tx: Tx, person_id: int, match_id: int | None = None) -> int:
    if match_id is None:
        return await tx.value("SELECT count(*) FROM held_meetings WHERE person_id = ?",
                              (person_id,))
    return await tx.value(
        "SELECT count(*) FROM held_meetings WHERE person_id = ? AND match_id = ?",
        (person_id, match_id))


async def record_rating(tx: Tx, *, meeting_id: int, rater_id: int, mentor_id: int, rating: int,
                        now: datetime) -> bool:
    """A mentee's rating (1-5) of their mentor for one meeting. A changed answer replaces
    the earlier one, as the meetings module's usefulness does (the two never disagree)."""
    if not 1 <= rating <= 5 or rater_id == mentor_id:
        return False
    return await tx.execute(
        "INSERT INTO mentor_ratings (meeting_id, rater_id, mentor_id, rating, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (meeting_id, rater_id) DO UPDATE"
        " SET rating = excluded.rating",
        (meeting_id, rater_id, mentor_id, rating, to_iso(now))) > 0


# --- earning badges by rule -----------------------------------------------------------------


async def check(tx: Tx, rules: PointsRules, library: LessonLibrary, person: Person,
                now: datetime) -> list[BadgeRule]:
    """Award every badge `person` now qualifies for and does not hold; returns those."""
    held = {row["badge"] for row in await tx.all(
        "SELECT badge FROM badges WHERE person_id = ?", (person.id,))}
    earned = []
    for badge in rules.badges:
        if badge.id in held or not await _qualifies(tx, badge, library, person):
            continue
        if await _award(tx, badge, person, now):
            earned.append(badge)
    return earned


async def _qualifies(tx: Tx, badge: BadgeRule, library: LessonLibrary, person: Person) -> bool:
    if badge.rule == "meetings_held":
        return await held_count(tx, person.id) >= badge.at_least
    if badge.rule == "stage_lessons":
        wanted = {lesson.id for lesson in library.for_stage(badge.stage, person.role or "both",
                                                              person.language)}
        done = {row["lesson_id"] for row in await tx.all(
            "SELECT lesson_id FROM lesson_progress WHERE person_id = ? AND status = 'done'",
            (person.id,))}
        return bool(wanted) and wanted <= done
    if badge.rule == "mentor_rating":
        meetings, average = await mentor_rating(tx, person.id)
        return meetings >= badge.min_meetings and average >= badge.min_average
    return False


async def mentor_rating(tx: Tx, mentor_id: int) -> tuple[int, float]:
    """(rated meetings, average rating) of a mentor.

    Ratings are those of `mentor_ratings`, plus the usefulness (1-5) that mentees gave a
    meeting with this mentor in the meetings module's `meeting_participants`, when that
    table exists and the same rating was not recorded in both.
    """
    sources = ["SELECT meeting_id, rating FROM mentor_ratings WHERE mentor_id = :mentor"]
    if await tx.value("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                      " AND name = 'meeting_participants'"):
        sources.append(
            "SELECT p.meeting_id, p.usefulness FROM meeting_participants p"
            " JOIN meeting_participants m ON m.meeting_id = p.meeting_id"
            " AND m.person_id = :mentor AND m.role = 'mentor'"
            " WHERE p.role = 'mentee' AND p.usefulness BETWEEN 1 AND 5 AND NOT EXISTS"
            " (SELECT 1 FROM mentor_ratings r WHERE r.meeting_id = p.meeting_id"
            " AND r.rater_id = p.person_id)")
    row = await tx.one(
        "SELECT count(DISTINCT meeting_id) AS meetings, coalesce(avg(rating), 0) AS average"
        f" FROM ({' UNION ALL '.join(sources)})", {"mentor": mentor_id})
    return (row["meetings"], float(row["average"])) if row else (0, 0.0)


async def _award(tx: Tx, badge: BadgeRule, person: Person, now: datetime) -> bool:
    inserted = await tx.execute(
        "INSERT INTO badges (programme_id, person_id, badge, award_key, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(award_key) DO NOTHING",
        (person.programme_id, person.id, badge.id, f"{person.id}.{badge.id}", to_iso(now)))
    if not inserted:
        return False
    await outbox.enqueue(tx, person.id, Outgoing(
        key="training.badges.earned",
        params={"emoji": badge.emoji, "badge": {"lang": dict(badge.names)}}),
        due_at=now, key=f"badge.{person.id}.{badge.id}")
    return True


# --- recognition by a coordinator -------------------------------------------------------------


async def recognise(tx: Tx, rules: PointsRules, *, giver: Person, person: Person, note: str,
                    now: datetime) -> int:
    """A coordinator's recognition: a badge with their words, points, and a message to the
    person. Returns the new badge's id."""
    count = await tx.value(
        "SELECT count(*) FROM badges WHERE person_id = ? AND badge = ?", (person.id, RECOGNITION))
    badge_id = await tx.insert(
        "INSERT INTO badges (programme_id, person_id, badge, award_key, note, awarded_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (person.programme_id, person.id, RECOGNITION, f"{person.id}.{RECOGNITION}.{count + 1}",
         note[:MAX_NOTE], giver.id, to_iso(now)))
    await award(tx, rules, programme_id=person.programme_id, person_id=person.id,
                reason="recognised", key=str(badge_id), ref=f"badge.{badge_id}", now=now)
    await outbox.enqueue(tx, person.id, Outgoing(
        key="training.recognition.received",
        params={"coordinator": giver.name, "note": note[:MAX_NOTE]}),
        due_at=now, key=f"badge.{person.id}.{RECOGNITION}.{badge_id}")
    return badge_id


async def cmd_recognise(ctx: Context, args: str, rules: PointsRules) -> list[Reply]:
    """`/admin recognise @person message` (the admin registry checks the coordinator)."""
    handle, _, note = args.strip().partition(" ")
    note = note.strip()
    if not handle or not note:
        return [ctx.say("training.recognition.usage")]
    if len(note) > MAX_NOTE:
        return [ctx.say("training.recognition.too_long", limit=MAX_NOTE, length=len(note))]
    target = await people.find_by_handle(ctx.tx, ctx.person.programme_id, handle)
    if target is None:
        return [ctx.say("admin.no_person", name=handle[:40])]
    if target.id == ctx.person.id:
        return [ctx.say("training.recognition.self")]
    await recognise(ctx.tx, rules, giver=ctx.person, person=target, note=note, now=ctx.now)
    return [ctx.say("training.recognition.sent", name=target.name)]


async def held_by(tx: Tx, person_id: int) -> list[Earned]:
    return [Earned(row["badge"], row["note"], row["created_at"]) for row in await tx.all(
        "SELECT badge, note, created_at FROM badges WHERE person_id = ? ORDER BY id",
        (person_id,))]


def describe(rules: PointsRules, earned: Earned, lang: str) -> tuple[str, str] | None:
    """(emoji, name) of a held badge; None for a rule a coordinator has since removed."""
    if earned.badge == RECOGNITION:
        return "🎖️", ""
    rule = rules.badge(earned.badge)
    return (rule.emoji, rule.name(lang)) if rule else None


