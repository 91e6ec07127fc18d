"""Fictional people for the demo programme that `mentorbot console --demo` seeds.

A newcomer should be able to try every feature in the first minute: find a mentor, be
refused for capacity, try reverse mentoring, see a mentee nobody can help. So the cast is
not random noise but a small, believable programme run across a tech company, a bank, a
hospital, a city hall, a youth career-guidance scheme and a few entrepreneurs, in French
and English, over ten time zones.

Everything here is pure: `demo_people(seed, count)` draws from `random.Random(seed)` only,
never iterates a set while drawing (string hashing differs between processes), and
returns the same list for the same arguments on any machine. Storing the people is the
caller's job.

The tables (names, origins, tracks, schedules, sentences) live in content/demo_people.toml,
where they can be read and changed without touching the drawing code. Names are hand-picked
ordinary names, never a famous person's; every goal and bio sentence was written for this
demo. Topics are typed the way people type them (mixed
case, abbreviations, missing accents, the odd typo) so the matcher's normaliser has
real work to do; `TOPIC_SPELLINGS` lists every spelling the demo can produce.
"""

from __future__ import annotations

import random
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Slot = tuple[int, int, int]
"""(weekday 0=Monday..6, start_minute, end_minute) in the person's LOCAL time."""


@dataclass(frozen=True)
class DemoPerson:
    """One fictional participant, ready to be stored as a person of the demo programme."""

    handle: str  # console handle: lowercase ascii letters and digits joined by dots
    display_name: str
    language: str  # "fr" | "en": the language the person uses with the bot
    role: str  # "mentee" | "mentor" | "both"
    topics_sought: str  # comma-separated free text, empty for pure mentors
    topics_offered: str  # comma-separated free text, empty for pure mentees
    goals: str  # 1-3 sentences in `language`: a mentee's goals or a mentor's short bio
    languages: tuple[str, ...]  # ISO 639-1 codes spoken, `language` first
    timezone: str  # IANA name, one of TIMEZONES
    availability: tuple[Slot, ...]  # 1-4 slots, sorted, at most one per weekday
    seniority: int  # 1 student/apprentice, 2 junior, 3 experienced, 4 senior, 5 executive
    department: str
    capacity: int  # mentors 1..4, pure mentees 0
    reverse: bool = False  # a senior mentee who wants reverse mentoring from a younger person




@dataclass(frozen=True)
class _Origin:
    language: str  # the language these people use with the bot
    weight: float
    timezones: tuple[str, ...]  # repeated entries weight the draw
    spoken: tuple[tuple[str, float], ...]  # other languages and the share who speak each
    names: tuple[str, ...]




@dataclass(frozen=True)
class _Track:
    departments: dict[str, tuple[str, ...]]  # language -> department names
    offers: tuple[str, ...]  # clusters its mentors can offer
    seeks: tuple[str, ...]  # clusters its mentees look for
    schedule: str
    mentor_seniority: tuple[int, ...] = (3, 3, 4, 4, 5)
    mentor_weight: float = 0.0  # draw weights; 0 means only chosen on purpose
    mentee_weight: float = 0.0
    peer_weight: float = 0.0




# --- The tables, from content/demo_people.toml ----------------------------------------------

DATA_PATH = Path(__file__).resolve().parent.parent.parent / "content" / "demo_people.toml"
_DATA = tomllib.loads(DATA_PATH.read_text(encoding="utf-8"))


def _tuples(table: dict[str, Any]) -> dict[str, Any]:
    """The same nested table with every list as a tuple (the drawing code relies on them)."""
    return {key: _tuples(value) if isinstance(value, dict) else tuple(value)
            for key, value in table.items()}


TIMEZONES: tuple[str, ...] = tuple(_DATA["timezones"])
"""Every time zone a demo person can live in (Montréal uses America/Toronto)."""

TOPIC_SPELLINGS: dict[str, dict[str, tuple[str, ...]]] = _tuples(_DATA["topic_spellings"])
"""Topic cluster -> language -> every spelling the demo may type for it."""

# Topics no mentor offers, for the hard cases: (spelling, goal sentence) per language.
_NICHE: dict[str, dict[str, tuple[str, str]]] = _tuples(_DATA["niche"])

_ORIGINS: dict[str, _Origin] = {
    key: _Origin(origin["language"], origin["weight"], tuple(origin["timezones"]),
                 tuple((code, share) for code, share in origin["spoken"]),
                 tuple(origin["names"]))
    for key, origin in _DATA["origins"].items()
}

