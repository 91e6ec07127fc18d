"""Cohort matching for coordinators: a dry run first, then apply.

The plan places every unmatched active mentee it can (optimal min-cost flow from
`matching.cohort`), shows the pairs with their scores and reasons, the unmatched people
with the reason, and the total against a greedy baseline. Applying recomputes the plan and
refuses if it differs from the preview the coordinator saw (someone was matched meanwhile):
they get the new preview instead.

No pair under the quality floor (`[matching] quality_floor`) is made: a mentee whose best
possible mentor scores below it stays unmatched, and the report says so with both figures.
A coordinator's own run (/admin cohort, `mentorbot match`) includes the mentees who applied
in a cohort window or wait on the waiting list (their holds are what matching is for); the
window's own run at its matching date takes only its applicants.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.kernel import people
from bot.kernel.clock import to_iso
from bot.kernel.context import Services
from bot.kernel.domain_events import Matched
from bot.kernel.people import Person
from bot.mentoring.eligibility import eligible
from bot.mentoring.matchmaking import mentees_per_mentor, render_reason, to_profile
from bot.mentoring.mentoring import close_after_match, introduce
from bot.store.db import Tx
from bot.text.figure_text import number
from matching.model import Constraints

if TYPE_CHECKING:  # scipy and OR-tools load only when a cohort is planned (~1 s at start-up)
    from matching.cohort import CohortResult

WINDOW_HOLDS = frozenset({"applied", "waiting"})
"""Holds that a coordinator's own cohort run sets aside (bot/mentoring/eligibility.py)."""


@dataclass
class CohortPlan:
    programme_id: int
    mode: str
    result: CohortResult
    greedy_total: float
    names: dict[int, str]
    mentees: int
    mentors: int
    from_windows: int = 0  # mentees included although a window or the waiting list held them

    @property
    def fingerprint(self) -> str:
        pairs = ",".join(f"{p.mentee_id}-{p.mentor_id}" for p in sorted(
            self.result.pairs, key=lambda p: (p.mentee_id, p.mentor_id)))
        return hashlib.sha256(f"{self.mode}|{pairs}".encode()).hexdigest()[:16]


async def _candidates(tx: Tx, programme_id: int, mentee_ids: set[int] | None = None,
                      ignore: frozenset[str] = frozenset()
                      ) -> tuple[list[Person], list[Person]]:
    rows = await tx.all(
        "SELECT * FROM people WHERE programme_id = ? AND status = 'active' ORDER BY id",
        (programme_id,))
    everyone = [Person.from_row(r) for r in rows]
    # A pair paused by the coordinators is still a relationship: its mentee is not placed.
    matched = {r[0] for r in await tx.all(
        "SELECT mentee_id FROM matches WHERE status IN ('active', 'paused')"
        " AND programme_id = ?", (programme_id,))}
    # Only people the programme lets into matching (bot/mentoring/eligibility.py); `mentee_ids`: a
    # window's applicants, whose "applied" hold is what this run is for (`ignore`).
    mentees = [p for p in everyone if p.is_mentee and p.id not in matched
               and (mentee_ids is None or p.id in mentee_ids)
               and eligible(p, "mentee", ignore)]
    mentors = [p for p in everyone if p.is_mentor and not p.paused and eligible(p, "mentor")]
    return mentees, mentors


async def _constraints(tx: Tx, programme_id: int) -> Constraints:
    blocked = await tx.all("SELECT person_id, blocked_id FROM blocks")
    declined = await tx.all(
        "SELECT mentee_id, mentor_id FROM requests WHERE status = 'declined' AND programme_id = ?"
        " UNION SELECT mentee_id, mentor_id FROM matches WHERE programme_id = ?"
        " AND status = 'ended'"
        # A mentee's "Not for me" holds for a cohort run too (ids belong to one programme).
        " UNION SELECT mentee_id, mentor_id FROM dismissals", (programme_id, programme_id))
    return Constraints(
        blocked=frozenset(frozenset((r[0], r[1])) for r in blocked),
        declined=frozenset((r[0], r[1]) for r in declined),
    )


