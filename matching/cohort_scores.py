"""Scores of many (mentee, mentor) pairs at once, and each mentee's top-K mentors.

Every criterion but goals is bilinear in a one-hot description of the two people, so the
score of all pairs of a block of mentees is one float32 matrix product `X[block] @ Y.T`:
- topics: X holds weight/|sought| on each sought topic, Y a 1 on each offered topic;
- language: one column per distinct mentor language set; X holds the language share, or a
  large negative penalty when the two sets share nothing (the hard constraint);
- availability: 168 UTC hour columns, X holds weight/hours on the mentee's hours;
- seniority: 6 level columns, X holds the value of each mentor level for this mentee;
- department: a "known" column and one per department (diverse = known - same);
- load: one column, X holds the weight and Y the mentor's free share.
Goals (cosine of TF-IDF vectors) is not low-rank, so it is added only for the pairs that
can still reach a mentee's top K: the partial score ranks the mentors, the best `pool` per
mentee get their exact goals term, and a mentee's list is proven exact when no mentor
outside the pool could overtake the K-th even with a perfect goals similarity; when it is
not, the pool is widened (up to a cap) for that mentee only.
The full matrix is never held: blocks of mentees are processed one after the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from matching import availability
from matching.model import Constraints, Profile, Weights
from matching.scoring import (
    SENIORITY_BY_GAP,
    department_key,
    mentor_document,
    seniority_level,
    unique,
)
from matching.text import TextModel

PENALTY = 1.0e4
"""Added (negatively) to pairs without a shared language; real scores are within [0, 1]."""
FEASIBLE = -1.0
"""Partial scores above this belong to pairs that may be matched."""
BLOCK_BYTES = 32 << 20
MAX_POOL_FACTOR = 16


@dataclass
class CohortSpace:
    """Mentees and available mentors encoded for block scoring.

    `mentors` are only those who can take someone now (mentor role, not paused,
    capacity - load > 0); `remaining` is their free capacity.
    """

    mentees: list[Profile]
    mentors: list[Profile]
    remaining: np.ndarray
    x: np.ndarray
    y: np.ndarray
    goals_mentees: sp.csr_matrix
    goals_mentors: sp.csr_matrix
    goals_weight: float
    exception_rows: np.ndarray
    exception_cols: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentees), len(self.mentors)

    def exceptions_in(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.searchsorted(self.exception_rows, [start, stop])
        return self.exception_rows[lo:hi] - start, self.exception_cols[lo:hi]

    def partial(self, rows: np.ndarray | slice, cols: np.ndarray | None = None) -> np.ndarray:
        """Partial scores (all criteria but goals) of mentee `rows` x mentor `cols`."""
        y = self.y if cols is None else self.y[cols]
        return self.x[rows] @ y.T

    def goals(self, mentee_idx: np.ndarray, mentor_idx: np.ndarray) -> np.ndarray:
        """Weighted goals term of explicit pairs (float64)."""
        if self.goals_weight == 0.0 or mentee_idx.size == 0 or self.goals_mentees.shape[1] == 0:
            return np.zeros(mentee_idx.size, dtype=np.float64)
        a = self.goals_mentees[mentee_idx]
        b = self.goals_mentors[mentor_idx]
        dots = np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
        return self.goals_weight * np.clip(dots, 0.0, 1.0)

    def dense_scores(self) -> np.ndarray:
        """The full (mentees x mentors) score matrix, -inf where a hard constraint fails.

        Small sizes only (checks, dense optimum).
        """
        scores = self.partial(slice(None)).astype(np.float64)
        if self.goals_weight > 0 and self.goals_mentees.shape[1] > 0:
            dots = (self.goals_mentees @ self.goals_mentors.T).toarray()
            scores += self.goals_weight * np.clip(dots, 0.0, 1.0)
        scores[scores <= FEASIBLE] = -np.inf
        scores[self.exception_rows, self.exception_cols] = -np.inf
        return scores


def available_mentors(mentors: Sequence[Profile]) -> list[Profile]:
    """Mentors who can take a mentee now, each id once (the last profile given wins)."""
    latest = {mentor.id: mentor for mentor in mentors}
    return [
        m for m in latest.values() if m.is_mentor and not m.paused and m.capacity - m.load > 0
    ]


def build_space(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    weights: Weights,
    constraints: Constraints,
    taxonomy,
    text_model: TextModel,
    monday: date,
) -> CohortSpace:
    mentees = list({m.id: m for m in reversed(mentees)}.values())[::-1]
    pool = available_mentors(mentors)
    effective = weights.effective()
    total = sum(effective.values())
    scale = {name: (w / total if total > 0 else 0.0) for name, w in effective.items()}
    x_blocks: list[np.ndarray] = []
    y_blocks: list[np.ndarray] = []

    def add(xb: np.ndarray, yb: np.ndarray) -> None:
        # Columns that are zero on either side never contribute: drop them.
        keep = xb.any(axis=0) & yb.any(axis=0)
        if keep.any():
            x_blocks.append(xb[:, keep])
            y_blocks.append(yb[:, keep])

    n_e, n_m = len(mentees), len(pool)
    if scale["topics"] > 0:
        add(*_topic_block(mentees, pool, scale["topics"]))
    add(*_language_block(mentees, pool, scale["language"]))
    if scale["availability"] > 0:
        add(*_availability_block(mentees, pool, scale["availability"], monday))
    if scale["seniority"] > 0:
        add(*_seniority_block(mentees, pool, scale["seniority"]))
    if scale["department"] > 0:
        add(*_department_block(mentees, pool, scale["department"], weights.department_mode))
    if scale["load"] > 0:
        load = np.array([(m.capacity - m.load) / m.capacity for m in pool], dtype=np.float32)
        add(np.full((n_e, 1), scale["load"], dtype=np.float32), load.reshape(-1, 1))
    x = np.ascontiguousarray(np.hstack(x_blocks)) if x_blocks else np.zeros((n_e, 0), np.float32)
    y = np.ascontiguousarray(np.hstack(y_blocks)) if y_blocks else np.zeros((n_m, 0), np.float32)
    goals_e, goals_m = _goal_matrices(mentees, pool, taxonomy, text_model, scale["goals"] > 0)
    rows, cols = _exceptions(mentees, pool, constraints)
    return CohortSpace(
        mentees=mentees,
        mentors=pool,
        remaining=np.array([m.capacity - m.load for m in pool], dtype=np.int64),
        x=x.astype(np.float32, copy=False),
        y=y.astype(np.float32, copy=False),
        goals_mentees=goals_e,
        goals_mentors=goals_m,
        goals_weight=scale["goals"],
        exception_rows=rows,
        exception_cols=cols,
    )


def _topic_block(mentees, mentors, weight):
    offered_all = {t for m in mentors for t in m.topics_offered}
    sought_lists = [unique(m.topics_sought) for m in mentees]
    vocab = {t: i for i, t in enumerate(sorted(offered_all & {t for s in sought_lists for t in s}))}
    xb = np.zeros((len(mentees), len(vocab)), dtype=np.float32)
    for i, sought in enumerate(sought_lists):
        for topic in sought:
            if topic in vocab:
                xb[i, vocab[topic]] = weight / len(sought)
    yb = np.zeros((len(mentors), len(vocab)), dtype=np.float32)
    for j, mentor in enumerate(mentors):
        for topic in mentor.topics_offered:
            if topic in vocab:
                yb[j, vocab[topic]] = 1.0
    return xb, yb


def _language_block(mentees, mentors, weight):
    classes: dict[frozenset[str], int] = {}
    codes = [classes.setdefault(frozenset(m.languages), len(classes)) for m in mentors]
    yb = np.zeros((len(mentors), len(classes)), dtype=np.float32)
    yb[np.arange(len(mentors)), codes] = 1.0
    xb = np.full((len(mentees), len(classes)), -PENALTY, dtype=np.float32)
    by_set: dict[frozenset[str], np.ndarray] = {}
    for i, mentee in enumerate(mentees):
        langs = frozenset(mentee.languages)
        row = by_set.get(langs)
        if row is None:
            row = np.full(len(classes), -PENALTY, dtype=np.float32)
            for languages, code in classes.items():
                if langs & languages:
                    row[code] = weight * len(langs & languages) / len(langs)
            by_set[langs] = row
        xb[i] = row
    return xb, yb


def _availability_block(mentees, mentors, weight, monday):
    def vectors(people):
        out = np.zeros((len(people), availability.HOURS_PER_WEEK), dtype=np.float32)
        cache: dict[int, np.ndarray] = {}
        for i, p in enumerate(people):
            mask = availability.week_mask(p.availability, p.timezone, monday)
            vec = cache.get(mask)
            if vec is None:
                vec = cache[mask] = availability.to_vector(mask)
            out[i] = vec
        return out

    xb = vectors(mentees)
    hours = xb.sum(axis=1, keepdims=True)
    np.divide(xb * weight, hours, out=xb, where=hours > 0)
    return xb, vectors(mentors)


def _seniority_block(mentees, mentors, weight):
    xb = np.zeros((len(mentees), 6), dtype=np.float32)
    for i, mentee in enumerate(mentees):
        level = seniority_level(mentee.seniority)
        if not level:
            continue
        for mentor_level in range(1, 6):
            gap = level - mentor_level if mentee.reverse else mentor_level - level
            xb[i, mentor_level] = weight * SENIORITY_BY_GAP.get(gap, 0.0)
    yb = np.zeros((len(mentors), 6), dtype=np.float32)
    yb[np.arange(len(mentors)), [seniority_level(m.seniority) for m in mentors]] = 1.0
    return xb, yb


def _department_block(mentees, mentors, weight, mode):
    codes: dict[str, int] = {}
    mentor_codes = [department_key(m.department) for m in mentors]
    for key in mentor_codes:
        if key:
            codes.setdefault(key, len(codes))
    # Column 0 is "department known"; column 1 + c is department c.
    yb = np.zeros((len(mentors), 1 + len(codes)), dtype=np.float32)
    for j, key in enumerate(mentor_codes):
        if key:
            yb[j, 0] = 1.0
            yb[j, 1 + codes[key]] = 1.0
    xb = np.zeros((len(mentees), 1 + len(codes)), dtype=np.float32)
    for i, mentee in enumerate(mentees):
        key = department_key(mentee.department)
        if not key:
            continue
        code = codes.get(key)
        if mode == "diverse":
            xb[i, 0] = weight
            if code is not None:
                xb[i, 1 + code] = -weight
        elif code is not None:
            xb[i, 1 + code] = weight
    return xb, yb


def _goal_matrices(mentees, mentors, taxonomy, text_model, wanted):
    if not wanted:
        empty = sp.csr_matrix((len(mentees), 0))
        return empty, sp.csr_matrix((len(mentors), 0))
    mentee_vectors = [text_model.vector(m.goals) for m in mentees]
    mentor_vectors = [text_model.vector(mentor_document(m, taxonomy)) for m in mentors]
    shared = {f for v in mentee_vectors for f in v} & {f for v in mentor_vectors for f in v}
    columns = {f: c for c, f in enumerate(sorted(shared))}

    def matrix(vectors):
        indptr, indices, data = [0], [], []
        for vector in vectors:
            for feature, weight in sorted(vector.items()):
                column = columns.get(feature)
                if column is not None:
                    indices.append(column)
                    data.append(weight)
            indptr.append(len(indices))
        return sp.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), indptr),
            shape=(len(vectors), len(columns)),
        )

    return matrix(mentee_vectors), matrix(mentor_vectors)


def _exceptions(mentees, mentors, constraints):
    """(mentee index, mentor index) pairs barred by self, manager, blocked or declined."""
    mentor_index = {m.id: j for j, m in enumerate(mentors)}
    managed_by: dict[int, list[int]] = {}
    for j, mentor in enumerate(mentors):
        if mentor.manager_id is not None:
            managed_by.setdefault(mentor.manager_id, []).append(j)
    rows: list[int] = []
    cols: list[int] = []
    for i, mentee in enumerate(mentees):
        barred = {mentor_index[x] for x in constraints.excluded_for(mentee.id) if x in mentor_index}
        if mentee.id in mentor_index:
            barred.add(mentor_index[mentee.id])
        if mentee.manager_id is not None and mentee.manager_id in mentor_index:
            barred.add(mentor_index[mentee.manager_id])
        barred.update(managed_by.get(mentee.id, ()))
        for j in sorted(barred):
            rows.append(i)
            cols.append(j)
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


@dataclass
class Candidates:
    """Each mentee's best mentors as flat edge arrays, sorted by mentee then score."""

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    exact: np.ndarray
    """Per mentee of the query: True when its list is provably its exact top K."""


