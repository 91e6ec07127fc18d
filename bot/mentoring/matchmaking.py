"""The bridge between the store and the matching library.

Converts people to `matching.Profile`, gathers the hard constraints of a mentee (blocks,
declined requests), keeps one `MentorIndex` per programme up to date incrementally (built
at start-up off the event path; then only the mentors changed since the last query are
re-read), and renders reasons in the reader's language.

A relationship paused by the coordinators is still a relationship: it takes a place of the
mentor and keeps the mentee from other suggestions until it resumes or ends.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from bot.kernel.clock import to_iso
from bot.kernel.config import Config
from bot.kernel.i18n import LANGUAGES, Catalogue
from bot.kernel.not_ready import until_ready
from bot.kernel.people import Person
from bot.kernel.threads import in_daemon_thread
from bot.meetings import free_times
from bot.mentoring.eligibility import eligible
from bot.store import matching_changes
from bot.store.db import Tx
from bot.store.schema_map import chunks, marks
from matching.model import Constraints, Profile, Reason, Suggestion, Weights
from matching.scoring import score_pair
from matching.suggestions import MentorIndex
from matching.topics import Taxonomy

log = logging.getLogger(__name__)

MENTOR_ROLES = ("mentor", "both")


def weights_from(config: Config) -> Weights:
    settings = config.matching
    values: dict[str, Any] = dict(vars(settings.weights))
    values["department_mode"] = settings.department_mode
    return Weights.from_mapping(values)


def to_profile(person: Person, load: int = 0) -> Profile:
    roles = {"mentee": {"mentee"}, "mentor": {"mentor"}, "both": {"mentee", "mentor"}}
    return Profile(
        id=person.id,
        roles=frozenset(roles.get(person.role or "", set())),
        topics_sought=tuple(person.topics_sought),
        topics_offered=tuple(person.topics_offered),
        goals=person.goals,
        languages=frozenset(person.languages),
        timezone=person.timezone or "UTC",
        availability=tuple(tuple(slot) for slot in person.availability),  # type: ignore[misc]
        seniority=person.seniority,
        department=person.department,
        capacity=person.capacity,
        load=load,
        # holds: bot/mentoring/eligibility.py
        paused=person.paused or not eligible(person, "mentor"),
        manager_id=person.manager_id,
        reverse=person.reverse,
    )


async def mentor_loads(tx: Tx, mentor_ids: list[int] | None = None) -> dict[int, int]:
    """Places taken, per mentor: relationships (active, or paused by the coordinators) plus
    pending requests. With `mentor_ids`, only theirs, through the mentor indexes."""
    if mentor_ids is None:
        rows = await tx.all(
            f"SELECT mentor_id, count(*) AS n FROM ({_TAKING_PLACES}) GROUP BY mentor_id")
        return {row["mentor_id"]: row["n"] for row in rows}
    loads = dict.fromkeys(mentor_ids, 0)
    for chunk in chunks(mentor_ids):
        ids = marks(chunk)
        for row in await tx.all(
                "SELECT mentor_id, count(*) AS n FROM ("
                f" SELECT mentor_id FROM matches WHERE mentor_id IN ({ids})"
                "  AND status IN ('active', 'paused')"
                f" UNION ALL SELECT mentor_id FROM requests WHERE mentor_id IN ({ids})"
                "  AND status = 'pending') GROUP BY mentor_id", [*chunk, *chunk]):
            loads[row["mentor_id"]] = row["n"]
    return loads


_TAKING_PLACES = ("SELECT mentor_id FROM matches WHERE status IN ('active', 'paused')"
                  " UNION ALL SELECT mentor_id FROM requests WHERE status = 'pending'")


async def mentees_of(tx: Tx, mentor_id: int) -> int:
    """Relationships taking one of the mentor's places: active, or paused by the coordinators."""
    return await tx.value(
        "SELECT count(*) FROM matches WHERE mentor_id = ? AND status IN ('active', 'paused')",
        (mentor_id,))


async def mentees_per_mentor(tx: Tx, programme_id: int) -> dict[int, int]:
    """`mentees_of` for every mentor of a programme, in one query."""
    rows = await tx.all(
        "SELECT mentor_id, count(*) AS n FROM matches WHERE programme_id = ?"
        " AND status IN ('active', 'paused') GROUP BY mentor_id", (programme_id,))
    return {row["mentor_id"]: row["n"] for row in rows}


async def constraints_for(tx: Tx, mentee_id: int) -> Constraints:
    return (await mentee_limits(tx, mentee_id))[0]


async def unavailable_for(tx: Tx, mentee_id: int) -> set[int]:
    return (await mentee_limits(tx, mentee_id))[1]


