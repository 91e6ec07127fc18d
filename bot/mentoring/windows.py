"""Cohorts with application windows, and the waiting list.

A programme may run its matching in cohorts: each has a window when applications are open,
and a matching date (`[[programmes.<code>.cohorts]]` in the config, or
`/admin cohort-window <name> opens=… closes=… matching=…` in chat). Dates are read in the
programme's `timezone`: a window opens at 00:00 of its first day, closes at the end of its
last day, and matching runs at 09:00 on its date (or at the times given).

- A mentee who completes their profile while a window is open is an applicant of it; outside
  one, they go on the waiting list and are told when the next window opens (if one is
  planned). When a window opens, everyone on the waiting list is told, with *Count me in*.
- At the matching date the cohort planner (bot/mentoring/cohorts.py) places the window's applicants;
  the pairs are introduced; whoever could not be placed goes back on the waiting list, first
  in line, and is told so. The coordinators get the figures.
- Without any window, nothing changes, except that a mentee for whom /find has no more
  suggestions may join the waiting list (the coordinators see it in `/admin waiting`).

Waiting and applying are rows of `cohort_applications`; in a programme with windows they
also hold the person back from /find (bot/mentoring/eligibility.py). Each window's two moments are
jobs in the outbox, keyed on the window and the moment: a window moved later schedules new
jobs, and an old job finds its moment changed and does nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.admin.admin import AdminRegistry
from bot.admin.export import ExportTable, register_table
from bot.kernel import people
from bot.kernel.alerts import alert_coordinators
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.config import ProgrammeSettings, parse_local_moment
from bot.kernel.context import Context, Services
from bot.kernel.dispatcher import schedule_job
from bot.kernel.domain_events import Matched, Started
from bot.kernel.events import Button, Reply
from bot.kernel.i18n import LANGUAGES
from bot.kernel.outbox import OutButton, Outgoing, enqueue
from bot.kernel.people import Person
from bot.kernel.roles import describe
from bot.kernel.router import Router, active_only
from bot.mentoring import eligibility
from bot.store.db import Tx
from bot.text.availability import format_clock
from bot.text.figure_text import capped, counted

A_APPLY = "windows.apply"            # value: window id
A_JOIN_WAITING = "waiting.join"      # no value
JOB_OPEN = "window_open"             # params: window_id, opens_at
JOB_MATCH = "window_match"           # params: window_id, matching_at
MAX_NAME = 60
MAX_LINES = 30
_KEYS = {"opens": "opens", "ouverture": "opens", "closes": "closes", "fermeture": "closes",
         "matching": "matching", "jumelage": "matching"}
# A value runs to the next key or the end ("jumelage=16 février 14h"), as a coordinator types it.
_SETTING = re.compile(r"\b(opens|closes|matching|ouverture|fermeture|jumelage)\s*=\s*"
                      r"(.+?)(?=\s+(?:opens|closes|matching|ouverture|fermeture|jumelage)\s*="
                      r"|\s+(?:cancel|annuler)\s*$|\s*$)", re.IGNORECASE)
_CANCEL = re.compile(r"\s+(cancel|annuler)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Window:
    id: int
    programme_id: int
    name: str
    opens_at: datetime
    closes_at: datetime
    matching_at: datetime
    source: str
    matched_at: str | None
    cancelled_at: str | None

    @classmethod
    def from_row(cls, row: Any) -> Window:
        return cls(row["id"], row["programme_id"], row["name"], from_iso(row["opens_at"]),
                   from_iso(row["closes_at"]), from_iso(row["matching_at"]), row["source"],
                   row["matched_at"], row["cancelled_at"])

    def state(self, now: datetime) -> str:
        if self.cancelled_at:
            return "cancelled"
        if self.matched_at:
            return "matched"
        if now < self.opens_at:
            return "planned"
        return "open" if now < self.closes_at else "closed"


def moment(settings: ProgrammeSettings, text: str, kind: str, lang: str = "",
           now: datetime | None = None) -> datetime | None:
    """A config or chat date, read in the programme's time zone, as UTC: "opens" at 00:00,
    "closes" at the end of the day, "matching" at 09:00, unless a time is given. Typed in
    chat (`now` given), it may also be written as people write dates ("1er février")."""
    parsed = parse_local_moment(text)
    if parsed is None and now is not None:
        from bot.admin.staff_dates import read_day

        parsed = read_day(text, lang, now.astimezone(ZoneInfo(settings.timezone)))
    if parsed is None:
        return None
    day, at = parsed
    zone = ZoneInfo(settings.timezone)
    if at is not None:
        local = datetime.combine(day, at, zone)
    elif kind == "closes":
        local = datetime.combine(day + timedelta(days=1), time(0), zone)
    else:
        local = datetime.combine(day, time(9) if kind == "matching" else time(0), zone)
    return local.astimezone(UTC)


# --- reading --------------------------------------------------------------------------------

async def get(tx: Tx, window_id: Any) -> Window | None:
    if not isinstance(window_id, int):
        return None
    row = await tx.one("SELECT * FROM cohort_windows WHERE id = ?", (window_id,))
    return Window.from_row(row) if row else None


async def windows_of(tx: Tx, programme_id: int) -> list[Window]:
    rows = await tx.all("SELECT * FROM cohort_windows WHERE programme_id = ?"
                        " ORDER BY opens_at, id", (programme_id,))
    return [Window.from_row(row) for row in rows]


async def open_window(tx: Tx, programme_id: int, now: datetime) -> Window | None:
    for window in await windows_of(tx, programme_id):
        if window.state(now) == "open":
            return window
    return None


async def next_window(tx: Tx, programme_id: int, now: datetime) -> Window | None:
    for window in await windows_of(tx, programme_id):
        if window.state(now) == "planned":
            return window
    return None


async def open_application(tx: Tx, person_id: int) -> Any:
    return await tx.one("SELECT * FROM cohort_applications WHERE person_id = ?"
                        " AND status IN ('waiting', 'applied')", (person_id,))


# --- words ------------------------------------------------------------------------------------

def _zone(services: Services, person: Person, staff: bool) -> ZoneInfo:
    """A participant reads a window's moments in their own time zone; a coordinator in the
    programme's, the one the dates were written in."""
    settings = eligibility.settings_of(services, person.programme_id)
    names = [settings.timezone if settings else ""]
    if not staff:
        names.insert(0, person.timezone)
    for name in names:
        try:
            return ZoneInfo(name) if name else ZoneInfo("UTC")
        except (KeyError, ValueError):
            continue
    return ZoneInfo("UTC")