# Schools and training centres of the youth career-guidance scheme, by (language, zone).
_SCHOOLS: dict[tuple[str, str], tuple[str, ...]] = {
    (language, zone): tuple(names)
    for language, zones in _DATA["schools"].items() for zone, names in zones.items()
}

_TRACKS: dict[str, _Track] = {
    key: _Track(_tuples(track["departments"]), tuple(track["offers"]), tuple(track["seeks"]),
                track["schedule"], tuple(track["mentor_seniority"]), track["mentor_weight"],
                track["mentee_weight"], track["peer_weight"])
    for key, track in _DATA["tracks"].items()
}

# Availability patterns in local time: (weekdays, (start, end) windows, draw weight).
_Pattern = tuple[tuple[int, ...], tuple[tuple[int, int], ...], float]
_SCHEDULES: dict[str, tuple[_Pattern, ...]] = {
    key: tuple((tuple(p["days"]), tuple((start, end) for start, end in p["windows"]),
                p["weight"]) for p in patterns)
    for key, patterns in _DATA["schedules"].items()
}

# Sentences. French ones avoid gendered agreement with the speaker, so any fits any person.
_SEEK: dict[str, dict[str, tuple[str, ...]]] = _tuples(_DATA["seek"])
_YOUTH_SEEK: dict[str, dict[str, tuple[str, ...]]] = _tuples(_DATA["youth_seek"])
_REVERSE: dict[str, tuple[str, ...]] = _tuples(_DATA["reverse"])
_MENTEE_CLOSERS: dict[str, tuple[str, ...]] = _tuples(_DATA["mentee_closers"])
_YOUTH_CLOSERS: dict[str, tuple[str, ...]] = _tuples(_DATA["youth_closers"])
_BACKGROUND: dict[str, dict[str, tuple[str, ...]]] = _tuples(_DATA["background"])
_OFFER: dict[str, dict[str, str]] = _DATA["offer"]
_MENTOR_CLOSERS: dict[str, tuple[str, ...]] = _tuples(_DATA["mentor_closers"])


# --- Generation ---------------------------------------------------------------------------


@dataclass
class _Plan:
    """A person being drawn; mutable until rendered into a DemoPerson."""

    role: str
    language: str
    kind: str  # mentors: regular|digital|founder; mentees: regular|youth|reverse|hard
    track: str = ""
    display_name: str = ""
    languages: tuple[str, ...] = ()
    timezone: str = ""
    seniority: int = 0
    department: str = ""
    capacity: int = 0
    offers: list[str] = field(default_factory=list)
    seeks: list[str] = field(default_factory=list)  # cluster keys, or _NICHE keys
    availability: tuple[Slot, ...] = ()

    @property
    def mentors(self) -> bool:
        return self.role != "mentee"

    @property
    def wants_mentor(self) -> bool:
        return self.role != "mentor"


