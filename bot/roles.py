"""Who may run admin commands: coordinators of the person's programme, by immutable id only.

A coordinator is named in the config (`coordinators = ["slack:T1:U1"]`) or granted in chat
(`/admin grant`); display names and @usernames never count. Every admin command and every
admin button press is checked here and written to the audit log, allowed or not.
"""

from __future__ import annotations

import logging

from bot.clock import to_iso
from bot.context import Context

log = logging.getLogger(__name__)


def actor_key(ctx: Context) -> str:
    return ":".join(ctx.address.key)


def programme_code(ctx: Context) -> str:
    for code, pid in ctx.services.programme_ids.items():
        if pid == ctx.person.programme_id:
            return code
    return ""


async def is_coordinator(ctx: Context) -> bool:
    code = programme_code(ctx)
    settings = ctx.services.config.programmes.get(code)
    if settings is not None and actor_key(ctx) in settings.coordinators:
        return True
    granted = await ctx.tx.value(
        "SELECT 1 FROM coordinators WHERE programme_id = ? AND platform = ? AND workspace = ?"
        " AND user_id = ?", (ctx.person.programme_id, *ctx.address.key))
    return bool(granted)


async def audit(ctx: Context, action: str, allowed: bool) -> None:
    await ctx.tx.execute(
        "INSERT INTO audit_log (programme_id, person_id, actor, action, allowed, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (ctx.person.programme_id, ctx.person.id, actor_key(ctx), action[:100], int(allowed),
         to_iso(ctx.now)))
    if not allowed:
        log.warning("admin.refused", extra={"person": ctx.person.id, "action": action[:40]})