async def mentee_limits(tx: Tx, mentee_id: int) -> tuple[Constraints, set[int]]:
    """In one query: the mentee's hard constraints (blocks both ways, mentors who declined
    them), and the mentors not to suggest now: dismissed, already asked, or already their
    mentor (a relationship paused by the coordinators is still theirs)."""
    rows = await tx.all(
        "SELECT 'blocked', person_id, blocked_id FROM blocks WHERE person_id = :m"
        " UNION ALL SELECT 'blocked', person_id, blocked_id FROM blocks WHERE blocked_id = :m"
        " UNION ALL SELECT 'declined', mentee_id, mentor_id FROM requests"
        "  WHERE mentee_id = :m AND status = 'declined'"
        " UNION ALL SELECT 'taken', mentee_id, mentor_id FROM dismissals WHERE mentee_id = :m"
        " UNION ALL SELECT 'taken', mentee_id, mentor_id FROM requests"
        "  WHERE mentee_id = :m AND status = 'pending'"
        " UNION ALL SELECT 'taken', mentee_id, mentor_id FROM matches"
        "  WHERE mentee_id = :m AND status IN ('active', 'paused')",
        {"m": mentee_id})
    blocked = frozenset(frozenset((r[1], r[2])) for r in rows if r[0] == "blocked")
    declined = frozenset((r[1], r[2]) for r in rows if r[0] == "declined")
    return (Constraints(blocked=blocked, declined=declined),
            {r[2] for r in rows if r[0] == "taken"})


