"""What may go out now: the budget of unsolicited messages, and whether each still fits.

An *unsolicited* message is one the person did not ask for by acting: a lesson card or a
prompt of the nudge plan (outbox kind `nudge`), a mentor's check-in (`checkin`), the closing
survey (`survey`). Replies, meeting reminders and the question after a meeting (the person
confirmed the meeting), requests and introductions are not counted and never held back.

The dispatcher asks `DeliveryGate` about every unsolicited row it claims, in the claim's
transaction, so the limits hold whatever feature queued the rows and however many there are:

1. **Still fits?** A row that no longer fits the person's stage is dropped (`cancelled`,
   error `no longer fits`): a nudge of a relationship that ended or is paused; a card "before
   your first meeting" once a meeting began or when none is planned any more; a
   quiet-relationship nudge once a meeting was agreed or someone said "it's not working"; a
   nudge ending at a stage its rule names (`until = "matched"`: the person has a
   relationship; `"first_meeting"`: a first meeting took place); an "ending" nudge after an
   extension; a check-in already closed; a survey already answered. Every unsolicited row
   of someone who said "stop" (/notifications off, bot/training/notifications.py) is dropped too.
2. **Quiet hours** (the nudge plan's, in the recipient's zone): it waits for their end.
3. **Budget**: at most `max_per_day` unsolicited messages a local day, and at most
   `max_lessons_per_week` lesson cards in any seven local days in a row. Over it, the row is
   postponed to the preferred hour of the next day with room — never dropped, unless that is
   after its own deadline (`stale_at`), where it would be pointless. Cards that prepare a
   first meeting come first: planned ones keep their day and their place in the week.

Each row let through is written to `unsolicited_sent` with the local day it went out on:
those rows are what the budget counts. A row sent again after a crash is let through without
being counted twice. The settings come from content/nudges.toml (re-read when it changes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Services
from bot.store.db import Tx
from bot.training.lessons import LessonLibrary, NudgePlan, load_nudge_plan

log = logging.getLogger(__name__)

UNSOLICITED = frozenset({"nudge", "checkin", "survey"})
MAX_DAYS_AHEAD = 60  # a slot is always found well before; this only bounds the search
ENDING_SLACK = timedelta(days=3)  # an "ending" nudge may be postponed this much past its day
MET = "('confirmed', 'held', 'unknown', 'disputed')"  # a meeting that took (or takes) place
CRITICAL = "before_first_meeting/"  # rule keys of the nudges that prepare a first meeting


@dataclass(frozen=True, slots=True)
class Verdict:
    """"send" now; "later" at `at`; or "drop" (no longer relevant), with a reason for the row."""

    action: str
    at: datetime | None = None
    reason: str = ""


SEND = Verdict("send")


class DeliveryGate:
    """The dispatcher's gate (`Dispatcher(gate=...)`, wired by bot/kernel/app.py)."""

    kinds = UNSOLICITED  # the rows it judges; the dispatcher takes the writers' lock for them

    def __init__(self, services: Services) -> None:
        self.services = services
        self._plan: tuple[int, NudgePlan] | None = None

    async def admit(self, tx: Tx, rows: list[Any], now: datetime,
                    expired: Callable[[Any], bool]) -> tuple[list[Any], int, int]:
        """The claimed rows to send now, and how many were postponed and dropped (written
        back in `tx`: pending with a later `due_at`, or cancelled with the reason)."""
        kept: list[Any] = []
        postponed = dropped = 0
        plan: NudgePlan | None = None
        for row in rows:
            if row["kind"] not in UNSOLICITED or expired(row):
                kept.append(row)
                continue
            plan = plan or self.plan()  # once per batch
            verdict = await self.decide(tx, row, now, plan)
            if verdict.action == "later" and verdict.at is not None:
                await tx.execute(
                    "UPDATE outbox SET status = 'pending', claimed_by = NULL, due_at = ?,"
                    " attempts = attempts - 1, error = ? WHERE id = ?",
                    (to_iso(verdict.at), verdict.reason, row["id"]))
                postponed += 1
            elif verdict.action == "drop":
                await tx.execute("UPDATE outbox SET status = 'cancelled', error = ? WHERE id = ?",
                                 (verdict.reason, row["id"]))
                dropped += 1
            else:
                kept.append(row)
        if postponed or dropped:
            log.info("outbox.gated", extra={"postponed": postponed, "dropped": dropped})
        return kept, postponed, dropped

    def plan(self) -> NudgePlan:
        """The nudge plan's delivery settings (quiet hours, preferred hour, limits)."""
        path = Path(self.services.config.content_path()) / "nudges.toml"
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return NudgePlan()
        if self._plan is None or self._plan[0] != stamp:
            # Settings only: the rules (checked against the lessons by bot/training/training.py) are
            # not needed here, so their problems are not reported twice.
            self._plan = (stamp, load_nudge_plan(path, LessonLibrary())[0])
        return self._plan[1]

    async def decide(self, tx: Tx, row: Any, now: datetime, plan: NudgePlan) -> Verdict:
        person_id = row["person_id"]
        if person_id is None:
            return SEND
        if await tx.value("SELECT 1 FROM unsolicited_sent WHERE outbox_id = ?", (row["id"],)):
            return SEND  # let through before a crash: sent again, not counted again
        if not await still_fits(tx, row, now):
            return Verdict("drop", reason="no longer fits")
        if await tx.value("SELECT 1 FROM quiet_people WHERE person_id = ?", (person_id,)):
            return Verdict("drop", reason="stopped by the person")  # "stop" (notifications)
        zone = await _zone(tx, person_id)
        sort = await _sort_of(tx, row)
        when = await _next_slot(tx, plan, person_id, zone, now, sort, row["id"])
        if when is None:
            await tx.execute(
                "INSERT INTO unsolicited_sent (outbox_id, person_id, local_day, lesson)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (row["id"], person_id, now.astimezone(zone).date().isoformat(),
                 int(sort.lesson)))
            return SEND
        if row["stale_at"] and when >= from_iso(row["stale_at"]):
            return Verdict("drop", reason="stale")
        return Verdict("later", when, "postponed: quiet hours or daily budget")


