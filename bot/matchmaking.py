"""The bridge between the store and the matching library.

Converts people to `matching.Profile`, gathers the hard constraints of a mentee (blocks,
declined requests), keeps one `MentorIndex` per programme up to date incrementally (only the
mentors changed since the last query are re-read), and renders reasons in the reader's
language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.clock import to_iso
from bot.config import Config
from bot.i18n import LANGUAGES, Catalogue
from bot.people import Person
from bot.store.db import Tx
from matching.model import Constraints, Profile, Reason, Suggestion, Weights
from matching.scoring import score_pair
from matching.suggestions import MentorIndex
from matching.topics import Taxonomy

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
        paused=person.paused or person.status != "active",
        manager_id=person.manager_id,
        reverse=person.reverse,
    )


async def mentor_loads(tx: Tx, mentor_ids: list[int] | None = None) -> dict[int, int]:
    """Active mentees plus pending requests, per mentor."""
    rows = await tx.all(
        "SELECT mentor_id, count(*) AS n FROM ("
        " SELECT mentor_id FROM matches WHERE status = 'active'"
        " UNION ALL SELECT mentor_id FROM requests WHERE status = 'pending')"
        " GROUP BY mentor_id"
    )
    loads = {row["mentor_id"]: row["n"] for row in rows}
    if mentor_ids is not None:
        return {i: loads.get(i, 0) for i in mentor_ids}
    return loads


async def active_mentees(tx: Tx, mentor_id: int) -> int:
    return await tx.value(
        "SELECT count(*) FROM matches WHERE mentor_id = ? AND status = 'active'", (mentor_id,))


async def constraints_for(tx: Tx, mentee_id: int) -> Constraints:
    blocked = await tx.all(
        "SELECT person_id, blocked_id FROM blocks WHERE person_id = ? OR blocked_id = ?",
        (mentee_id, mentee_id))
    declined = await tx.all(
        "SELECT mentor_id FROM requests WHERE mentee_id = ? AND status = 'declined'",
        (mentee_id,))
    return Constraints(
        blocked=frozenset(frozenset((r["person_id"], r["blocked_id"])) for r in blocked),
        declined=frozenset((mentee_id, r["mentor_id"]) for r in declined),
    )


async def unavailable_for(tx: Tx, mentee_id: int) -> set[int]:
    """Mentors not to suggest now: dismissed, already asked, or already this mentee's mentor."""
    rows = await tx.all(
        "SELECT mentor_id FROM dismissals WHERE mentee_id = :m"
        " UNION SELECT mentor_id FROM requests WHERE mentee_id = :m AND status = 'pending'"
        " UNION SELECT mentor_id FROM matches WHERE mentee_id = :m AND status = 'active'",
        {"m": mentee_id})
    return {row[0] for row in rows}


@dataclass
class _ProgrammeIndex:
    index: MentorIndex
    synced_at: str


@dataclass
class Matchmaker:
    """Suggestions for mentees, kept fast by an incremental index per programme.

    Weights are per programme: the config's by default, a coordinator's after
    `/admin weights` (stored in programme_settings, loaded at start-up).
    """

    taxonomy: Taxonomy
    default_weights: Weights
    _weights: dict[int, Weights] = field(default_factory=dict)
    _indexes: dict[int, _ProgrammeIndex] = field(default_factory=dict)

    def weights(self, programme_id: int) -> Weights:
        return self._weights.get(programme_id, self.default_weights)

    def set_weights(self, programme_id: int, weights: Weights) -> None:
        self._weights[programme_id] = weights
        entry = self._indexes.get(programme_id)
        if entry is not None:
            entry.index.set_weights(weights)

    async def index(self, tx: Tx, programme_id: int, now_iso: str) -> MentorIndex:
        entry = self._indexes.get(programme_id)
        if entry is None:
            mentors = await _mentor_profiles(tx, programme_id, None)
            index = MentorIndex(mentors, self.weights(programme_id), self.taxonomy)
            self._indexes[programme_id] = _ProgrammeIndex(index, now_iso)
            return index
        changed = await _mentor_profiles(tx, programme_id, entry.synced_at, include_all=True)
        for profile in changed:
            if profile.is_mentor:
                entry.index.upsert(profile)
            else:
                entry.index.remove(profile.id)
        entry.synced_at = now_iso
        return entry.index

    async def suggest(self, tx: Tx, mentee: Person, now_iso: str, k: int,
                      extra_exclude: set[int] | None = None) -> list[Suggestion]:
        index = await self.index(tx, mentee.programme_id, now_iso)
        exclude = await unavailable_for(tx, mentee.id) | (extra_exclude or set())
        constraints = await constraints_for(tx, mentee.id)
        return index.suggest(to_profile(mentee), k=k, constraints=constraints, exclude=exclude)

    async def score(self, tx: Tx, mentee: Person, mentor: Person, now_iso: str,
                    weights: Weights | None = None) -> Suggestion | None:
        """The reference score of one pair, None when a hard constraint forbids it.

        Uses the programme index's text model so the score equals the one /find showed.
        """
        load = (await mentor_loads(tx, [mentor.id]))[mentor.id]
        index = await self.index(tx, mentee.programme_id, now_iso)
        return score_pair(to_profile(mentee), to_profile(mentor, load),
                          weights or self.weights(mentee.programme_id),
                          await constraints_for(tx, mentee.id), self.taxonomy,
                          text_model=index.text_model)


async def _mentor_profiles(tx: Tx, programme_id: int, since: str | None,
                           include_all: bool = False) -> list[Profile]:
    """Mentor profiles of a programme; with `since`, only those whose data or load changed."""
    if since is None:
        rows = await tx.all(
            "SELECT * FROM people WHERE programme_id = ? AND status = 'active'"
            " AND role IN ('mentor', 'both')", (programme_id,))
    else:
        rows = await tx.all(
            "SELECT * FROM people WHERE programme_id = :p AND (updated_at >= :s OR id IN ("
            " SELECT mentor_id FROM requests WHERE created_at >= :s OR answered_at >= :s"
            " UNION SELECT mentor_id FROM matches WHERE started_at >= :s OR ended_at >= :s))",
            {"p": programme_id, "s": since})
    people = [Person.from_row(row) for row in rows]
    loads = await mentor_loads(tx, [p.id for p in people])
    profiles = [to_profile(p, loads[p.id]) for p in people]
    if include_all:
        return profiles
    return [p for p in profiles if p.is_mentor]


def render_reason(catalogue: Catalogue, taxonomy: Taxonomy, lang: str, reason: Reason) -> str:
    """One reason in words: "3 shared topics: Python, leadership and public speaking"."""
    from bot.languages import language_name

    params: dict[str, Any] = {}
    for name, value in reason.params.items():
        if name == "topics":
            params[name] = catalogue.join(lang, [taxonomy.label(t, lang) for t in value])
        elif name == "languages":
            params[name] = catalogue.join(lang, [language_name(c, lang) for c in value])
        elif isinstance(value, tuple | list):
            params[name] = catalogue.join(lang, [str(v) for v in value])
        elif isinstance(value, float):
            params[name] = f"{value:g}"
        else:
            params[name] = value
    return catalogue.text(lang, reason.message_key, **params)


def in_every_language(render: Any) -> dict[str, Any]:
    """A param rendered later in the recipient's language: {"lang": {"en": ..., "fr": ...}}."""
    return {"lang": {lang: render(lang) for lang in LANGUAGES}}


def stamp(moment: Any) -> str:
    return to_iso(moment)