def day(services: Services, person: Person, when: datetime, lang: str,
        staff: bool = False) -> str:
    """A window's date as the person reads it: "February 16, 2027" / "16 février 2027"."""
    local = when.astimezone(_zone(services, person, staff))
    text = format_date(local, format="long", locale=lang)
    if local.time() in (time(0), time(9)):
        return text
    return f"{text}, {format_clock(local.hour * 60 + local.minute, lang)}"  # "9 h 30"


def _last_day(services: Services, person: Person, window: Window, lang: str,
              staff: bool = False) -> str:
    """The last day applications are taken (a window closing at midnight ends the day before)."""
    closes = window.closes_at.astimezone(_zone(services, person, staff))
    if closes.time() == time(0):
        closes -= timedelta(minutes=1)
    return format_date(closes, format="long", locale=lang)


def _every_language(render: Any) -> dict[str, Any]:
    return {"lang": {lang: render(lang) for lang in LANGUAGES}}


def applied_reply(ctx: Context, window: Window) -> Reply:
    return ctx.say("windows.applied", name=window.name,
                   date=day(ctx.services, ctx.person, window.matching_at, ctx.lang))


async def waiting_reply(ctx: Context) -> Reply:
    upcoming = await next_window(ctx.tx, ctx.person.programme_id, ctx.now)
    if upcoming is None:
        return ctx.say("windows.waiting_none")
    return ctx.say("windows.waiting_next", name=upcoming.name,
                   date=day(ctx.services, ctx.person, upcoming.opens_at, ctx.lang))


