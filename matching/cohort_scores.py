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
from matching.topics import Taxonomy

PENALTY = 1.0e4
"""Added (negatively) to pairs without a shared language; real scores are within [0, 1]."""
FEASIBLE = -1.0
"""Partial scores above this belong to pairs that may be matched."""
BLOCK_BYTES = 32 << 20


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
    y_t: np.ndarray
    """Mentor features transposed (features x mentors), contiguous for the matrix product."""
    mentee_language: np.ndarray
    """Per mentee, the index of its language set in `compatible`."""
    compatible: np.ndarray
    """compatible[s, j]: mentee language set s shares a language with mentor j."""
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
        y_t = self.y_t if cols is None else self.y_t[:, cols]
        return self.x[rows] @ y_t

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
    taxonomy: Taxonomy | None,
    text_model: TextModel,
    monday: date,
) -> CohortSpace:
    """Encode mentees (each id once, first profile wins) and available mentors."""
    first: dict[int, Profile] = {}
    for mentee in mentees:
        first.setdefault(mentee.id, mentee)
    mentees = list(first.values())
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
    mentee_language, compatible = _compatibility(mentees, pool)
    return CohortSpace(
        mentees=mentees,
        mentors=pool,
        remaining=np.array([m.capacity - m.load for m in pool], dtype=np.int64),
        x=x.astype(np.float32, copy=False),
        y_t=np.ascontiguousarray(y.T, dtype=np.float32),
        mentee_language=mentee_language,
        compatible=compatible,
        goals_mentees=goals_e,
        goals_mentors=goals_m,
        goals_weight=scale["goals"],
        exception_rows=rows,
        exception_cols=cols,
    )


def _compatibility(mentees, mentors) -> tuple[np.ndarray, np.ndarray]:
    sets: dict[frozenset[str], int] = {}
    codes = np.array(
        [sets.setdefault(frozenset(m.languages), len(sets)) for m in mentees], dtype=np.int64
    )
    compatible = np.zeros((len(sets), len(mentors)), dtype=bool)
    for languages, code in sets.items():
        compatible[code] = [bool(languages & m.languages) for m in mentors]
    return codes, compatible


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
    """Per queried mentee: True when its list is provably its exact top k."""


def _top_in_rows(values: np.ndarray, count: int) -> np.ndarray:
    """Column positions of the `count` largest values of each row, best first."""
    if count < values.shape[1]:
        idx = np.argpartition(-values, count - 1, axis=1)[:, :count]
    else:
        idx = np.broadcast_to(np.arange(values.shape[1]), values.shape)
    picked = np.take_along_axis(values, idx, axis=1)
    return np.take_along_axis(idx, np.argsort(-picked, axis=1, kind="stable"), axis=1)


def _pool_per_row(s: np.ndarray, pool: int) -> tuple[np.ndarray, np.ndarray]:
    """(columns, values) of the `pool` best entries of each row of `s`, best first.

    Columns are dealt into G interleaved chunks (column c goes to chunk c mod G). The
    `pool` best entries of a row all lie in its `pool` chunks with the largest maxima (any
    other entry has `pool` larger chunk maxima above it), so only those chunks are searched:
    one max-reduction over the block, then work on a sixteenth of it.
    """
    n_rows, n_cols = s.shape
    groups = 16 * pool
    depth = n_cols // groups
    if depth < 4:
        cols = _top_in_rows(s, min(pool, n_cols))
        return cols, np.take_along_axis(s, cols, axis=1)
    full = depth * groups
    dealt = s[:, :full].reshape(n_rows, depth, groups)
    best_chunks = _top_in_rows(dealt.max(axis=1), pool)
    gathered = dealt[np.arange(n_rows)[:, None], :, best_chunks].reshape(n_rows, -1)
    positions = (best_chunks[:, :, None] + groups * np.arange(depth)).reshape(n_rows, -1)
    if full < n_cols:  # the columns left over are always searched
        gathered = np.hstack([gathered, s[:, full:]])
        rest = np.broadcast_to(np.arange(full, n_cols), (n_rows, n_cols - full))
        positions = np.hstack([positions, rest])
    picked = _top_in_rows(gathered, pool)
    return (
        np.take_along_axis(positions, picked, axis=1),
        np.take_along_axis(gathered, picked, axis=1),
    )


