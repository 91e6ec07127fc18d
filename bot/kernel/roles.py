"""Who may run admin commands: coordinators of the person's programme, by immutable id only.

A coordinator is named in the config (`coordinators = ["slack:T1:U1"]`) or granted in chat
(`/admin grant`); display names and @usernames never count. Every admin command and every
admin button press is checked here and written to the audit log, allowed or not.

Coordinators are staff, not participants: one who has never completed a participant
profile is *coordinator-only* and counts nowhere — figures, matching, broadcasts, the export
(`participant_sql`, `coordinator_only_counts`). The config's list is copied into the
`coordinators` table at start-up (source 'config') so that SQL can tell them apart.
"""

from __future__ import annotations

import logging

from bot.kernel.clock import to_iso
from bot.kernel.context import Context, Services
from bot.kernel.domain_events import Started
from bot.store.db import Tx

log = logging.getLogger(__name__)

MAX_DETAILS = 300


def actor_key(ctx: Context) -> str:
    return ":".join(ctx.address.key)


def programme_code(ctx: Context) -> str:
    for code, pid in ctx.services.programme_ids.items():
        if pid == ctx.person.programme_id:
            return code
    return ""


def configured_keys(services: Services, code: str) -> list[tuple[str, str, str]]:
    """The config's coordinators of programme `code`, as address keys."""
    settings = services.config.programmes.get(code)
    keys = [tuple(key.split(":", 2)) for key in (settings.coordinators if settings else [])]
    return [(k[0], k[1], k[2]) for k in keys if len(k) == 3]


async def is_coordinator(ctx: Context) -> bool:
    code = programme_code(ctx)
    settings = ctx.services.config.programmes.get(code)
    if settings is not None and actor_key(ctx) in settings.coordinators:
        return True
    granted = await ctx.tx.value(
        "SELECT 1 FROM coordinators WHERE programme_id = ? AND platform = ? AND workspace = ?"
        " AND user_id = ?", (ctx.person.programme_id, *ctx.address.key))
    return bool(granted)


async def is_coordinator_only(ctx: Context) -> bool:
    """A coordinator who has not (yet) completed a participant profile."""
    return ctx.person.onboarded_at is None and await is_coordinator(ctx)


def participant_sql(alias: str = "p") -> str:
    """SQL, true for a person who counts as a participant: anyone but a coordinator who has
    never completed a profile. A coordinator who also took part counts like everyone."""
    return (f"({alias}.onboarded_at IS NOT NULL OR NOT EXISTS (SELECT 1 FROM addresses ca"
            " JOIN coordinators c ON c.platform = ca.platform AND c.workspace = ca.workspace"
            f" AND c.user_id = ca.user_id AND c.programme_id = {alias}.programme_id"
            f" WHERE ca.person_id = {alias}.id))")


async def coordinator_only_counts(tx: Tx, programme_id: int) -> dict[tuple[str, str], int]:
    """(role or 'none', status) -> how many coordinator-only people; read from the few
    coordinators' rows, so that a headcount can subtract them without reading every person."""
    rows = await tx.all(
        "SELECT coalesce(p.role, 'none') AS role, p.status, count(DISTINCT p.id) AS n"
        " FROM coordinators c JOIN addresses a ON a.platform = c.platform"
        " AND a.workspace = c.workspace AND a.user_id = c.user_id"
        " JOIN people p ON p.id = a.person_id WHERE c.programme_id = ?"
        " AND p.programme_id = c.programme_id AND p.onboarded_at IS NULL GROUP BY 1, 2",
        (programme_id,))
    return {(r["role"], r["status"]): r["n"] for r in rows}


async def sync_config_coordinators(tx: Tx, services: Services, event: Started) -> None:
    """At start-up (the Started event): the config's coordinators become rows with source

    'config'; rows of people the config no longer lists go (a grant in chat stays)."""
    for code, programme_id in services.programme_ids.items():
        keys = configured_keys(services, code)
        stale = await tx.all("SELECT platform, workspace, user_id FROM coordinators"
                             " WHERE programme_id = ? AND source = 'config'", (programme_id,))
        for row in stale:
            if tuple(row) not in keys:
                await tx.execute(
                    "DELETE FROM coordinators WHERE programme_id = ? AND platform = ?"
                    " AND workspace = ? AND user_id = ? AND source = 'config'",
                    (programme_id, *tuple(row)))
        for key in keys:
            await tx.execute(
                "INSERT INTO coordinators (programme_id, platform, workspace, user_id,"
                " created_at, source) VALUES (?, ?, ?, ?, ?, 'config') ON CONFLICT DO NOTHING",
                (programme_id, *key, to_iso(services.clock.now())))


async def audit(ctx: Context, action: str, allowed: bool, *, target_id: int | None = None,
                details: str = "") -> None:
    """One audit row: who, what, allowed or not, about whom (`target_id`) and the values
    it changed (`details`: ids and values only, never a name or someone's words)."""
    await ctx.tx.execute(
        "INSERT INTO audit_log (programme_id, person_id, actor, action, allowed, created_at,"
        " target_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.person.programme_id, ctx.person.id, actor_key(ctx), action[:100], int(allowed),
         to_iso(ctx.now), target_id, details[:MAX_DETAILS]))
    if not allowed:
        log.warning("admin.refused", extra={"person": ctx.person.id, "action": action[:40]})


async def describe(ctx: Context, *, target_id: int | None = None, details: str = "") -> None:
    """Add whom and what to the audit row of the admin command or button being handled (the
    row `admin._guarded` wrote moments ago, in this very transaction)."""
    await ctx.tx.execute(
        "UPDATE audit_log SET target_id = coalesce(?, target_id), details = ? WHERE id ="
        " (SELECT max(id) FROM audit_log WHERE programme_id = ? AND actor = ?)",
        (target_id, details[:MAX_DETAILS], ctx.person.programme_id, actor_key(ctx)))
