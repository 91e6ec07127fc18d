"""A person's rights over their data (GDPR articles 15, 17 and 20) and storage limitation.

- `/mydata`: everything stored about the person, as a JSON file in the chat (art. 15, 20).
- `/forget`: after a confirmation, their personal data is deleted everywhere; their partners
  are told the relationship ended (without their name); statistics keep anonymous counts
  (art. 17). bot/privacy/personal_data.py finds the data by reading the schema.
- `/consent`: when they agreed and to what; withdrawing it is a /forget, confirmed first.
- Retention: people inactive for `[privacy] retention_months` (default 24) are warned a week
  before, then forgotten by a daily job. Coordinators and people in a relationship or with a
  pending request are never swept. docs/privacy.md says all this for coordinators.
"""

from __future__ import annotations

import calendar
import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.kernel import outbox, people
from bot.kernel.alerts import coordinators_of
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.config import Config
from bot.kernel.context import Context, Services
from bot.kernel.domain_events import Onboarded, Started
from bot.kernel.events import Attachment, Button, Reply
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.router import Router
from bot.mentoring.matchmaking import in_every_language
from bot.mentoring.pair_actions import (
    close_requests_of_leaving,
    end_match,
    open_matches_of,
    other_side,
)
from bot.onboarding import language_memory
from bot.privacy.personal_data import collect, erase, inspect, last_activity
from bot.store.db import Tx

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

log = logging.getLogger(__name__)

EXPORT_VERSION = 1
WARNING = timedelta(days=7)
SWEEP_HOUR = 3              # UTC: the daily retention run
MAX_PER_RUN = 50            # forgotten per run; a bigger backlog continues minutes later
JOB = "privacy_retention"

A_FORGET = "privacy.forget"          # value: the presser's own person id
A_KEEP = "privacy.keep"              # "No, keep my data" / "I'm still here"
A_WITHDRAW = "privacy.withdraw"      # value: the presser's own person id


# --- /mydata ------------------------------------------------------------------------------

async def cmd_mydata(ctx: Context, args: str) -> list[Reply]:
    schema = await inspect(ctx.tx)
    tables = await collect(ctx.tx, schema, ctx.person.id)
    document = {"schema_version": EXPORT_VERSION, "exported_at": to_iso(ctx.now),
                "person_id": ctx.person.id, "tables": tables}
    content = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    rows = sum(len(rows) for rows in tables.values())
    text = ctx.t("privacy.mydata.ready", count=rows, tables=len(tables))
    return [Reply(ctx.address, text,
                  file=Attachment("mydata.json", content, "application/json"))]


# --- /forget and /consent -----------------------------------------------------------------

async def cmd_forget(ctx: Context, args: str) -> list[Reply]:
    return [_confirmation(ctx, "privacy.forget.confirm")]


def _confirmation(ctx: Context, key: str) -> Reply:
    return ctx.reply(ctx.t(key), [
        Button(ctx.t("privacy.forget.yes"), A_FORGET, str(ctx.person.id)),
        Button(ctx.t("privacy.forget.no"), A_KEEP, ""),
    ])


async def press_forget(ctx: Context, value: str) -> list[Reply]:
    """Only the person's own, current button erases: a forged or old value is refused."""
    if value != str(ctx.person.id):
        return [ctx.say("privacy.forget.stale")]
    text = ctx.t("privacy.forget.done")
    addresses = await people.addresses_of(ctx.tx, ctx.person.id)
    await forget_people(ctx.tx, ctx.services, [ctx.person.id], ctx.now, reason="forgotten")
    # Only the language stays, under a keyed hash of the address: their next message is
    # answered in it (bot/onboarding/language_memory.py).
    await language_memory.remember(ctx.tx, [ctx.address, *addresses], ctx.lang)
    return [ctx.reply(text)]


async def press_keep(ctx: Context, value: str) -> list[Reply]:
    """Keep everything: after a /forget question, or after the retention warning."""
    await ctx.tx.execute("UPDATE people SET updated_at = ? WHERE id = ?",
                         (to_iso(ctx.now), ctx.person.id))
    noticed = await ctx.tx.execute("DELETE FROM retention_notices WHERE person_id = ?",
                                   (ctx.person.id,))
    return [ctx.say("privacy.retention.kept" if noticed else "privacy.forget.kept")]


async def cmd_consent(ctx: Context, args: str) -> list[Reply]:
    if ctx.person.consent_at is None:
        return [ctx.say("privacy.consent.none")]
    when = _date(from_iso(ctx.person.consent_at), ctx.lang, ctx.person.timezone)
    text = ctx.t("privacy.consent.show", date=when)
    months = retention_months(ctx.services.config)
    if months:
        text += "\n" + ctx.t("privacy.consent.retention", months=months)
    return [ctx.reply(text, [
        Button(ctx.t("privacy.consent.withdraw"), A_WITHDRAW, str(ctx.person.id)),
    ])]


async def press_withdraw(ctx: Context, value: str) -> list[Reply]:
    if value != str(ctx.person.id):
        return [ctx.say("privacy.forget.stale")]
    return [_confirmation(ctx, "privacy.consent.confirm")]


def _date(moment: datetime, lang: str, timezone: str) -> str:
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return format_date(moment.astimezone(zone), format="long", locale=lang)


# --- forgetting -----------------------------------------------------------------------------

