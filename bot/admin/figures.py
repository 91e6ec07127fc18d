"""The programme's figures: SQL in, small frozen dataclasses out.

`/admin stats`, the `/admin insight` texts and their charts all read these functions, so a
chart never disagrees with the sentence under it. Every query is restricted to one
programme. The definitions (also in docs/coordinators.md):

- a meeting counts in the period its agreed start falls in; *held* is status `held`; a
  *no-show* is a meeting that did not take place because someone did not come (an answer
  "I couldn't come" or "the other side didn't come"); *called off* did not take place for
  another reason; *unknown* nobody answered; *awaiting* is past and not yet decided;
- *satisfaction* (stats): every usefulness answer after a meeting (1–5, mentors and
  mentees) and every closing-survey satisfaction (1–5);
- *benefit* (insight): the mentees' own answers only, usefulness and survey satisfaction
  pooled, each answer counted once;
- *time to match*: from `onboarded_at` to the start of the mentee's first relationship,
  for the mentees who have had one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.kernel.clock import from_iso, to_iso
from bot.kernel.roles import coordinator_only_counts
from bot.store.db import Tx

WINDOW = timedelta(days=30)
SEGMENT_DIMENSIONS = ("department", "seniority", "language", "format")
T = TypeVar("T")


# Per relationship `m`: its held meetings (a circle counts once), and the last one's start.
# CROSS JOIN keeps SQLite from walking every held meeting of the programme (the status
# index) for each relationship instead of the relationship's few participant rows.
HELD_SQL = ("(SELECT count(DISTINCT p.meeting_id) FROM meeting_participants p CROSS JOIN"
            " meetings g ON g.id = p.meeting_id WHERE p.match_id = m.id AND g.status = 'held')")
LAST_HELD_SQL = ("(SELECT max(g.starts_at) FROM meeting_participants p CROSS JOIN meetings g"
                 " ON g.id = p.meeting_id WHERE p.match_id = m.id AND g.status = 'held')")


def name_sql(alias: str) -> str:
    """A person's name in SQL, as `Person.name` gives it."""
    return (f"coalesce(nullif({alias}.display_name, ''), nullif({alias}.handle, ''),"
            f" '#' || {alias}.id)")


@dataclass(frozen=True)
class Average:
    """A mean kept as total and count, so that averages of groups can be added up."""

    total: float = 0.0
    count: int = 0

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def __add__(self, other: Average) -> Average:
        return Average(self.total + other.total, self.count + other.count)


@dataclass(frozen=True)
class Headcount:
    role: str      # mentor | mentee | both | none
    status: str    # new | onboarding | active | no_consent | suspended
    count: int


@dataclass(frozen=True)
class Waiting:
    """Pending requests and how long they have waited, in days."""

    count: int
    median_days: float | None
    oldest_days: float | None