def demo_people(seed: int = 2026, count: int = 60) -> list[DemoPerson]:
    """Return `count` fictional participants, the same list for the same seed.

    Roles are split 45 % mentors, 45 % mentees, 10 % both; languages alternate so French
    and English speakers are even. Whenever there is at least one mentor, every mentee
    shares a language with some mentor. Most mentees also share a topic with such a
    mentor; about one in nine on purpose does not (a niche topic, or one only offered in
    a language they do not speak). Raises ValueError if `count` is negative.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    plans = _cast(count)
    names = _NameBook(rng)
    for plan in plans:
        _draw(plan, rng, names)
    _share_a_language(plans)
    _match_topics(plans, rng)
    taken: set[str] = set()
    people = [_render(plan, rng, taken) for plan in plans]
    rng.shuffle(people)
    return people


def _round(value: float) -> int:
    return int(value + 0.5)  # half up, unlike round(), so 4.5 mentors means 5


def _cast(count: int) -> list[_Plan]:
    """Roles, bot languages and kinds, before anything random is drawn."""
    n_both = _round(count * 0.10)
    n_mentor = min(_round(count * 0.45), count - n_both)
    n_mentee = count - n_both - n_mentor
    # Mentors start with French and mentees with English so odd groups even out.
    mentors = [_Plan("mentor", ("fr", "en")[i % 2], "regular") for i in range(n_mentor)]
    mentees = [_Plan("mentee", ("en", "fr")[i % 2], "regular") for i in range(n_mentee)]
    peers = [_Plan("both", ("fr", "en")[i % 2], "regular") for i in range(n_both)]

    kinds = (
        ["reverse"] * min(2, n_mentee // 8)
        + ["hard"] * (n_mentee // 9)
        + ["youth"] * (_round(n_mentee * 0.15) if n_mentee >= 5 else 0)
    )
    for plan, kind in zip(mentees, kinds, strict=False):
        plan.kind = kind
    # Each reverse mentee needs a young mentor in the same language; one founder mentors.
    for language in (p.language for p in mentees if p.kind == "reverse"):
        young = next((m for m in mentors if m.kind == "regular" and m.language == language), None)
        if young is not None:
            young.kind = "digital"
    if n_mentor >= 4:
        founder = next((m for m in reversed(mentors) if m.kind == "regular"), None)
        if founder is not None:
            founder.kind = "founder"
    return mentors + mentees + peers


class _NameBook:
    """Hands out display names, each origin's hand-picked names first, then remixes."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._left: dict[str, list[str]] = {}
        self._used: set[str] = set()

    def take(self, origin_key: str) -> str:
        left = self._left.get(origin_key)
        if left is None:
            left = list(_ORIGINS[origin_key].names)
            self._rng.shuffle(left)
            self._left[origin_key] = left
        if not left:
            left.extend(self._remixes(origin_key))
        if not left:  # a huge cast: names repeat, handles still get a number
            return self._rng.choice(_ORIGINS[origin_key].names)
        name = left.pop()
        self._used.add(name)
        return name

    def _remixes(self, origin_key: str) -> list[str]:
        # First names crossed with surnames of the same origin keep the cast plausible.
        names = _ORIGINS[origin_key].names
        firsts = sorted({n.split(" ", 1)[0] for n in names})
        lasts = sorted({n.split(" ", 1)[1] for n in names})
        mixes = [f"{f} {s}" for f in firsts for s in lasts if f"{f} {s}" not in self._used]
        self._rng.shuffle(mixes)
        return mixes


def _weighted(rng: random.Random, options: dict[str, float]) -> str:
    keys = [key for key, weight in options.items() if weight > 0]
    return rng.choices(keys, weights=[options[key] for key in keys])[0]


def _choose_track(plan: _Plan, rng: random.Random) -> str:
    fixed = {"digital": "digital", "founder": "entrepreneur", "youth": "youth",
             "reverse": "executive"}
    if plan.kind in fixed:
        return fixed[plan.kind]
    if plan.role == "mentor":
        return _weighted(rng, {k: t.mentor_weight for k, t in _TRACKS.items()})
    if plan.role == "both":
        return _weighted(rng, {k: t.peer_weight for k, t in _TRACKS.items()})
    return _weighted(rng, {k: t.mentee_weight for k, t in _TRACKS.items()})


def _draw(plan: _Plan, rng: random.Random, names: _NameBook) -> None:
    """Fill in who the person is: origin, name, languages, place, job, topics, hours."""
    plan.track = _choose_track(plan, rng)
    track = _TRACKS[plan.track]
    origins = {
        key: origin.weight
        for key, origin in _ORIGINS.items()
        if origin.language == plan.language
        and (plan.kind != "youth" or _school_zones(origin, plan.language))
    }
    origin_key = _weighted(rng, origins)
    origin = _ORIGINS[origin_key]
    plan.display_name = names.take(origin_key)
    plan.languages = _spoken(origin, plan.language, rng)

    if plan.kind == "youth":
        plan.timezone = rng.choice(_school_zones(origin, plan.language))
        plan.department = rng.choice(_SCHOOLS[(plan.language, plan.timezone)])
    else:
        plan.timezone = rng.choice(origin.timezones)
        plan.department = rng.choice(track.departments[plan.language])

    plan.seniority = _seniority(plan, track, rng)
    plan.capacity = _capacity(plan, rng)
    if plan.mentors:
        size = rng.choices((1, 2) if plan.role == "both" else (2, 3, 4), k=1)[0]
        plan.offers = rng.sample(track.offers, min(size, len(track.offers)))
    if plan.wants_mentor:
        wanted = [c for c in track.seeks if c not in plan.offers]
        size = rng.choices((1, 2, 3), weights=(3, 4, 3))[0]
        plan.seeks = rng.sample(wanted, min(size, len(wanted)))
    schedule = track.schedule
    if schedule == "student" and plan.timezone in ("Europe/Paris", "Europe/Brussels"):
        schedule = "student_fr"
    plan.availability = _availability(schedule, rng)


def _school_zones(origin: _Origin, language: str) -> list[str]:
    return sorted({tz for tz in origin.timezones if (language, tz) in _SCHOOLS})


