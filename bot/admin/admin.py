"""`/admin <sub-command>` for coordinators (Slack: `/mentor-admin <sub-command>`).

Every sub-command and every admin button goes through `_guarded`: the person must be a
coordinator of their own programme (bot/kernel/roles.py), and the attempt is audited either way.
Sub-commands live in their own modules and register here with `AdminRegistry.add`.
A coordinator needs no participant profile: the check is the immutable id alone.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from bot.admin import admin_help, staff_time
from bot.kernel import people
from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.domain_events import Started
from bot.kernel.events import Button, Command, Event, Reply
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
A_SUGGESTED = "admin.suggested"   # value: the admin command line a typo was taken for
MAX_SUGGESTED = 200               # longer lines get the suggestion in words, no button


@dataclass
class AdminRegistry:
    handlers: dict[str, AdminHandler] = field(default_factory=dict)
    help_keys: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, handler: AdminHandler, help_key: str) -> None:
        self.handlers[name] = handler
        self.help_keys[name] = help_key

    def help_lines(self, ctx: Context) -> list[str]:
        """Every command's line, under the heading of its part of the day."""
        lines: list[str] = []
        for section, names in admin_help.sections(self.help_keys):
            lines += ["", ctx.t(f"admin.help.section.{section}")]
            lines += [ctx.t(self.help_keys[name]) for name in names]
        return lines


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
        typed, _, rest = args.strip().partition(" ")
        if typed.startswith("@") and "person" in registry.handlers:  # "/admin @mia"
            typed, rest = "person", args.strip()
        name = admin_help.canonical(typed or "help", registry.handlers)
        if name is None:
            allowed = await is_coordinator(ctx)
            await audit(ctx, f"unknown {typed[:30]}", allowed)
            if not allowed:
                return [ctx.say("admin.refused")]
            return [_unknown(ctx, registry, typed, rest.strip())]
        return await _guarded(name, registry.handlers[name])(ctx, rest.strip())

    async def press_suggested(ctx: Context, value: str) -> list[Reply]:
        """*Run /admin person mia*: the line a typo was taken for, as if typed (every check
        of the command itself happens again)."""
        return await dispatch(ctx, value[:MAX_SUGGESTED])

    async def staff_typo(ctx: Context, event: Event) -> list[Reply] | None:
        """A coordinator's "/admn stats", "/stats" or "/jumeler @mia @nora": the admin
        command they meant, one press away (for anyone else, the usual unknown command)."""
        if not isinstance(event, Command):
            return None
        name = event.name.lower().lstrip("/").split("@", 1)[0]
        if name in router.commands:
            return None
        line = admin_help.meant_line(name, event.args, registry.handlers)
        if line is None or len(line) > MAX_SUGGESTED or not await is_coordinator(ctx):
            return None
        command = f"/admin {line}"
        return [ctx.reply(ctx.t("admin.did_you_mean_command", name=name[:30],
                                command=command[:80]),
                          [Button(ctx.t("admin.run_suggested", command=command[:60]),
                                  A_SUGGESTED, line)])]

    router.command("admin", dispatch, admin=True)
    router.gate(staff_typo)
    admin_action(router, A_SUGGESTED, press_suggested)
    router.action(coordinator_home.A_JOIN, coordinator_home.press_join)
    router.hooks.on(Started, sync_config_coordinators)



def admin_action(router: Router, action_id: str, handler: AdminHandler) -> None:
    """An admin button: the coordinator check is repeated on every press."""
    router.action(action_id, _guarded(f"button {action_id}", handler))


def _unknown(ctx: Context, registry: AdminRegistry, typed: str, rest: str) -> Reply:
    """A command nobody knows: the one it is most likely a typo of, with a button that runs
    it with the same words; or the way to the list."""
    guess = admin_help.suggest(typed, registry.handlers)
    if guess is None:
        return ctx.say("admin.unknown", name=typed[:30])
    line = f"{guess} {rest}".strip()
    text = ctx.t("admin.did_you_mean", name=typed[:30], command=f"/admin {line}"[:80])
    if len(line) > MAX_SUGGESTED or ctx.attachment is not None:
        return ctx.reply(text)  # a file would not come with the button: typed again instead
    label = ctx.t("admin.run_suggested", command=f"/admin {line}"[:60])
    return ctx.reply(text, [Button(label, A_SUGGESTED, line)])


def _admin_help(registry: AdminRegistry) -> AdminHandler:
    async def cmd_help(ctx: Context, args: str) -> list[Reply]:
        topic = args.split()[0].lstrip("/") if args.split() else ""
        if topic.casefold() == "admin" and len(args.split()) > 1:  # "/admin help /admin match"
            topic = args.split()[1]
        if topic:
            return [_one_command(ctx, registry, topic)]
        lines = [ctx.t("admin.help.title"), *registry.help_lines(ctx), "",
                 ctx.t("admin.help.footer")]
        return [ctx.reply("\n".join(lines))]
    return cmd_help


