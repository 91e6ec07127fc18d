"""Cohort matching: place as many mentees as capacities allow, with the best total score.

`assign` builds each mentee's top-K mentors in blocks (see `cohort_scores`), then solves a
min-cost flow with OR-tools `SimpleMinCostFlow`: source -> mentee arcs (capacity 1),
mentee -> mentor arcs (capacity 1, cost SCALE - round(score * SCALE)), mentor -> sink arcs
(capacity = free places). `solve_max_flow_with_min_cost` finds the largest flow (as many
mentees placed as possible) and, among those, the cheapest (best total score): the same
optimum as an "unplaced" arc per mentee whose cost exceeds any total, without inflating the
cost range the solver scales over (measured twice as fast).
When the top-K lists leave mentees unplaced while some mentors still have room, those
mentees get a second list among the mentors with room and the flow is solved again.

Mode "fair" first finds the highest minimum pair score at which everyone placeable is
still placed (binary search over the candidate scores with a max-flow check), then the best
total using only pairs at or above it.

`dense_assign` solves the same objective exactly with scipy's `linear_sum_assignment` on
capacity-expanded columns (small sizes: checks and benchmarks). `greedy_assign` gives each
best remaining pair first; it is a baseline for comparison only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow
from scipy.optimize import linear_sum_assignment

from matching import availability
from matching.cohort_scores import CohortSpace, build_space, top_candidates
from matching.model import Constraints, Profile, Reason, Weights
from matching.scoring import mentor_document, score_pair
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
)
DENSE_LIMIT = 40_000_000
"""Largest mentees x capacity-slots matrix `dense_assign` accepts."""
AUTO_COMPARE_LIMIT = 1_000_000
BLOCKING_SAMPLE = 200_000
AUGMENT_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class Pair:
    mentee_id: int
    mentor_id: int
    score: float
    reasons: tuple[Reason, ...]


@dataclass
class CohortResult:
    """Pairs, their total score, quality figures and why each unplaced mentee is unplaced.

    `unmatched` maps a mentee id to one of UNMATCHED_CODES (a catalogue key suffix under
    `matching.unmatched`).
    """

    pairs: list[Pair]
    total: float
    quality: dict[str, Any] = field(default_factory=dict)
    unmatched: dict[int, str] = field(default_factory=dict)


@dataclass
class _Edges:
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
        order = np.lexsort((-score, mentee))
        return _Edges(mentee[order], mentor[order], score[order])

    def subset(self, keep: np.ndarray) -> _Edges:
        return _Edges(self.mentee[keep], self.mentor[keep], self.score[keep])


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


# ---------------------------------------------------------------------- public entry points


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
) -> CohortResult:
    """Optimal cohort assignment (see module docstring).

    `top_k` bounds each mentee's candidate list (larger: closer to the unrestricted optimum,
    slower). `compare_dense` also solves the dense problem to report `share_of_optimum`
    (default: only when it is small). `with_reasons=False` skips per-pair reasons and
    reports the solver's scores (for very large runs). Raises ValueError for a bad mode.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    top_k = max(1, int(top_k))
    ctx = _context(mentees, mentors, weights, constraints, taxonomy, text_model, reference_date)
    space = ctx.space
    n_e, n_m = space.shape
    candidates = top_candidates(space, top_k)
    edges = _Edges(candidates.mentee, candidates.mentor, candidates.score)
    exact_share = float(candidates.exact.mean()) if candidates.exact.size else 1.0
    chosen = _min_cost_assignment(n_e, space.remaining, edges)
    for _ in range(AUGMENT_ROUNDS):
        unplaced = np.flatnonzero(chosen < 0)
        used = np.bincount(chosen[chosen >= 0], minlength=n_m)
        spare = np.flatnonzero(space.remaining - used > 0)
        if unplaced.size == 0 or spare.size == 0:
            break
        extra = top_candidates(space, top_k, mentee_idx=unplaced, mentor_idx=spare)
        if extra.mentee.size == 0:
            break
        before = edges.mentee.size
        edges = edges.merged(_Edges(extra.mentee, extra.mentor, extra.score), n_m)
        if edges.mentee.size == before:
            break
        chosen = _min_cost_assignment(n_e, space.remaining, edges)
    threshold = None
    if mode == "fair":
        chosen, threshold = _fair_assignment(n_e, space.remaining, edges, chosen)
    result = _result(ctx, chosen, edges, with_reasons)
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
        dense_chosen, dense_total = _dense_points(space)
        own = int(edges.points[_chosen_edges(edges, chosen)].sum())
        result.quality["share_of_optimum"] = own / dense_total if dense_total else 1.0
        result.quality["dense_placed"] = int((dense_chosen >= 0).sum())
    return result


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
) -> CohortResult:
    """The exact optimum over all pairs with `linear_sum_assignment` (small sizes only).

    Raises ValueError when mentees x capacity slots exceeds DENSE_LIMIT.
    """
    ctx = _context(mentees, mentors, weights, constraints, taxonomy, text_model, reference_date)
    space = ctx.space
    n_e, _ = space.shape
    if n_e * int(space.remaining.sum()) > DENSE_LIMIT:
        raise ValueError("too large for dense_assign; use assign")
    chosen, _ = _dense_points(space)
    scores = space.dense_scores()
    rows, cols = np.nonzero(np.isfinite(scores))
    order = np.lexsort((-scores[rows, cols], rows))
    edges = _Edges(rows[order], cols[order], scores[rows, cols][order])
    result = _result(ctx, chosen, edges, with_reasons)
    result.quality.update(mode="dense", candidate_edges=int(edges.mentee.size))
    return result


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
) -> CohortResult:
    """Baseline: take the best remaining (mentee, mentor) candidate pair, repeat."""
    ctx = _context(mentees, mentors, weights, constraints, taxonomy, text_model, reference_date)
    space = ctx.space
    n_e, _ = space.shape
    candidates = top_candidates(space, max(1, int(top_k)))
    edges = _Edges(candidates.mentee, candidates.mentor, candidates.score)
    chosen = np.full(n_e, -1, dtype=np.int64)
    free = space.remaining.copy()
    for e in np.argsort(-edges.score, kind="stable").tolist():
        i, j = int(edges.mentee[e]), int(edges.mentor[e])
        if chosen[i] < 0 and free[j] > 0:
            chosen[i] = j
            free[j] -= 1
    result = _result(ctx, chosen, edges, with_reasons)
    result.quality.update(mode="greedy", candidate_edges=int(edges.mentee.size))
    return result