def _spoken(origin: _Origin, language: str, rng: random.Random) -> tuple[str, ...]:
    spoken = [language]
    for other, share in origin.spoken:
        if rng.random() < share and other not in spoken:
            spoken.append(other)
    return tuple(spoken)


def _seniority(plan: _Plan, track: _Track, rng: random.Random) -> int:
    if plan.kind == "youth":
        return 1
    if plan.kind == "reverse":
        return rng.choice((4, 5, 5))
    if plan.role == "mentor":
        return rng.choice(track.mentor_seniority)
    return rng.choice((2, 2, 3))


def _capacity(plan: _Plan, rng: random.Random) -> int:
    if plan.role == "mentee":
        return 0
    if plan.role == "both" or plan.seniority >= 5:  # busy people take one or two
        return rng.choice((1, 2))
    return rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0]


def _availability(schedule: str, rng: random.Random) -> tuple[Slot, ...]:
    """1-4 slots from the schedule's patterns, at most one per weekday, sorted."""
    patterns = _SCHEDULES[schedule]
    wanted = rng.choices((1, 2, 3, 4), weights=(3, 8, 6, 3))[0]
    slots: dict[int, Slot] = {}
    for attempt in range(12):
        if len(slots) >= wanted:
            break
        # The first slot comes from the main pattern, whose days are all still free.
        days, windows, _ = (
            patterns[0] if attempt == 0 else rng.choices(patterns, [p[2] for p in patterns])[0]
        )
        free = [day for day in days if day not in slots]
        if not free:
            continue
        day = rng.choice(free)
        start, end = rng.choice(windows)
        slots[day] = (day, start, end)
    return tuple(sorted(slots.values()))


def _share_a_language(plans: Sequence[_Plan]) -> None:
    """Give a mentee the language of the mentors if none of them speaks the mentee's."""
    speakers: dict[str, int] = {}
    for plan in plans:
        if plan.mentors:
            for lang in plan.languages:
                speakers[lang] = speakers.get(lang, 0) + 1
    if not speakers:
        return
    most_spoken = max(sorted(speakers), key=lambda lang: speakers[lang])
    for plan in plans:
        if not plan.wants_mentor:
            continue
        if not any(speakers.get(lang, 0) - plan.mentors > 0 for lang in plan.languages):
            plan.languages = (*plan.languages, most_spoken)


def _offer_index(plans: Sequence[_Plan]) -> dict[str, dict[str, int]]:
    """language -> cluster -> lowest seniority of a mentor offering it in that language."""
    index: dict[str, dict[str, int]] = {}
    for plan in plans:
        if not plan.mentors:
            continue
        for lang in plan.languages:
            by_cluster = index.setdefault(lang, {})
            for cluster in plan.offers:
                by_cluster[cluster] = min(by_cluster.get(cluster, 9), plan.seniority)
    return index


def _reachable(plan: _Plan, index: dict[str, dict[str, int]]) -> set[str]:
    """Clusters some other mentor sharing a language offers (younger, for reverse)."""
    found: set[str] = set()
    for lang in plan.languages:
        for cluster, youngest in index.get(lang, {}).items():
            if plan.kind != "reverse" or youngest < plan.seniority:
                found.add(cluster)
    # A peer never seeks what it offers, so its own offers cannot make a match.
    return found - set(plan.offers)


def _match_topics(plans: Sequence[_Plan], rng: random.Random) -> None:
    """Make most mentees findable and a few, on purpose, hard to place."""
    index = _offer_index(plans)
    niches = sorted(_NICHE)
    rng.shuffle(niches)
    stranded_done = False
    for plan in plans:
        if not plan.wants_mentor:
            continue
        if plan.kind == "hard":
            if not stranded_done and _strand(plan, index, rng):
                stranded_done = True
            else:
                plan.seeks = [niches.pop() if niches else rng.choice(sorted(_NICHE))]
            continue
        reachable = _reachable(plan, index)
        if not reachable or reachable & set(plan.seeks):
            continue
        track = _TRACKS[plan.track]
        fitting = [c for c in track.seeks if c in reachable] or sorted(reachable)
        swap = rng.choice(fitting)
        plan.seeks = [swap, *(c for c in plan.seeks[1:] if c != swap)]


