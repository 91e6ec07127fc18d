"""Cohort matching: place as many mentees as capacities allow, with the best total score.

`assign` builds each mentee's top-K mentors in blocks (see `cohort_scores`), then solves a
min-cost flow with OR-tools `SimpleMinCostFlow`: source -> mentee arcs (capacity 1),
mentee -> mentor arcs (capacity 1, cost SCALE - round(score * SCALE)), mentor -> sink arcs
(capacity = free places). `solve_max_flow_with_min_cost` finds the largest flow (as many
mentees placed as possible) and, among those, the cheapest (best total score): the same
optimum as an "unplaced" arc per mentee whose cost exceeds any total, without inflating the
cost range the solver scales over (measured twice as fast).
Before that, when the top-K lists leave mentees unplaced while some mentors still have room
(found with a plain max flow, several times cheaper than the min-cost solve), every mentee
that a maximum placement may leave out gets a short second list among the mentors with
room, up to AUGMENT_ROUNDS times; the min-cost flow is then solved once, over the whole
candidate graph.

Mode "fair" first finds the highest minimum pair score at which everyone placeable is
still placed, then the best total using only pairs at or above it. The threshold is
searched among the candidate scores with max-flow checks (no min-cost solve but the last),
between a floor and a ceiling that each check tightens, using the max flow's minimum cut:
- after a success, a mentee placed in every maximum placement (left on the sink side of
  the cut) keeps a pair at any higher threshold, so the threshold is at most its best
  candidate score;
- after a failure short of d places, the cut only grows by pairs from its source side to
  its sink side, so the threshold must drop to the d-th best such pair.
Probes alternate between the ceiling and the middle (7 max flows at 100k x 30k, where a
plain bisection took 16).

Scores are computed for the chosen pairs only, vectorised (`CohortSpace.pair_criteria`),
with the same values as `score_pair`; each pair's reasons (the same order and parameters)
are worked out when read (`Pair.reasons`).

`dense_assign` solves the same objective exactly with scipy's `linear_sum_assignment` on
capacity-expanded columns (small sizes: checks and benchmarks). `greedy_assign` gives each
best remaining pair first; it is a baseline for comparison only.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ParamSpec, TypeVar

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow
from scipy.optimize import linear_sum_assignment

from matching import availability
from matching.cohort_scores import CohortSpace, build_space, top_candidates
from matching.model import CRITERIA, Constraints, Profile, Reason, Weights
from matching.scoring import mentor_document, unique, unmet_constraint
from matching.text import TextModel
from matching.topics import Taxonomy

SCALE = 1_000_000
"""Scores are compared as integers in millionths."""
MODES = ("total", "fair")
UNMATCHED_CODES = (
    "no_mentors",
    "no_shared_language",
    "no_capacity",
    "all_blocked_or_declined",
    "outcompeted",
    "below_floor",
)
DENSE_LIMIT = 40_000_000
"""Largest mentees x capacity-slots matrix `dense_assign` accepts."""
AUTO_COMPARE_LIMIT = 1_000_000
BLOCKING_SAMPLE = 200_000
AUGMENT_ROUNDS = 3
AUGMENT_K = 3
"""Length of the extra lists towards mentors with room (longer ones barely add)."""


@dataclass(frozen=True, slots=True)
class Pair:
    """A placed mentee, their mentor and the pair's score (as `score_pair`'s).

    `reasons` (`score_pair`'s too) are worked out when read: a plan shows a few dozen pairs
    of thousands, and working out all of them took a fifth of a 20k x 5k run.
    """

    mentee_id: int
    mentor_id: int
    score: float
    explanations: _Explanations | None = field(default=None, repr=False, compare=False)
    """Where the reasons come from (None: no reasons, see `assign`'s `with_reasons`)."""
    index: int = field(default=0, repr=False, compare=False)
    """This pair's place in `explanations`."""

    @property
    def reasons(self) -> tuple[Reason, ...]:
        if self.explanations is None:
            return ()
        return self.explanations.reasons(self.index)


@dataclass
class CohortResult:
    """Pairs, their total score, quality figures and why each unplaced mentee is unplaced.

    `unmatched` maps a mentee id to one of UNMATCHED_CODES (a catalogue key suffix under
    `matching.unmatched`). With a quality floor (`min_score`), a mentee whose best possible
    pair scores below it is "below_floor", and `best_scores` holds that best score.
    """

    pairs: list[Pair]
    total: float
    quality: dict[str, Any] = field(default_factory=dict)
    unmatched: dict[int, str] = field(default_factory=dict)
    min_score: float = 0.0
    best_scores: dict[int, float] = field(default_factory=dict)


@dataclass
class _Edges:
    """Candidate pairs, sorted by mentee, best score first."""

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray

    @property
    def points(self) -> np.ndarray:
        return np.rint(np.clip(self.score, 0.0, 1.0) * SCALE).astype(np.int64)

    def merged(self, other: _Edges, n_mentors: int) -> _Edges:
        keys = np.concatenate([self.mentee * n_mentors + self.mentor,
                               other.mentee * n_mentors + other.mentor])
        _, first = np.unique(keys, return_index=True)
        mentee = np.concatenate([self.mentee, other.mentee])[first]
        mentor = np.concatenate([self.mentor, other.mentor])[first]
        score = np.concatenate([self.score, other.score])[first]
        # One float key (mentee, then best score) sorts several times faster than lexsort;
        # scores within 1e-10 of each other may come in either order.
        order = np.argsort(mentee * 4.0 - score)
        return _Edges(mentee[order], mentor[order], score[order])

    def subset(self, keep: np.ndarray) -> _Edges:
        return _Edges(self.mentee[keep], self.mentor[keep], self.score[keep])

    def at_least(self, min_score: float) -> _Edges:
        """Only the pairs that reach the quality floor (compared in millionths)."""
        if min_score <= 0:
            return self
        return self.subset(self.points >= round(min_score * SCALE))

    def best_per_mentee(self, n_e: int) -> np.ndarray:
        """Each mentee's best candidate score, -inf for a mentee without any."""
        best = np.full(n_e, -np.inf)
        np.maximum.at(best, self.mentee, self.score)
        return best


@dataclass
class _Context:
    space: CohortSpace
    all_mentors: list[Profile]
    weights: Weights
    constraints: Constraints
    taxonomy: Taxonomy | None
    text_model: TextModel
    monday: date


def _context(mentees, mentors, weights, constraints, taxonomy, text_model, reference_date):
    constraints = constraints or Constraints()
    monday = availability.reference_monday(reference_date)
    latest = list({m.id: m for m in mentors}.values())
    model = text_model or TextModel.fit(
        mentor_document(m, taxonomy) for m in latest if m.is_mentor
    )
    space = build_space(mentees, latest, weights, constraints, taxonomy, model, monday)
    return _Context(space, latest, weights, constraints, taxonomy, model, monday)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _without_gc(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Pause the cyclic garbage collector during a cohort run.

    A run allocates hundreds of thousands of small containers that all survive (reasons,
    pairs, cached vectors): every full collection would walk all of them again, for
    nothing (measured: 10-15 % of a 20k x 5k run).
    """

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


# ---------------------------------------------------------------------- public entry points


@_without_gc
def assign(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    weights: Weights,
    constraints: Constraints | None = None,
    mode: str = "total",
    top_k: int = 10,
    *,
    taxonomy: Taxonomy | None = None,
    text_model: TextModel | None = None,
    reference_date: date | None = None,
    compare_dense: bool | None = None,
    with_reasons: bool = True,
    min_score: float = 0.0,
) -> CohortResult:
    """Optimal cohort assignment (see module docstring).

    `top_k` bounds each mentee's candidate list (larger: closer to the unrestricted optimum,
    slower). `compare_dense` also solves the dense problem to report `share_of_optimum`
    (default: only when it is small). `with_reasons=False` skips per-pair reasons (for very
    large runs). `min_score` is the quality floor: no pair below it is made, and a mentee
    whose best pair is below it is left unmatched ("below_floor"). Raises ValueError for a
    bad mode.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    top_k = max(1, int(top_k))
    ctx = _context(mentees, mentors, weights, constraints, taxonomy, text_model, reference_date)
    space = ctx.space
    n_e, _ = space.shape
    candidates = top_candidates(space, top_k)
    edges = _Edges(candidates.mentee, candidates.mentor, candidates.score)
    best = edges.best_per_mentee(n_e)  # each list starts with the mentee's best pair
    edges = edges.at_least(min_score)
    exact_share = float(candidates.exact.mean()) if candidates.exact.size else 1.0
    edges, placement = _augmented(space, edges, top_k, min_score)
    threshold = None
    if mode == "fair":
        chosen, threshold = _fair_assignment(n_e, space.remaining, edges, placement)
    else:
        chosen = _min_cost_assignment(n_e, space.remaining, edges)
    result = _result(ctx, chosen, edges, with_reasons, best, min_score)
    result.quality.update(
        mode=mode,
        top_k=top_k,
        exact_top_k=round(exact_share, 4),
        candidate_edges=int(edges.mentee.size),
    )
    if threshold is not None:
        result.quality["fair_threshold"] = threshold / SCALE
    if compare_dense is None:
        compare_dense = n_e * int(space.remaining.sum()) <= AUTO_COMPARE_LIMIT
    if compare_dense and n_e * int(space.remaining.sum()) <= DENSE_LIMIT:
        dense_chosen, dense_total = _dense_points(space, _floored(space.dense_scores(),
                                                                  min_score))
        own = int(edges.points[_chosen_edges(edges, chosen)].sum())
        result.quality["share_of_optimum"] = own / dense_total if dense_total else 1.0
        result.quality["dense_placed"] = int((dense_chosen >= 0).sum())
    return result


@_without_gc
def dense_assign(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    weights: Weights,
    constraints: Constraints | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    text_model: TextModel | None = None,
    reference_date: date | None = None,
    with_reasons: bool = True,
    min_score: float = 0.0,
) -> CohortResult:
    """The exact optimum over all pairs with `linear_sum_assignment` (small sizes only).

    Raises ValueError when mentees x capacity slots exceeds DENSE_LIMIT.
    """
    ctx = _context(mentees, mentors, weights, constraints, taxonomy, text_model, reference_date)
    space = ctx.space
    n_e, _ = space.shape
    if n_e * int(space.remaining.sum()) > DENSE_LIMIT:
        raise ValueError("too large for dense_assign; use assign")
    scores = space.dense_scores()
    best = scores.max(axis=1, initial=-np.inf)
    scores = _floored(scores, min_score)
    chosen, _ = _dense_points(space, scores)
    rows, cols = np.nonzero(np.isfinite(scores))
    order = np.lexsort((cols, -scores[rows, cols], rows))
    edges = _Edges(rows[order], cols[order], scores[rows, cols][order])
    result = _result(ctx, chosen, edges, with_reasons, best, min_score)
    result.quality.update(mode="dense", candidate_edges=int(edges.mentee.size))
    return result


@_without_gc
def greedy_assign(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    weights: Weights,
    constraints: Constraints | None = None,
    top_k: int = 10,
    *,
    taxonomy: Taxonomy | None = None,
    text_model: TextModel | None = None,
    reference_date: date | None = None,
    with_reasons: bool = True,
    min_score: float = 0.0,
) -> CohortResult:
    """Baseline: take the best remaining (mentee, mentor) candidate pair, repeat."""
    ctx = _context(mentees, mentors, weights, constraints, taxonomy, text_model, reference_date)
    space = ctx.space
    n_e, _ = space.shape
    candidates = top_candidates(space, max(1, int(top_k)))
    edges = _Edges(candidates.mentee, candidates.mentor, candidates.score)
    best = edges.best_per_mentee(n_e)
    edges = edges.at_least(min_score)
    chosen = np.full(n_e, -1, dtype=np.int64)
    free = space.remaining.copy()
    for e in np.argsort(-edges.score, kind="stable").tolist():
        i, j = int(edges.mentee[e]), int(edges.mentor[e])
        if chosen[i] < 0 and free[j] > 0:
            chosen[i] = j
            free[j] -= 1
    result = _result(ctx, chosen, edges, with_reasons, best, min_score)
    result.quality.update(mode="greedy", candidate_edges=int(edges.mentee.size))
    return result


# ---------------------------------------------------------------------- solvers


@dataclass
class _Placement:
    """A maximum placement over a candidate graph, from a max flow."""

    chosen: np.ndarray
    """Mentor index per mentee, -1 when unplaced."""
    swappable: np.ndarray
    """Per mentee: unplaced, or placed but left out of some other maximum placement."""
    reached: np.ndarray
    """Per mentor: on the source side of the minimum cut (the source reaches it in the
    residual graph); with `swappable`, the side of every mentee."""

    @property
    def placed(self) -> int:
        return int((self.chosen >= 0).sum())


def _arcs(n_e: int, remaining: np.ndarray, edges: _Edges) -> tuple[np.ndarray, ...]:
    """(tails, heads, capacities) of source -> mentees -> mentors -> sink, as int arrays."""
    n_m = remaining.size
    source, sink = n_e + n_m, n_e + n_m + 1
    tails = np.concatenate([np.full(n_e, source), edges.mentee, n_e + np.arange(n_m)])
    heads = np.concatenate([np.arange(n_e), n_e + edges.mentor, np.full(n_m, sink)])
    capacities = np.concatenate([np.ones(n_e + edges.mentee.size, np.int64), remaining])
    return tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64)


def _max_placement(n_e: int, remaining: np.ndarray, edges: _Edges) -> _Placement:
    n_m = remaining.size
    chosen = np.full(n_e, -1, dtype=np.int64)
    if n_e == 0 or n_m == 0 or edges.mentee.size == 0:
        return _Placement(chosen, np.ones(n_e, dtype=bool), np.zeros(n_m, dtype=bool))
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(*_arcs(n_e, remaining, edges))
    if flow.solve(n_e + n_m, n_e + n_m + 1) != flow.OPTIMAL:
        raise RuntimeError("max flow failed")
    used = flow.flows(np.arange(n_e, n_e + edges.mentee.size, dtype=np.int32)) > 0
    chosen[edges.mentee[used]] = edges.mentor[used]
    # Nodes the source still reaches in the residual graph: a placed mentee among them
    # can give its place away along an alternating path, the others are always placed.
    reached = np.asarray(flow.get_source_side_min_cut(), dtype=np.int64)
    swappable = np.zeros(n_e, dtype=bool)
    swappable[reached[reached < n_e]] = True
    mentors = reached[(reached >= n_e) & (reached < n_e + n_m)] - n_e
    reached_mentors = np.zeros(n_m, dtype=bool)
    reached_mentors[mentors] = True
    return _Placement(chosen, swappable, reached_mentors)


def _augmented(space: CohortSpace, edges: _Edges, top_k: int,
               min_score: float = 0.0) -> tuple[_Edges, _Placement]:
    """Widen lists towards mentors with room while that places more; the final placement.

    The new lists go to every mentee that some maximum placement leaves out (the source
    side of the max flow's minimum cut), not only to those this one leaves out: the
    graph then does not depend on which maximum placement the solver returned, and a
    placed mentee moving to a mentor with room frees its place for another (measured:
    +0.3 % total score at 20k x 5k, +0.8 % at 100k x 30k over unplaced mentees only).
    """
    n_e, n_m = space.shape
    placement = _max_placement(n_e, space.remaining, edges)
    for _ in range(AUGMENT_ROUNDS):
        chosen = placement.chosen
        unplaced = np.flatnonzero(chosen < 0)
        used = np.bincount(chosen[chosen >= 0], minlength=n_m)
        spare = np.flatnonzero(space.remaining - used > 0)
        if unplaced.size == 0 or spare.size == 0:
            break
        extra = top_candidates(space, min(top_k, AUGMENT_K),
                               mentee_idx=np.flatnonzero(placement.swappable), mentor_idx=spare)
        extra_edges = _Edges(extra.mentee, extra.mentor, extra.score).at_least(min_score)
        if extra_edges.mentee.size == 0:
            break
        before = edges.mentee.size
        edges = edges.merged(extra_edges, n_m)
        if edges.mentee.size == before:
            break
        placement = _max_placement(n_e, space.remaining, edges)
    return edges, placement


def _min_cost_assignment(n_e: int, remaining: np.ndarray, edges: _Edges) -> np.ndarray:
    """Mentor index per mentee (-1: unplaced) maximising placements, then total points."""
    chosen = np.full(n_e, -1, dtype=np.int64)
    n_m = remaining.size
    if n_e == 0 or n_m == 0 or edges.mentee.size == 0:
        return chosen
    source, sink = n_e + n_m, n_e + n_m + 1
    n_edges = edges.mentee.size
    costs = np.concatenate([np.zeros(n_e, np.int64), SCALE - edges.points,
                            np.zeros(n_m, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(*_arcs(n_e, remaining, edges), costs)
    supplies = np.zeros(n_e + n_m + 2, dtype=np.int64)
    supplies[source] = n_e
    supplies[sink] = -n_e
    flow.set_nodes_supplies(np.arange(supplies.size, dtype=np.int32), supplies)
    # The largest flow that fits (as many mentees placed as possible), and among those
    # the cheapest: the same optimum as an "unplaced" arc per mentee with a cost above any
    # total score, without inflating the cost range the solver scales over.
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min cost flow failed with status {status}")
    used = flow.flows(np.arange(n_e, n_e + n_edges, dtype=np.int32)) > 0
    chosen[edges.mentee[used]] = edges.mentor[used]
    return chosen


def _fair_assignment(
    n_e: int, remaining: np.ndarray, edges: _Edges, placement: _Placement
) -> tuple[np.ndarray, int | None]:
    """Highest threshold keeping every placeable mentee placed, then the best total."""
    placed = placement.placed
    if placed == 0:
        return np.full(n_e, -1, dtype=np.int64), None
    points = edges.points
    levels = np.unique(points)
    best = np.full(n_e, -1, dtype=np.int64)
    np.maximum.at(best, edges.mentee, points)
    # Floor: the lowest pair of a maximum placement is reachable.
    lo = int(np.searchsorted(levels, points[_chosen_edges(edges, placement.chosen)].min()))
    # Ceiling: `placed` mentees need a pair at or above it...
    hi = int(np.searchsorted(levels, np.sort(best)[::-1][placed - 1]))
    hi = min(hi, _ceiling(levels, best, placement))
    # Alternate probes at the ceiling (the answer when one mentee is the bottleneck) and
    # bisections (a bound on the number of probes); each probe tightens its side.
    probe_ceiling = True
    while lo < hi:
        mid = hi if probe_ceiling else (lo + hi + 1) // 2
        probe_ceiling = not probe_ceiling
        keep = points >= levels[mid]
        check = _max_placement(n_e, remaining, edges.subset(keep))
        if check.placed == placed:
            lo = mid
            hi = min(hi, _ceiling(levels, best, check))
        else:
            hi = min(mid - 1, _below_cut(levels, points, edges, keep, check, placed))
    threshold = int(levels[lo])
    fair = _min_cost_assignment(n_e, remaining, edges.subset(points >= threshold))
    return fair, threshold


def _ceiling(levels: np.ndarray, best: np.ndarray, placement: _Placement) -> int:
    """Highest level a fair threshold may reach, given one maximum placement.

    A placement that still places everyone at a higher threshold is also a maximum
    placement here, so it places every mentee that all maximum placements place (those the
    minimum cut leaves on the sink side), each with a pair at or above the threshold: the
    threshold is at most the best candidate score of each of them.
    """
    always = (placement.chosen >= 0) & ~placement.swappable
    if not always.any():
        return levels.size - 1
    return int(np.searchsorted(levels, best[always].min()))


def _below_cut(
    levels: np.ndarray,
    points: np.ndarray,
    edges: _Edges,
    keep: np.ndarray,
    check: _Placement,
    placed: int,
) -> int:
    """Highest level that can still succeed after a threshold failed (`keep`: its pairs).

    The failed max flow's minimum cut stays a cut while pairs come in, its capacity rising
    by one per pair from a mentee on its source side to a mentor on its sink side: the
    threshold must drop far enough to let in as many such pairs as places were missing.
    """
    crossing = np.sort(points[~keep & check.swappable[edges.mentee] & ~check.reached[edges.mentor]])
    missing = placed - check.placed
    if crossing.size < missing:
        return -1
    return int(np.searchsorted(levels, crossing[crossing.size - missing]))


def _dense_points(space: CohortSpace, scores: np.ndarray) -> tuple[np.ndarray, int]:
    """Exact optimum on capacity-expanded columns: (mentor per mentee, total points).

    `scores` is `space.dense_scores()`.
    """
    n_e, _ = space.shape
    chosen = np.full(n_e, -1, dtype=np.int64)
    slots = np.repeat(np.arange(space.remaining.size), space.remaining)
    if n_e == 0 or slots.size == 0:
        return chosen, 0
    feasible = np.isfinite(scores)
    points = np.rint(np.clip(np.where(feasible, scores, 0.0), 0.0, 1.0) * SCALE)
    # Each placement is worth more than all score points together: placements first.
    bonus = float((n_e + 1) * SCALE)
    benefit = np.where(feasible, bonus + points, 0.0)[:, slots]
    rows, cols = linear_sum_assignment(benefit, maximize=True)
    ok = feasible[rows, slots[cols]]
    chosen[rows[ok]] = slots[cols[ok]]
    total = int(points[rows[ok], slots[cols[ok]]].sum())
    return chosen, total


# ---------------------------------------------------------------------- results


def _chosen_edges(edges: _Edges, chosen: np.ndarray) -> np.ndarray:
    return np.flatnonzero(chosen[edges.mentee] == edges.mentor)


def _floored(scores: np.ndarray, min_score: float) -> np.ndarray:
    """Dense scores with the pairs under the quality floor made impossible."""
    if min_score <= 0:
        return scores
    points = np.rint(np.clip(np.where(np.isfinite(scores), scores, 0.0), 0.0, 1.0) * SCALE)
    return np.where(points >= round(min_score * SCALE), scores, -np.inf)


def _result(ctx: _Context, chosen: np.ndarray, edges: _Edges, with_reasons: bool,
            best: np.ndarray | None = None, min_score: float = 0.0) -> CohortResult:
    space = ctx.space
    mentee_idx = np.flatnonzero(chosen >= 0)
    mentor_idx = chosen[mentee_idx]
    explanations: _Explanations | None = None
    if with_reasons:
        scores, explanations = _explained(ctx, mentee_idx, mentor_idx)
    else:
        score_of = np.zeros(len(space.mentees))
        hit = _chosen_edges(edges, chosen)
        score_of[edges.mentee[hit]] = edges.score[hit]
        scores = score_of[mentee_idx].tolist()
    pairs = [
        Pair(space.mentees[i].id, space.mentors[j].id, score, explanations, p)
        for p, (i, j, score) in enumerate(
            zip(mentee_idx.tolist(), mentor_idx.tolist(), scores, strict=True)
        )
    ]
    unmatched = _unmatched(ctx, chosen)
    best_scores: dict[int, float] = {}
    if min_score > 0 and best is not None:
        floor_points = round(min_score * SCALE)
        for i in np.flatnonzero((chosen < 0) & np.isfinite(best)).tolist():
            mentee_id = space.mentees[i].id
            # Every mentor they could have had scores below the floor: that is the reason
            # (a full or blocked mentor gives other reasons, found first).
            if unmatched.get(mentee_id) == "outcompeted" \
                    and round(float(np.clip(best[i], 0.0, 1.0)) * SCALE) < floor_points:
                unmatched[mentee_id] = "below_floor"
                best_scores[mentee_id] = float(best[i])
    return CohortResult(
        pairs=pairs,
        total=float(sum(p.score for p in pairs)),
        quality=_quality(space, chosen, edges, pairs),
        unmatched=unmatched,
        min_score=min_score,
        best_scores=best_scores,
    )


def _explained(
    ctx: _Context, mentee_idx: np.ndarray, mentor_idx: np.ndarray
) -> tuple[list[float], _Explanations]:
    """Scores of the given pairs, and their reasons to work out, identical to `score_pair`'s."""
    space = ctx.space
    mentees = [space.mentees[i] for i in mentee_idx.tolist()]
    mentors = [space.mentors[j] for j in mentor_idx.tolist()]
    for mentee, mentor in zip(mentees, mentors, strict=True):
        if unmet_constraint(mentee, mentor, ctx.constraints) is not None:
            raise RuntimeError("internal error: an assigned pair breaks a hard constraint")
    # Goals summed in score_pair's order, so that scores (and ties between reasons) match
    # to the bit.
    goals = space.exact_goals(mentee_idx, mentor_idx)
    values = space.pair_criteria(mentee_idx, mentor_idx, goals=goals)
    scores = space.weighted(values).tolist()
    # score_pair's order: contributing criteria (value and weight > 0), strongest first,
    # ties in CRITERIA order (a stable sort on the same keys).
    effective = ctx.weights.effective()
    contributes = np.column_stack(
        [(values[name] > 0.0) & (effective[name] > 0.0) for name in CRITERIA]
    )
    keys = np.column_stack([-effective[name] * values[name] for name in CRITERIA])
    keys[~contributes] = np.inf
    orders = np.argsort(keys, axis=1, kind="stable")
    counts = contributes.sum(axis=1)
    builders = _reason_builders(ctx, mentee_idx, mentor_idx, mentees, mentors)
    return scores, _Explanations(orders, counts, [builders[name] for name in CRITERIA])


class _Explanations:
    """The reasons of a batch of pairs, each pair's worked out when asked for.

    Not kept: a caller that reads every pair's reasons once (an export) would otherwise
    pile up objects that the garbage collector walks again and again (measured: reading
    all 15,000 at 20k x 5k took 0.7-0.9 s kept, 0.45-0.5 s not).
    """

    def __init__(self, orders: np.ndarray, counts: np.ndarray,
                 builders: list[Callable[[int], Reason]]) -> None:
        self._orders = orders
        """Per pair, criteria indices (into CRITERIA) strongest first..."""
        self._counts = counts
        """...of which this many contribute."""
        self._builders = builders

    def reasons(self, p: int) -> tuple[Reason, ...]:
        """The reasons of pair `p`, as `score_pair` gives them."""
        order = self._orders[p, : self._counts[p]].tolist()
        return tuple(self._builders[c](p) for c in order)


def _reason_builders(
    ctx: _Context,
    mentee_idx: np.ndarray,
    mentor_idx: np.ndarray,
    mentees: list[Profile],
    mentors: list[Profile],
) -> dict[str, Callable[[int], Reason]]:
    """Per criterion, the Reason of pair p, with `scoring.explain`'s parameters.

    The builders keep what they read, not `ctx`: pairs kept for their reasons do not keep
    the whole scoring space alive.
    """
    space = ctx.space
    hours = space.shared_hours(mentee_idx, mentor_idx)
    gaps = np.abs(space.mentor_side.level[mentor_idx] - space.mentee_side.level[mentee_idx])
    mode, text_model, taxonomy = ctx.weights.department_mode, ctx.text_model, ctx.taxonomy

    def topics(p: int) -> Reason:
        offered = set(mentors[p].topics_offered)
        shared = tuple(t for t in unique(mentees[p].topics_sought) if t in offered)
        return Reason("topics", {"count": len(shared), "topics": shared})

    def language(p: int) -> Reason:
        both = tuple(sorted(set(mentees[p].languages) & set(mentors[p].languages)))
        return Reason("language", {"count": len(both), "languages": both})

    def availability(p: int) -> Reason:
        shared = int(hours[p])
        return Reason("availability", {"count": shared, "hours": shared})

    def seniority(p: int) -> Reason:
        return Reason("seniority", {"count": int(gaps[p]), "reverse": mentees[p].reverse})

    def department(p: int) -> Reason:
        return Reason("department", {"department": mentors[p].department, "mode": mode})

    def goals(p: int) -> Reason:
        words = text_model.shared_words(mentees[p].goals, mentor_document(mentors[p], taxonomy))
        return Reason("goals", {"count": len(words), "words": words})

    def load(p: int) -> Reason:
        mentor = mentors[p]
        return Reason("load", {"count": mentor.capacity - mentor.load,
                               "capacity": mentor.capacity})

    return {"topics": topics, "language": language, "availability": availability,
            "seniority": seniority, "department": department, "goals": goals, "load": load}


def _quality(space: CohortSpace, chosen: np.ndarray, edges: _Edges, pairs: list[Pair]):
    n_e = len(space.mentees)
    scores = np.array([p.score for p in pairs], dtype=np.float64)
    placed = int((chosen >= 0).sum())
    quality: dict[str, Any] = {
        "mentees": n_e,
        "mentors_available": len(space.mentors),
        "places": int(space.remaining.sum()),
        "placed": placed,
        "placement_rate": placed / n_e if n_e else 1.0,
        "total": float(scores.sum()),
        "mean_score": float(scores.mean()) if scores.size else 0.0,
        "min_score": float(scores.min()) if scores.size else 0.0,
        "p10_score": float(np.percentile(scores, 10)) if scores.size else 0.0,
    }
    hit = _chosen_edges(edges, chosen)
    if hit.size:
        # Edges are sorted by mentee then score: rank = position within the mentee's list.
        starts = np.searchsorted(edges.mentee, edges.mentee[hit], side="left")
        quality["mean_rank"] = float((hit - starts + 1).mean())
    else:
        quality["mean_rank"] = 0.0
    quality.update(_blocking_pairs(space, chosen, edges))
    return quality


def _blocking_pairs(space: CohortSpace, chosen: np.ndarray, edges: _Edges) -> dict[str, Any]:
    """Candidate pairs where both would rather be together than with their assignment.

    The mentee prefers the pair if it scores higher than its own pair (or it is unplaced);
    the mentor if it has a free place or the pair beats its weakest current mentee.
    Counted on the candidate lists; on a sample of them when there are very many.
    """
    n_e, n_m = space.shape
    if edges.mentee.size == 0:
        return {"blocking_pairs": 0, "blocking_pairs_sampled": False}
    own = np.full(n_e, -np.inf)
    hit = _chosen_edges(edges, chosen)
    own[edges.mentee[hit]] = edges.score[hit]
    weakest = np.full(n_m, np.inf)
    np.minimum.at(weakest, edges.mentor[hit], edges.score[hit])
    used = np.bincount(edges.mentor[hit], minlength=n_m)
    index = np.arange(edges.mentee.size)
    sampled = index.size > BLOCKING_SAMPLE
    if sampled:
        index = np.random.default_rng(0).choice(index, BLOCKING_SAMPLE, replace=False)
    i, j, s = edges.mentee[index], edges.mentor[index], edges.score[index]
    eps = 0.5 / SCALE
    mentee_wants = s > own[i] + eps
    mentor_wants = (used[j] < space.remaining[j]) | (s > weakest[j] + eps)
    count = int((mentee_wants & mentor_wants & (chosen[i] != j)).sum())
    if sampled:
        count = round(count * edges.mentee.size / BLOCKING_SAMPLE)
    return {"blocking_pairs": count, "blocking_pairs_sampled": sampled}


def _unmatched(ctx: _Context, chosen: np.ndarray) -> dict[int, str]:
    space = ctx.space
    unplaced = np.flatnonzero(chosen < 0)
    if unplaced.size == 0:
        return {}
    with_role = [m for m in ctx.all_mentors if m.is_mentor]
    role_languages = {frozenset(m.languages) for m in with_role}
    available_by_languages: dict[frozenset[str], list[int]] = {}
    for j, mentor in enumerate(space.mentors):
        available_by_languages.setdefault(frozenset(mentor.languages), []).append(j)
    barred: dict[int, set[int]] = {}
    for row, col in zip(space.exception_rows.tolist(), space.exception_cols.tolist(), strict=True):
        barred.setdefault(row, set()).add(col)
    out: dict[int, str] = {}
    for i in unplaced.tolist():
        mentee = space.mentees[i]
        langs = frozenset(mentee.languages)
        if not with_role:
            code = "no_mentors"
        elif not any(langs & other for other in role_languages):
            code = "no_shared_language"
        else:
            compatible = sum(
                len(js) for other, js in available_by_languages.items() if langs & other
            )
            barred_compatible = sum(
                1 for j in barred.get(i, ()) if langs & space.mentors[j].languages
            )
            if compatible == 0:
                code = "no_capacity"
            elif barred_compatible >= compatible:
                code = "all_blocked_or_declined"
            else:
                code = "outcompeted"
        out[mentee.id] = code
    return out