@dataclass(frozen=True)
class Attendance:
    held: int = 0
    no_show: int = 0
    called_off: int = 0
    unknown: int = 0
    awaiting: int = 0

    @property
    def decided(self) -> int:
        return self.held + self.no_show + self.called_off

    @property
    def rate(self) -> float | None:
        """Held among the meetings whose outcome is known."""
        return self.held / self.decided if self.decided else None

    def __add__(self, other: Attendance) -> Attendance:
        return Attendance(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class Median:
    days: float | None
    count: int


@dataclass(frozen=True)
class LessonFigures:
    lesson_id: str
    views: int
    likes: int


@dataclass(frozen=True)
class AtRisk:
    match_id: int
    mentee: str
    mentor: str
    reason: str    # quiet | struggling
    since: datetime


@dataclass(frozen=True)
class ProgrammeStats:
    headcount: tuple[Headcount, ...]
    requests: Waiting
    active_pairs: int
    paused_pairs: int
    attendance: Attendance          # the last 30 days
    usefulness: Average
    survey: Average
    recommend: Average              # yes = 1, no = 0
    time_to_match: Median
    lessons: tuple[LessonFigures, ...]
    at_risk: tuple[AtRisk, ...]


def most_viewed(found: Iterable[LessonFigures], limit: int) -> list[LessonFigures]:
    seen = [lesson for lesson in found if lesson.views]
    return sorted(seen, key=lambda f: (-f.views, -f.likes, f.lesson_id))[:limit]


def most_liked(found: Iterable[LessonFigures], limit: int) -> list[LessonFigures]:
    liked = [lesson for lesson in found if lesson.likes]
    return sorted(liked, key=lambda f: (-f.likes, -f.views, f.lesson_id))[:limit]


async def programme_stats(tx: Tx, programme_id: int, now: datetime) -> ProgrammeStats:
    active, paused = await pair_counts(tx, programme_id)
    usefulness, survey, recommend = await satisfaction(tx, programme_id)
    return ProgrammeStats(
        headcount=await headcount(tx, programme_id),
        requests=await pending_requests(tx, programme_id, now),
        active_pairs=active, paused_pairs=paused,
        attendance=await attendance(tx, programme_id, now - WINDOW, now),
        usefulness=usefulness, survey=survey, recommend=recommend,
        time_to_match=await time_to_first_match(tx, programme_id),
        lessons=await lessons(tx, programme_id),
        at_risk=await at_risk(tx, programme_id),
    )


async def headcount(tx: Tx, programme_id: int) -> tuple[Headcount, ...]:
    # Grouped in the index's own order (programme, role, status): no sorting of 100k rows.
    rows = await tx.all(
        "SELECT role, status, count(*) AS n FROM people WHERE programme_id = ?"
        " GROUP BY role, status", (programme_id,))
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["role"] or "none", r["status"])
        counts[key] = counts.get(key, 0) + r["n"]
    for key, n in (await coordinator_only_counts(tx, programme_id)).items():
        counts[key] = counts.get(key, 0) - n  # coordinators are not participants (issue 13)
    return tuple(Headcount(role, status, n) for (role, status), n in sorted(counts.items())
                 if n > 0)


