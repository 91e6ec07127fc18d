"""Who may take part in matching now: the one rule, and the holds it reads.

A programme may ask for things before someone is matched: a coordinator's approval of a new
mentor (`mentor_approval`), lessons read first (`required_lessons`), the code of conduct
(`code_of_conduct`: its current version accepted; a "no", no answer, or an answer to an
older version holds), and, when it runs cohorts with application windows,
an application in a window (newcomers outside one wait on the waiting list; applicants wait
for the matching date). What still holds a person back is kept on their row,
`people.matching_hold`, as space-separated reasons, so that the matching index and the
cohort planner decide from the row they already read (`eligible`).

A hold is recomputed from the tables that decide it (`refresh`) whenever one of them
changes; the matching index hears of it through `matching_changes` (a hold is not the
person's activity, so `updated_at` is left alone). At start-up, a programme whose settings
changed since the last start has every hold recomputed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from typing import Any

from bot.kernel import people
from bot.kernel.alerts import programme_code
from bot.kernel.config import ProgrammeSettings
from bot.kernel.context import Services
from bot.kernel.domain_events import LessonCompleted, Started
from bot.kernel.outbox import Outgoing, enqueue
from bot.kernel.people import Person
from bot.store.db import Tx
from bot.store.state import get_meta, set_meta

log = logging.getLogger(__name__)

# Which side of matching each hold concerns; the others concern both.
MENTOR_ONLY = frozenset({"approval", "declined"})
MENTEE_ONLY = frozenset({"waiting", "applied"})
SETTINGS_KEY = "operations"  # meta "operations:<id>": the settings the holds were computed with


def eligible(person: Person, side: str, ignore: frozenset[str] = frozenset()) -> bool:
    """May `person` take part in matching as a "mentor" or a "mentee" now? Active, and no
    hold on that side (`ignore`: holds that do not count here, e.g. "applied" when the
    window's own matching runs)."""
    if not person.active:
        return False
    holds = set(person.matching_hold.split()) - ignore
    other_side = MENTEE_ONLY if side == "mentor" else MENTOR_ONLY
    return not holds - other_side


def settings_of(services: Services, programme_id: int) -> ProgrammeSettings | None:
    return services.config.programmes.get(programme_code(services, programme_id))


# --- what holds a person ---------------------------------------------------------------------

async def missing_lessons(tx: Tx, services: Services, person: Person) -> list[str]:
    """The programme's required lessons this person has not read yet, in the config's order
    (a lesson counts once its reader pressed *Read* or *Done*)."""
    settings = settings_of(services, person.programme_id)
    if settings is None or not settings.required_lessons:
        return []
    done = {row[0] for row in await tx.all(
        "SELECT lesson_id FROM lesson_progress WHERE person_id = ? AND status IN ('read', 'done')",
        (person.id,))}
    return [lesson for lesson in settings.required_lessons if lesson not in done]


async def uses_windows(tx: Tx, programme_id: int) -> bool:
    """Does the programme run cohorts with application windows?"""
    return await tx.value("SELECT 1 FROM cohort_windows WHERE programme_id = ?"
                          " AND cancelled_at IS NULL LIMIT 1", (programme_id,)) is not None


def conduct_version(services: Services, programme_id: int) -> str | None:
    """The version of the programme's code of conduct now (the files are read again when
    they change), or None when it has none (or its files cannot be read)."""
    from bot.admin.conduct import document  # it imports this module

    doc = document(services, programme_id)
    return doc.version if doc is not None else None


def accepted(answer: Any, version: str | None) -> bool:
    """Does the person's latest answer (decision, version) accept this version of the code?
    With no code, nothing is to be accepted."""
    return version is None or (answer is not None and answer[0] == "accepted"
                               and answer[1] == version)


def _holds(settings: ProgrammeSettings, person: Person, approval: str | None,
           missing: bool, conduct_ok: bool, application: str | None,
           windows: bool) -> set[str]:
    """The rule, on what the tables say about one person."""
    holds: set[str] = set()
    if settings.mentor_approval and person.is_mentor:
        if approval == "declined":
            holds.add("declined")
        elif approval != "approved":
            holds.add("approval")
    if missing:
        holds.add("lessons")
    if settings.code_of_conduct and not conduct_ok:  # declined, or not this version yet
        holds.add("conduct")
    if person.is_mentee and application and windows:
        holds.add(application)
    return holds


async def holds_for(tx: Tx, services: Services, person: Person) -> set[str]:
    settings = settings_of(services, person.programme_id)
    if settings is None:
        return set()
    approval = await tx.value("SELECT status FROM mentor_approvals WHERE person_id = ?",
                              (person.id,))
    answer = await tx.one("SELECT decision, version FROM conduct_answers WHERE person_id = ?"
                          " ORDER BY id DESC LIMIT 1", (person.id,))
    conduct_ok = accepted(answer, conduct_version(services, person.programme_id))
    application = await tx.value("SELECT status FROM cohort_applications WHERE person_id = ?"
                                 " AND status IN ('waiting', 'applied')", (person.id,))
    return _holds(settings, person, approval, bool(await missing_lessons(tx, services, person)),
                  conduct_ok, application, await uses_windows(tx, person.programme_id))


@dataclass(frozen=True)
class Refreshed:
    person: Person
    before: frozenset[str]
    after: frozenset[str]


async def refresh(tx: Tx, services: Services, person: Person) -> Refreshed:
    """Recompute the person's holds and store them if they changed."""
    after = frozenset(await holds_for(tx, services, person))
    before = frozenset(person.matching_hold.split())
    if after != before:
        await _store(tx, person, " ".join(sorted(after)))
        person = replace(person, matching_hold=" ".join(sorted(after)))
    return Refreshed(person, before, after)


async def refresh_id(tx: Tx, services: Services, person_id: int) -> Refreshed | None:
    person = await people.get(tx, person_id)
    return await refresh(tx, services, person) if person is not None else None


async def _store(tx: Tx, person: Person, holds: str) -> None:
    await tx.execute("UPDATE people SET matching_hold = ? WHERE id = ?", (holds, person.id))
    # The matching index re-reads this person at its next query (bot/store/matching_changes.py).
    await tx.execute("INSERT INTO matching_changes (programme_id, people_row) VALUES (?, ?)",
                     (person.programme_id, person.id))


async def tell_ready(tx: Tx, services: Services, person: Person, *, key: str) -> None:
    """Tell a person who has done what the programme asked that matching is open to them
    (once per `key`)."""
    if person.active:
        await enqueue(tx, person.id, Outgoing(key=f"eligibility.ready_{person.role or 'mentee'}"),
                      due_at=services.clock.now(), key=key)


# --- start-up ----------------------------------------------------------------------------------

def _fingerprint(settings: ProgrammeSettings, windows: bool, conduct: str | None) -> str:
    # The code's version, not only whether there is one: a new version holds everyone who
    # has not accepted it yet.
    return json.dumps({"approval": settings.mentor_approval, "conduct": conduct or "",
                       "lessons": list(settings.required_lessons), "windows": windows})


async def refresh_programme(tx: Tx, services: Services, programme_id: int) -> int:
    """Recompute every hold of a programme from a few whole-programme reads (a start-up
    after its settings changed); returns how many changed."""
    settings = settings_of(services, programme_id)
    if settings is None:
        return 0
    approvals = {r[0]: r[1] for r in await tx.all(
        "SELECT person_id, status FROM mentor_approvals WHERE programme_id = ?",
        (programme_id,))}
    answers: dict[int, tuple[str, str]] = {}
    for row in await tx.all("SELECT person_id, decision, version FROM conduct_answers"
                            " WHERE programme_id = ? ORDER BY id", (programme_id,)):
        answers[row[0]] = (row[1], row[2])  # the latest answer counts
    version = conduct_version(services, programme_id)
    applications = {r[0]: r[1] for r in await tx.all(
        "SELECT person_id, status FROM cohort_applications WHERE programme_id = ?"
        " AND status IN ('waiting', 'applied')", (programme_id,))}
    read: dict[int, set[str]] = {}
    if settings.required_lessons:
        for row in await tx.all(
                "SELECT lp.person_id, lp.lesson_id FROM lesson_progress lp"
                " JOIN people p ON p.id = lp.person_id WHERE p.programme_id = ?"
                " AND lp.status IN ('read', 'done')", (programme_id,)):
            read.setdefault(row[0], set()).add(row[1])
    windows = await uses_windows(tx, programme_id)
    required = set(settings.required_lessons)
    changed = 0
    for row in await tx.all("SELECT id, programme_id, role, matching_hold FROM people"
                            " WHERE programme_id = ?", (programme_id,)):
        person = Person(row["id"], row["programme_id"], "", "", "en", "active", None,
                        row["role"], matching_hold=row["matching_hold"])
        holds = " ".join(sorted(_holds(
            settings, person, approvals.get(person.id), bool(required - read.get(person.id,
                                                                                 set())),
            accepted(answers.get(person.id), version), applications.get(person.id),
            windows)))
        if holds != person.matching_hold:
            await _store(tx, person, holds)
            changed += 1
    return changed


async def settle(tx: Tx, services: Services, programme_id: int) -> bool:
    """Recompute every hold of the programme if its operations settings (or its code of
    conduct's version) changed since they were last computed; True when it did."""
    settings = settings_of(services, programme_id)
    if settings is None:
        return False
    fingerprint = _fingerprint(settings, await uses_windows(tx, programme_id),
                               conduct_version(services, programme_id))
    key = f"{SETTINGS_KEY}:{programme_id}"
    if await get_meta(tx, key) == fingerprint:
        return False
    changed = await refresh_programme(tx, services, programme_id)
    await set_meta(tx, key, fingerprint)
    log.info("eligibility.refreshed", extra={"programme": programme_id, "changed": changed})
    return True


async def on_started(tx: Tx, services: Services, event: Started) -> None:
    """A programme whose operations settings changed since the last start (or that has
    windows now and had none, or a new version of its code of conduct) gets every hold
    recomputed; otherwise nothing is read."""
    for programme_id in services.programme_ids.values():
        await settle(tx, services, programme_id)


async def on_lesson_completed(tx: Tx, services: Services, event: LessonCompleted) -> None:
    """A required lesson read: the "lessons" hold may lift; the person is told if that was
    the last thing they waited for."""
    lesson_id = event.lesson_id
    person = await people.get(tx, event.person_id)
    settings = settings_of(services, person.programme_id) if person else None
    if person is None or settings is None or lesson_id not in settings.required_lessons:
        return
    refreshed = await refresh(tx, services, person)
    if not refreshed.after and not await missing_lessons(tx, services, refreshed.person):
        await tell_ready(tx, services, refreshed.person,
                         key=f"eligibility:{person.id}:lessons:{lesson_id}")


def register(router: Any, registry: Any) -> None:
    # Registered after bot.admin.conduct, bot.admin.approval and bot.mentoring.windows
    # (bot/kernel/app.py FEATURES): their
    # Started handlers settle approvals and windows first, then the holds are recomputed.
    router.hooks.on(Started, on_started)
    router.hooks.on(LessonCompleted, on_lesson_completed)