# ---------------------------------------------------------------------- solvers


def _min_cost_assignment(n_e: int, remaining: np.ndarray, edges: _Edges) -> np.ndarray:
    """Mentor index per mentee (-1: unplaced) maximising placements, then total points."""
    chosen = np.full(n_e, -1, dtype=np.int64)
    n_m = remaining.size
    if n_e == 0 or n_m == 0 or edges.mentee.size == 0:
        return chosen
    source, sink = n_e + n_m, n_e + n_m + 1
    n_edges = edges.mentee.size
    tails = np.concatenate([np.full(n_e, source), edges.mentee, n_e + np.arange(n_m)])
    heads = np.concatenate([np.arange(n_e), n_e + edges.mentor, np.full(n_m, sink)])
    capacities = np.concatenate([np.ones(n_e), np.ones(n_edges), remaining])
    costs = np.concatenate([np.zeros(n_e), SCALE - edges.points, np.zeros(n_m)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32),
        capacities.astype(np.int64), costs.astype(np.int64),
    )
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


def _max_placements(n_e: int, remaining: np.ndarray, edges: _Edges) -> int:
    n_m = remaining.size
    if edges.mentee.size == 0:
        return 0
    source, sink = n_e + n_m, n_e + n_m + 1
    tails = np.concatenate([np.full(n_e, source), edges.mentee, n_e + np.arange(n_m)])
    heads = np.concatenate([np.arange(n_e), n_e + edges.mentor, np.full(n_m, sink)])
    capacities = np.concatenate([np.ones(n_e), np.ones(edges.mentee.size), remaining])
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64)
    )
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("max flow failed")
    return int(flow.optimal_flow())


def _fair_assignment(
    n_e: int, remaining: np.ndarray, edges: _Edges, chosen: np.ndarray
) -> tuple[np.ndarray, int | None]:
    """Highest threshold keeping every placeable mentee placed, then the best total."""
    placed = int((chosen >= 0).sum())
    if placed == 0:
        return chosen, None
    points = edges.points
    # The minimum cannot exceed the lowest "best pair" among placed mentees' lists.
    levels = np.unique(points)
    lo, hi = 0, levels.size - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = points >= levels[mid]
        if _max_placements(n_e, remaining, edges.subset(keep)) == placed:
            lo = mid
        else:
            hi = mid - 1
    threshold = int(levels[lo])
    fair = _min_cost_assignment(n_e, remaining, edges.subset(points >= threshold))
    return fair, threshold


def _dense_points(space: CohortSpace) -> tuple[np.ndarray, int]:
    """Exact optimum on capacity-expanded columns: (mentor per mentee, total points)."""
    n_e, _ = space.shape
    chosen = np.full(n_e, -1, dtype=np.int64)
    slots = np.repeat(np.arange(space.remaining.size), space.remaining)
    if n_e == 0 or slots.size == 0:
        return chosen, 0
    scores = space.dense_scores()
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


def _result(ctx: _Context, chosen: np.ndarray, edges: _Edges, with_reasons: bool) -> CohortResult:
    space = ctx.space
    pairs: list[Pair] = []
    edge_score = {
        (int(edges.mentee[e]), int(edges.mentor[e])): float(edges.score[e])
        for e in _chosen_edges(edges, chosen)
    }
    for i in np.flatnonzero(chosen >= 0).tolist():
        mentee, mentor = space.mentees[i], space.mentors[int(chosen[i])]
        if with_reasons:
            suggestion = score_pair(
                mentee, mentor, ctx.weights, ctx.constraints, ctx.taxonomy,
                text_model=ctx.text_model, reference_date=ctx.monday,
            )
            if suggestion is None:
                raise RuntimeError("internal error: an assigned pair breaks a hard constraint")
            pairs.append(Pair(mentee.id, mentor.id, suggestion.score, suggestion.reasons))
        else:
            score = edge_score.get((i, int(chosen[i])), 0.0)
            pairs.append(Pair(mentee.id, mentor.id, score, ()))
    unmatched = _unmatched(ctx, chosen)
    return CohortResult(
        pairs=pairs,
        total=float(sum(p.score for p in pairs)),
        quality=_quality(space, chosen, edges, pairs),
        unmatched=unmatched,
    )


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