# --- the budget -------------------------------------------------------------------------------

async def _zone(tx: Tx, person_id: int) -> ZoneInfo:
    name = await tx.value("SELECT timezone FROM people WHERE id = ?", (person_id,))
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class _Sort:
    """What the budget needs to know about a row: a lesson card? one that prepares a first
    meeting (and so must not wait past it)?"""

    lesson: bool = False
    critical: bool = False


async def _sort_of(tx: Tx, row: Any) -> _Sort:
    if row["kind"] != "nudge":
        return _Sort()
    nudge = await tx.one("SELECT lesson_id, rule_key FROM nudges WHERE idempotency_key = ?",
                         (row["idempotency_key"],))
    if nudge is None:
        return _Sort()
    return _Sort(nudge["lesson_id"] is not None, nudge["rule_key"].startswith(CRITICAL))


async def _next_slot(tx: Tx, plan: NudgePlan, person_id: int, zone: ZoneInfo, now: datetime,
                     sort: _Sort, outbox_id: int) -> datetime | None:
    """None when the message may go now; else the first moment that is not quiet, on a day
    with room (the preferred hour of a later day).

    A card before a first meeting cannot wait, so the cards of that kind already planned for
    the coming week keep their room: nothing else takes their day, and other lessons leave
    them a place in their seven days. Until a first meeting, while no such card is planned,
    other lessons also leave one place a week free for one, which may be planned any day."""
    local_now = now.astimezone(zone)
    today = local_now.date()
    sent = [(date.fromisoformat(r["local_day"]), bool(r["lesson"])) for r in await tx.all(
        "SELECT u.local_day, u.lesson FROM unsolicited_sent u JOIN outbox o ON o.id = u.outbox_id"
        " WHERE u.person_id = ? AND u.local_day >= ? AND o.status IN ('sending', 'sent')",
        (person_id, (today - timedelta(days=6)).isoformat()))]
    reserved = [] if sort.critical else [
        from_iso(r["due_at"]).astimezone(zone).date() for r in await tx.all(
            "SELECT o.due_at FROM nudges n JOIN outbox o ON o.idempotency_key = n.idempotency_key"
            " WHERE n.person_id = ? AND n.lesson_id IS NOT NULL AND n.rule_key LIKE ?"
            " AND +o.status = 'pending' AND o.due_at < ? AND o.id != ?",
            (person_id, CRITICAL + "%", to_iso(now + timedelta(days=7)), outbox_id))]
    taken = [d for d, _ in sent] + reserved
    lessons = [d for d, was_lesson in sent if was_lesson] + reserved
    per_week = plan.max_lessons_per_week
    if sort.lesson and not sort.critical and not reserved and per_week > 1 and \
            await _awaits_first_meeting(tx, person_id, now):
        per_week -= 1

    def has_room(day: date) -> bool:
        if sum(1 for d in taken if d == day) >= plan.max_per_day:
            return False
        if not sort.lesson:
            return True
        # Every seven-day span that contains `day` must stay within the weekly limit.
        return all(sum(1 for d in lessons if first <= d < first + timedelta(days=7)) < per_week
                   for first in (day - timedelta(days=back) for back in range(7)))

    candidate = _not_quiet(plan, local_now)
    for _ in range(MAX_DAYS_AHEAD):
        if has_room(candidate.date()):
            break
        next_day = candidate.date() + timedelta(days=1)
        candidate = _not_quiet(plan, datetime.combine(next_day, plan.preferred_hour,
                                                      tzinfo=zone))
    return None if candidate == local_now else candidate