def _strand(plan: _Plan, index: dict[str, dict[str, int]], rng: random.Random) -> bool:
    """Seek a topic that only mentors speaking another language offer, if one exists."""
    if not index.get(plan.language):
        return False
    plan.languages = (plan.language,)
    reachable = _reachable(plan, index)
    elsewhere = {c for clusters in index.values() for c in clusters} - reachable
    elsewhere -= set(plan.offers)
    if not elsewhere:
        return False
    # The topic must fit the person's job, or the case reads as noise instead of bad luck.
    fitting = [c for c in _TRACKS[plan.track].seeks if c in elsewhere]
    if fitting:
        plan.seeks = [rng.choice(fitting)]
        return True
    plan.seeks = [rng.choice(sorted(elsewhere))]
    jobs = [k for k, t in _TRACKS.items() if t.mentee_weight > 0 and plan.seeks[0] in t.seeks]
    if jobs:
        plan.track = rng.choice(jobs)
        plan.department = rng.choice(_TRACKS[plan.track].departments[plan.language])
    return True


# --- Rendering ----------------------------------------------------------------------------


def _render(plan: _Plan, rng: random.Random, taken: set[str]) -> DemoPerson:
    return DemoPerson(
        handle=_unique_handle(plan.display_name, taken),
        display_name=plan.display_name,
        language=plan.language,
        role=plan.role,
        topics_sought=_typed_topics(plan.seeks, plan.language, rng),
        topics_offered=_typed_topics(plan.offers, plan.language, rng),
        goals=_goals(plan, rng),
        languages=plan.languages,
        timezone=plan.timezone,
        availability=plan.availability,
        seniority=plan.seniority,
        department=plan.department,
        capacity=plan.capacity,
        reverse=plan.kind == "reverse",
    )


def _unique_handle(display_name: str, taken: set[str]) -> str:
    """"Marie-Ève N'Diaye" -> "marie.eve.ndiaye"; a repeat gets "2", "3", ..."""
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.lower().replace("'", "")
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_name).split()
    base = ".".join(words) or "person"
    handle, number = base, 1
    while handle in taken:
        number += 1
        handle = f"{base}{number}"
    taken.add(handle)
    return handle


def _typed_topics(keys: Sequence[str], language: str, rng: random.Random) -> str:
    """Join topics the way people type them: varied spelling, case and separators."""
    typed = [_typed_topic(key, language, rng) for key in keys]
    separator = rng.choices((", ", ",", " , "), weights=(8, 2, 1))[0]
    return separator.join(typed)


def _typed_topic(key: str, language: str, rng: random.Random) -> str:
    if key in _NICHE:
        return _NICHE[key][language][0]
    spelling = rng.choice(TOPIC_SPELLINGS[key][language])
    roll = rng.random()
    if roll < 0.15:
        return spelling[0].upper() + spelling[1:]
    # Lower case is how people type in a hurry, but "pm" or "icu nursing" would read as typos.
    has_acronym = any(len(word) > 1 and word.isupper() for word in spelling.split())
    if roll < 0.25 and not has_acronym:
        return spelling.lower()
    return spelling


def _goals(plan: _Plan, rng: random.Random) -> str:
    """1-3 sentences: a mentee's goals, or a mentor's background and offer."""
    lang = plan.language
    if plan.role == "mentor":
        parts = [
            rng.choice(_BACKGROUND[lang][plan.track]),
            _OFFER[lang][plan.offers[0]],
        ]
        if rng.random() < 0.4:
            parts.append(rng.choice(_MENTOR_CLOSERS[lang]))
    elif plan.role == "both":
        parts = [_OFFER[lang][plan.offers[0]]]
        if plan.seeks:
            parts.append(_seek_sentence(plan, plan.seeks[0], rng))
        if rng.random() < 0.3:
            parts.append(rng.choice(_MENTEE_CLOSERS[lang]))
    else:
        parts = [_seek_sentence(plan, plan.seeks[0], rng)] if plan.seeks else []
        if plan.kind == "reverse":
            parts = [rng.choice(_REVERSE[lang])]
        elif len(plan.seeks) > 1 and rng.random() < 0.4:
            parts.append(_seek_sentence(plan, plan.seeks[1], rng))
        closers = _YOUTH_CLOSERS if plan.kind == "youth" else _MENTEE_CLOSERS
        if len(parts) < 3 and (not parts or rng.random() < 0.6):
            parts.append(rng.choice(closers[lang]))
    return " ".join(parts)


def _seek_sentence(plan: _Plan, key: str, rng: random.Random) -> str:
    lang = plan.language
    if key in _NICHE:
        return _NICHE[key][lang][1]
    if plan.kind == "youth" and key in _YOUTH_SEEK[lang]:
        return rng.choice(_YOUTH_SEEK[lang][key])
    return rng.choice(_SEEK[lang][key])