@dataclass
class _ProgrammeIndex:
    index: MentorIndex
    synced_at: str      # changes stamped at or after this time are not in the index yet
    seq: int            # the last matching_changes row applied
    # What the last re-read found, per mentor: (people row, load). Stamps are to the
    # second, so a busy second's changes come back at every query until the clock ticks;
    # a row and load seen already need no decoding nor index update.
    seen: dict[int, tuple[tuple[Any, ...], int]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Snapshot:
    programme_id: int
    rows: list[Any]
    loads: dict[int, int]
    weights: Weights
    synced_at: str
    seq: int


@dataclass
class Matchmaker:
    """Suggestions for mentees, kept fast by an incremental index per programme.

    The indexes are built at start-up in a worker thread (`prepare`, from the `started`
    hook), off the event path; an event that needs one before it is ready waits for it
    with the write lock released (bot/kernel/not_ready.py), so other events go on.
    Afterwards each query re-reads only the mentors changed since the previous one (a UNION
    of indexed range scans on the time stamps, plus the erasures of bot/store/matching_changes.py)
    and updates their rows in place.

    Weights are per programme: the config's by default, a coordinator's after
    `/admin weights` (stored in programme_settings, loaded at start-up).
    """

    taxonomy: Taxonomy
    default_weights: Weights
    _weights: dict[int, Weights] = field(default_factory=dict)
    _indexes: dict[int, _ProgrammeIndex] = field(default_factory=dict)
    _building: dict[int, asyncio.Future[_ProgrammeIndex]] = field(default_factory=dict)

    def weights(self, programme_id: int) -> Weights:
        return self._weights.get(programme_id, self.default_weights)

    def set_weights(self, programme_id: int, weights: Weights) -> None:
        self._weights[programme_id] = weights
        entry = self._indexes.get(programme_id)
        if entry is not None:
            entry.index.set_weights(weights)

    async def prepare(self, tx: Tx, programme_ids: list[int], now_iso: str) -> None:
        """Read each programme's mentors now and build their indexes in a worker thread."""
        for programme_id in programme_ids:
            if programme_id in self._indexes or programme_id in self._building:
                continue
            snapshot = await self._snapshot(tx, programme_id, now_iso)
            if not snapshot.rows:  # nothing worth a thread
                self._indexes[programme_id] = self._build(snapshot)
            else:
                self._building[programme_id] = in_daemon_thread(
                    partial(self._build, snapshot), f"mentor-index-{programme_id}")

    async def wait_ready(self) -> None:
        """Until every index started by `prepare` is built (benchmarks, tests)."""
        for programme_id in list(self._building):
            await self._built(programme_id)

    async def index(self, tx: Tx, programme_id: int, now_iso: str) -> MentorIndex:
        entry = self._indexes.get(programme_id)
        if entry is None and programme_id in self._building:
            await until_ready(self._building[programme_id])  # never with the write lock held
            entry = await self._built(programme_id)
        if entry is None:  # a programme nobody prepared: build it here, once
            entry = self._build(await self._snapshot(tx, programme_id, now_iso))
            self._indexes[programme_id] = entry
            return entry.index
        await self._sync(tx, programme_id, entry, now_iso)
        return entry.index

    async def suggest(self, tx: Tx, mentee: Person, now_iso: str, k: int,
                      extra_exclude: set[int] | None = None) -> list[Suggestion]:
        """The k best mentors for `mentee`, best first."""
        found = await self.candidates(tx, mentee, now_iso, k, extra_exclude)
        return [suggestion for suggestion, _ in found]

    async def candidates(self, tx: Tx, mentee: Person, now_iso: str, k: int,
                         extra_exclude: set[int] | None = None, min_score: float = 0.0
                         ) -> list[tuple[Suggestion, Person]]:
        """The k best mentors with their people rows, read in one query; that read also
        checks that each is still an active mentor (one erased or changed behind this
        process's back is taken out of the index and the query asked again). None below
        `min_score`, the quality floor."""
        index = await self.index(tx, mentee.programme_id, now_iso)
        constraints, taken = await mentee_limits(tx, mentee.id)
        exclude = taken | (extra_exclude or set())
        profile = to_profile(mentee)
        for _ in range(3):
            found = index.suggest(profile, k=k, constraints=constraints, exclude=exclude,
                                  min_score=min_score)
            mentors = await _active_mentors(tx, [s.mentor_id for s in found])
            gone = {s.mentor_id for s in found} - set(mentors)
            for mentor_id in gone:
                index.remove(mentor_id)
            if not gone:
                break
        return [(s, mentors[s.mentor_id]) for s in found if s.mentor_id in mentors]

    async def score(self, tx: Tx, mentee: Person, mentor: Person, now_iso: str,
                    weights: Weights | None = None) -> Suggestion | None:
        """The reference score of one pair, None when a hard constraint forbids it.

        Uses the programme index's text model so the score equals the one /find showed.
        """
        load = (await mentor_loads(tx, [mentor.id]))[mentor.id]
        index = await self._text_model_of(tx, mentee.programme_id, now_iso)
        return score_pair(to_profile(mentee), to_profile(mentor, load),
                          weights or self.weights(mentee.programme_id),
                          await constraints_for(tx, mentee.id), self.taxonomy,
                          text_model=index.text_model)

    async def _text_model_of(self, tx: Tx, programme_id: int, now_iso: str) -> MentorIndex:
        """The programme's index for its text model alone, which is fitted once at build
        and never changes: no sync (Request and Send score one pair with fresh rows)."""
        entry = self._indexes.get(programme_id)
        return entry.index if entry is not None else \
            await self.index(tx, programme_id, now_iso)

    # --- building and syncing ------------------------------------------------------------

    async def _snapshot(self, tx: Tx, programme_id: int, now_iso: str) -> _Snapshot:
        rows = await tx.all(
            "SELECT * FROM people WHERE programme_id = ? AND status = 'active'"
            " AND role IN ('mentor', 'both')", (programme_id,))
        return _Snapshot(programme_id, rows, await mentor_loads(tx),
                         self.weights(programme_id), now_iso, await matching_changes.last_seq(tx))

    def _build(self, snapshot: _Snapshot) -> _ProgrammeIndex:
        """Pure CPU work on rows already read: safe in a worker thread."""
        mentors = [to_profile(p, snapshot.loads.get(p.id, 0))
                   for p in map(Person.from_row, snapshot.rows)]
        index = MentorIndex(mentors, snapshot.weights, self.taxonomy)
        return _ProgrammeIndex(index, snapshot.synced_at, snapshot.seq)

    async def _built(self, programme_id: int) -> _ProgrammeIndex | None:
        future = self._building.get(programme_id)
        if future is None:
            return self._indexes.get(programme_id)
        try:
            entry = await asyncio.shield(future)
        except Exception:
            log.exception("matching.index_build_failed", extra={"programme": programme_id})
            self._building.pop(programme_id, None)
            return None  # the caller builds it in place
        if self._building.pop(programme_id, None) is not None:
            entry.index.set_weights(self.weights(programme_id))  # changed while building?
            self._indexes[programme_id] = entry
        return self._indexes.get(programme_id)

    async def _sync(self, tx: Tx, programme_id: int, entry: _ProgrammeIndex,
                    now_iso: str) -> None:
        ids, changes = await _changed_mentors(tx, programme_id, entry.synced_at, entry.seq)
        if changes.missed:  # erasures this process never saw: check every id it holds
            held = list(entry.index)
            ids |= set(held) - set(await _active_mentors(tx, held))
        entry.seen = await _refresh(tx, entry.index, programme_id, sorted(ids), entry.seen) \
            if ids else {}
        entry.synced_at, entry.seq = now_iso, changes.last


async def _changed_mentors(tx: Tx, programme_id: int, since: str,
                           seq: int) -> tuple[set[int], matching_changes.Changes]:
    """People of the programme whose profile or load may have changed since `since` — one
    indexed range scan per time stamp (an OR of them would scan whole tables) — and, in the
    same query, the erasures after `seq` (bot/store/matching_changes.py)."""
    rows = await tx.all(
        "SELECT 0, 0, id FROM ("
        " SELECT id FROM people WHERE programme_id = :p AND updated_at >= :s"
        " UNION SELECT mentor_id FROM requests WHERE created_at >= :s AND programme_id = :p"
        " UNION SELECT mentor_id FROM requests WHERE answered_at >= :s AND programme_id = :p"
        " UNION SELECT mentor_id FROM matches WHERE started_at >= :s AND programme_id = :p"
        " UNION SELECT mentor_id FROM matches WHERE ended_at >= :s AND programme_id = :p)"
        f" AS changed UNION ALL {matching_changes.AFTER}",
        {"p": programme_id, "s": since, "seq": seq})
    changes = matching_changes.from_rows([r for r in rows if r[0]], seq)
    return ({r[2] for r in rows if not r[0]} | changes.rows.get(programme_id, set()), changes)


async def _refresh(tx: Tx, index: MentorIndex, programme_id: int, ids: list[int],
                   seen: dict[int, tuple[tuple[Any, ...], int]] | None = None
                   ) -> dict[int, tuple[tuple[Any, ...], int]]:
    """Re-read `ids`: mentors are updated in the index, anyone else (or gone) taken out.

    Only active mentors of the programme are decoded, and only those whose row or load
    differs from `seen` (what the previous call returned): most people changed are
    newcomers answering onboarding questions, and a busy second's changes are read again
    by every query of that second. Returns what this call saw, for the next one."""
    seen = seen or {}
    rows: dict[int, Any] = {}
    for chunk in chunks(ids):
        for row in await tx.all(  # Person.is_mentor and .active, of this programme
                f"SELECT * FROM people WHERE id IN ({marks(chunk)}) AND programme_id = ?"
                " AND status = 'active' AND role IN ('mentor', 'both')", [*chunk, programme_id]):
            rows[row["id"]] = row
    loads = await mentor_loads(tx, list(rows))
    now_seen: dict[int, tuple[tuple[Any, ...], int]] = {}
    for person_id, row in rows.items():
        state = (tuple(row), loads[person_id])
        now_seen[person_id] = state
        if seen.get(person_id) != state or person_id not in index:
            index.upsert(to_profile(Person.from_row(row), loads[person_id]))
    for person_id in set(ids) - set(rows):
        index.remove(person_id)
    return now_seen


async def _active_mentors(tx: Tx, ids: list[int]) -> dict[int, Person]:
    """Which of `ids` are still active mentors in the store, with their rows."""
    found: dict[int, Person] = {}
    for chunk in chunks(ids):
        for row in await tx.all(
                f"SELECT * FROM people WHERE id IN ({marks(chunk)}) AND status = 'active'"
                " AND role IN ('mentor', 'both')", chunk):
            found[row["id"]] = Person.from_row(row)
    return found


def render_reason(catalogue: Catalogue, taxonomy: Taxonomy, lang: str, reason: Reason, *,
                  staff: bool = False) -> str:
    """One reason in words: "3 shared topics: Python, leadership and public speaking".
    `staff`: worded for a coordinator, who is neither of the two ("Speaks the mentee's
    language", not "Speaks your language"), where the wording differs."""
    from bot.kernel.languages import language_name

    params: dict[str, Any] = {}
    for name, value in reason.params.items():
        if name == "times":  # when both are free, in the reader's week (bot/meetings/free_times.py)
            params[name] = free_times.describe(catalogue, lang, value)
        elif name == "topics":
            params[name] = catalogue.join(lang, [taxonomy.label(t, lang) for t in value])
        elif name == "languages":  # the reader's own language first: "français et anglais"
            ordered = sorted(value, key=lambda code: code != lang)
            params[name] = catalogue.join(lang, [language_name(c, lang) for c in ordered])
        elif isinstance(value, tuple | list):
            params[name] = catalogue.join(lang, [str(v) for v in value])
        elif isinstance(value, float):
            params[name] = f"{value:g}"
        else:
            params[name] = value
    key = reason.message_key
    if staff and catalogue.has(staff_key := key.replace("matching.", "coordinators.", 1)):
        key = staff_key
    return catalogue.text(lang, key, **params)


def in_every_language(render: Any) -> dict[str, Any]:
    """A param rendered later in the recipient's language: {"lang": {"en": ..., "fr": ...}}."""
    return {"lang": {lang: render(lang) for lang in LANGUAGES}}


def stamp(moment: Any) -> str:
    return to_iso(moment)