def _rank_within_rows(rows: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order by (row, value descending) and the rank of each entry within its row."""
    order = np.lexsort((-values, rows))
    sorted_rows = rows[order]
    starts = np.searchsorted(sorted_rows, sorted_rows, side="left")
    return order, np.arange(order.size) - starts


def _best_per_row(s: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) of at least the `count` best feasible entries of each row of `s`.

    The threshold of a row is the count-th largest of its chunk maxima: `count` chunks
    each hold an entry at least that large, so at least `count` entries pass it, and the
    pass is one max-reduction plus one comparison over the block.
    """
    n_rows, n_cols = s.shape
    chunk = n_cols // (4 * count) if count > 0 else 0
    if chunk < 2:
        flat = np.flatnonzero(s > FEASIBLE)
        return flat // n_cols, flat % n_cols
    full = (n_cols // chunk) * chunk
    maxima = s[:, :full].reshape(n_rows, -1, chunk).max(axis=2)
    if full < n_cols:
        maxima = np.hstack([maxima, s[:, full:].max(axis=1, keepdims=True)])
    groups = maxima.shape[1]
    threshold = np.partition(maxima, groups - count, axis=1)[:, groups - count]
    threshold = np.maximum(threshold, np.float32(FEASIBLE) + np.float32(1e-3))
    flat = np.flatnonzero(s >= threshold[:, None])
    return flat // n_cols, flat % n_cols


def top_candidates(
    space: CohortSpace,
    k: int,
    mentee_idx: np.ndarray | None = None,
    mentor_idx: np.ndarray | None = None,
) -> Candidates:
    """Top-`k` mentors (by full score) of each mentee in `mentee_idx`, among `mentor_idx`.

    Both default to everyone. Returned indices refer to `space.mentees` / `space.mentors`.
    """
    rows_all = np.arange(len(space.mentees)) if mentee_idx is None else np.asarray(mentee_idx)
    cols_all = None if mentor_idx is None else np.asarray(mentor_idx)
    n_cols = len(space.mentors) if cols_all is None else cols_all.size
    out_i, out_j, out_s, out_exact = [], [], [], []
    if n_cols == 0 or rows_all.size == 0 or k <= 0:
        return Candidates(*(np.zeros(0, dtype=t) for t in (np.int64, np.int64, np.float64)),
                          exact=np.ones(rows_all.size, dtype=bool))
    pool = min(n_cols, k + max(8, 2 * k))
    block = int(max(16, min(4096, BLOCK_BYTES // (4 * n_cols))))
    exc_lookup = _exception_lookup(space, cols_all)
    for start in range(0, rows_all.size, block):
        rows = rows_all[start : start + block]
        s = space.partial(rows, cols_all)
        _apply_exceptions(s, rows, exc_lookup)
        r, c = _best_per_row(s, pool)
        i, j, score, exact = _finish_block(space, s, rows, cols_all, r, c, k, pool)
        out_i.append(i)
        out_j.append(j)
        out_s.append(score)
        out_exact.append(exact)
    return Candidates(
        np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s),
        np.concatenate(out_exact),
    )


def _exception_lookup(space: CohortSpace, cols: np.ndarray | None):
    """Exceptions re-indexed to the queried mentor columns: dict mentee -> column array."""
    if space.exception_rows.size == 0:
        return {}
    exc_rows, exc_cols = space.exception_rows, space.exception_cols
    if cols is not None:
        position = {int(c): p for p, c in enumerate(cols)}
        keep = np.array([int(c) in position for c in exc_cols], dtype=bool)
        exc_rows = exc_rows[keep]
        exc_cols = np.array([position[int(c)] for c in exc_cols[keep]], dtype=np.int64)
    lookup: dict[int, list[int]] = {}
    for row, col in zip(exc_rows.tolist(), exc_cols.tolist(), strict=True):
        lookup.setdefault(row, []).append(col)
    return lookup


def _apply_exceptions(s: np.ndarray, rows: np.ndarray, lookup) -> None:
    if not lookup:
        return
    for local, mentee in enumerate(rows.tolist()):
        barred = lookup.get(mentee)
        if barred:
            s[local, barred] = -np.inf


def _finish_block(space, s, rows, cols_all, r, c, k, pool):
    """Pool -> exact goals -> top k per row; widen the pool where exactness is not proven."""
    values = s[r, c].astype(np.float64)
    order, rank = _rank_within_rows(r, values)
    keep = order[rank < pool]
    r, c, values = r[keep], c[keep], values[keep]
    full = values + _goals(space, rows, cols_all, r, c)
    order, rank = _rank_within_rows(r, full)
    top = order[rank < k]
    exact = np.ones(rows.size, dtype=bool)
    gw = space.goals_weight
    if gw > 0 and r.size:
        counts = np.bincount(r, minlength=rows.size)
        saturated = np.flatnonzero(counts >= pool)
        if saturated.size:
            # Outside the pool a mentor's partial score is at most the pool's lowest one,
            # and goals adds at most gw: if that cannot beat the k-th, the list is exact.
            floor = _row_min(r, values, rows.size)
            kth = _row_kth(r[top], full[top], rows.size)
            feasible = (s[saturated] > FEASIBLE).sum(axis=1)
            unsure = saturated[
                (feasible > counts[saturated]) & (floor[saturated] + gw > kth[saturated] + 1e-9)
            ]
            if unsure.size:
                r, c, full, top, exact = _widen(
                    space, s, rows, cols_all, r, c, full, top, k, unsure, kth, pool
                )
    mentee = rows[r[top]]
    mentor = c[top] if cols_all is None else cols_all[c[top]]
    return mentee, mentor, full[top], exact


def _goals(space, rows, cols_all, r, c):
    mentor = c if cols_all is None else cols_all[c]
    return space.goals(rows[r], mentor)


def _row_min(r: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.inf)
    np.minimum.at(out, r, values)
    return out


def _row_kth(r: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Lowest value among each row's kept entries (the k-th best), -inf for empty rows."""
    out = np.full(n, np.inf)
    np.minimum.at(out, r, values)
    out[np.isinf(out)] = -np.inf
    return out


def _widen(space, s, rows, cols_all, r, c, full, top, k, unsure, kth, pool):
    """Re-select rows whose top k is not proven: every mentor within reach, up to a cap."""
    gw = space.goals_weight
    cap = MAX_POOL_FACTOR * pool
    sub = s[unsure]
    reach = kth[unsure] - gw - 1e-9
    flat = np.flatnonzero((sub >= reach[:, None]) & (sub > FEASIBLE))
    wr, wc = flat // s.shape[1], flat % s.shape[1]
    wvals = sub[wr, wc].astype(np.float64)
    order, rank = _rank_within_rows(wr, wvals)
    kept = order[rank < cap]
    capped = np.bincount(wr, minlength=unsure.size) > cap
    wr, wc, wvals = unsure[wr[kept]], wc[kept], wvals[kept]
    wfull = wvals + _goals(space, rows, cols_all, wr, wc)
    # Replace the unsure rows' entries by the widened ones.
    others = ~np.isin(r[top], unsure)
    r2 = np.concatenate([r[top][others], wr])
    c2 = np.concatenate([c[top][others], wc])
    f2 = np.concatenate([full[top][others], wfull])
    order, rank = _rank_within_rows(r2, f2)
    top2 = order[rank < k]
    exact = np.ones(rows.size, dtype=bool)
    exact[unsure[capped]] = False
    return r2, c2, f2, top2, exact
