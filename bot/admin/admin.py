"""`/admin <sub-command>` for coordinators (Slack: `/mentor-admin <sub-command>`).

Every sub-command and every admin button goes through `_guarded`: the person must be a
coordinator of their own programme (bot/kernel/roles.py), and the attempt is audited either way.
Sub-commands live in their own modules and register here with `AdminRegistry.add`.
A coordinator needs no participant profile: the check is the immutable id alone.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.kernel import people
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Context
from bot.kernel.domain_events import Started
from bot.kernel.events import Reply
from bot.kernel.roles import (
    audit,
    configured_keys,
    describe,
    is_coordinator,
    programme_code,
    sync_config_coordinators,
)
from bot.kernel.router import Router
from bot.onboarding import coordinator_home
from bot.onboarding.identities import find_people

AdminHandler = Callable[[Context, str], Awaitable[list[Reply]]]


@dataclass
class AdminRegistry:
    handlers: dict[str, AdminHandler] = field(default_factory=dict)
    help_keys: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, handler: AdminHandler, help_key: str) -> None:
        self.handlers[name] = handler
        self.help_keys[name] = help_key


def _guarded(name: str, handler: AdminHandler) -> AdminHandler:
    async def guarded(ctx: Context, args: str) -> list[Reply]:
        allowed = await is_coordinator(ctx)
        await audit(ctx, name, allowed)
        if not allowed:
            return [ctx.say("admin.refused")]
        return await handler(ctx, args)
    return guarded


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("help", _admin_help(registry), "admin.help.help")
    registry.add("grant", cmd_grant, "admin.help.grant")
    registry.add("revoke", cmd_revoke, "admin.help.revoke")
    registry.add("audit", cmd_audit, "admin.help.audit")

    async def dispatch(ctx: Context, args: str) -> list[Reply]:
        name, _, rest = args.partition(" ")
        name = name.lower() or "help"
        handler = registry.handlers.get(name)
        if handler is None:
            allowed = await is_coordinator(ctx)
            await audit(ctx, f"unknown {name[:30]}", allowed)
            if not allowed:
                return [ctx.say("admin.refused")]
            return [ctx.say("admin.unknown", name=name[:30])]
        return await _guarded(name, handler)(ctx, rest.strip())

    router.command("admin", dispatch, admin=True)
    router.action(coordinator_home.A_JOIN, coordinator_home.press_join)
    router.hooks.on(Started, sync_config_coordinators)



def admin_action(router: Router, action_id: str, handler: AdminHandler) -> None:
    """An admin button: the coordinator check is repeated on every press."""
    router.action(action_id, _guarded(f"button {action_id}", handler))


def _admin_help(registry: AdminRegistry) -> AdminHandler:
    async def cmd_help(ctx: Context, args: str) -> list[Reply]:
        lines = [ctx.t("admin.help.title")]
        lines += [ctx.t(key) for key in registry.help_keys.values()]
        return [ctx.reply("\n".join(lines))]
    return cmd_help


async def named(ctx: Context, typed: str) -> people.Person | Reply:
    """The one person of the coordinator's programme that `typed` names, or the answer that
    says nobody or several match (with their handles, to pick one)."""
    typed = typed.strip()
    found = await find_people(ctx.tx, ctx.person.programme_id, typed) if typed else []
    if not found:
        return ctx.say("admin.no_person", name=typed[:40])
    if len(found) > 1:
        return ctx.say("admin.several", name=typed[:40],
                       people=ctx.join([_labelled(person) for person in found]))
    return found[0]


def _labelled(person: people.Person) -> str:
    return f"{person.name} (@{person.handle})" if person.handle else f"{person.name} (#{person.id})"


async def cmd_grant(ctx: Context, args: str) -> list[Reply]:
    target = await named(ctx, args.split(" ")[0] if args.strip() else "")
    if isinstance(target, Reply):
        return [target]
    for address in await people.addresses_of(ctx.tx, target.id):
        await ctx.tx.execute(
            "INSERT INTO coordinators (programme_id, platform, workspace, user_id, granted_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (target.programme_id, *address.key, ctx.person.id, to_iso(ctx.now)))
    await describe(ctx, target_id=target.id, details="coordinator: no → yes")
    return [ctx.say("admin.granted", name=target.name)]


async def cmd_revoke(ctx: Context, args: str) -> list[Reply]:
    target = await named(ctx, args.split(" ")[0] if args.strip() else "")
    if isinstance(target, Reply):
        return [target]
    addresses = await people.addresses_of(ctx.tx, target.id)
    if any(a.key in configured_keys(ctx.services, programme_code(ctx)) for a in addresses):
        return [ctx.say("admin.in_config", name=target.name)]
    removed = 0
    for address in addresses:
        removed += await ctx.tx.execute(
            "DELETE FROM coordinators WHERE programme_id = ? AND platform = ? AND workspace = ?"
            " AND user_id = ?", (target.programme_id, *address.key))
    if removed:
        await describe(ctx, target_id=target.id, details="coordinator: yes → no")
    return [ctx.say("admin.revoked" if removed else "admin.not_granted", name=target.name)]


async def cmd_audit(ctx: Context, args: str) -> list[Reply]:
    from babel.dates import format_datetime

    rows = await ctx.tx.all(
        "SELECT a.*, p.display_name, p.handle, t.display_name AS target_name,"
        " t.handle AS target_handle FROM audit_log a"
        " LEFT JOIN people p ON p.id = a.person_id LEFT JOIN people t ON t.id = a.target_id"
        " WHERE a.programme_id = ? ORDER BY a.id DESC LIMIT 20", (ctx.person.programme_id,))
    lines = [ctx.t("admin.audit.title")]
    for row in rows:
        when = format_datetime(from_iso(row["created_at"]), format="short", locale=ctx.lang,
                               tzinfo=_zone(ctx.person.timezone))
        who = row["display_name"] or row["handle"] or row["actor"]
        line = ctx.t("admin.audit.allowed" if row["allowed"] else "admin.audit.refused",
                     when=when, who=who, action=row["action"])
        if row["target_id"] is not None or row["details"]:
            target = row["target_name"] or row["target_handle"] or (
                f"#{row['target_id']}" if row["target_id"] is not None else "")
            line += ctx.t("admin.audit.about", target=target) if target else ""
            if row["details"]:
                values = await _with_names(ctx, row["details"])
                line += ctx.t("admin.audit.values", values=values)
        lines.append(line)
    return [ctx.reply("\n".join(lines))]


_PERSON_ID = re.compile(r"#(\d{1,12})\b")


async def _with_names(ctx: Context, details: str) -> str:
    """The log keeps ids ("mentor: none → #12"); the coordinator reads names ("… → Nora"),
    for people of their programme who are still there."""
    async def name(match: re.Match[str]) -> str:
        person = await people.get(ctx.tx, int(match.group(1)))
        return person.name if person and person.programme_id == ctx.person.programme_id \
            else match.group(0)
    parts, last = [], 0
    for match in _PERSON_ID.finditer(details):
        parts += [details[last:match.start()], await name(match)]
        last = match.end()
    return "".join([*parts, details[last:]])


def _zone(name: str):
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")
