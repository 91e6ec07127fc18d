"""Scores of many (mentee, mentor) pairs at once, and each mentee's top-K mentors.

The same criteria are encoded twice, for two jobs:

- Ranking all pairs. Every criterion but goals is bilinear in a one-hot description of the
  two people, so the partial score of every pair of a block of mentees is one product of
  the mentors' sparse feature matrix (about 17 non-zeros a row: offered topics, free UTC
  hours, language set, seniority level, department, free share) with the block's features
  made dense (weight / |sought| on each sought topic, weight / hours on each free hour, the
  value of each mentor level, ...), in float32: ~17 multiply-adds a pair instead of ~400
  for a dense product. Only mentors sharing a language with the block are scored. scipy's
  sparse product releases the GIL, so blocks run on threads.
- Scoring the few pairs that matter (each mentee's pool, the chosen pairs). `pair_criteria`
  computes every criterion as `score_pair` does, vectorised over explicit pairs: topics and
  hours as bit sets counted with `bitwise_count`, lookup tables for language, seniority and
  department, the goals cosine from TF-IDF rows. `pair_scores` sums them in the same order
  and in float64, so a pair's score is score_pair's (goals to the rounding of its dot
  product: the sparse product adds in feature order; `exact_goals`, used for the chosen
  pairs, adds in the text model's order and is equal to the bit).

Goals (cosine of TF-IDF vectors) is not low-rank, so it enters only for the pairs that can
still reach a mentee's top K: the partial score picks each mentee's best `pool` = 3K
mentors (without sorting the block: see `_pools`), partial + goals ranks them, the K best
get their exact score, and a mentee's list is proven exact when no mentor outside the pool
could overtake the K-th even with a perfect goals similarity.
The full matrix is never held: blocks of a few hundred mentees are scored one after the
other, on THREADS threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from matching import availability
from matching.model import CRITERIA, Constraints, Profile, Weights
from matching.scoring import (
    department_key,
    mentor_document,
    seniority_level,
    seniority_value,
    unique,
)
from matching.text import TextModel, Vectors, similarities
from matching.topics import Taxonomy

FEASIBLE = -1.0
"""Partial scores above this belong to pairs that may be matched (barred pairs are -inf)."""
BLOCK_BYTES = 48 << 20
"""Size of one block of partial scores (float32 mentors x mentees)."""
MAX_BLOCK = 256
"""Most mentees in one block: beyond it the product stops getting faster."""
PROOF_SLACK = 1e-6
"""Partial scores are float32: the exactness proof keeps this margin for their rounding."""
DENSE_STEP = 1 << 20
"""Pairs scored at once by `dense_scores`."""


def _threads() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return max(1, min(4, cores))


THREADS = _threads()
"""Blocks scored at once (numpy and scipy release the GIL in the heavy parts)."""

_T = TypeVar("_T")
_R = TypeVar("_R")


def run_parallel(work: Callable[[_T], _R], jobs: Sequence[_T]) -> list[_R]:
    """`work` applied to each job, on THREADS threads, results in job order."""
    if THREADS == 1 or len(jobs) <= 1:
        return [work(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=THREADS) as executor:
        return list(executor.map(work, jobs))


@dataclass
class People:
    """Per-person arrays of one side, for the exact criteria of explicit pairs."""

    topics: np.ndarray
    """(n, words) uint64: bit c is topic c of the vocabulary sought and offered."""
    week: np.ndarray
    """(n, 3) uint64: the UTC hour mask (`availability.to_words`)."""
    level: np.ndarray
    """Seniority level 0..5 (0: unknown)."""
    department: np.ndarray
    """Department code shared by both sides, -1 when unknown."""
    language: np.ndarray
    """Mentees: their language set's row of `compatible`; mentors: their language class."""


@dataclass
class GoalTexts:
    """TF-IDF vectors of the distinct mentees' goals and mentors' documents, with the row
    of each person's text."""

    mentees: Vectors
    mentee_row: np.ndarray
    mentors: Vectors
    mentor_row: np.ndarray