def top_candidates(
    space: CohortSpace,
    k: int,
    mentee_idx: np.ndarray | None = None,
    mentor_idx: np.ndarray | None = None,
) -> Candidates:
    """Top-`k` mentors (by full score) of each mentee in `mentee_idx`, among `mentor_idx`.

    Both default to everyone; returned indices refer to `space.mentees` / `space.mentors`.
    Mentees are taken by language set, against only the mentors they share a language
    with. The partial score picks a pool of 3k mentors per mentee, the exact goals term
    re-ranks the pool. `exact` tells, per mentee, whether its list is provably its exact
    top k (no mentor outside the pool could overtake the k-th even with perfect goals).
    """
    rows_all = np.arange(len(space.mentees)) if mentee_idx is None else np.asarray(mentee_idx)
    cols_all = np.arange(len(space.mentors)) if mentor_idx is None else np.asarray(mentor_idx)
    exact = np.ones(rows_all.size, dtype=bool)
    out_i, out_j, out_s = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    if k <= 0:
        return Candidates(out_i[0], out_j[0], out_s[0], exact)
    language = space.mentee_language[rows_all]
    for code in np.unique(language):
        where = np.flatnonzero(language == code)
        cols = cols_all[space.compatible[code, cols_all]]
        if cols.size == 0:
            continue
        y_t = space.y_t if cols.size == len(space.mentors) else space.y_t[:, cols]
        lookup = _exception_lookup(space, cols)
        pool = min(cols.size, 3 * k)
        block = int(max(16, min(4096, BLOCK_BYTES // (4 * cols.size))))
        for start in range(0, where.size, block):
            local = where[start : start + block]
            rows = rows_all[local]
            s = space.x[rows] @ y_t
            _apply_exceptions(s, rows, lookup)
            pos, partial = _pool_per_row(s, pool)
            partial = partial.astype(np.float64)
            mentors = cols[pos]
            full = partial + space.goals(
                np.repeat(rows, pos.shape[1]), mentors.ravel()
            ).reshape(pos.shape)
            full[partial <= FEASIBLE] = -np.inf
            top = _top_in_rows(full, min(k, pos.shape[1]))
            top_full = np.take_along_axis(full, top, axis=1)
            exact[local] = _proven(partial, top_full, space.goals_weight)
            keep = np.isfinite(top_full)
            out_i.append(np.broadcast_to(rows[:, None], top.shape)[keep])
            out_j.append(np.take_along_axis(mentors, top, axis=1)[keep])
            out_s.append(top_full[keep])
    mentee, mentor, score = np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)
    order = np.lexsort((-score, mentee))
    return Candidates(mentee[order], mentor[order], score[order], exact)


def _proven(partial: np.ndarray, top_full: np.ndarray, goals_weight: float) -> np.ndarray:
    """Rows whose top k cannot be overtaken by a mentor left out of the pool.

    Outside the pool a mentor's partial score is at most the pool's lowest, and goals adds
    at most its weight; a row whose pool holds infeasible entries has no one outside it.
    """
    floor = partial[:, -1]
    kth = top_full[:, -1]
    return (floor <= FEASIBLE) | (floor + goals_weight <= kth + 1e-9)


def _exception_lookup(space: CohortSpace, cols: np.ndarray | None) -> dict[int, list[int]]:
    """Exceptions re-indexed to the queried mentor columns: mentee -> columns."""
    if space.exception_rows.size == 0:
        return {}
    exc_rows, exc_cols = space.exception_rows, space.exception_cols
    if cols is not None:
        position = np.full(len(space.mentors), -1, dtype=np.int64)
        position[cols] = np.arange(cols.size)
        mapped = position[exc_cols]
        exc_rows, exc_cols = exc_rows[mapped >= 0], mapped[mapped >= 0]
    lookup: dict[int, list[int]] = {}
    for row, col in zip(exc_rows.tolist(), exc_cols.tolist(), strict=True):
        lookup.setdefault(row, []).append(col)
    return lookup


def _apply_exceptions(s: np.ndarray, rows: np.ndarray, lookup: dict[int, list[int]]) -> None:
    if not lookup:
        return
    for local, mentee in enumerate(rows.tolist()):
        barred = lookup.get(mentee)
        if barred:
            s[local, barred] = -np.inf