async def plan_cohort(tx: Tx, services: Services, programme_id: int,
                      mode: str = "total", mentee_ids: set[int] | None = None,
                      ignore: frozenset[str] = WINDOW_HOLDS) -> CohortPlan:
    """The plan for `mentee_ids` (everyone unmatched when None); `ignore`: the holds that do
    not keep a mentee out of this run (a coordinator's run: windows and waiting list)."""
    from bot.mentoring.mentoring import quality_floor

    mentees, mentors = await _candidates(tx, programme_id, mentee_ids, ignore)
    from_windows = sum(1 for p in mentees if set(p.matching_hold.split()) & ignore)
    floor = quality_floor(services)
    taken = await mentees_per_mentor(tx, programme_id)
    loads = {m.id: taken.get(m.id, 0) for m in mentors}
    mentee_profiles = [to_profile(p) for p in mentees]
    mentor_profiles = [to_profile(p, loads[p.id]) for p in mentors]
    weights = services.matchmaker.weights(programme_id)
    constraints = await _constraints(tx, programme_id)
    # Pure CPU work (seconds for a large programme): off the event loop, so the bot keeps
    # answering everyone else meanwhile.
    from matching.cohort import assign, greedy_assign  # heavy: see TYPE_CHECKING above

    result = await asyncio.to_thread(assign, mentee_profiles, mentor_profiles, weights,
                                     constraints, mode=mode, taxonomy=services.taxonomy,
                                     min_score=floor)
    greedy = await asyncio.to_thread(greedy_assign, mentee_profiles, mentor_profiles, weights,
                                     constraints, taxonomy=services.taxonomy, min_score=floor)
    names = {p.id: p.name for p in [*mentees, *mentors]}
    return CohortPlan(programme_id, mode, result, greedy.total, names, len(mentees),
                      len(mentors), from_windows)


def render_plan(plan: CohortPlan, services: Services, lang: str, limit: int = 40) -> str:
    catalogue = services.catalogue
    result = plan.result
    gain = (result.total / plan.greedy_total - 1) * 100 if plan.greedy_total else 0.0
    mode = catalogue.text(lang, f"cohort.mode_{plan.mode}")
    lines = [catalogue.text(lang, "cohort.title", mode=mode),
             catalogue.text(lang, "cohort.summary", pairs=len(result.pairs), mentees=plan.mentees,
                            mentors=plan.mentors, total=number(result.total, lang, 2),
                            greedy=number(plan.greedy_total, lang, 2),
                            gain=("+" if gain >= 0 else "") + number(gain, lang, 1))]
    if plan.from_windows:
        lines.append(catalogue.text(lang, "cohort.from_windows", count=plan.from_windows))
    below = sum(1 for why in result.unmatched.values() if why == "below_floor")
    if below:
        lines.append(catalogue.text(lang, "cohort.floor", count=below,
                                    floor=_points(result.min_score)))
    quality = result.quality
    if result.pairs:
        lines.append(catalogue.text(
            lang, "cohort.quality", lowest=round(quality.get("min_score", 0) * 100),
            p10=round(quality.get("p10_score", 0) * 100),
            rank=number(quality.get("mean_rank", 0), lang, 1)))
    lines.append("")
    for pair in sorted(result.pairs, key=lambda p: -p.score)[:limit]:
        reason = render_reason(catalogue, services.taxonomy, lang, pair.reasons[0],
                               staff=True) if pair.reasons else ""
        lines.append(catalogue.text(lang, "cohort.pair", mentee=plan.names[pair.mentee_id],
                                    mentor=plan.names[pair.mentor_id],
                                    score=round(pair.score * 100), reason=reason))
    if len(result.pairs) > limit:
        lines.append(catalogue.text(lang, "cohort.more", count=len(result.pairs) - limit))
    if result.unmatched:
        lines += ["", catalogue.text(lang, "cohort.unmatched_title", count=len(result.unmatched))]
        for mentee_id, why in list(result.unmatched.items())[:limit]:
            reason = catalogue.text(
                lang, f"matching.unmatched.{why}", floor=_points(result.min_score),
                best=_points(result.best_scores.get(mentee_id, 0.0), down=True))
            lines.append(catalogue.text(lang, "cohort.unmatched", name=plan.names[mentee_id],
                                        reason=reason))
    return "\n".join(lines)


def _points(score: float, down: bool = False) -> str:
    """A 0-1 score as the /100 figure people read; a best score under the floor is rounded
    down, so that "24 < 25" never reads "25 < 25"."""
    points = score * 100
    value = math.floor(points * 10) / 10 if down else round(points, 1)
    return f"{value:g}"


async def apply_plan(tx: Tx, services: Services, plan: CohortPlan, now: datetime,
                     months: int) -> int:
    """Create the matches of `plan` and introduce every pair; returns how many."""
    created = 0
    for pair in plan.result.pairs:
        mentee = await people.get(tx, pair.mentee_id)
        mentor = await people.get(tx, pair.mentor_id)
        if mentee is None or mentor is None:
            continue
        match_id = await tx.insert(
            "INSERT INTO matches (programme_id, mentee_id, mentor_id, source, score, started_at,"
            " ends_at) VALUES (?, ?, ?, 'cohort', ?, ?, ?) ON CONFLICT DO NOTHING",
            (plan.programme_id, mentee.id, mentor.id, pair.score, to_iso(now),
             to_iso(now + timedelta(days=30 * months))))
        if not match_id:
            continue
        await introduce(tx, services, mentee, mentor, now, f"cohort-{match_id}",
                        source="cohort")
        await services.hooks.emit(tx, services, Matched(
            match_id=match_id, mentee_id=mentee.id, mentor_id=mentor.id, source="cohort"))

        await close_after_match(tx, mentee, mentor, now)
        created += 1
    return created
