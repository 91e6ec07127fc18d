"""Top-k mentor suggestions for one mentee, vectorised over every mentor.

`MentorIndex` keeps one row per mentor in numpy columns (seniority, department code,
language-set code, availability as three 64-bit words, load share, flags) and inverted
postings for what is sparse (offered topics, goal-text features). A query computes every
criterion for all rows with a handful of array operations, turns hard constraints into a
mask, picks the best rows with `argpartition`, and then re-scores only those few winners
with `score_pair` so that scores and reasons are exactly the reference ones.

Changes are incremental and cheap enough for the event path, so the table never needs a
compaction: `upsert` rewrites the mentor's own row in place (when only their load, capacity
or pause changed, just two cells), `remove` frees the row, and the next new mentor takes a
freed row before the table grows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Sequence
from datetime import date

import numpy as np

from matching import availability
from matching.model import Constraints, Profile, Suggestion, Weights
from matching.scoring import (
    SENIORITY_BY_GAP,
    department_key,
    mentor_document,
    score_pair,
    seniority_level,
    unique,
)
from matching.text import TextModel
from matching.topics import Taxonomy

_TIE_EPSILON = 1e-9


class _Postings:
    """key -> (rows, values), growable per key; rows of retired mentors are masked later."""

    def __init__(self) -> None:
        self._rows: dict[object, np.ndarray] = {}
        self._values: dict[object, np.ndarray] = {}
        self._sizes: dict[object, int] = {}

    def add(self, key: object, row: int, value: float) -> None:
        size = self._sizes.get(key, 0)
        rows = self._rows.get(key)
        if rows is None or size == len(rows):
            new_cap = max(4, 2 * size)
            grown_rows = np.empty(new_cap, dtype=np.int64)
            grown_values = np.empty(new_cap, dtype=np.float64)
            if rows is not None:
                grown_rows[:size] = rows[:size]
                grown_values[:size] = self._values[key][:size]
            self._rows[key], self._values[key] = grown_rows, grown_values
            rows = grown_rows
        rows[size] = row
        self._values[key][size] = value
        self._sizes[key] = size + 1

    def discard(self, key: object, row: int) -> None:
        """Take `row` out of `key`'s posting (the last entry moves into its place)."""
        size = self._sizes.get(key, 0)
        if not size:
            return
        rows, values = self._rows[key], self._values[key]
        found = np.flatnonzero(rows[:size] == row)
        if found.size:
            at, last = int(found[0]), size - 1
            rows[at], values[at] = rows[last], values[last]
            self._sizes[key] = last

    def get(self, key: object) -> tuple[np.ndarray, np.ndarray] | None:
        size = self._sizes.get(key)
        if not size:
            return None
        return self._rows[key][:size], self._values[key][:size]