@dataclass
class CohortSpace:
    """Mentees and available mentors encoded for block scoring and exact pair scoring.

    `mentors` are only those who can take someone now (mentor role, not paused,
    capacity - load > 0); `remaining` is their free capacity.
    """

    mentees: list[Profile]
    mentors: list[Profile]
    remaining: np.ndarray
    x: sp.csr_matrix
    """Mentee features (mentees x features, float32, sparse)."""
    y: sp.csr_matrix
    """Mentor features (mentors x features, float32, sparse)."""
    mentee_language: np.ndarray
    """Per mentee, the index of its language set in `compatible`."""
    compatible: np.ndarray
    """compatible[s, j]: mentee language set s shares a language with mentor j."""
    goals_mentees: sp.csr_matrix
    goals_mentors: sp.csr_matrix
    goal_texts: GoalTexts | None
    """The same vectors in the text model's order, for `exact_goals` (None: goals weigh 0)."""
    goals_weight: float
    """Share of the goals criterion in the score (its weight over the sum of weights)."""
    exception_rows: np.ndarray
    exception_cols: np.ndarray
    mentee_side: People
    mentor_side: People
    sought: np.ndarray
    """Per mentee, how many distinct topics it seeks."""
    hours: np.ndarray
    """Per mentee, its free hours a week."""
    reverse: np.ndarray
    free_share: np.ndarray
    """Per mentor, (capacity - load) / capacity."""
    language_share: np.ndarray
    """language_share[mentee set, mentor class]: share of the mentee's languages spoken."""
    seniority_table: np.ndarray
    """seniority_table[mentee level, reverse, mentor level]: the seniority criterion."""
    weights: dict[str, float]
    """Effective weight of each criterion (as `Weights.effective`)."""
    department_mode: str

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentees), len(self.mentors)

    # ------------------------------------------------------------------ exact pair criteria

    def shared_topics(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """How many of mentee i's sought topics mentor j offers, per pair."""
        both = self.mentee_side.topics[i] & self.mentor_side.topics[j]
        return np.bitwise_count(both).sum(axis=1, dtype=np.int64)

    def shared_hours(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """UTC hours a week both are free, per pair."""
        both = self.mentee_side.week[i] & self.mentor_side.week[j]
        return np.bitwise_count(both).sum(axis=1, dtype=np.int64)

    def goals_similarity(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Cosine of the TF-IDF vectors of mentee i's goals and mentor j's document."""
        if i.size == 0 or self.goals_mentees.shape[1] == 0 or self.weights["goals"] <= 0:
            return np.zeros(i.size, dtype=np.float64)
        dots = self.goals_mentees[i].multiply(self.goals_mentors[j]).sum(axis=1)
        return np.clip(np.asarray(dots, dtype=np.float64).ravel(), 0.0, 1.0)

    def exact_goals(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """`goals_similarity` summed in `score_pair`'s order, so equal to it to the bit (the
        sparse product adds the same products in feature order)."""
        if self.goal_texts is None:
            return np.zeros(i.size, dtype=np.float64)
        texts = self.goal_texts
        return similarities(texts.mentees, texts.mentee_row[i], texts.mentors, texts.mentor_row[j])

    def pair_criteria(
        self,
        i: np.ndarray,
        j: np.ndarray,
        goals: np.ndarray | None = None,
        topics: np.ndarray | None = None,
        hours: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Every criterion's value (float64) for pairs (mentee i[p], mentor j[p]).

        The same formulas as `scoring.criteria_values`; hard constraints are not checked.
        `goals` (similarities), `topics` (shared topic counts) and `hours` (shared hours),
        when given, replace their computation pair by pair.
        """
        e, m = self.mentee_side, self.mentor_side
        zeros = np.zeros(i.size, dtype=np.float64)
        sought, free_hours = self.sought[i], self.hours[i]
        topics = self.shared_topics(i, j) if topics is None else topics
        hours = self.shared_hours(i, j) if hours is None else hours
        a, b = e.department[i], m.department[j]
        known = (a >= 0) & (b >= 0)
        if self.department_mode == "diverse":
            department = (known & (a != b)).astype(np.float64)
        elif self.department_mode == "same":
            department = (known & (a == b)).astype(np.float64)
        else:
            department = zeros
        return {
            "topics": np.divide(topics, sought, out=zeros.copy(), where=sought > 0),
            "language": self.language_share[e.language[i], m.language[j]],
            "availability": np.divide(hours, free_hours, out=zeros.copy(),
                                      where=free_hours > 0),
            "seniority": self.seniority_table[e.level[i], self.reverse[i].astype(np.int64),
                                              m.level[j]],
            "department": department,
            "goals": self.goals_similarity(i, j) if goals is None else goals,
            "load": self.free_share[j],
        }

    def weighted(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """`scoring.weighted_score` over arrays: the same sum in the same order."""
        total_weight = sum(self.weights[name] for name in CRITERIA)
        size = values["load"].size
        if total_weight <= 0:
            return np.zeros(size, dtype=np.float64)
        total = np.zeros(size, dtype=np.float64)
        for name in CRITERIA:
            total = total + self.weights[name] * values[name]
        return total / total_weight

    def pair_scores(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Scores (float64) of pairs (mentee i[p], mentor j[p]); hard constraints not checked."""
        return self.weighted(self.pair_criteria(i, j))

    def dense_scores(self) -> np.ndarray:
        """The full (mentees x mentors) score matrix, -inf where a hard constraint fails.

        Small sizes only (checks, dense optimum).
        """
        n_e, n_m = self.shape
        scores = np.full((n_e, n_m), -np.inf)
        if n_e == 0 or n_m == 0:
            return scores
        # Shared topics, hours and goals of all pairs as matrix products (exact counts:
        # sums of a few hundred 0/1 products in float32).
        e_topics, m_topics = _bits(self.mentee_side.topics), _bits(self.mentor_side.topics)
        e_hours, m_hours = _bits(self.mentee_side.week), _bits(self.mentor_side.week)
        step = max(1, DENSE_STEP // n_m)
        for start in range(0, n_e, step):
            stop = min(n_e, start + step)
            i = np.repeat(np.arange(start, stop), n_m)
            j = np.tile(np.arange(n_m), stop - start)
            goals = np.zeros(i.size)
            if self.goals_mentees.shape[1] > 0 and self.weights["goals"] > 0:
                dots = (self.goals_mentees[start:stop] @ self.goals_mentors.T).toarray()
                goals = np.clip(dots.ravel(), 0.0, 1.0)
            topics = (e_topics[start:stop] @ m_topics.T).ravel().astype(np.int64)
            hours = (e_hours[start:stop] @ m_hours.T).ravel().astype(np.int64)
            values = self.pair_criteria(i, j, goals=goals, topics=topics, hours=hours)
            scores[start:stop] = self.weighted(values).reshape(stop - start, n_m)
        scores[~self.compatible[self.mentee_language]] = -np.inf
        scores[self.exception_rows, self.exception_cols] = -np.inf
        return scores


def available_mentors(mentors: Sequence[Profile]) -> list[Profile]:
    """Mentors who can take a mentee now, each id once (the last profile given wins)."""
    latest = {mentor.id: mentor for mentor in mentors}
    return [
        m for m in latest.values() if m.is_mentor and not m.paused and m.capacity - m.load > 0
    ]


# ---------------------------------------------------------------------- encoding


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
    total = sum(effective[name] for name in CRITERIA)
    scale = {name: (effective[name] / total if total > 0 else 0.0) for name in CRITERIA}

    departments: dict[str, int] = {}
    vocab = _topic_vocabulary(mentees, pool)
    e_side, sought, e_topics = _people(mentees, vocab, departments, monday, sought=True)
    m_side, _, m_topics = _people(pool, vocab, departments, monday, sought=False)
    mentee_sets: dict[frozenset[str], int] = {}
    mentor_classes: dict[frozenset[str], int] = {}
    e_side.language = _codes([frozenset(p.languages) for p in mentees], mentee_sets)
    m_side.language = _codes([frozenset(p.languages) for p in pool], mentor_classes)
    language_share = _language_share(mentee_sets, mentor_classes)
    n_e, n_m = len(mentees), len(pool)
    space = CohortSpace(
        mentees=mentees,
        mentors=pool,
        remaining=np.array([m.capacity - m.load for m in pool], dtype=np.int64),
        x=sp.csr_matrix((n_e, 0), dtype=np.float32),  # set below, from the other fields
        y=sp.csr_matrix((n_m, 0), dtype=np.float32),
        mentee_language=e_side.language,
        compatible=(language_share > 0)[:, m_side.language],
        goals_mentees=sp.csr_matrix((n_e, 0)),
        goals_mentors=sp.csr_matrix((n_m, 0)),
        goal_texts=None,
        goals_weight=scale["goals"],
        exception_rows=np.zeros(0, dtype=np.int64),
        exception_cols=np.zeros(0, dtype=np.int64),
        mentee_side=e_side,
        mentor_side=m_side,
        sought=sought,
        hours=np.bitwise_count(e_side.week).sum(axis=1, dtype=np.int64),
        reverse=np.array([bool(p.reverse) for p in mentees], dtype=bool),
        free_share=np.array(
            [(m.capacity - m.load) / m.capacity if m.capacity > 0 else 0.0 for m in pool],
            dtype=np.float64,
        ),
        language_share=language_share,
        seniority_table=_seniority_table(),
        weights=effective,
        department_mode=weights.department_mode,
    )
    space.x, space.y = _features(space, scale, e_topics, m_topics, len(vocab), len(departments))
    if scale["goals"] > 0:
        space.goal_texts = _goal_texts(mentees, pool, taxonomy, text_model)
        space.goals_mentees, space.goals_mentors = _goal_matrices(space.goal_texts)
    space.exception_rows, space.exception_cols = _exceptions(mentees, pool, constraints)
    return space


def _codes(keys: list[frozenset[str]], table: dict[frozenset[str], int]) -> np.ndarray:
    return np.array([table.setdefault(key, len(table)) for key in keys], dtype=np.int64)


def _language_share(
    mentee_sets: dict[frozenset[str], int], mentor_classes: dict[frozenset[str], int]
) -> np.ndarray:
    """[mentee set, mentor class]: the language criterion (`scoring.criteria_values`)."""
    share = np.zeros((max(1, len(mentee_sets)), max(1, len(mentor_classes))))
    for languages, row in mentee_sets.items():
        for spoken, column in mentor_classes.items():
            if languages:
                share[row, column] = len(languages & spoken) / len(languages)
    return share


def _seniority_table() -> np.ndarray:
    """[mentee level, reverse, mentor level]: the seniority criterion."""
    table = np.zeros((6, 2, 6))
    for level in range(1, 6):
        for mentor_level in range(1, 6):
            for reverse in (0, 1):
                table[level, reverse, mentor_level] = seniority_value(
                    level, mentor_level, bool(reverse)
                )
    return table


def _topic_vocabulary(mentees: list[Profile], mentors: list[Profile]) -> dict[str, int]:
    """Topics both sought and offered, numbered in sorted order (the others never count)."""
    sought = set(chain.from_iterable(m.topics_sought for m in mentees))
    offered = set(chain.from_iterable(m.topics_offered for m in mentors))
    return {topic: c for c, topic in enumerate(sorted(sought & offered))}


def _people(
    people: list[Profile],
    vocab: dict[str, int],
    departments: dict[str, int],
    monday: date,
    *,
    sought: bool,
) -> tuple[People, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Per-person arrays, distinct topic counts, and (person, topic) index pairs."""
    n = len(people)
    topic_rows: list[int] = []
    topic_cols: list[int] = []
    counts = np.zeros(n, dtype=np.int64)
    masks: list[int] = []
    levels = np.zeros(n, dtype=np.int64)
    codes = np.full(n, -1, dtype=np.int64)
    keys: dict[object, int] = {}  # department text -> code, so each text is folded once
    for p, person in enumerate(people):
        topics = unique(person.topics_sought if sought else person.topics_offered)
        counts[p] = len(topics)
        for topic in topics:
            column = vocab.get(topic)
            if column is not None:
                topic_rows.append(p)
                topic_cols.append(column)
        masks.append(availability.week_mask(person.availability, person.timezone, monday))
        levels[p] = seniority_level(person.seniority)
        raw = person.department
        code = keys.get(raw) if isinstance(raw, str) else None
        if code is None:
            key = department_key(raw)
            code = departments.setdefault(key, len(departments)) if key else -1
            if isinstance(raw, str):
                keys[raw] = code
        codes[p] = code
    rows = np.array(topic_rows, dtype=np.int64)
    cols = np.array(topic_cols, dtype=np.int64)
    words = max(1, -(-len(vocab) // 64))
    topic_bits = np.zeros((n, words), dtype=np.uint64)
    np.bitwise_or.at(
        topic_bits, (rows, cols // 64), np.left_shift(np.uint64(1), (cols % 64).astype(np.uint64))
    )
    week = np.frombuffer(
        b"".join(mask.to_bytes(8 * availability.WORDS, "little") for mask in masks),
        dtype="<u8",
    ).reshape(n, availability.WORDS).astype(np.uint64)
    side = People(topic_bits, week, levels, codes, np.zeros(n, dtype=np.int64))
    return side, counts, (rows, cols)


def _hour_bits(week: np.ndarray) -> np.ndarray:
    """(n, 168) 0/1 uint8 matrix of UTC hour masks given as 64-bit words."""
    return _unpacked(week)[:, : availability.HOURS_PER_WEEK]


def _unpacked(words: np.ndarray) -> np.ndarray:
    """(n, 64 * words) 0/1 uint8 matrix of bit sets given as 64-bit words, low bits first."""
    as_bytes = np.ascontiguousarray(words.astype("<u8")).view(np.uint8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")


def _bits(words: np.ndarray) -> np.ndarray:
    """`_unpacked` as float32, for matrix products that count shared bits."""
    return _unpacked(words).astype(np.float32)


class _Entries:
    """(row, column, value) triplets of one side's sparse feature matrix, added by block."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray | float) -> None:
        values = np.broadcast_to(np.asarray(values, dtype=np.float32), rows.shape)
        self.parts.append((rows, cols, values))

    def matrix(self, n_rows: int, columns: np.ndarray) -> sp.csr_matrix:
        """The matrix on the kept `columns` (a boolean mask over all columns)."""
        rows, cols, values = (
            np.concatenate([part[i] for part in self.parts]) if self.parts else np.zeros(0)
            for i in range(3)
        )
        cols = cols.astype(np.int64)
        kept = (values != 0) & columns[cols]
        renumbered = np.cumsum(columns) - 1
        return sp.csr_matrix(
            (values[kept].astype(np.float32),
             (rows[kept].astype(np.int64), renumbered[cols[kept]])),
            shape=(n_rows, int(columns.sum())),
            dtype=np.float32,
        )

    def used(self, width: int) -> np.ndarray:
        cols = [part[1][part[2] != 0] for part in self.parts]
        return np.bincount(np.concatenate([np.zeros(0, np.int64), *cols]), minlength=width) > 0


def _features(
    space: CohortSpace,
    scale: dict[str, float],
    e_topics: tuple[np.ndarray, np.ndarray],
    m_topics: tuple[np.ndarray, np.ndarray],
    n_topics: int,
    n_departments: int,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Mentee and mentor features (both sparse) whose products are the partial scores.

    Feature blocks: topics, language classes, 168 UTC hours, 6 seniority levels,
    "department known" and one per department, free share; each mentee feature carries
    the criterion's share of the score (`scale`). Features unused on either side are
    dropped. `e_topics` / `m_topics` are (person, vocabulary topic) index pairs.
    """
    e, m = space.mentee_side, space.mentor_side
    language_share = space.language_share
    n_e, n_m = e.level.size, m.level.size
    n_classes = language_share.shape[1]
    offsets = np.cumsum([0, n_topics, n_classes, availability.HOURS_PER_WEEK, 6,
                         1 + n_departments, 1])
    topic_at, language_at, hour_at, level_at, department_at, load_at, width = offsets
    x, y = _Entries(), _Entries()
    everyone, every_mentor = np.arange(n_e), np.arange(n_m)
    if scale["topics"] > 0:
        rows, cols = e_topics
        x.add(rows, topic_at + cols, scale["topics"] / space.sought[rows])
        y.add(m_topics[0], topic_at + m_topics[1], 1.0)
    if scale["language"] > 0:
        for code, language_class in zip(*np.nonzero(language_share), strict=True):
            speakers = np.flatnonzero(e.language == code)
            share = scale["language"] * language_share[code, language_class]
            x.add(speakers, np.full(speakers.size, language_at + language_class), share)
        y.add(every_mentor, language_at + m.language, 1.0)
    if scale["availability"] > 0:
        hours = space.hours
        per_hour = np.divide(scale["availability"], hours, out=np.zeros(n_e), where=hours > 0)
        rows, cols = np.nonzero(_hour_bits(e.week))
        x.add(rows, hour_at + cols, per_hour[rows])
        rows, cols = np.nonzero(_hour_bits(m.week))
        y.add(rows, hour_at + cols, 1.0)
    if scale["seniority"] > 0:
        table = space.seniority_table
        values = scale["seniority"] * table[e.level, space.reverse.astype(np.int64)]
        rows, cols = np.nonzero(values)
        x.add(rows, level_at + cols, values[rows, cols])
        y.add(every_mentor, level_at + m.level, 1.0)
    if scale["department"] > 0:
        known = np.flatnonzero(e.department >= 0)
        if space.department_mode == "diverse":
            # diverse = known - same department
            x.add(known, np.full(known.size, department_at), scale["department"])
            x.add(known, department_at + 1 + e.department[known], -scale["department"])
        else:
            x.add(known, department_at + 1 + e.department[known], scale["department"])
        with_department = np.flatnonzero(m.department >= 0)
        y.add(with_department, np.full(with_department.size, department_at), 1.0)
        y.add(with_department, department_at + 1 + m.department[with_department], 1.0)
    if scale["load"] > 0:
        x.add(everyone, np.full(n_e, load_at), scale["load"])
        y.add(every_mentor, np.full(n_m, load_at), space.free_share)
    columns = x.used(width) & y.used(width)
    return x.matrix(n_e, columns), y.matrix(n_m, columns)


def _goal_texts(
    mentees: list[Profile],
    mentors: list[Profile],
    taxonomy: Taxonomy | None,
    text_model: TextModel,
) -> GoalTexts:
    """Mentees' goals and mentors' documents vectorised, each distinct text once."""
    mentee_texts, mentee_row = _distinct([m.goals for m in mentees])
    mentor_texts, mentor_row = _distinct([mentor_document(m, taxonomy) for m in mentors])
    return GoalTexts(text_model.vectors(mentee_texts), mentee_row,
                     text_model.vectors(mentor_texts), mentor_row)


def _distinct(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts, and the index among them of each text."""
    index: dict[str, int] = {}
    row_of = np.array([index.setdefault(t, len(index)) for t in texts], dtype=np.int64)
    return list(index), row_of


def _goal_matrices(texts: GoalTexts) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """TF-IDF rows of mentees' goals and mentors' documents, on the features both use."""
    shared = np.intersect1d(texts.mentees.features, texts.mentors.features)
    return (_text_matrix(texts.mentees, texts.mentee_row, shared),
            _text_matrix(texts.mentors, texts.mentor_row, shared))


def _text_matrix(vectors: Vectors, row_of: np.ndarray, shared: np.ndarray) -> sp.csr_matrix:
    """One row per person (the vector of their text's row), on the `shared` features."""
    n_distinct = vectors.indptr.size - 1
    owner = np.repeat(np.arange(n_distinct), vectors.lengths)
    keep = np.isin(vectors.features, shared)
    matrix = sp.csr_matrix(
        (vectors.weights[keep],
         (owner[keep], np.searchsorted(shared, vectors.features[keep]))),
        shape=(n_distinct, shared.size),
    )
    matrix.sort_indices()
    return matrix[row_of]


def _exceptions(
    mentees: list[Profile], mentors: list[Profile], constraints: Constraints
) -> tuple[np.ndarray, np.ndarray]:
    """(mentee index, mentor index) pairs barred by self, manager, blocked or declined.

    Sorted by mentee, then mentor.
    """
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


# ---------------------------------------------------------------------- top candidates


@dataclass
class Candidates:
    """Each mentee's best mentors as flat edge arrays, sorted by mentee then score."""

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    exact: np.ndarray
    """Per queried mentee: True when its list is provably its exact top k."""


@dataclass
class _Group:
    """Mentees sharing a language set, against the mentors they share a language with."""

    space: CohortSpace
    rows: np.ndarray
    """Mentee indices, in the order blocks take them."""
    cols: np.ndarray
    """Mentor indices; block scores are (position in cols) x (position in rows)."""
    y: sp.csr_matrix
    barred_row: np.ndarray
    """Barred pairs as (position in rows, position in cols), sorted by row."""
    barred_col: np.ndarray
    feasible: np.ndarray
    """Per row, how many mentors of `cols` it may be matched with."""
    pool: int
    k: int

    @property
    def block(self) -> int:
        return int(max(16, min(MAX_BLOCK, BLOCK_BYTES // (4 * self.cols.size))))

    def scores(self, start: int) -> tuple[np.ndarray, ...]:
        """Top-k edges (by mentee, best first) and exactness flags of one block of rows."""
        stop = min(self.rows.size, start + self.block)
        rows = self.rows[start:stop]
        block_t = self.y @ np.ascontiguousarray(self.space.x[rows].toarray().T)
        lo, hi = np.searchsorted(self.barred_row, [start, stop])
        block_t[self.barred_col[lo:hi], self.barred_row[lo:hi] - start] = -np.inf
        position, partial = _pools(block_t, self.pool)
        del block_t
        # Rank each pool by partial + goals (float32 partial: within 1e-7 of the score),
        # then score the k best exactly.
        valid = position >= 0
        mentees = np.broadcast_to(rows[:, None], position.shape)[valid]
        goals = self.space.goals_similarity(mentees, self.cols[position[valid]])
        ranking = np.full(position.shape, -np.inf)
        ranking[valid] = partial[valid] + self.space.goals_weight * goals
        top = np.argsort(-ranking, axis=1, kind="stable")[:, : self.k]
        keep = np.isfinite(np.take_along_axis(ranking, top, axis=1))
        goals_at = np.zeros(position.shape)
        goals_at[valid] = goals
        mentee = np.broadcast_to(rows[:, None], top.shape)[keep]
        mentor = self.cols[np.take_along_axis(position, top, axis=1)[keep]]
        values = self.space.pair_criteria(
            mentee, mentor, goals=np.take_along_axis(goals_at, top, axis=1)[keep]
        )
        score = self.space.weighted(values)
        exact = self.feasible[start:stop] <= self.pool
        if position.shape[1] == self.pool and top.shape[1] == self.k:
            floor = partial[:, -1].astype(np.float64)
            kth = np.take_along_axis(ranking, top[:, -1:], axis=1)[:, 0]
            exact |= floor + self.space.goals_weight + PROOF_SLACK <= kth - PROOF_SLACK
        # Best exact score first within each mentee (rows of `keep` are in mentee order).
        order = np.lexsort((-score, mentee))
        return mentee[order], mentor[order], score[order], exact


def _pools(block_t: np.ndarray, pool: int) -> tuple[np.ndarray, np.ndarray]:
    """Each column's `pool` largest feasible entries: (row positions, values), best first.

    Both (columns x pool), padded with -1 and -inf; on ties the lower row comes first. Rows
    are dealt into G chunks: the pool-th largest of the G chunk maxima is a lower bound of
    the pool-th largest entry (pool distinct chunks hold an entry at least that large), so
    only the entries at or above it (a few more than `pool` per column) are gathered.
    """
    n_rows, n_cols = block_t.shape
    groups = 16 * pool
    depth = n_rows // groups
    if n_rows <= pool:
        threshold = np.full(n_cols, -np.inf, dtype=block_t.dtype)
    elif depth < 2:
        # Sorting a contiguous copy is much faster than partitioning along axis 0.
        threshold = np.sort(np.ascontiguousarray(block_t.T), axis=1)[:, n_rows - pool]
    else:
        maxima = block_t[: depth * groups].reshape(depth, groups, n_cols).max(axis=0)
        threshold = np.sort(np.ascontiguousarray(maxima.T), axis=1)[:, groups - pool]
    flat = np.flatnonzero(block_t >= threshold)
    value = block_t.ravel()[flat]
    row, column = np.divmod(flat, n_cols)
    feasible = value > FEASIBLE
    row, column, value = row[feasible], column[feasible], value[feasible]
    # Group by column (a stable radix sort keeps rows ascending), then lay out one column
    # per line, padded, and sort each line.
    order = np.argsort(column.astype(np.int16), kind="stable")
    row, column, value = row[order], column[order], value[order]
    counts = np.bincount(column, minlength=n_cols)
    slot = np.arange(column.size) - (np.cumsum(counts) - counts)[column]
    width = int(counts.max()) if counts.size else 0
    values = np.full((n_cols, width), -np.inf, dtype=block_t.dtype)
    values[column, slot] = value
    positions = np.full((n_cols, width), -1, dtype=np.int64)
    positions[column, slot] = row
    best = np.argsort(-values, axis=1, kind="stable")[:, :pool]
    return np.take_along_axis(positions, best, axis=1), np.take_along_axis(values, best, axis=1)


def _group(
    space: CohortSpace, rows: np.ndarray, cols: np.ndarray, pool: int, k: int
) -> _Group:
    """Mentees `rows` against mentors `cols`, with the barred pairs among them re-indexed."""
    n_e, n_m = space.shape
    row_position = np.full(n_e, -1, dtype=np.int64)
    row_position[rows] = np.arange(rows.size)
    col_position = np.full(n_m, -1, dtype=np.int64)
    col_position[cols] = np.arange(cols.size)
    barred_row = row_position[space.exception_rows]
    barred_col = col_position[space.exception_cols]
    inside = (barred_row >= 0) & (barred_col >= 0)
    barred_row, barred_col = barred_row[inside], barred_col[inside]
    order = np.argsort(barred_row, kind="stable")
    barred_row, barred_col = barred_row[order], barred_col[order]
    feasible = cols.size - np.bincount(barred_row, minlength=rows.size)
    y = space.y if cols.size == n_m else space.y[cols]
    return _Group(space, rows, cols, y, barred_row, barred_col, feasible, pool, k)


def top_candidates(
    space: CohortSpace,
    k: int,
    mentee_idx: np.ndarray | None = None,
    mentor_idx: np.ndarray | None = None,
) -> Candidates:
    """Top-`k` mentors (by full score) of each mentee in `mentee_idx`, among `mentor_idx`.

    Both default to everyone; returned indices refer to `space.mentees` / `space.mentors`.
    Mentees are taken by language set, against only the mentors they share a language
    with. The partial score picks a pool of 3k mentors per mentee, partial + goals ranks
    the pool and the k best get their exact score. `exact` tells, per mentee, whether its
    list is provably its exact top k (no mentor outside the pool could overtake the k-th
    even with perfect goals).
    """
    n_e, n_m = space.shape
    rows_all = np.arange(n_e) if mentee_idx is None else np.asarray(mentee_idx, dtype=np.int64)
    cols_all = np.arange(n_m) if mentor_idx is None else np.asarray(mentor_idx, dtype=np.int64)
    exact = np.ones(rows_all.size, dtype=bool)
    empty = np.zeros(0, dtype=np.int64)
    if k <= 0 or rows_all.size == 0 or cols_all.size == 0:
        return Candidates(empty, empty, np.zeros(0), exact)
    jobs: list[tuple[_Group, int]] = []
    positions: list[np.ndarray] = []
    language = space.mentee_language[rows_all]
    for code in np.unique(language):
        where = np.flatnonzero(language == code)
        cols = cols_all[space.compatible[code, cols_all]]
        if cols.size == 0:
            continue
        group = _group(space, rows_all[where], cols, 3 * k, k)
        for start in range(0, where.size, group.block):
            jobs.append((group, start))
            positions.append(where[start : start + group.block])
    parts = run_parallel(lambda job: job[0].scores(job[1]), jobs)
    for where, part in zip(positions, parts, strict=True):
        exact[where] = part[3]
    mentee = np.concatenate([empty, *(p[0] for p in parts)])
    mentor = np.concatenate([empty, *(p[1] for p in parts)])
    score = np.concatenate([np.zeros(0), *(p[2] for p in parts)])
    # Each block's edges are sorted by mentee, best first, and blocks of one language set
    # follow each other: a stable sort by mentee merges a few sorted runs.
    order = np.argsort(mentee, kind="stable")
    return Candidates(mentee[order], mentor[order], score[order], exact)