async def pending_requests(tx: Tx, programme_id: int, now: datetime) -> Waiting:
    # From the index (programme, status, created_at): the count, the oldest and the one or
    # two in the middle, not every row.
    where = "FROM requests WHERE programme_id = ? AND status = 'pending'"
    row = await tx.one(f"SELECT count(*) AS n, min(created_at) AS oldest {where}",
                       (programme_id,))
    count = row["n"] if row is not None else 0
    if not count:
        return Waiting(0, None, None)
    middle = [_days(from_iso(r[0]), now) for r in await tx.all(
        f"SELECT created_at {where} ORDER BY created_at LIMIT ? OFFSET ?",
        (programme_id, 2 - count % 2, (count - 1) // 2))]
    return Waiting(count, sum(middle) / len(middle), _days(from_iso(row["oldest"]), now))


async def pair_counts(tx: Tx, programme_id: int) -> tuple[int, int]:
    """(active, paused) relationships."""
    rows = await tx.all("SELECT status, count(*) AS n FROM matches WHERE programme_id = ?"
                        " AND status IN ('active', 'paused') GROUP BY status", (programme_id,))
    counts = {r["status"]: r["n"] for r in rows}
    return counts.get("active", 0), counts.get("paused", 0)


_OUTCOMES_SQL = (
    "sum(g.status = 'held') AS held, sum(g.status = 'unknown') AS unknown,"
    " sum(g.status = 'confirmed') AS awaiting, sum(CASE WHEN g.status = 'not_held' AND EXISTS"
    " (SELECT 1 FROM meeting_participants p WHERE p.meeting_id = g.id"
    " AND p.absence IN ('me', 'other')) THEN 1 ELSE 0 END) AS no_show,"
    " sum(g.status = 'not_held') AS not_held"
    " FROM meetings g WHERE g.programme_id = ? AND g.starts_at >= ? AND g.starts_at < ?"
    " AND g.status IN ('held', 'not_held', 'unknown', 'confirmed')")


def _attendance(row: Any) -> Attendance:
    no_show = row["no_show"] or 0
    return Attendance(held=row["held"] or 0, no_show=no_show,
                      called_off=(row["not_held"] or 0) - no_show, unknown=row["unknown"] or 0,
                      awaiting=row["awaiting"] or 0)


async def attendance(tx: Tx, programme_id: int, since: datetime, until: datetime) -> Attendance:
    """Meetings whose agreed start is in [since, until), by outcome: one pass over the index
    (programme, start, status), no row per meeting."""
    row = await tx.one(f"SELECT {_OUTCOMES_SQL}", (programme_id, to_iso(since), to_iso(until)))
    return _attendance(row) if row is not None else Attendance()


async def attendance_by_month(tx: Tx, programme_id: int, now: datetime,
                              months: int = 6) -> tuple[tuple[str, Attendance], ...]:
    """The last `months` calendar months (this one included), from the first with a meeting."""
    span = month_span(now, months)
    by_month = dict.fromkeys(span, Attendance())
    for row in await tx.all(
            f"SELECT substr(g.starts_at, 1, 7) AS month, {_OUTCOMES_SQL} GROUP BY 1",
            (programme_id, to_iso(month_start(span[0])), to_iso(now))):
        by_month[row["month"]] = _attendance(row)
    return tuple(_from_first_active(by_month, lambda a: a != Attendance()))


async def satisfaction(tx: Tx, programme_id: int) -> tuple[Average, Average, Average]:
    """(meeting usefulness, survey satisfaction, would recommend) over everyone's answers."""
    # From the answers (a partial index holds only them). When every meeting is this
    # programme's (the lowest and highest programme of the meetings index say so at once),
    # no answer needs its meeting looked up.
    span = await tx.one("SELECT (SELECT min(programme_id) FROM meetings) AS low,"
                        " (SELECT max(programme_id) FROM meetings) AS high")
    only_this = span is not None and span["low"] == span["high"] == programme_id
    useful = await tx.one(
        "SELECT coalesce(sum(p.usefulness), 0) AS total, count(p.usefulness) AS n"
        " FROM meeting_participants p WHERE p.usefulness IS NOT NULL" if only_this else
        "SELECT coalesce(sum(p.usefulness), 0) AS total, count(p.usefulness) AS n"
        " FROM meeting_participants p CROSS JOIN meetings g ON g.id = p.meeting_id"
        " WHERE g.programme_id = ? AND p.usefulness IS NOT NULL",
        () if only_this else (programme_id,))
    survey = await tx.one(
        "SELECT coalesce(sum(s.satisfaction), 0) AS total, count(s.satisfaction) AS n,"
        " coalesce(sum(s.would_recommend), 0) AS yes, count(s.would_recommend) AS answered"
        " FROM relationship_surveys s JOIN matches m ON m.id = s.match_id"
        " WHERE m.programme_id = ?", (programme_id,))
    assert useful is not None and survey is not None  # aggregates always return a row
    return (Average(useful["total"], useful["n"]), Average(survey["total"], survey["n"]),
            Average(survey["yes"], survey["answered"]))


async def time_to_first_match(tx: Tx, programme_id: int) -> Median:
    # Each mentee's wait is kept in first_matches by triggers (migration 018): a count and
    # the one or two middle rows of an index, not every match and every matched person.
    count = await tx.value("SELECT count(*) FROM first_matches WHERE programme_id = ?",
                           (programme_id,))
    if not count:
        return Median(None, 0)
    middle = [r[0] for r in await tx.all(
        "SELECT days FROM first_matches WHERE programme_id = ? ORDER BY days LIMIT ? OFFSET ?",
        (programme_id, 2 - count % 2, (count - 1) // 2))]
    return Median(sum(middle) / len(middle), count)


async def lessons(tx: Tx, programme_id: int) -> tuple[LessonFigures, ...]:
    """Views and likes (*Useful 👍*) of every lesson seen or liked, by lesson id."""
    rows = await tx.all(
        "SELECT lesson_id, sum(kind = 'viewed') AS views, sum(kind = 'useful') AS likes"
        " FROM lesson_events WHERE programme_id = ? AND kind IN ('viewed', 'useful')"
        " GROUP BY lesson_id ORDER BY lesson_id", (programme_id,))
    return tuple(LessonFigures(r["lesson_id"], r["views"], r["likes"]) for r in rows)


async def at_risk(tx: Tx, programme_id: int) -> tuple[AtRisk, ...]:
    """Open relationships marked at risk by the check-ins, longest first."""
    rows = await tx.all(
        f"SELECT m.id, h.reason, h.at_risk_since, {name_sql('e')} AS mentee,"
        f" {name_sql('o')} AS mentor FROM relationship_health h"  # the few at risk first
        " CROSS JOIN matches m ON m.id = h.match_id JOIN people e ON e.id = m.mentee_id"
        " JOIN people o ON o.id = m.mentor_id WHERE m.programme_id = ?"
        " AND m.status IN ('active', 'paused') AND h.at_risk_since IS NOT NULL"
        " ORDER BY h.at_risk_since, m.id", (programme_id,))
    return tuple(AtRisk(r["id"], r["mentee"], r["mentor"], r["reason"] or "",
                        from_iso(r["at_risk_since"])) for r in rows)


# --- who benefits --------------------------------------------------------------------------


@dataclass(frozen=True)
class PairFigures:
    """One relationship, seen from its mentee: who they are, what they got, what they said."""

    match_id: int
    mentee_id: int
    mentor_id: int
    mentor: str
    segments: dict[str, str]
    held: int
    usefulness: Average
    survey: Average


@dataclass(frozen=True)
class GroupFigures:
    """Relationships added up by a segment value or by mentor."""

    key: str
    label: str
    pairs: int
    mentees: int
    held: int
    usefulness: Average
    survey: Average

    @property
    def benefit(self) -> Average:
        return self.usefulness + self.survey


@dataclass
class _Tally:
    label: str
    pairs: int = 0
    mentees: set[int] = field(default_factory=set)
    held: int = 0
    usefulness: Average = field(default_factory=Average)
    survey: Average = field(default_factory=Average)


def _grouped(pairs: Iterable[PairFigures],
             key_and_label: Callable[[PairFigures], tuple[str, str]]) -> list[GroupFigures]:
    """Add the relationships up by key (the label shown is the first one met)."""
    tallies: dict[str, _Tally] = {}
    for pair in pairs:
        key, label = key_and_label(pair)
        tally = tallies.setdefault(key, _Tally(label))
        tally.pairs += 1
        tally.mentees.add(pair.mentee_id)
        tally.held += pair.held
        tally.usefulness += pair.usefulness
        tally.survey += pair.survey
    return [GroupFigures(key, t.label, t.pairs, len(t.mentees), t.held, t.usefulness, t.survey)
            for key, t in tallies.items()]


async def pair_figures(tx: Tx, programme_id: int) -> list[PairFigures]:
    """Every relationship of the programme, ended ones included."""
    rows = await tx.all(
        f"SELECT m.id, m.mentee_id, m.mentor_id, {name_sql('o')} AS mentor, e.department,"
        " e.seniority, e.language, e.reverse,"
        f" {HELD_SQL} AS held,"
        " (SELECT count(*) FROM meeting_participants p CROSS JOIN meetings g"
        "  ON g.id = p.meeting_id WHERE p.match_id = m.id AND g.status = 'held'"
        "  AND g.is_group = 1) AS circles,"
        " (SELECT coalesce(sum(p.usefulness), 0) FROM meeting_participants p"
        "  WHERE p.match_id = m.id AND p.person_id = m.mentee_id) AS useful_total,"
        " (SELECT count(p.usefulness) FROM meeting_participants p"
        "  WHERE p.match_id = m.id AND p.person_id = m.mentee_id) AS useful_n,"
        " s.satisfaction FROM matches m JOIN people e ON e.id = m.mentee_id"
        " JOIN people o ON o.id = m.mentor_id LEFT JOIN relationship_surveys s"
        " ON s.match_id = m.id AND s.person_id = m.mentee_id"
        " WHERE m.programme_id = ? ORDER BY m.id", (programme_id,))
    pairs = []
    for r in rows:
        fmt = "reverse" if r["reverse"] else "group" if r["circles"] else "one_to_one"
        segments = {"department": " ".join((r["department"] or "").split()),
                    "seniority": str(r["seniority"] or 0), "language": r["language"],
                    "format": fmt}
        survey = Average(r["satisfaction"], 1) if r["satisfaction"] is not None else Average()
        pairs.append(PairFigures(r["id"], r["mentee_id"], r["mentor_id"], r["mentor"],
                                 segments, r["held"], Average(r["useful_total"], r["useful_n"]),
                                 survey))
    return pairs


def _ranked(groups: Iterable[GroupFigures]) -> tuple[GroupFigures, ...]:
    """Best benefit first; groups nobody rated yet last; more answers break ties."""
    return tuple(sorted(groups, key=lambda g: (g.benefit.mean is None, -(g.benefit.mean or 0),
                                               -g.benefit.count, -g.pairs, g.label.casefold())))


async def benefit_by_segment(tx: Tx, programme_id: int) -> dict[str, tuple[GroupFigures, ...]]:
    """For each dimension, the mentees' segments ranked by the benefit they report.

    Departments are grouped without regard to case or spacing ("Sales", " sales").
    """
    pairs = await pair_figures(tx, programme_id)
    return {dimension: _ranked(_grouped(pairs, lambda pair, d=dimension: (
                pair.segments[d].casefold(), pair.segments[d])))
            for dimension in SEGMENT_DIMENSIONS}


async def mentor_benefit(tx: Tx, programme_id: int) -> tuple[GroupFigures, ...]:
    """Mentors ranked by the benefit their mentees report; `held` counts each meeting once
    (a circle with three mentees is one meeting for the mentor)."""
    held = {str(r["mentor_id"]): r["n"] for r in await tx.all(
        "SELECT m.mentor_id, count(DISTINCT p.meeting_id) AS n FROM meeting_participants p"
        " JOIN matches m ON m.id = p.match_id JOIN meetings g ON g.id = p.meeting_id"
        " WHERE m.programme_id = ? AND g.status = 'held' GROUP BY m.mentor_id",
        (programme_id,))}
    mentors = _grouped(await pair_figures(tx, programme_id),
                       lambda pair: (str(pair.mentor_id), pair.mentor))
    return _ranked(replace(group, held=held.get(group.key, 0)) for group in mentors)


# --- per month -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFlow:
    month: str     # "YYYY-MM"
    matches: int   # relationships started
    held: int      # meetings held


async def monthly_flow(tx: Tx, programme_id: int, now: datetime,
                       months: int = 12) -> tuple[MonthFlow, ...]:
    """Matches made and meetings held per calendar month, from the first month with either."""
    span = month_span(now, months)
    since = to_iso(month_start(span[0]))
    made = {r[0]: r[1] for r in await tx.all(
        "SELECT substr(started_at, 1, 7), count(*) FROM matches WHERE programme_id = ?"
        " AND started_at >= ? AND started_at <= ? GROUP BY 1",
        (programme_id, since, to_iso(now)))}
    held = {r[0]: r[1] for r in await tx.all(
        "SELECT substr(starts_at, 1, 7), count(*) FROM meetings WHERE programme_id = ?"
        " AND status = 'held' AND starts_at >= ? AND starts_at < ? GROUP BY 1",
        (programme_id, since, to_iso(now)))}
    flows = {m: MonthFlow(m, made.get(m, 0), held.get(m, 0)) for m in span}
    return tuple(flow for _, flow in _from_first_active(flows, lambda f: f.matches or f.held))


def month_span(now: datetime, months: int) -> list[str]:
    """The last `months` calendar months up to `now`'s (UTC), oldest first, as "YYYY-MM"."""
    year, month = now.year, now.month
    span = []
    for _ in range(max(1, months)):
        span.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return span[::-1]


def month_start(month: str) -> datetime:
    return from_iso(f"{month}-01T00:00:00+00:00")


def _from_first_active(by_month: dict[str, T],
                       active: Callable[[T], object]) -> list[tuple[str, T]]:
    """Drop the leading months where nothing happened (keep the current month at least)."""
    items = list(by_month.items())
    first = next((i for i, (_, value) in enumerate(items) if active(value)), len(items) - 1)
    return items[first:]


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400
