"""Coordinators' lists: `/admin unmatched`, `/admin requests`, `/admin pairs`, and
`/admin person @x` (one person as the coordinators see them).

Everything is read from the coordinator's own programme only: a name from another
programme is simply not found. Long lists stop at MAX_LINES with a count of the rest
(the export has everything).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.admin import staff_time
from bot.admin.admin import AdminRegistry, admin_action, close_to, named
from bot.admin.figures import HELD_SQL, LAST_HELD_SQL, name_sql
from bot.kernel import people
from bot.kernel.clock import from_iso
from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.ids import parse_number
from bot.kernel.people import Person
from bot.kernel.router import Router
from bot.onboarding.identities import find_people
from bot.onboarding.profile import profile_lines
from bot.store.db import Tx
from bot.text.figure_text import capped, counted, days, number
from bot.training import points

MAX_LINES = 30
A_PERSON = "admin.person.show"   # value: person id (one of several that matched a name)
END_REASONS = ("completed", "blocked", "moderation", "suspended", "coordinator",
               "ended_by_mentee", "ended_by_mentor")  # the last two: bot/mentoring/ending.py


async def find_named(ctx: Context, token: str, *, suggest: bool = True) -> Person | Reply:
    """`@mia`, `mia`, a Slack mention `<@U123|mia>`, a user id, a Slack or Telegram username
    or a name (case and accents ignored) — in the coordinator's own programme only; or the
    answer that says nobody, or several people, match."""
    return await named(ctx, token, suggest=suggest)


def _date(ctx: Context, iso: str) -> str:
    return staff_time.day(ctx, iso)


def labelled(name: str, handle: str | None) -> str:
    """"Niamh Gallagher (@niamh.gallagher)": the handle that /admin match and /admin end
    take, unless the name already is it ("Kim", @kim)."""
    if not handle or handle.casefold() == name.casefold():
        return name
    return f"{name} (@{handle})"


def _age(ctx: Context, iso: str) -> str:
    """How long ago: "3 hours" on the day itself (not "0 days"), then "2.5 days"."""
    hours = max(0.0, (ctx.now - from_iso(iso)).total_seconds() / 3600)
    if hours < 1:
        return ctx.t("roster.age.under_an_hour")
    if hours < 24:
        return ctx.t("roster.hours", count=int(hours), number=int(hours))
    return days(ctx, hours / 24)


# --- unmatched ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """An active mentee without an open relationship, and the requests they have out."""

    person_id: int
    name: str
    since: str                                  # joined, or their last relationship ended
    requests: tuple[tuple[str, str], ...]       # (mentor name, sent at), oldest first
    handle: str = ""


async def unmatched_mentees(tx: Tx, programme_id: int) -> list[Waiting]:
    """Active mentees with no active or paused relationship, the longest waiting first."""
    # One pass over the programme's matches (there is no index by mentee).
    rows = await tx.all(
        f"SELECT p.id, {name_sql('p')} AS name, p.handle,"
        " coalesce(p.onboarded_at, p.created_at) AS joined, x.last_ended FROM people p"
        " LEFT JOIN (SELECT mentee_id,"
        "  max(CASE WHEN status = 'ended' THEN ended_at END) AS last_ended,"
        "  max(status IN ('active', 'paused')) AS open FROM matches WHERE programme_id = :p"
        "  GROUP BY mentee_id) x ON x.mentee_id = p.id"
        " WHERE p.programme_id = :p AND p.status = 'active' AND p.role IN ('mentee', 'both')"
        " AND coalesce(x.open, 0) = 0", {"p": programme_id})
    pending: dict[int, list[tuple[str, str]]] = {}
    for row in await tx.all(
            f"SELECT r.mentee_id, r.created_at, {name_sql('o')} AS mentor FROM requests r"
            " JOIN people o ON o.id = r.mentor_id WHERE r.programme_id = ?"
            " AND r.status = 'pending' ORDER BY r.created_at, r.id", (programme_id,)):
        pending.setdefault(row["mentee_id"], []).append((row["mentor"], row["created_at"]))
    waiting = [Waiting(r["id"], r["name"], max(r["joined"], r["last_ended"] or ""),
                       tuple(pending.get(r["id"], ())), r["handle"] or "") for r in rows]
    return sorted(waiting, key=lambda w: (w.since, w.person_id))


async def cmd_unmatched(ctx: Context, args: str) -> list[Reply]:
    waiting = await unmatched_mentees(ctx.tx, ctx.person.programme_id)
    if not waiting:
        return [ctx.say("roster.unmatched.none")]
    lines = []
    for mentee in waiting:
        if mentee.requests:
            asked = ctx.join([ctx.t("roster.unmatched.request", mentor=mentor,
                                    age=_age(ctx, sent)) for mentor, sent in mentee.requests])
            status = ctx.t("roster.unmatched.pending", requests=asked)
        else:
            status = ctx.t("roster.unmatched.no_request")
        lines.append(ctx.t("roster.unmatched.line", name=labelled(mentee.name, mentee.handle),
                           waited=_age(ctx, mentee.since), status=status))
    title = counted(ctx, "roster.unmatched.title", len(waiting))
    hint = ctx.t("roster.unmatched.hint")
    return [ctx.reply("\n".join([title, *capped(ctx, lines, MAX_LINES), hint]))]


# --- requests ----------------------------------------------------------------------------------


async def cmd_requests(ctx: Context, args: str) -> list[Reply]:
    rows = await ctx.tx.all(
        f"SELECT r.created_at, r.expires_at, {name_sql('e')} AS mentee, {name_sql('o')} AS mentor,"
        " e.handle AS mentee_handle, o.handle AS mentor_handle FROM requests r"
        " JOIN people e ON e.id = r.mentee_id JOIN people o ON o.id = r.mentor_id"
        " WHERE r.programme_id = ? AND r.status = 'pending'"
        " ORDER BY r.created_at, r.id", (ctx.person.programme_id,))
    if not rows:
        return [ctx.say("roster.requests.none")]
    lines = [ctx.t("roster.requests.line", mentee=labelled(r["mentee"], r["mentee_handle"]),
                   mentor=labelled(r["mentor"], r["mentor_handle"]),
                   age=_age(ctx, r["created_at"]), expires=_date(ctx, r["expires_at"]))
             for r in rows]
    title = counted(ctx, "roster.requests.title", len(rows))
    return [ctx.reply("\n".join([title, *capped(ctx, lines, MAX_LINES)]))]


# --- pairs -------------------------------------------------------------------------------------

async def cmd_pairs(ctx: Context, args: str) -> list[Reply]:
    rows = await ctx.tx.all(
        f"SELECT m.status, m.started_at, {name_sql('e')} AS mentee, {name_sql('o')} AS mentor,"
        " e.handle AS mentee_handle, o.handle AS mentor_handle,"
        f" {HELD_SQL} AS held, {LAST_HELD_SQL} AS last_held, h.at_risk_since FROM matches m"
        " JOIN people e ON e.id = m.mentee_id JOIN people o ON o.id = m.mentor_id"
        " LEFT JOIN relationship_health h ON h.match_id = m.id"
        " WHERE m.programme_id = ? AND m.status IN ('active', 'paused')"
        " ORDER BY m.started_at, m.id", (ctx.person.programme_id,))
    if not rows:
        return [ctx.say("roster.pairs.none")]
    lines = []
    for row in rows:
        # "no meeting held yet" alone, not after "0 meetings held"
        held = counted(ctx, "insight.held", row["held"]) + " · " if row["held"] else ""
        last = ctx.t("roster.pairs.last", date=_date(ctx, row["last_held"])) \
            if row["last_held"] else ctx.t("roster.pairs.no_meeting")
        flags = [ctx.t("roster.pairs.paused")] if row["status"] == "paused" else []
        if row["at_risk_since"]:
            flags.append(ctx.t("roster.pairs.at_risk"))
        lines.append(ctx.t("roster.pairs.line_held", mentee=labelled(row["mentee"],
                                                                     row["mentee_handle"]),
                           mentor=labelled(row["mentor"], row["mentor_handle"]),
                           since=_date(ctx, row["started_at"]), held=held, last=last,
                           flags="".join(f" · {flag}" for flag in flags)))
    title = counted(ctx, "roster.pairs.title", len(rows))
    return [ctx.reply("\n".join([title, *capped(ctx, lines, MAX_LINES)]))]


# --- person ------------------------------------------------------------------------------------


async def cmd_person(ctx: Context, args: str) -> list[Reply]:
    typed = " ".join(args.split())
    if not typed:
        return [ctx.say("roster.person.usage")]
    # A name may mean reading every name of a large programme (~0.1-0.3 s at 100k people):
    # from a snapshot, once the audit row is committed, so nobody's event waits for it.
    return ctx.answer_from_snapshot(lambda snapshot: _person(replace(ctx, tx=snapshot), typed))


async def _person(ctx: Context, typed: str) -> list[Reply]:
    found = await find_people(ctx.tx, ctx.person.programme_id, typed)
    if not found:  # a typo ("@niamh.galager"): the closest names, one press away
        close = await close_to(ctx, typed)
        if not close:
            return [ctx.say("admin.no_person", name=typed[:40])]
        return [ctx.reply(ctx.t("roster.person.close", name=typed[:40]), _choices(close))]
    if len(found) > 1:  # "marie": which one?
        return [ctx.reply(ctx.t("roster.person.choose", name=typed[:40]), _choices(found))]
    return await _person_card(ctx, found[0])


def _choices(found: list[Person]) -> list[Button]:
    return [Button(f"{p.name} (@{p.handle})"[:75] if p.handle else p.name[:75], A_PERSON,
                   str(p.id)) for p in found]


async def press_person(ctx: Context, value: str) -> list[Reply]:
    person_id = parse_number(value)
    target = await people.get(ctx.tx, person_id) if person_id else None
    if target is None or target.programme_id != ctx.person.programme_id:
        return [ctx.say("common.unknown_button")]
    return await _person_card(ctx, target)


async def _person_card(ctx: Context, target: Person) -> list[Reply]:
    lines = [ctx.t("roster.person.title", name=target.name,
                   handle=f" (@{target.handle})" if target.handle else ""),
             ctx.t("roster.person.joined", joined=_date(ctx, target.created_at),
                   onboarded=_date(ctx, target.onboarded_at) if target.onboarded_at
                   else ctx.t("common.none"))]
    # The profile card of /profile, in the coordinator's language.
    view = replace(ctx, person=replace(target, language=ctx.lang))
    lines += profile_lines(view)
    lines += await _relationships(ctx, target)
    lines += await _requests_of(ctx, target)
    badges = await ctx.tx.value("SELECT count(*) FROM badges WHERE person_id = ?", (target.id,))
    done = await ctx.tx.value("SELECT count(*) FROM lesson_progress WHERE person_id = ?"
                              " AND status = 'done'", (target.id,))
    lines.append(ctx.t("roster.person.points",
                       points=number(await points.total(ctx.tx, target.id), ctx.lang, 0),
                       badges=number(badges, ctx.lang, 0), lessons=number(done, ctx.lang, 0)))
    return [ctx.reply("\n".join(lines))]


async def _relationships(ctx: Context, target: Person) -> list[str]:
    rows = await ctx.tx.all(
        f"SELECT m.*, {HELD_SQL} AS held, {name_sql('e')} AS mentee, {name_sql('o')} AS mentor"
        " FROM matches m JOIN people e ON e.id = m.mentee_id JOIN people o"
        " ON o.id = m.mentor_id WHERE m.mentee_id = ? OR m.mentor_id = ?"
        " ORDER BY m.started_at DESC, m.id DESC", (target.id, target.id))
    if not rows:
        return [ctx.t("roster.person.no_relationship")]
    lines = []
    for row in rows:
        as_mentee = row["mentee_id"] == target.id
        lines.append(ctx.t(
            "roster.person.as_mentee" if as_mentee else "roster.person.as_mentor",
            name=row["mentor"] if as_mentee else row["mentee"], state=_state(ctx, row),
            held=counted(ctx, "insight.held", row["held"])))
    return [ctx.t("roster.person.relationships"), *capped(ctx, lines, MAX_LINES)]


def _state(ctx: Context, match: Any) -> str:
    if match["status"] != "ended":
        key = "roster.person.paused" if match["status"] == "paused" else "roster.person.active"
        return ctx.t(key, since=_date(ctx, match["started_at"]))
    code, _, words = (match["end_reason"] or "").partition(":")
    reason = ctx.t(f"roster.end_reason.{code}") if code in END_REASONS else code
    if words.strip():
        reason = f"{reason} — {words.strip()}"
    ended = _date(ctx, match["ended_at"]) if match["ended_at"] else ctx.t("common.none")
    return ctx.t("roster.person.ended", ended=ended, reason=reason or ctx.t("common.none"))


async def _requests_of(ctx: Context, target: Person) -> list[str]:
    rows = await ctx.tx.all(
        f"SELECT r.mentee_id, r.created_at, {name_sql('e')} AS mentee, {name_sql('o')} AS mentor"
        " FROM requests r JOIN people e ON e.id = r.mentee_id JOIN people o"
        " ON o.id = r.mentor_id WHERE r.status = 'pending' AND (r.mentee_id = ?"
        " OR r.mentor_id = ?) ORDER BY r.created_at", (target.id, target.id))
    return [ctx.t("roster.person.request_out" if r["mentee_id"] == target.id
                  else "roster.person.request_in",
                  name=r["mentor"] if r["mentee_id"] == target.id else r["mentee"],
                  age=_age(ctx, r["created_at"])) for r in rows]


def register(router: Router, registry: AdminRegistry) -> None:
    from bot.admin import digest  # it reads the lists of this module: imported here

    digest.register(router, registry)
    registry.add("unmatched", cmd_unmatched, "coordinators.help.unmatched")
    registry.add("requests", cmd_requests, "coordinators.help.requests")
    registry.add("pairs", cmd_pairs, "coordinators.help.pairs")
    registry.add("person", cmd_person, "coordinators.help.person")
    admin_action(router, A_PERSON, press_person)