class MentorIndex:
    """All mentors of a programme, ready to answer "who are the best k mentors for me?".

    `text_model` defaults to one fitted on the mentors' documents at construction (it then
    stays fixed so scores do not drift); pass it to `score_pair` for identical numbers.
    `reference_date` picks the calendar week used to place availability in UTC.
    """

    def __init__(
        self,
        mentors: Sequence[Profile],
        weights: Weights,
        taxonomy: Taxonomy | None = None,
        *,
        text_model: TextModel | None = None,
        reference_date: date | None = None,
    ) -> None:
        self.weights = weights
        self.taxonomy = taxonomy
        self.monday = availability.reference_monday(reference_date)
        self.reference_date = self.monday
        latest = {mentor.id: mentor for mentor in mentors}
        self.text_model = text_model or TextModel.fit(
            mentor_document(m, taxonomy) for m in latest.values()
        )
        self._build(list(latest.values()))

    # ------------------------------------------------------------------ storage

    def _build(self, mentors: list[Profile]) -> None:
        capacity = max(16, len(mentors))
        self._n = 0
        self._ids = np.zeros(capacity, dtype=np.int64)
        self._active = np.zeros(capacity, dtype=bool)
        self._load = np.zeros(capacity, dtype=np.float64)
        self._seniority = np.zeros(capacity, dtype=np.int64)
        self._department = np.full(capacity, -1, dtype=np.int64)
        self._manager = np.full(capacity, -1, dtype=np.int64)
        self._language = np.zeros(capacity, dtype=np.int64)
        self._words = np.zeros((availability.WORDS, capacity), dtype=np.uint64)
        self._profiles: dict[int, Profile] = {}
        self._row_of: dict[int, int] = {}
        self._keys_of: dict[int, tuple[tuple[str, ...], tuple[object, ...]]] = {}  # by row
        self._free: list[int] = []
        self._departments: dict[str, int] = {}
        self._language_sets: dict[frozenset[str], int] = {}
        self._topics = _Postings()
        self._goals = _Postings()
        for mentor in mentors:
            self._place(mentor, self._new_row())

    def _grow(self) -> None:
        capacity = 2 * len(self._ids)
        for name in ("_ids", "_active", "_load", "_seniority", "_department", "_manager",
                     "_language"):
            old = getattr(self, name)
            new = np.zeros(capacity, dtype=old.dtype)
            if name in ("_department", "_manager"):
                new.fill(-1)
            new[: len(old)] = old
            setattr(self, name, new)
        words = np.zeros((availability.WORDS, capacity), dtype=np.uint64)
        words[:, : self._words.shape[1]] = self._words
        self._words = words

    def _new_row(self) -> int:
        """A freed row if there is one, else a new row at the end."""
        if self._free:
            return self._free.pop()
        if self._n == len(self._ids):
            self._grow()
        self._n += 1
        return self._n - 1

    def _set_state(self, row: int, mentor: Profile) -> None:
        """What changes with every request and match: free places, pause."""
        self._active[row] = mentor.is_mentor and not mentor.paused and mentor.load < mentor.capacity
        self._load[row] = (
            (mentor.capacity - mentor.load) / mentor.capacity if mentor.capacity > 0 else 0.0
        )

    def _place(self, mentor: Profile, row: int) -> None:
        """Write every column and posting of `mentor` into `row` (an empty one)."""
        self._profiles[mentor.id] = mentor
        self._row_of[mentor.id] = row
        self._ids[row] = mentor.id
        self._set_state(row, mentor)
        self._seniority[row] = seniority_level(mentor.seniority)
        dept = department_key(mentor.department)
        self._department[row] = (
            self._departments.setdefault(dept, len(self._departments)) if dept else -1
        )
        self._manager[row] = mentor.manager_id if mentor.manager_id is not None else -1
        languages = frozenset(mentor.languages)
        self._language[row] = self._language_sets.setdefault(languages, len(self._language_sets))
        mask = availability.week_mask(mentor.availability, mentor.timezone, self.monday)
        for word, value in enumerate(availability.to_words(mask)):
            self._words[word, row] = value
        topics = tuple(unique(mentor.topics_offered))
        features = self.text_model.vector(mentor_document(mentor, self.taxonomy))
        for topic in topics:
            self._topics.add(topic, row, 1.0)
        for feature, weight in features.items():
            self._goals.add(feature, row, weight)
        self._keys_of[row] = (topics, tuple(features))

    def _clear(self, row: int) -> None:
        """Empty `row`: out of every posting, never selected."""
        topics, features = self._keys_of.pop(row, ((), ()))
        for topic in topics:
            self._topics.discard(topic, row)
        for feature in features:
            self._goals.discard(feature, row)
        self._active[row] = False
        self._ids[row] = -1

    # ------------------------------------------------------------------ changes

    def __len__(self) -> int:
        return len(self._profiles)

    def __contains__(self, mentor_id: object) -> bool:
        return mentor_id in self._profiles

    def __iter__(self) -> Iterator[int]:
        """The ids of the mentors in the index."""
        return iter(list(self._profiles))

    def get(self, mentor_id: int) -> Profile | None:
        return self._profiles.get(mentor_id)

    def upsert(self, profile: Profile) -> None:
        """Add a mentor or replace their profile (load, capacity, pause, topics...)."""
        row = self._row_of.get(profile.id)
        if row is None:
            self._place(profile, self._new_row())
            return
        old = self._profiles[profile.id]
        if profile == old:
            return
        if dataclasses.replace(profile, load=old.load, capacity=old.capacity,
                               paused=old.paused) == old:
            # The common change (a request, a match, a pause): two cells, no posting.
            self._profiles[profile.id] = profile
            self._set_state(row, profile)
            return
        self._clear(row)
        self._place(profile, row)

    def remove(self, mentor_id: int) -> None:
        """Forget a mentor; unknown ids are ignored. Their row is reused by the next one."""
        row = self._row_of.pop(mentor_id, None)
        if row is None:
            return
        del self._profiles[mentor_id]
        self._clear(row)
        self._free.append(row)

    def set_weights(self, weights: Weights) -> None:
        self.weights = weights

    # ------------------------------------------------------------------ queries

    def suggest(
        self,
        mentee: Profile,
        k: int = 3,
        constraints: Constraints | None = None,
        exclude: Collection[int] = (),
        min_score: float = 0.0,
    ) -> list[Suggestion]:
        """The k best mentors for `mentee`, best first (ties: lower mentor id first).

        Every hard constraint holds for each suggestion; `exclude` removes more mentor ids
        (e.g. mentors already requested). `min_score` is the quality floor: a pair scoring
        below it is no suggestion at all (fewer than k, or none, rather than weak ones).
        """
        constraints = constraints or Constraints()
        if k <= 0 or self._n == 0:
            return []
        scores = self._scores(mentee, constraints, exclude)
        # The vectorised sum may differ from score_pair's in the last bits: a margin here,
        # the exact comparison on the re-scored winners below.
        floor = min_score - _TIE_EPSILON if min_score > 0 else -np.inf
        feasible = np.flatnonzero(scores > -np.inf) if floor == -np.inf else \
            np.flatnonzero(scores >= floor)
        if feasible.size == 0:
            return []
        candidates = self._candidates(scores, feasible, k)
        suggestions = []
        for row in candidates:
            mentor = self._profiles[int(self._ids[row])]
            suggestion = score_pair(
                mentee,
                mentor,
                self.weights,
                constraints,
                self.taxonomy,
                text_model=self.text_model,
                reference_date=self.monday,
            )
            if suggestion is not None and suggestion.score >= min_score:
                suggestions.append(suggestion)
        suggestions.sort(key=lambda s: (-s.score, s.mentor_id))
        return suggestions[:k]

    def _candidates(self, scores: np.ndarray, feasible: np.ndarray, k: int) -> np.ndarray:
        """Rows that may be in the top k once re-scored exactly (ties near the k-th kept)."""
        if feasible.size <= k:
            return feasible
        kth = np.partition(scores[feasible], feasible.size - k)[feasible.size - k]
        near = feasible[scores[feasible] >= kth - _TIE_EPSILON]
        limit = 4 * k + 32
        if near.size > limit:
            # Many exact ties: keep the best, then the lowest ids, as the final sort would.
            order = np.lexsort((self._ids[near], -np.round(scores[near], 9)))
            near = near[order[:limit]]
        return near

    def _scores(
        self, mentee: Profile, constraints: Constraints, exclude: Collection[int]
    ) -> np.ndarray:
        """Vectorised score of every row; -inf where a hard constraint fails."""
        n = self._n
        weights = self.weights.effective()
        total_weight = sum(weights.values())
        mask = self._active[:n].copy()

        # Language: hard constraint and criterion, looked up per distinct language set.
        lut = np.zeros(len(self._language_sets), dtype=np.float64)
        if mentee.languages:
            for languages, code in self._language_sets.items():
                lut[code] = len(mentee.languages & languages) / len(mentee.languages)
        language = lut[self._language[:n]]
        mask &= language > 0

        # Self, managers, blocked, declined and explicit exclusions.
        mask &= self._manager[:n] != mentee.id
        banned = set(constraints.excluded_for(mentee.id)) | set(exclude) | {mentee.id}
        if mentee.manager_id is not None:
            banned.add(mentee.manager_id)
        rows = [self._row_of[i] for i in banned if i in self._row_of]
        if rows:
            mask[rows] = False

        score = np.zeros(n, dtype=np.float64)
        if total_weight <= 0:
            score[~mask] = -np.inf
            return score

        if weights["topics"] > 0:
            sought = unique(mentee.topics_sought)
            counts = np.zeros(n, dtype=np.float64)
            for topic in sought:
                posting = self._topics.get(topic)
                if posting is not None:
                    counts[posting[0]] += 1.0
            if sought:
                score += weights["topics"] * (counts / len(sought))
        if weights["language"] > 0:
            score += weights["language"] * language
        if weights["availability"] > 0:
            mask_bits = availability.week_mask(mentee.availability, mentee.timezone, self.monday)
            mentee_hours = availability.hours(mask_bits)
            if mentee_hours:
                overlap = np.zeros(n, dtype=np.uint8)
                for word, value in enumerate(availability.to_words(mask_bits)):
                    if value:
                        overlap += np.bitwise_count(self._words[word, :n] & np.uint64(value))
                score += weights["availability"] * (overlap / mentee_hours)
        if weights["seniority"] > 0:
            level = seniority_level(mentee.seniority)
            if level:
                sen_lut = np.zeros(6, dtype=np.float64)
                for mentor_level in range(1, 6):
                    gap = level - mentor_level if mentee.reverse else mentor_level - level
                    sen_lut[mentor_level] = SENIORITY_BY_GAP.get(gap, 0.0)
                score += weights["seniority"] * sen_lut[self._seniority[:n]]
        if weights["department"] > 0:
            dept = department_key(mentee.department)
            if dept:
                code = self._departments.get(dept, -2)
                codes = self._department[:n]
                if self.weights.department_mode == "diverse":
                    score += weights["department"] * ((codes >= 0) & (codes != code))
                else:
                    score += weights["department"] * (codes == code)
        if weights["goals"] > 0:
            similarity = np.zeros(n, dtype=np.float64)
            for feature, weight in self.text_model.vector(mentee.goals).items():
                posting = self._goals.get(feature)
                if posting is not None:
                    similarity[posting[0]] += weight * posting[1]
            np.clip(similarity, 0.0, 1.0, out=similarity)
            score += weights["goals"] * similarity
        if weights["load"] > 0:
            score += weights["load"] * self._load[:n]

        score /= total_weight
        score[~mask] = -np.inf
        return score