async def forget_people(tx: Tx, services: Services, person_ids: list[int], now: datetime,
                        *, reason: str) -> None:
    """End their relationships (partners are told, without a name), then erase them."""
    for person_id in person_ids:
        for match in await open_matches_of(tx, person_id):
            if not await end_match(tx, services, match, reason, now):
                continue
            partner = other_side(match, person_id)
            if partner in person_ids:
                continue
            side = "mentee" if partner == match["mentee_id"] else "mentor"
            since = from_iso(match["started_at"])
            await outbox.enqueue(tx, partner, Outgoing(
                key=f"privacy.partner_left_{side}",
                params={"since": in_every_language(lambda lang, s=since: _date(s, lang, ""))}),
                due_at=now, key=f"match:{match['id']}:partner-left")
    await close_requests_of_leaving(tx, person_ids, now)  # their partners are told, unnamed
    result = await erase(tx, await inspect(tx), person_ids)
    log.info("privacy.erased", extra={"reason": reason, "people": result.people,
                                      "deleted": result.deleted, "anonymised": result.anonymised,
                                      "scrubbed": result.scrubbed})


# --- retention ------------------------------------------------------------------------------

def retention_months(config: Config) -> int:
    """`[privacy] retention_months` (0 = never delete automatically), default 24."""
    return config.privacy.retention_months


def add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


async def schedule_retention(tx: Tx, now: datetime) -> None:
    """Make sure the next daily run is in the outbox (one row per day, idempotent)."""
    run = now.replace(hour=SWEEP_HOUR, minute=0, second=0, microsecond=0)
    if run <= now:
        run += timedelta(days=1)
    await outbox.enqueue(tx, None, Outgoing(key=JOB), due_at=run,
                         key=f"privacy:retention:{run.date().isoformat()}", kind="job")


async def job_retention(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    now = services.clock.now()
    await schedule_retention(tx, now)
    months = retention_months(services.config)
    if months <= 0:
        return
    cutoff = to_iso(add_months(now, -months))
    warn_from = to_iso(add_months(now, -months) + WARNING)
    activity = await last_activity(tx, await inspect(tx))
    protected = await _protected(tx, services)
    notices = {row["person_id"]: row for row in await tx.all("SELECT * FROM retention_notices")}
    due: list[int] = []
    for row in await tx.all("SELECT id, created_at FROM people ORDER BY id"):
        person_id = row["id"]
        if person_id in protected:
            continue
        last = max(activity.get(person_id, ""), row["created_at"])
        notice = notices.get(person_id)
        if notice is not None and last > notice["last_active"]:  # they came back
            await tx.execute("DELETE FROM retention_notices WHERE person_id = ?", (person_id,))
            notice = None
        if last > warn_from:
            continue
        if notice is None:
            await _warn(tx, person_id, last, now, months)
        elif from_iso(notice["warned_at"]) + WARNING <= now and last <= cutoff:
            due.append(person_id)
    if due:
        await forget_people(tx, services, due[:MAX_PER_RUN], now, reason="retention")
    if len(due) > MAX_PER_RUN:
        await outbox.enqueue(tx, None, Outgoing(key=JOB),
                             due_at=now + timedelta(minutes=5),
                             key=f"privacy:retention:more:{to_iso(now)}", kind="job")


async def _warn(tx: Tx, person_id: int, last: str, now: datetime, months: int) -> None:
    deletion = max(now + WARNING, add_months(from_iso(last), months))
    await tx.execute(
        "INSERT INTO retention_notices (person_id, last_active, warned_at) VALUES (?, ?, ?)"
        " ON CONFLICT (person_id) DO UPDATE SET last_active = excluded.last_active,"
        " warned_at = excluded.warned_at", (person_id, last, to_iso(now)))
    await outbox.enqueue(tx, person_id, Outgoing(
        key="privacy.retention.warning",
        params={"months": months,
                "date": in_every_language(lambda lang: _date(deletion, lang, ""))},
        buttons=(OutButton("privacy.retention.keep", A_KEEP, ""),)),
        due_at=now, key=f"privacy:retention-warning:{person_id}:{last}")


async def _protected(tx: Tx, services: Services) -> set[int]:
    """Never swept: coordinators, and people in a relationship or with a pending request."""
    ids: set[int] = set()
    for programme_id in services.programme_ids.values():
        ids |= set(await coordinators_of(tx, services, programme_id))
    for row in await tx.all(
            "SELECT mentee_id, mentor_id FROM matches WHERE status IN ('active', 'paused')"
            " UNION ALL SELECT mentee_id, mentor_id FROM requests WHERE status = 'pending'"):
        ids |= {row[0], row[1]}
    return ids


async def _on_onboarded(tx: Tx, services: Services, event: Onboarded | Started) -> None:
    """Seed the daily retention sweep (idempotent: one row per day)."""
    await schedule_retention(tx, services.clock.now())


def register(router: Router, registry: AdminRegistry) -> None:
    router.command("mydata", cmd_mydata, aliases=("mesdonnees",), help_key="privacy.help.mydata")
    router.command("forget", cmd_forget, aliases=("oublier",), help_key="privacy.help.forget")
    router.command("consent", cmd_consent, aliases=("consentement",),
                   help_key="privacy.help.consent")
    router.action(A_FORGET, press_forget)
    router.action(A_KEEP, press_keep)
    router.action(A_WITHDRAW, press_withdraw)
    router.job(JOB, job_retention)
    router.hooks.on(Onboarded, _on_onboarded)
    router.hooks.on(Started, _on_onboarded)  # a database nobody joins again still sweeps