async def hold_reply(ctx: Context) -> Reply | None:
    """Why /find waits for this mentee, when a window or the waiting list holds them."""
    holds = ctx.person.matching_hold.split()
    if "applied" in holds:
        row = await open_application(ctx.tx, ctx.person.id)
        window = await get(ctx.tx, row["window_id"]) if row else None
        if window is not None:
            return applied_reply(ctx, window)
    if "waiting" in holds or "applied" in holds:
        return await waiting_reply(ctx)
    return None


# --- joining, applying --------------------------------------------------------------------------

async def _add(tx: Tx, person: Person, status: str, reason: str, window_id: int | None,
               now: datetime) -> None:
    await tx.execute(
        "INSERT INTO cohort_applications (programme_id, person_id, window_id, status, reason,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (person.programme_id, person.id, window_id, status, reason, to_iso(now), to_iso(now)))


async def place(ctx: Context) -> list[Reply]:
    """A mentee who just completed their profile, in a programme with windows: an applicant
    of the open window, or on the waiting list. Returns what they are told."""
    if not ctx.person.is_mentee or not await eligibility.uses_windows(
            ctx.tx, ctx.person.programme_id):
        return []
    if await open_application(ctx.tx, ctx.person.id) is not None:
        return []
    window = await open_window(ctx.tx, ctx.person.programme_id, ctx.now)
    if window is not None:
        await _add(ctx.tx, ctx.person, "applied", "in_window", window.id, ctx.now)
        ctx.person = (await eligibility.refresh(ctx.tx, ctx.services, ctx.person)).person
        return [applied_reply(ctx, window)]
    await _add(ctx.tx, ctx.person, "waiting", "outside_window", None, ctx.now)
    ctx.person = (await eligibility.refresh(ctx.tx, ctx.services, ctx.person)).person
    return [await waiting_reply(ctx)]


async def press_apply(ctx: Context, value: str) -> list[Reply]:
    """*Count me in* from the "applications are open" message."""
    window = await get(ctx.tx, int(value) if value.isascii() and value.isdigit()
                       and len(value) < 12 else None)
    if window is None or window.programme_id != ctx.person.programme_id:
        return [ctx.say("common.unknown_button")]
    if not ctx.person.is_mentee:
        return [ctx.say("find.not_mentee")]
    if window.state(ctx.now) != "open":
        return [ctx.say("windows.not_open", name=window.name), await waiting_reply(ctx)]
    row = await open_application(ctx.tx, ctx.person.id)
    if row is not None and row["status"] == "applied":
        current = await get(ctx.tx, row["window_id"])
        return [applied_reply(ctx, current or window)]
    if await _has_mentor(ctx.tx, ctx.person.id):
        return [ctx.say("windows.has_mentor")]
    if row is not None:
        await ctx.tx.execute("UPDATE cohort_applications SET status = 'applied', window_id = ?,"
                             " updated_at = ? WHERE id = ?", (window.id, to_iso(ctx.now),
                                                              row["id"]))
    else:
        await _add(ctx.tx, ctx.person, "applied", "in_window", window.id, ctx.now)
    ctx.person = (await eligibility.refresh(ctx.tx, ctx.services, ctx.person)).person
    return [applied_reply(ctx, window)]


async def _has_mentor(tx: Tx, mentee_id: int) -> bool:
    return await tx.value("SELECT 1 FROM matches WHERE mentee_id = ?"
                          " AND status IN ('active', 'paused') LIMIT 1", (mentee_id,)) is not None


def exhausted(ctx: Context, key: str) -> Reply:
    """/find has nothing (more) to suggest: the same words, and *Join the waiting list*."""
    return ctx.reply(ctx.t(key) + "\n" + ctx.t("waiting.offer"),
                     [Button(ctx.t("waiting.join"), A_JOIN_WAITING, "")])


async def press_join_waiting(ctx: Context, value: str) -> list[Reply]:
    if not ctx.person.is_mentee:
        return [ctx.say("find.not_mentee")]
    if await _has_mentor(ctx.tx, ctx.person.id):
        return [ctx.say("windows.has_mentor")]
    row = await open_application(ctx.tx, ctx.person.id)
    if row is not None:
        since = format_date(from_iso(row["created_at"]), format="long", locale=ctx.lang)
        return [ctx.say("waiting.already", date=since)]
    # The button's value says why /find had nobody: "floor" when mentors were there but
    # none fitted well enough (bot/mentoring/mentoring.py); anything else is the plain case.
    reason = "below_floor" if value == "floor" else "no_more_suggestions"
    await _add(ctx.tx, ctx.person, "waiting", reason, None, ctx.now)
    ctx.person = (await eligibility.refresh(ctx.tx, ctx.services, ctx.person)).person
    if await eligibility.uses_windows(ctx.tx, ctx.person.programme_id):
        return [await waiting_reply(ctx)]
    return [ctx.say("waiting.joined")]


async def on_matched(tx: Tx, services: Services, event: Matched) -> None:
    """A mentee matched by any means leaves the waiting list (or their window)."""
    mentee_id = event.mentee_id
    changed = await tx.execute(
        "UPDATE cohort_applications SET status = 'matched', updated_at = ? WHERE person_id = ?"
        " AND status IN ('waiting', 'applied')", (to_iso(services.clock.now()), mentee_id))
    if changed:
        await eligibility.refresh_id(tx, services, mentee_id)


# --- the two moments of a window ----------------------------------------------------------------

async def schedule(tx: Tx, window: Window) -> None:
    opens = to_iso(window.opens_at)
    await schedule_job(tx, JOB_OPEN, {"window_id": window.id, "opens_at": opens},
                       due_at=window.opens_at, key=f"window:{window.id}:open:{opens}")
    await schedule_job(tx, JOB_MATCH, {"window_id": window.id,
                                       "matching_at": to_iso(window.matching_at)},
                       due_at=window.matching_at,
                       key=f"window:{window.id}:match:{to_iso(window.matching_at)}")


async def job_open(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    """Applications open: everyone on the waiting list is told, with *Count me in*."""
    window = await get(tx, params.get("window_id"))
    if window is None or window.cancelled_at or window.matched_at \
            or to_iso(window.opens_at) != params.get("opens_at"):
        return  # cancelled, or moved: another job has the new moment
    rows = await tx.all(
        "SELECT p.* FROM cohort_applications a JOIN people p ON p.id = a.person_id"
        " WHERE a.programme_id = ? AND a.status = 'waiting' AND p.status = 'active'"
        " ORDER BY a.created_at, a.id", (window.programme_id,))
    now = services.clock.now()
    for row in rows:
        person = Person.from_row(row)
        await enqueue(tx, person.id, Outgoing(key="windows.opened", params={
            "name": window.name,
            "closes": _every_language(lambda lang, p=person: _last_day(services, p, window, lang)),
            "date": _every_language(lambda lang, p=person: day(services, p, window.matching_at,
                                                               lang)),
        }, buttons=(OutButton("windows.apply", A_APPLY, str(window.id)),)),
            due_at=now, key=f"window:{window.id}:opened:{to_iso(window.opens_at)}:{person.id}")
    await alert_coordinators(tx, services, window.programme_id, Outgoing(
        key="windows.opened_report", params={"name": window.name, "count": len(rows)}),
        key=f"window:{window.id}:opened-report:{to_iso(window.opens_at)}", now=now)


async def job_match(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    """The matching date: the window's applicants are placed by the cohort planner; those it
    cannot place go back on the waiting list, first in line, and are told."""
    from bot.mentoring.cohorts import (  # the planner needs bot.mentoring.mentoring
        apply_plan,
        plan_cohort,
    )

    window = await get(tx, params.get("window_id"))
    if window is None or window.cancelled_at or window.matched_at \
            or to_iso(window.matching_at) != params.get("matching_at"):
        return
    now = services.clock.now()
    applicants = [row[0] for row in await tx.all(
        "SELECT person_id FROM cohort_applications WHERE window_id = ? AND status = 'applied'",
        (window.id,))]
    created = 0
    if applicants:
        plan = await plan_cohort(tx, services, window.programme_id, mentee_ids=set(applicants),
                                 ignore=frozenset({"applied"}))
        settings = eligibility.settings_of(services, window.programme_id)
        months = settings.relationship_months if settings else 6
        created = await apply_plan(tx, services, plan, now, months)
    left = await tx.all("SELECT * FROM cohort_applications WHERE window_id = ?"
                        " AND status = 'applied' ORDER BY created_at, id", (window.id,))
    upcoming = await next_window(tx, window.programme_id, now)
    for row in left:
        await tx.execute("UPDATE cohort_applications SET status = 'unmatched', updated_at = ?"
                         " WHERE id = ?", (to_iso(now), row["id"]))
        person = await people.get(tx, row["person_id"])
        if person is None:
            continue
        # Back on the list dated from their application: first in line for the next window.
        await tx.execute(
            "INSERT INTO cohort_applications (programme_id, person_id, window_id, status,"
            " reason, created_at, updated_at) VALUES (?, ?, ?, 'waiting', 'unmatched', ?, ?)",
            (person.programme_id, person.id, window.id, row["created_at"], to_iso(now)))
        await eligibility.refresh(tx, services, person)
        params: dict[str, Any] = {"name": window.name}
        if upcoming is not None:
            params["next"] = {"key": "windows.next_opens", "params": {
                "name": upcoming.name,
                "date": _every_language(lambda lang, p=person: day(services, p, upcoming.opens_at,
                                                                   lang))}}
        else:
            params["next"] = {"key": "windows.next_unknown"}
        await enqueue(tx, person.id, Outgoing(key="windows.unmatched", params=params),
                      due_at=now, key=f"window:{window.id}:unmatched:{person.id}")
    await tx.execute("UPDATE cohort_windows SET matched_at = ?, updated_at = ? WHERE id = ?",
                     (to_iso(now), to_iso(now), window.id))
    await alert_coordinators(tx, services, window.programme_id, Outgoing(
        key="windows.matched_report", params={"name": window.name, "count": created,
                                              "waiting": len(left)}),
        key=f"window:{window.id}:matched-report", now=now)


# --- the config's windows ------------------------------------------------------------------------

async def on_started(tx: Tx, services: Services, event: Started) -> None:
    """The config's cohorts become windows (created, or moved when their dates changed)."""
    now = to_iso(services.clock.now())
    for code, programme_id in services.programme_ids.items():
        settings = services.config.programmes[code]
        for cohort in settings.cohorts:
            opens, closes, matching = (moment(settings, getattr(cohort, kind), kind)
                                       for kind in ("opens", "closes", "matching"))
            if opens is None or closes is None or matching is None:
                continue  # refused by the config check already
            row = await tx.one("SELECT * FROM cohort_windows WHERE programme_id = ? AND name = ?",
                               (programme_id, cohort.name))
            values = (to_iso(opens), to_iso(closes), to_iso(matching))
            if row is None:
                await tx.execute(
                    "INSERT INTO cohort_windows (programme_id, name, opens_at, closes_at,"
                    " matching_at, source, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, 'config', ?, ?)",
                    (programme_id, cohort.name, *values, now, now))
            elif (row["opens_at"], row["closes_at"], row["matching_at"]) != values \
                    and row["matched_at"] is None:
                await tx.execute("UPDATE cohort_windows SET opens_at = ?, closes_at = ?,"
                                 " matching_at = ?, source = 'config', updated_at = ?"
                                 " WHERE id = ?", (*values, now, row["id"]))
            else:
                continue
            window = await get(tx, await tx.value(
                "SELECT id FROM cohort_windows WHERE programme_id = ? AND name = ?",
                (programme_id, cohort.name)))
            if window is not None:
                await schedule(tx, window)


# --- coordinators -------------------------------------------------------------------------------

def _settings(ctx: Context) -> ProgrammeSettings:
    settings = eligibility.settings_of(ctx.services, ctx.person.programme_id)
    assert settings is not None  # a coordinator's programme is configured
    return settings


def _window_line(ctx: Context, window: Window, applicants: int) -> str:
    return ctx.t("windows.admin.line", name=window.name,
                 opens=day(ctx.services, ctx.person, window.opens_at, ctx.lang, staff=True),
                 closes=_last_day(ctx.services, ctx.person, window, ctx.lang, staff=True),
                 matching=day(ctx.services, ctx.person, window.matching_at, ctx.lang,
                              staff=True),
                 state=ctx.t(f"windows.state.{window.state(ctx.now)}"),
                 applicants=counted(ctx, "windows.admin.applicants", applicants))


async def _applicants(tx: Tx, window_id: int) -> int:
    return await tx.value("SELECT count(*) FROM cohort_applications WHERE window_id = ?"
                          " AND status IN ('applied', 'matched', 'unmatched')", (window_id,))


async def cmd_window(ctx: Context, args: str) -> list[Reply]:
    """`/admin cohort-window` lists; `… <name> opens=… closes=… matching=…` creates or moves;
    `… <name> cancel` cancels."""
    if not args.strip():
        windows = await windows_of(ctx.tx, ctx.person.programme_id)
        if not windows:
            return [ctx.say("windows.admin.none")]
        lines = [ctx.t("windows.admin.title")]
        for window in windows:
            lines.append(_window_line(ctx, window, await _applicants(ctx.tx, window.id)))
        return [ctx.reply("\n".join([*lines, "", ctx.t("windows.admin.usage")]))]
    cancel = _CANCEL.search(args)
    settings = {_KEYS[key.lower()]: value for key, value in _SETTING.findall(args)}
    name = _SETTING.sub("", _CANCEL.sub("", args)).strip().strip('"«» ')
    if not name or len(name) > MAX_NAME or "=" in name:
        return [ctx.say("windows.admin.usage")]
    row = await ctx.tx.one("SELECT * FROM cohort_windows WHERE programme_id = ? AND name = ?",
                           (ctx.person.programme_id, name))
    window = Window.from_row(row) if row else None
    if window is not None and window.source == "config":
        return [ctx.say("windows.admin.from_config", name=name)]
    if window is not None and window.state(ctx.now) in ("matched", "cancelled"):
        return [ctx.say("windows.admin.finished", name=name)]
    if cancel:
        if window is None:
            return [ctx.say("windows.admin.unknown", name=name)]
        return await _cancel(ctx, window)
    return await _save(ctx, name, window, settings)


async def _save(ctx: Context, name: str, window: Window | None,
                given: dict[str, str]) -> list[Reply]:
    settings = _settings(ctx)
    moments: dict[str, datetime] = {}
    for kind in ("opens", "closes", "matching"):
        if kind in given:
            parsed = moment(settings, given[kind], kind, ctx.lang, ctx.now)
            if parsed is None:
                return [ctx.say("windows.admin.bad_date", value=given[kind][:20])]
            moments[kind] = parsed
        elif window is not None:
            moments[kind] = getattr(window, f"{kind}_at")
        else:
            return [ctx.say("windows.admin.usage")]
    if not moments["opens"] < moments["closes"] <= moments["matching"]:
        return [ctx.say("windows.admin.order")]
    if moments["closes"] <= ctx.now:
        return [ctx.say("windows.admin.past")]
    values = (to_iso(moments["opens"]), to_iso(moments["closes"]), to_iso(moments["matching"]))
    if window is None:
        window_id = await ctx.tx.insert(
            "INSERT INTO cohort_windows (programme_id, name, opens_at, closes_at, matching_at,"
            " source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'chat', ?, ?)",
            (ctx.person.programme_id, name, *values, to_iso(ctx.now), to_iso(ctx.now)))
    else:
        window_id = window.id
        await ctx.tx.execute("UPDATE cohort_windows SET opens_at = ?, closes_at = ?,"
                             " matching_at = ?, updated_at = ? WHERE id = ?",
                             (*values, to_iso(ctx.now), window_id))
    saved = await get(ctx.tx, window_id)
    assert saved is not None
    await schedule(ctx.tx, saved)
    await describe(ctx, details=f"cohort window {name}: {' '.join(values)}")
    await _refresh_waiting(ctx)
    waiting = await ctx.tx.value("SELECT count(*) FROM cohort_applications WHERE"
                                 " programme_id = ? AND status = 'waiting'",
                                 (ctx.person.programme_id,))
    return [ctx.reply(ctx.t("windows.admin.saved") + "\n"
                      + _window_line(ctx, saved, await _applicants(ctx.tx, window_id)) + "\n"
                      + counted(ctx, "windows.admin.will_tell", waiting))]


async def _refresh_waiting(ctx: Context) -> None:
    """Windows appearing or going: the waiting list starts or stops holding people back."""
    for row in await ctx.tx.all("SELECT person_id FROM cohort_applications WHERE"
                                " programme_id = ? AND status IN ('waiting', 'applied')",
                                (ctx.person.programme_id,)):
        await eligibility.refresh_id(ctx.tx, ctx.services, row[0])


async def _cancel(ctx: Context, window: Window) -> list[Reply]:
    await ctx.tx.execute("UPDATE cohort_windows SET cancelled_at = ?, updated_at = ?"
                         " WHERE id = ?", (to_iso(ctx.now), to_iso(ctx.now), window.id))
    rows = await ctx.tx.all("SELECT * FROM cohort_applications WHERE window_id = ?"
                            " AND status = 'applied'", (window.id,))
    for row in rows:  # applicants go back on the waiting list, and are told
        await ctx.tx.execute("UPDATE cohort_applications SET status = 'waiting',"
                             " reason = 'cancelled', updated_at = ? WHERE id = ?",
                             (to_iso(ctx.now), row["id"]))
        await ctx.notify(row["person_id"], Outgoing(key="windows.cancelled",
                                                    params={"name": window.name}),
                         key=f"window:{window.id}:cancelled:{row['person_id']}")
    await describe(ctx, details=f"cohort window {window.name}: cancelled")
    await _refresh_waiting(ctx)
    if not rows:  # "its applicant is back on the list and was told" would be untrue
        return [ctx.say("windows.admin.cancelled_empty", name=window.name)]
    return [ctx.say("windows.admin.cancelled", name=window.name, count=len(rows))]


async def cmd_waiting(ctx: Context, args: str) -> list[Reply]:
    rows = await ctx.tx.all(
        "SELECT a.*, p.display_name, p.handle FROM cohort_applications a"
        " JOIN people p ON p.id = a.person_id WHERE a.programme_id = ? AND a.status = 'waiting'"
        " ORDER BY a.created_at, a.id", (ctx.person.programme_id,))
    lines = []
    for row in rows:
        name = row["display_name"] or row["handle"] or f"#{row['person_id']}"
        since = format_date(from_iso(row["created_at"]), format="medium", locale=ctx.lang)
        lines.append(ctx.t("waiting.admin.line", name=name, since=since,
                           reason=ctx.t(f"waiting.reason.{row['reason']}")))
    parts = [counted(ctx, "waiting.admin.title", len(rows)) if rows
             else ctx.t("waiting.admin.none"), *capped(ctx, lines, MAX_LINES)]
    window = await open_window(ctx.tx, ctx.person.programme_id, ctx.now)
    if window is not None:
        parts += ["", _window_line(ctx, window, await _applicants(ctx.tx, window.id))]
    return [ctx.reply("\n".join(parts))]


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("cohort-window", cmd_window, "windows.help.window")
    registry.add("waiting", cmd_waiting, "waiting.help.waiting")
    router.action(A_APPLY, active_only(press_apply))
    router.action(A_JOIN_WAITING, active_only(press_join_waiting))
    router.job(JOB_OPEN, job_open)
    router.job(JOB_MATCH, job_match)
    router.hooks.on(Started, on_started)
    router.hooks.on(Matched, on_matched)

    register_table(ExportTable(
        "cohort_windows",
        "SELECT w.id, pr.code AS programme, w.name, w.opens_at, w.closes_at, w.matching_at,"
        " w.source, w.matched_at, w.cancelled_at FROM cohort_windows w"
        " JOIN programmes pr ON pr.id = w.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY w.opens_at, w.id"))
    register_table(ExportTable(
        "cohort_applications",
        "SELECT a.id, pr.code AS programme, a.person_id, a.window_id, a.status, a.reason,"
        " a.created_at, a.updated_at FROM cohort_applications a"
        " JOIN programmes pr ON pr.id = a.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY a.id"))