async def _awaits_first_meeting(tx: Tx, person_id: int, now: datetime) -> bool:
    """In an active relationship whose first meeting has not begun yet."""
    for column in ("mentee_id", "mentor_id"):
        if await tx.value(
                f"SELECT 1 FROM matches m WHERE m.{column} = ? AND m.status = 'active'"
                " AND NOT EXISTS (SELECT 1 FROM meeting_participants p JOIN meetings g"
                " ON g.id = p.meeting_id WHERE p.match_id = m.id"
                f" AND g.status IN {MET} AND g.starts_at <= ?) LIMIT 1",
                (person_id, to_iso(now))):
            return True
    return False


def _not_quiet(plan: NudgePlan, moment: datetime) -> datetime:
    if plan.quiet_hours.contains(moment.time()):
        return plan.quiet_hours.span_around(moment)[1]
    return moment


# --- does it still fit? ---------------------------------------------------------------------

async def still_fits(tx: Tx, row: Any, now: datetime) -> bool:
    """Whether an unsolicited row still fits the recipient's stage (see the module doc)."""
    key = row["idempotency_key"]
    if row["kind"] == "nudge":
        return await _nudge_fits(tx, key, now)
    if row["kind"] == "checkin":  # checkin:{checkin id}:ask|repeat (bot/meetings/checkins.py)
        checkin = await tx.one(
            "SELECT c.closed_at, c.match_id, m.status FROM checkins c JOIN matches m"
            " ON m.id = c.match_id WHERE c.id = ?", (_number(key, 1),))
        return checkin is None or (checkin["closed_at"] is None and checkin["status"] == "active"
                                   and not await has_open_concern(tx, checkin["match_id"]))
    if row["kind"] == "survey":  # survey:{match id}:p{person id} (bot/mentoring/lifecycle.py)
        answered = await tx.value(
            "SELECT answered_at FROM relationship_surveys WHERE match_id = ? AND person_id = ?",
            (_number(key, 1), row["person_id"]))
        return answered is None
    return True


async def has_open_concern(tx: Tx, match_id: int) -> bool:
    """Someone said "it's not working" about this relationship and nothing settled it yet."""
    return bool(await tx.value("SELECT 1 FROM relationship_concerns WHERE match_id = ?"
                               " AND resolved_at IS NULL LIMIT 1", (match_id,)))


async def _nudge_fits(tx: Tx, key: str, now: datetime) -> bool:
    nudge = await tx.one("SELECT * FROM nudges WHERE idempotency_key = ?", (key,))
    if nudge is None:
        return True
    person_id, match_id = nudge["person_id"], nudge["match_id"]
    if nudge["until"] == "matched" and await _has_relationship(tx, person_id):
        return False
    if nudge["until"] == "first_meeting" and await tx.value(
            "SELECT 1 FROM meeting_participants p JOIN meetings m ON m.id = p.meeting_id"
            " WHERE p.person_id = ? AND m.status = 'held' LIMIT 1", (person_id,)):
        return False
    if match_id is None:
        return True  # onboarding, or a lesson the person put off ("Not now")
    match = await tx.one("SELECT status, ends_at FROM matches WHERE id = ?", (match_id,))
    if match is None or match["status"] != "active":
        return False
    trigger, _, rest = nudge["rule_key"].partition("/")
    if trigger == "before_first_meeting":
        begun = await _meeting(tx, match_id, f"m.status IN {MET} AND m.starts_at <= ?", now)
        ahead = await _meeting(tx, match_id, "m.status = 'confirmed' AND m.starts_at > ?", now)
        return ahead and not begun
    if trigger == "quiet":
        since = from_iso(nudge["created_at"])
        return not (await has_open_concern(tx, match_id) or await _meeting(
            tx, match_id, f"m.status IN {MET} AND m.starts_at > ?", since))
    if trigger == "ending":
        days = _selector(rest, "days_before")
        ends_at = from_iso(match["ends_at"]) if match["ends_at"] else None
        return ends_at is not None and days is not None and \
            now < ends_at <= now + timedelta(days=days) + ENDING_SLACK
    return True


async def _has_relationship(tx: Tx, person_id: int) -> bool:
    return bool(await tx.value("SELECT 1 FROM matches WHERE mentee_id = ? LIMIT 1", (person_id,))
                or await tx.value("SELECT 1 FROM matches WHERE mentor_id = ? LIMIT 1",
                                  (person_id,)))


async def _meeting(tx: Tx, match_id: int, condition: str, moment: datetime) -> bool:
    return bool(await tx.value(
        "SELECT 1 FROM meeting_participants p JOIN meetings m ON m.id = p.meeting_id"
        f" WHERE p.match_id = ? AND {condition} LIMIT 1", (match_id, to_iso(moment))))


def _number(key: str, position: int) -> int | None:
    parts = key.split(":")
    text = parts[position].lstrip("p") if len(parts) > position else ""
    return int(text) if text.isascii() and text.isdigit() else None


def _selector(rule_rest: str, name: str) -> int | None:
    """`days_before=21` from the rest of a rule key ("days_before=21/both/lesson=…/+0m")."""
    selector = rule_rest.partition("/")[0]
    field, _, number = selector.partition("=")
    return int(number) if field == name and number.isdigit() else None
