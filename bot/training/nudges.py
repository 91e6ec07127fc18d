"""When a nudge goes out: the nudge plan applied to one person, through the durable outbox.

Each nudge is an outbox row of kind "nudge" whose idempotency key names the rule, the
person and the relationship (`nudge:{rule.key}:{person_id}:{match_id or 0}`, plus the
meeting or quiet spell for rules that fire more than once), so a replayed hook never sends
twice. Its time is decided here, at enqueue time, in the recipient's own time zone:

1. the plan's time (`NudgePlan.send_time`: preferred hour for day-counted nudges, never in
   quiet hours); a time already past means "now", unless now is quiet;
2. at most `max_per_day` nudges a local day: a day that is taken (pending or sent nudges of
   that person) moves the nudge to the preferred hour of the next free day. A lesson before
   a first meeting never moves past the meeting: it looks for a free day before it instead,
   and goes anyway when there is none;
3. a lesson the person has already read or been sent is not sent again.

This spreads the nudges themselves. The hard limits over every source of unsolicited
messages (check-ins and surveys too: one a day, a few lessons a week) and the check that a
nudge still fits the person's stage are applied when it falls due, by bot/kernel/delivery.py; the
`nudges` row keeps what that check needs (trigger in `rule_key`, `match_id`, `until`).

What a nudge says is the caller's business (`MessageFor`); this module only decides when.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.kernel import outbox
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.outbox import Outgoing
from bot.kernel.people import Person
from bot.store.db import Tx
from bot.store.schema_map import marks
from bot.training.lessons import NudgePlan, NudgeRule

MessageFor = Callable[[NudgeRule], Outgoing | None]

MAX_SNOOZES = 3
MAX_DAYS_AHEAD = 60  # a person with two months of nudges queued gets the next one anyway
SNOOZE_RULE = "snooze"
_LIVE = "('pending', 'sending', 'sent')"


@dataclass(frozen=True, slots=True)
class Target:
    """Who receives the nudges of one trigger, as whom, and about which relationship."""

    person: Person
    audience: str  # "mentee" | "mentor" | "both"
    match_id: int | None = None


@dataclass(frozen=True, slots=True)
class Snooze:
    """What "Not now" did: "scheduled" (or "already" scheduled) for `when`, or "limit"."""

    outcome: str
    when: datetime | None = None


def zone_of(person: Person) -> ZoneInfo:
    try:
        return ZoneInfo(person.timezone) if person.timezone else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def nudge_key(rule: NudgeRule, target: Target, occurrence: int = 0) -> str:
    key = f"nudge:{rule.key}:{target.person.id}:{target.match_id or 0}"
    if rule.trigger == "after_meeting" and rule.meeting_number is None:
        key += f":m{occurrence}"  # "after every meeting": one per meeting
    elif rule.trigger == "quiet":
        key += f":q{occurrence}"  # a relationship may go quiet more than once
    return key


async def schedule(tx: Tx, plan: NudgePlan, target: Target, rules: list[NudgeRule],
                   anchor: datetime, now: datetime, message_for: MessageFor, *,
                   occurrence: int = 0, deadline: datetime | None = None,
                   move_pending: bool = False) -> list[str]:
    """Enqueue the nudges of `rules` for `target`; returns the keys of new rows.

    `anchor` is the moment the trigger refers to (see `NudgeRule.due`); `deadline` a moment
    after which the nudge is pointless (a first meeting's start). With `move_pending`, a
    nudge already planned but not sent moves to its new time (a first meeting moved).

    What the rules need to know (which keys exist, which lessons the person has, which days
    are taken) is read in one statement, kept up to date here as rows are planned, and the
    new rows are written together at the end: a few statements for a whole trigger instead
    of five or six per rule.
    """
    if not rules:
        return []
    zone = zone_of(target.person)
    keys = [nudge_key(rule, target, occurrence) for rule in rules]
    book = await _Book.read(tx, target.person.id, keys,
                            {rule.lesson for rule in rules if rule.lesson},
                            _day_start(now.astimezone(zone).date(), zone))
    created: list[str] = []
    rows: list[tuple[str, str, Outgoing, datetime, NudgeRule]] = []
    for rule, key in zip(rules, keys, strict=True):
        status = book.statuses.get(key)
        if status is not None:
            if move_pending and status == "pending":
                await _write(tx, target, rows, now)  # a key planned just now moves too
                await _move(tx, plan, rule, key, book, zone, anchor, now, deadline)
            continue
        if rule.lesson and book.has_lesson(rule.lesson):
            continue
        message = message_for(rule)
        when = _delivery_time(plan, rule, book, zone, anchor, now, deadline)
        if message is None or when is None:
            continue
        rows.append((key, rule.key, message, when, rule))
        book.plan(key, when, rule.lesson)
        created.append(key)
    await _write(tx, target, rows, now)
    return created


class _Book:
    """One person's nudges as `schedule` and `snooze` need them, read in one statement: the
    status of the keys about to be planned, the lessons already read or planned, and the
    time of each live nudge from the first day that may be chosen on (`_has_room`)."""

    def __init__(self) -> None:
        self.statuses: dict[str, str] = {}
        # lesson -> why the person has it: the keys of its live nudges, "" for read or done
        self.lessons: dict[str, set[str]] = {}
        self.times: dict[str, str] = {}  # key -> coalesce(sent_at, due_at), as stored

    @classmethod
    async def read(cls, tx: Tx, person_id: int, keys: list[str], lessons: set[str],
                   since: str) -> _Book:
        parts = ["SELECT 'time', n.idempotency_key, coalesce(o.sent_at, o.due_at)"
                 " FROM nudges n JOIN outbox o ON o.idempotency_key = n.idempotency_key"
                 f" WHERE n.person_id = ? AND o.status IN {_LIVE}"
                 " AND coalesce(o.sent_at, o.due_at) >= ?"]
        params: list[object] = [person_id, since]
        if keys:
            parts.append("SELECT 'key', idempotency_key, status FROM outbox"
                         f" WHERE idempotency_key IN ({marks(keys)})")
            params += keys
        if lessons:
            ordered = sorted(lessons)
            parts.append("SELECT 'lesson', lesson_id, '' FROM lesson_progress"
                         f" WHERE person_id = ? AND lesson_id IN ({marks(ordered)})"
                         " AND status IN ('read', 'done')")
            parts.append("SELECT 'lesson', n.lesson_id, n.idempotency_key FROM nudges n"
                         " JOIN outbox o ON o.idempotency_key = n.idempotency_key"
                         f" WHERE n.person_id = ? AND n.lesson_id IN ({marks(ordered)})"
                         f" AND o.status IN {_LIVE}")
            params += [person_id, *ordered, person_id, *ordered]
        book = cls()
        for kind, name, value in await tx.all(" UNION ALL ".join(parts), params):
            if kind == "time":
                book.times[name] = value
            elif kind == "key":
                book.statuses[name] = value
            else:
                book.lessons.setdefault(name, set()).add(value)
        return book

    def has_lesson(self, lesson: str) -> bool:
        return bool(self.lessons.get(lesson))

    def plan(self, key: str, when: datetime, lesson: str | None) -> None:
        self.statuses[key] = "pending"
        self.times[key] = to_iso(when)
        if lesson:
            self.lessons.setdefault(lesson, set()).add(key)

    def cancel(self, key: str, lesson: str | None) -> None:
        self.statuses[key] = "cancelled"
        self.times.pop(key, None)
        if lesson:
            self.lessons.get(lesson, set()).discard(key)

    def taken(self, start: str, end: str) -> int:
        return sum(1 for moment in self.times.values() if start <= moment < end)


async def _write(tx: Tx, target: Target, rows: list[tuple[str, str, Outgoing, datetime,
                                                                NudgeRule]],
                 now: datetime) -> None:
    """The planned rows, in the outbox and in `nudges`: two statements for all of them."""
    if not rows:
        return
    person = target.person
    await outbox.enqueue_many(tx, [(person.id, message, when, key, "nudge")
                                   for key, _, message, when, _ in rows])
    await tx.executemany(_INSERT_NUDGE, [
        (key, person.id, person.programme_id, target.match_id, rule_key, rule.lesson,
         rule.prompt, 0, to_iso(now), rule.until) for key, rule_key, _, _, rule in rows])
    rows.clear()


async def _move(tx: Tx, plan: NudgePlan, rule: NudgeRule, key: str, book: _Book,
                zone: ZoneInfo, anchor: datetime, now: datetime,
                deadline: datetime | None) -> None:
    # Free the old slot first, so the nudge may keep its day.
    await tx.execute("UPDATE outbox SET status = 'cancelled' WHERE idempotency_key = ?", (key,))
    book.cancel(key, rule.lesson)
    when = _delivery_time(plan, rule, book, zone, anchor, now, deadline)
    if when is None:
        return  # the meeting moved too close for this nudge: it stays cancelled
    await tx.execute("UPDATE outbox SET status = 'pending', due_at = ? WHERE idempotency_key = ?",
                     (to_iso(when), key))
    book.plan(key, when, rule.lesson)  # a pending row has no sending time: due_at counts


_INSERT_NUDGE = (
    "INSERT INTO nudges (idempotency_key, person_id, programme_id, match_id, rule_key,"
    " lesson_id, prompt, snooze, created_at, until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING")


async def _enqueue(tx: Tx, target: Target, key: str, rule_key: str, message: Outgoing,
                   when: datetime, now: datetime, *, lesson: str | None = None,
                   prompt: str | None = None, snooze: int = 0, until: str | None = None) -> None:
    await outbox.enqueue(tx, target.person.id, message, due_at=when, key=key, kind="nudge")
    await tx.execute(_INSERT_NUDGE, (key, target.person.id, target.person.programme_id,
                                     target.match_id, rule_key, lesson, prompt, snooze,
                                     to_iso(now), until))


# --- choosing the moment ---------------------------------------------------------------------


def _delivery_time(plan: NudgePlan, rule: NudgeRule, book: _Book, zone: ZoneInfo,
                   anchor: datetime, now: datetime,
                   deadline: datetime | None) -> datetime | None:
    local_now = now.astimezone(zone)
    when = plan.send_time(rule, anchor.astimezone(zone))
    if when < local_now:
        when = _not_quiet(plan, local_now)
    if deadline is not None and when >= deadline:
        return None  # it would arrive after the meeting it prepares for
    return _first_free(plan, book, zone, when, local_now, deadline)


def _not_quiet(plan: NudgePlan, moment: datetime) -> datetime:
    if plan.quiet_hours.contains(moment.time()):
        return plan.quiet_hours.span_around(moment)[1]
    return moment


def _preferred_on(plan: NudgePlan, day: date, zone: ZoneInfo) -> datetime:
    return _not_quiet(plan, datetime.combine(day, plan.preferred_hour, tzinfo=zone))


@functools.lru_cache(maxsize=4096)
def _day_start(day: date, zone: ZoneInfo) -> str:
    """The first moment of `day` in `zone`, as stored (the earliest day `_first_free` may
    look at is the local today: `when` is never before now)."""
    return to_iso(datetime.combine(day, time(0), tzinfo=zone))


def _first_free(plan: NudgePlan, book: _Book, zone: ZoneInfo, when: datetime,
                local_now: datetime, deadline: datetime | None) -> datetime:
    candidate = when
    for _ in range(MAX_DAYS_AHEAD):
        if _has_room(plan, book, zone, candidate.date()):
            return candidate
        candidate = _preferred_on(plan, candidate.date() + timedelta(days=1), zone)
        if deadline is not None and candidate >= deadline:
            break
    if deadline is not None:  # time-critical: an earlier free day is better than none
        day = when.date() - timedelta(days=1)
        while day >= local_now.date():
            earlier = max(_preferred_on(plan, day, zone), _not_quiet(plan, local_now))
            if earlier < when and _has_room(plan, book, zone, day):
                return earlier
            day -= timedelta(days=1)
    return when


def _has_room(plan: NudgePlan, book: _Book, zone: ZoneInfo, day: date) -> bool:
    """Fewer than `max_per_day` live nudges of the person on that local day (their time is
    the sending time once sent, else the due time; compared as stored, as SQL would)."""
    return book.taken(_day_start(day, zone), _day_start(day + timedelta(days=1), zone)) \
        < plan.max_per_day


# --- "Not now" and cancellations ---------------------------------------------------------------


async def snooze(tx: Tx, plan: NudgePlan, person: Person, lesson_id: str, message: Outgoing,
                 now: datetime) -> Snooze:
    """Send the lesson again at tomorrow's preferred hour (or the next free day), at most
    MAX_SNOOZES times per person and lesson; pressing twice plans it once."""
    pending = await tx.value(
        "SELECT o.due_at FROM nudges n JOIN outbox o ON o.idempotency_key = n.idempotency_key"
        " WHERE n.person_id = ? AND n.lesson_id = ? AND n.snooze > 0 AND +o.status = 'pending'"
        " ORDER BY o.due_at LIMIT 1", (person.id, lesson_id))
    if pending is not None:
        return Snooze("already", from_iso(pending))
    done = await tx.value("SELECT coalesce(max(snooze), 0) FROM nudges WHERE person_id = ?"
                          " AND lesson_id = ?", (person.id, lesson_id))
    if done >= MAX_SNOOZES:
        return Snooze("limit")
    zone = zone_of(person)
    local_now = now.astimezone(zone)
    tomorrow = _preferred_on(plan, local_now.date() + timedelta(days=1), zone)
    book = await _Book.read(tx, person.id, [], set(), _day_start(local_now.date(), zone))
    when = _first_free(plan, book, zone, tomorrow, local_now, None)
    key = f"nudge:{SNOOZE_RULE}/lesson={lesson_id}:{person.id}:{done + 1}"
    await _enqueue(tx, Target(person, person.role or "both"), key, SNOOZE_RULE, message, when,
                   now, lesson=lesson_id, snooze=done + 1)
    return Snooze("scheduled", when)


# `+status` in the cancellations: the rows are found by key from the person's few nudges;
# without it SQLite prefers the status index and walks every pending row of the outbox.


async def cancel_lesson(tx: Tx, person_id: int, lesson_id: str) -> int:
    """The person read or finished the lesson: planned nudges for it are no longer needed."""
    return await tx.execute(
        "UPDATE outbox SET status = 'cancelled' WHERE +status = 'pending' AND idempotency_key IN"
        " (SELECT idempotency_key FROM nudges WHERE person_id = ? AND lesson_id = ?)",
        (person_id, lesson_id))


async def cancel_match(tx: Tx, person_id: int, match_id: int) -> int:
    """The relationship ended: its planned nudges (ending, quiet, after meetings) go too."""
    return await tx.execute(
        "UPDATE outbox SET status = 'cancelled' WHERE +status = 'pending' AND idempotency_key IN"
        " (SELECT idempotency_key FROM nudges WHERE person_id = ? AND match_id = ?)",
        (person_id, match_id))