def _one_command(ctx: Context, registry: AdminRegistry, topic: str) -> Reply:
    """`/admin help match`: what the command does, an example, its French name."""
    name = admin_help.canonical(topic, registry.handlers)
    if name == "unmatch":
        name = "end"
    if name is None or name not in registry.help_keys:
        guess = admin_help.suggest(topic, registry.help_keys)
        if guess is None:
            return ctx.say("admin.help.no_such", name=topic[:30])
        name = guess
    lines = [ctx.t(registry.help_keys[name])]
    example = f"admin.example.{name}"
    if ctx.services.catalogue.has(example):
        lines.append(ctx.t("admin.help.example", example=ctx.t(example)))
    french = admin_help.french_name(name)
    if french:
        lines.append(ctx.t("admin.help.french_name", command=f"/admin {french}"))
    return ctx.reply("\n".join(lines))


async def named(ctx: Context, typed: str, *, suggest: bool = True) -> people.Person | Reply:
    """The one person of the coordinator's programme that `typed` names, or the answer that
    says nobody or several match (with their handles, to pick one). `suggest`: when nobody
    matches, "Did you mean …?" follows (`suggest_close` for a caller that decides later)."""
    typed = typed.strip()
    found = await find_people(ctx.tx, ctx.person.programme_id, typed) if typed else []
    if not found:
        if suggest:
            suggest_close(ctx, typed)
        return ctx.say("admin.no_person", name=typed[:40])
    if len(found) > 1:
        return ctx.say("admin.several", name=typed[:40],
                       people=ctx.join([_labelled(person) for person in found]))
    return found[0]


def suggest_close(ctx: Context, typed: str) -> None:
    """"Did you mean …?" after this event's answer: the closest names read every name of the
    programme, so they are read after the commit, on a snapshot, off the write lock."""
    if typed.strip():
        ctx.answer_from_snapshot(lambda snapshot: _maybe(replace(ctx, tx=snapshot), typed))


async def _maybe(ctx: Context, typed: str) -> list[Reply]:
    """"Did you mean Niamh Gallagher (@niamh.gallagher)?", after "I couldn't find…"."""
    close = await close_to(ctx, typed)
    if not close:
        return []
    return [ctx.say("admin.maybe_person", people=ctx.join([_labelled(p) for p in close]))]


async def close_to(ctx: Context, typed: str, limit: int = 3) -> list[people.Person]:
    """The people whose handle or name `typed` is most likely a typo of ("@niamh.galager"):
    read only when nobody matches, so the common case pays nothing for it."""
    wanted = _quick_fold(typed.lstrip("@"))[:100]
    if len(wanted) < 3:
        return []
    rows = await ctx.tx.all("SELECT id, display_name, handle FROM people"
                            " WHERE programme_id = ?", (ctx.person.programme_id,))
    # Folding and comparing every name takes most of a second at 100k people: in a thread,
    # so that the event loop goes on serving everyone else meanwhile.
    ids = await asyncio.to_thread(_closest_ids, wanted, [tuple(row) for row in rows], limit)
    return [person for pid in ids if (person := await people.get(ctx.tx, pid)) is not None]


def _closest_ids(wanted: str, rows: list[tuple[int, str, str]], limit: int) -> list[int]:
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    choices: dict[tuple[int, str | int], str] = {}
    one_word = " " not in wanted  # a first or last name alone: each word is a choice too
    for pid, name, handle in rows:
        if handle:
            choices[(pid, "handle")] = _quick_fold(handle)
        if name:
            choices[(pid, "name")] = folded = _quick_fold(name)
            if one_word:
                for number, word in enumerate(folded.split()):
                    choices[(pid, number)] = word
    found = process.extract(wanted, choices, scorer=DamerauLevenshtein.normalized_similarity,
                            score_cutoff=0.75, limit=limit * 2)
    return list(dict.fromkeys(key[0] for _, _, key in found))[:limit]


def _quick_table() -> dict[int, str]:
    table = {ord(c): " " for c in "._-\t"}
    for code in range(0xC0, 0x250):  # Latin-1 and Latin Extended-A/B: letters without accents
        bare = "".join(c for c in unicodedata.normalize("NFKD", chr(code).casefold())
                       if not unicodedata.combining(c))
        if bare != chr(code):
            table[code] = bare
    return table


_QUICK = _quick_table()


def _quick_fold(text: str) -> str:
    """identities.fold for the names of a whole programme, three times faster (a table of
    the accented Latin letters instead of a decomposition per name)."""
    return " ".join(text.casefold().translate(_QUICK).split())


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
    rows = await ctx.tx.all(
        "SELECT a.*, p.display_name, p.handle, t.display_name AS target_name,"
        " t.handle AS target_handle FROM audit_log a"
        " LEFT JOIN people p ON p.id = a.person_id LEFT JOIN people t ON t.id = a.target_id"
        " WHERE a.programme_id = ? ORDER BY a.id DESC LIMIT 20", (ctx.person.programme_id,))
    lines = [ctx.t("admin.audit.title")]
    for row in rows:
        when = staff_time.moment(ctx, row["created_at"])
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

