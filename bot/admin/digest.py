"""The coordinators' Monday note: what needs them, once a week, without being asked.

Reports, new mentors and answers that disagree alert the coordinators as they happen
(bot/kernel/alerts.py). What slowly piles up did not: mentees waiting for weeks, requests that
expired with no answer, relationships gone quiet — a coordinator saw them only by typing
`/admin stats`. With `/admin digest on`, every Monday at 09:00 in the programme's time zone
(`timezone`), each coordinator gets one message, in their language, with what needs them and
the command that shows it; a week where nothing does sends nothing. `/admin digest now` shows
it at once; `/admin digest off` stops it. (Off until a coordinator turns it on: the bot writes
to staff unasked only about what they chose.)

The job runs through the outbox like any scheduled change (one row per programme and Monday,
idempotent: a restart or a second process neither loses nor repeats it).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.admin import staff_time
from bot.admin.admin_people import unmatched_mentees
from bot.kernel.alerts import alert_coordinators, programme_code
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.dispatcher import render, schedule_job
from bot.kernel.domain_events import Started
from bot.kernel.events import Reply
from bot.kernel.i18n import LANGUAGES, Catalogue
from bot.kernel.outbox import Outgoing
from bot.kernel.roles import describe
from bot.store.db import Tx

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry
    from bot.kernel.context import Context, Services
    from bot.kernel.router import Router

JOB = "coordinator_digest"
SETTING = "digest"               # programme_settings: "on" when the coordinators want it
_ON = frozenset({"on", "oui", "yes", "activer", "start"})
_OFF = frozenset({"off", "non", "no", "desactiver", "désactiver", "stop"})
_NOW = frozenset({"now", "maintenant", "preview", "apercu", "aperçu"})
WEEK = timedelta(days=7)
LONG_WAIT = timedelta(days=7)   # a mentee waiting longer than this is worth a look
RUN_AT = time(9)                # Monday, in the programme's time zone


def next_monday(now: datetime, zone_name: str) -> datetime:
    """The next Monday 09:00 (programme time) after `now`, as UTC."""
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=(7 - local.weekday()) % 7)
    run = datetime.combine(day, RUN_AT, zone)
    if run <= now:
        run = datetime.combine(day + timedelta(days=7), RUN_AT, zone)
    return run.astimezone(now.tzinfo)


async def schedule(tx: Tx, services: Services, programme_id: int, now: datetime) -> None:
    settings = services.config.programmes.get(programme_code(services, programme_id))
    run = next_monday(now, getattr(settings, "timezone", "UTC"))
    await schedule_job(tx, JOB, {"programme_id": programme_id}, due_at=run,
                       key=f"digest:{programme_id}:{run.date().isoformat()}")


async def figures(tx: Tx, programme_id: int, now: datetime) -> dict[str, int]:
    """What needs the coordinators now, counted (each a line of the note when not zero)."""
    since = to_iso(now - WEEK)
    waiting = [w for w in await unmatched_mentees(tx, programme_id)
               if w.since and from_iso(w.since) <= now - LONG_WAIT]
    return {
        "reports": await tx.value(
            "SELECT count(*) FROM reports WHERE programme_id = ?"
            " AND status IN ('open', 'paused')", (programme_id,)),
        "pending": await tx.value(
            "SELECT count(*) FROM mentor_approvals WHERE programme_id = ?"
            " AND status = 'pending'", (programme_id,)),
        "waiting": len(waiting),
        "expired": await tx.value(
            "SELECT count(*) FROM requests WHERE programme_id = ? AND status = 'expired'"
            " AND answered_at >= ?", (programme_id, since)),
        "at_risk": await tx.value(
            "SELECT count(*) FROM relationship_health h JOIN matches m ON m.id = h.match_id"
            " WHERE m.programme_id = ? AND m.status = 'active' AND h.at_risk_since IS NOT NULL",
            (programme_id,)),
        "new_at_risk": await tx.value(
            "SELECT count(*) FROM relationship_health h JOIN matches m ON m.id = h.match_id"
            " WHERE m.programme_id = ? AND m.status = 'active' AND h.at_risk_since >= ?",
            (programme_id, since)),
    }


def note(catalogue: Catalogue, counts: dict[str, int]) -> Outgoing | None:
    """The Monday note, one line per thing that needs the coordinators, written in both
    languages now (each coordinator reads theirs); None when nothing does."""
    wanted = [(f"digest.{name}", {"count": counts[name]})
              for name in ("reports", "pending", "waiting", "expired") if counts[name]]
    if counts["at_risk"]:
        wanted.append(("digest.at_risk_new" if counts["new_at_risk"] else "digest.at_risk",
                       {"count": counts["at_risk"], "new": counts["new_at_risk"]}))
    if not wanted:
        return None
    lines = {lang: "\n".join(f"- {catalogue.text(lang, key, **params)}"
                             for key, params in wanted) for lang in LANGUAGES}
    return Outgoing(key="digest.note", params={"lines": {"lang": lines}})


async def is_on(tx: Tx, programme_id: int) -> bool:
    return await tx.value("SELECT value FROM programme_settings WHERE programme_id = ?"
                          " AND key = ?", (programme_id, SETTING)) == "on"


async def job_digest(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    programme_id = params.get("programme_id")
    if programme_id not in services.programme_ids.values():
        return  # a programme no longer in the config
    now = services.clock.now()
    await schedule(tx, services, programme_id, now)
    if not await is_on(tx, programme_id):
        return
    message = note(services.catalogue, await figures(tx, programme_id, now))
    if message is not None:
        await alert_coordinators(tx, services, programme_id, message,
                                 key=f"digest:{programme_id}:{now.date().isoformat()}:note",
                                 now=now)


async def cmd_digest(ctx: Context, args: str) -> list[Reply]:
    """`/admin digest [on|off|now]`: the Monday note, switched on or off, or shown now."""
    word = args.strip().casefold()
    programme_id = ctx.person.programme_id
    if word in _NOW:
        rendered = note(ctx.services.catalogue, await figures(ctx.tx, programme_id, ctx.now))
        if rendered is None:
            return [ctx.say("digest.nothing")]
        text, _ = render(ctx.services.catalogue, ctx.lang, rendered)
        return [ctx.reply(text)]
    if word in _ON | _OFF:
        value = "on" if word in _ON else "off"
        was = "on" if await is_on(ctx.tx, programme_id) else "off"
        await ctx.tx.execute(
            "INSERT INTO programme_settings (programme_id, key, value, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(programme_id, key) DO UPDATE SET"
            " value = excluded.value, updated_at = excluded.updated_at",
            (programme_id, SETTING, value, to_iso(ctx.now)))
        await describe(ctx, details=f"digest: {was} → {value}")
        settings = ctx.services.config.programmes.get(programme_code(ctx.services, programme_id))
        when = staff_time.moment(ctx, next_monday(ctx.now, getattr(settings, "timezone", "UTC")))
        return [ctx.say(f"digest.turned_{value}", when=when)]
    if word:
        return [ctx.say("digest.usage")]
    state = "on" if await is_on(ctx.tx, programme_id) else "off"
    return [ctx.say(f"digest.state_{state}")]


async def _on_started(tx: Tx, services: Services, event: Started) -> None:
    for programme_id in services.programme_ids.values():
        await schedule(tx, services, programme_id, services.clock.now())


def register(router: Router, registry: AdminRegistry) -> None:
    """Called by bot/admin/admin_people.py's register (the coordinators' lists)."""
    registry.add("digest", cmd_digest, "digest.help")
    router.job(JOB, job_digest)
    router.hooks.on(Started, _on_started)
