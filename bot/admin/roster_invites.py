"""Importing a roster and inviting the people on it (`/admin import`, `mentorbot import`).

A coordinator sends a CSV (bot/admin/roster.py says what it may hold): every row is checked and
every bad one reported by line, in the coordinator's language; a file with any bad row
imports nothing. A good file gets a preview (how many mentors and mentees, who is on the
roster already) and *Apply*. Applying gives each person a join code:

- on Slack, when the row has the person's Slack id and the programme its `slack_team`, the
  bot writes to them first: a message with *Start*;
- everyone else gets their code from the coordinator (the reply lists them and attaches
  `invitations.csv`): Telegram `/start <code>` or the link `https://t.me/<bot>?start=<code>`,
  console `@handle /start <code>`.

Joining with the code puts the person in the programme, links them to their row, and fills
in what the roster said (name, language, role, department, seniority): onboarding starts
with the welcome in their language and skips those questions. `/admin invitations` shows
who joined and who did not, with *Remind* (a new message where the bot can write first, the
codes to forward otherwise).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import secrets
import sys
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.admin import roster_retention, staff_time
from bot.admin.admin import AdminRegistry, admin_action
from bot.admin.export import ExportTable, register_table
from bot.admin.roster import Checked, Problem, RosterRow, read_roster
from bot.kernel import people
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Context, Services
from bot.kernel.events import Address, Attachment, Button, Event, Message, Reply
from bot.kernel.outbox import OutButton, Outgoing, cancel, enqueue
from bot.kernel.roles import audit, describe, is_coordinator
from bot.kernel.router import Router
from bot.onboarding import onboarding
from bot.store.db import Tx
from bot.store.state import get_meta
from bot.text.figure_text import capped, counted

A_APPLY = "admin.import.apply"        # value: roster import id
A_REMIND = "admin.invitations.remind"  # value: "all"
A_START = "invite.start"               # value: the join code (the Slack invitation's button)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read aloud, typed
CODE_LENGTH = 8
PREVIEW_TTL = roster_retention.PREVIEW_TTL
TELEGRAM_USERNAME = "telegram_username"  # meta: the bot's username, written by its adapter
MAX_PROBLEMS = 30
MAX_LINES = 30


# --- reading and previewing ---------------------------------------------------------------------

def _problem_line(catalogue: Any, lang: str, problem: Problem) -> str:
    params = dict(problem.params)
    if "what" in params:
        params["what"] = catalogue.text(lang, f"roster_import.contact.{params['what']}")
    text = catalogue.text(lang, f"roster_import.problem.{problem.key}", **params)
    if problem.line:
        return catalogue.text(lang, "roster_import.line", line=problem.line, problem=text)
    return text


def report_problems(catalogue: Any, lang: str, checked: Checked) -> str:
    """The bad lines, in the reader's language, then "nothing was imported"."""
    lines = [catalogue.text(lang, "roster_import.problems_title",
                            count=len(checked.problems))]
    lines += [f"- {_problem_line(catalogue, lang, p)}" for p in checked.problems[:MAX_PROBLEMS]]
    if len(checked.problems) > MAX_PROBLEMS:
        lines.append(catalogue.text(lang, "roster_import.more_problems",
                                    count=len(checked.problems) - MAX_PROBLEMS))
    whole_file = all(problem.line == 0 for problem in checked.problems)
    lines.append(catalogue.text(lang, "roster_import.nothing_imported_file" if whole_file
                                else "roster_import.nothing_imported"))
    return "\n".join(lines)


async def _known(tx: Tx, programme_id: int) -> set[tuple[str, str]]:
    """Everyone on the programme's rosters already, as (kind, value) keys."""
    known: set[tuple[str, str]] = set()
    for row in await tx.all("SELECT email, slack_id, telegram, handle FROM roster_entries"
                            " WHERE programme_id = ? AND status = 'invited'", (programme_id,)):
        for kind in ("email", "slack_id", "telegram", "handle"):
            if row[kind]:
                known.add((kind, row[kind].lower()))
    return known | await roster_retention.joined_keys(tx, programme_id)


async def split_new(tx: Tx, programme_id: int,
                    rows: tuple[RosterRow, ...]) -> tuple[list[RosterRow], list[RosterRow]]:
    """(rows to invite, rows already on a roster of this programme)."""
    known = await _known(tx, programme_id)
    key = await roster_retention.email_key(tx)
    new, already = [], []
    for row in rows:
        keys = set(row.keys())
        if row.email:  # someone who joined is known by their e-mail's digest only
            keys.add(("email_digest", roster_retention.digest(key, row.email)))
        (already if keys & known else new).append(row)
    return new, already


def preview_text(catalogue: Any, lang: str, new: list[RosterRow], already: list[RosterRow],
                 ignored: tuple[str, ...]) -> str:
    roles = {role: sum(1 for r in new if r.role == role) for role in ("mentee", "mentor", "both")}
    lines = [catalogue.text(lang, "roster_import.preview_title", count=len(new)),
             catalogue.text(lang, "roster_import.preview_roles", mentees=roles["mentee"],
                            mentors=roles["mentor"], both=roles["both"])]
    if already:
        lines.append(catalogue.text(lang, "roster_import.already", count=len(already),
                                    names=catalogue.join(lang, [r.name for r in already[:10]])))
    if ignored:
        lines.append(catalogue.text(lang, "roster_import.ignored_columns",
                                    columns=", ".join(ignored)))
    lines.append(catalogue.text(lang, "roster_import.dry_run"))
    return "\n".join(lines)


async def cmd_import(ctx: Context, args: str) -> list[Reply]:
    file = ctx.attachment
    if file is None:
        no_file = ctx.t("roster_import.no_file", path=args.strip()[:80])
        if args.strip():  # "/admin import roster.csv" with a path that led to no file
            no_file = ctx.t("roster_import.not_received", path=args.strip()[:80]) + "\n" + no_file
        return [ctx.reply(no_file)]
    checked = read_roster(file.content)
    if not checked.ok:
        return [ctx.reply(report_problems(ctx.services.catalogue, ctx.lang, checked))]
    new, already = await split_new(ctx.tx, ctx.person.programme_id, checked.rows)
    text = preview_text(ctx.services.catalogue, ctx.lang, new, already, checked.ignored)
    if not new:
        return [ctx.reply(text + "\n" + ctx.t("roster_import.nothing_new"))]
    await ctx.tx.execute("DELETE FROM roster_imports WHERE programme_id = ? AND status = 'pending'"
                         " AND created_at < ?", (ctx.person.programme_id,
                                                 to_iso(ctx.now - PREVIEW_TTL)))
    import_id = await ctx.tx.insert(
        "INSERT INTO roster_imports (programme_id, imported_by, filename, rows, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (ctx.person.programme_id, ctx.person.id, file.filename[:100],
         json.dumps([r.to_json() for r in new], ensure_ascii=False), to_iso(ctx.now)))
    await describe(ctx, details=f"roster preview {import_id}: {len(new)} rows")
    return [ctx.reply(text, [Button(ctx.t("roster_import.apply", count=len(new)), A_APPLY,
                                    str(import_id))])]


# --- applying -------------------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def _unique_code(tx: Tx) -> str:
    while True:
        code = new_code()
        if await tx.value("SELECT 1 FROM roster_entries WHERE code = ?", (code,)) is None:
            return code


async def apply_rows(tx: Tx, services: Services, programme_id: int, import_id: int | None,
                     rows: list[RosterRow], now: datetime) -> list[dict[str, Any]]:
    """Create one invitation per row (and, on Slack, the person and the first message)."""
    settings = _settings(services, programme_id)
    team = settings.slack_team if settings else ""
    created = []
    for row in rows:
        code = await _unique_code(tx)
        entry_id = await tx.insert(
            "INSERT INTO roster_entries (programme_id, import_id, line, name, email, slack_id,"
            " telegram, handle, role, language, department, seniority, code, invited_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (programme_id, import_id, row.line, row.name, row.email, row.slack_id, row.telegram,
             row.handle, row.role, row.language, row.department, row.seniority, code,
             to_iso(now)))
        sent = False
        if row.slack_id and team:
            sent = await _invite_on_slack(tx, services, programme_id, entry_id, row, team, code,
                                          now)
        created.append({"id": entry_id, "code": code, "row": row, "sent": sent})
    return created


async def _invite_on_slack(tx: Tx, services: Services, programme_id: int, entry_id: int,
                           row: RosterRow, team: str, code: str, now: datetime) -> bool:
    """On Slack the bot may write first: the person exists from now on (not yet onboarded,
    nothing asked of them) and gets a message with *Start*."""
    # Nothing personal before they consent beyond what sending needs: their Slack id and
    # the roster's language; the name stays on the roster row (the message's greeting).
    address = Address("slack", team, row.slack_id)
    person = await people.find_by_address(tx, address)
    if person is None:
        person = await people.create(tx, address, programme_id, row.language, now)
    elif person.programme_id != programme_id or person.active:
        return False  # in another programme, or taking part already: linked when they /start
    await tx.execute("UPDATE roster_entries SET person_id = ? WHERE id = ?", (person.id, entry_id))
    return await enqueue(tx, person.id, _invitation(services, programme_id, row.name, code),
                         due_at=now, key=f"invite:{entry_id}:sent")


def _invitation(services: Services, programme_id: int, name: str, code: str) -> Outgoing:
    return Outgoing(key="invite.message", params={
        "name": name, "programme": services.programme_name(programme_id)},
        buttons=(OutButton("invite.start", A_START, code),))


def how_to_join(catalogue: Any, lang: str, row: RosterRow, code: str, sent: bool,
                bot: str = "") -> str:
    if sent:
        return catalogue.text(lang, "invitations.how.slack_sent")
    if row.handle:
        return catalogue.text(lang, "invitations.how.console", handle=row.handle, code=code)
    if bot:
        return catalogue.text(lang, "invitations.how.link", link=deep_link(bot, code),
                              code=code)
    return catalogue.text(lang, "invitations.how.code", code=code)


def deep_link(bot: str, code: str) -> str:
    return f"https://t.me/{bot}?start={code}"


async def telegram_bot(tx: Tx) -> str:
    """The Telegram bot's username, once its adapter has started (else "": no link)."""
    return await get_meta(tx, TELEGRAM_USERNAME) or ""


def invitations_csv(rows: list[dict[str, Any]], bot: str = "") -> bytes:
    """What the coordinator forwards: one line per person, with the code and how to use it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "role", "language", "code", "telegram_link",
                     "telegram_start", "console_start", "status"])
    for item in rows:
        row: RosterRow = item["row"]
        writer.writerow([row.name, row.email, row.role, row.language, item["code"],
                         deep_link(bot, item["code"]) if bot else "",
                         f"/start {item['code']}",
                         f"@{row.handle} /start {item['code']}" if row.handle else "",
                         item.get("status", "invited")])
    return out.getvalue().encode("utf-8-sig")  # Excel reads accents right with the BOM


async def press_apply(ctx: Context, value: str) -> list[Reply]:
    import_id = int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0
    row = await ctx.tx.one("SELECT * FROM roster_imports WHERE id = ? AND programme_id = ?",
                           (import_id, ctx.person.programme_id))
    if row is None:
        return [ctx.say("common.unknown_button")]
    if row["status"] != "pending":
        return [ctx.say("roster_import.applied_already")]
    if from_iso(row["created_at"]) < ctx.now - PREVIEW_TTL:
        return [ctx.say("roster_import.expired")]
    rows = [RosterRow.from_json(r) for r in json.loads(row["rows"])]
    new, already = await split_new(ctx.tx, ctx.person.programme_id, tuple(rows))
    created = await apply_rows(ctx.tx, ctx.services, ctx.person.programme_id, import_id, new,
                               ctx.now)
    await ctx.tx.execute("UPDATE roster_imports SET status = 'applied', applied_at = ?,"
                         " rows = '[]' WHERE id = ?", (to_iso(ctx.now), import_id))
    await describe(ctx, details=f"roster import {import_id}: {len(created)} invitations")
    return [_applied_reply(ctx, created, len(already), await telegram_bot(ctx.tx))]


def _applied_reply(ctx: Context, created: list[dict[str, Any]], skipped: int,
                   bot: str) -> Reply:
    catalogue = ctx.services.catalogue
    sent = sum(1 for item in created if item["sent"])
    lines = [ctx.t("roster_import.applied", count=len(created))]
    if sent:
        lines.append(ctx.t("roster_import.applied_sent", count=sent))
    if skipped:
        lines.append(ctx.t("roster_import.applied_skipped", count=skipped))
    lines += capped(ctx, [ctx.t("invitations.line", name=item["row"].name,
                                role=ctx.t(f"invitations.role.{item['row'].role}"),
                                how=how_to_join(catalogue, ctx.lang, item["row"], item["code"],
                                                item["sent"], bot))
                          for item in created], MAX_LINES)
    lines.append(ctx.t("roster_import.csv_attached"))
    return Reply(ctx.address, "\n".join(lines),
                 file=Attachment("invitations.csv", invitations_csv(created, bot), "text/csv"))


# --- joining with a code ------------------------------------------------------------------------

async def claim_code(ctx: Context, code: str) -> list[Reply] | None:
    """`/start <code>` with a roster code: the person is linked to their row (and moved to
    its programme if they are new); None when `code` is not a roster code."""
    entry = await ctx.tx.one("SELECT * FROM roster_entries WHERE code = ?", (code.upper()[:20],))
    if entry is None:
        return None
    if entry["person_id"] is not None and entry["person_id"] != ctx.person.id:
        return [ctx.say("invite.used"), *await onboarding.start(ctx)]
    if entry["programme_id"] != ctx.person.programme_id:
        if ctx.person.onboarded_at is not None or ctx.person.status not in ("new", "no_consent"):
            return [ctx.say("invite.other_programme", programme=ctx.services.programme_name(
                entry["programme_id"]))]
        ctx.person = await people.update(ctx.tx, ctx.person, ctx.now,
                                         programme_id=entry["programme_id"])
    await ctx.tx.execute("UPDATE roster_entries SET person_id = ? WHERE id = ?",
                         (ctx.person.id, entry["id"]))
    if ctx.person.onboarded_at is not None:  # taking part already: only linked
        await _joined(ctx, entry["id"])
        return [ctx.say("invite.linked")]
    return await onboarding.start(ctx)


async def prefill(ctx: Context) -> bool:
    """A person whose roster row is linked and not yet used: what the roster says becomes
    their answers (asked no more), and the row is marked joined. True when it happened."""
    entry = await ctx.tx.one("SELECT * FROM roster_entries WHERE person_id = ?"
                             " AND status = 'invited' ORDER BY id DESC LIMIT 1", (ctx.person.id,))
    if entry is None:
        return False
    changes: dict[str, Any] = {"display_name": entry["name"], "language": entry["language"],
                               "role": entry["role"]}
    if entry["role"] == "mentee":
        changes["capacity"] = 0
    if entry["department"]:
        changes["department"] = entry["department"]
    if entry["seniority"]:
        changes["seniority"] = entry["seniority"]
    ctx.person = await people.update(ctx.tx, ctx.person, ctx.now, **changes)
    await _joined(ctx, entry["id"], roster_retention.answered_fields(entry))
    return True


async def _joined(ctx: Context, entry_id: int, answered: str = "") -> None:
    """The row is used: no copy of who they are stays in it (bot/admin/roster_retention.py)."""
    await roster_retention.anonymise_joined(ctx.tx, entry_id, answered, to_iso(ctx.now))
    await cancel(ctx.tx, f"invite:{entry_id}:")  # no reminder once they are here


async def press_start(ctx: Context, value: str) -> list[Reply]:
    """*Start* in a Slack invitation."""
    claimed = await claim_code(ctx, value.strip())
    return claimed if claimed is not None else [ctx.say("invite.used")]


def wrap_start(router: Router) -> None:
    """`/start <code>`: a roster code is claimed first, then /start goes on as before
    (a coordinator's welcome, or onboarding); a programme's join code is the core's."""
    spec = router.commands["start"]

    async def start(ctx: Context, args: str) -> list[Reply]:
        code = args.strip()
        if code and len(code) <= 20 and (claimed := await claim_code(ctx, code)) is not None:
            return claimed
        return await spec.handler(ctx, args)

    wrapped = replace(spec, handler=start)
    for name, other in list(router.commands.items()):
        if other is spec:
            router.commands[name] = wrapped


# --- who joined ---------------------------------------------------------------------------------

async def cmd_invitations(ctx: Context, args: str) -> list[Reply]:
    # A joined row keeps no name: the person's own is shown (bot/admin/roster_retention.py).
    rows = await ctx.tx.all(
        "SELECT e.*, coalesce(nullif(p.display_name, ''), nullif(p.handle, ''), e.name)"
        " AS shown_name FROM roster_entries e LEFT JOIN people p ON p.id = e.person_id"
        " WHERE e.programme_id = ? ORDER BY e.status DESC, e.invited_at, e.id",
        (ctx.person.programme_id,))
    if not rows:
        return [ctx.say("invitations.none")]
    joined = [r for r in rows if r["status"] == "joined"]
    waiting = [r for r in rows if r["status"] != "joined"]
    lines = [ctx.t("invitations.title", joined=len(joined), total=len(rows))]
    if waiting:
        bot = await telegram_bot(ctx.tx)
        lines += ["", counted(ctx, "invitations.not_joined", len(waiting))]
        lines += capped(ctx, [_waiting_line(ctx, r, bot) for r in waiting], MAX_LINES)
    if joined:
        lines += ["", counted(ctx, "invitations.joined", len(joined))]
        lines += capped(ctx, [ctx.t("invitations.joined_line", name=r["shown_name"],
                                    date=_date(ctx, r["joined_at"])) for r in joined], MAX_LINES)
    buttons = [Button(ctx.t("invitations.remind", count=len(waiting)), A_REMIND, "all")] \
        if waiting else []
    return [ctx.reply("\n".join(lines), buttons)]


def _date(ctx: Context, iso: str | None) -> str:
    return staff_time.day(ctx, iso, "medium") if iso else "—"


def _row_of(entry: Any) -> RosterRow:
    return RosterRow(entry["line"], entry["name"], entry["email"], entry["slack_id"],
                     entry["telegram"], entry["handle"], entry["role"], entry["language"],
                     entry["department"], entry["seniority"])


def _waiting_line(ctx: Context, entry: Any, bot: str) -> str:
    how = how_to_join(ctx.services.catalogue, ctx.lang, _row_of(entry), entry["code"],
                      entry["person_id"] is not None, bot)
    reminded = ctx.t("invitations.reminded", count=entry["reminders"]) if entry["reminders"] \
        else ""
    return ctx.t("invitations.waiting_line", name=entry["name"],
                 date=_date(ctx, entry["invited_at"]), how=how, reminded=reminded)


async def press_remind(ctx: Context, value: str) -> list[Reply]:
    rows = await ctx.tx.all("SELECT * FROM roster_entries WHERE programme_id = ?"
                            " AND status = 'invited' ORDER BY id", (ctx.person.programme_id,))
    if not rows:
        return [ctx.say("invitations.all_joined")]
    sent, by_hand = 0, []
    for entry in rows:
        count = entry["reminders"] + 1
        if entry["person_id"] is not None and await enqueue(
                ctx.tx, entry["person_id"],
                replace(_invitation(ctx.services, entry["programme_id"], entry["name"],
                                    entry["code"]), key="invite.reminder"),
                due_at=ctx.now, key=f"invite:{entry['id']}:reminder:{count}"):
            sent += 1
            await ctx.tx.execute("UPDATE roster_entries SET reminders = ?, reminded_at = ?"
                                 " WHERE id = ?", (count, to_iso(ctx.now), entry["id"]))
        else:
            by_hand.append({"row": _row_of(entry), "code": entry["code"], "sent": False})
            # Handed to the coordinator to forward: still in use, so kept another period
            # ([privacy] invitation_days counts from the last reminder).
            await ctx.tx.execute("UPDATE roster_entries SET reminded_at = ? WHERE id = ?",
                                 (to_iso(ctx.now), entry["id"]))
    await describe(ctx, details=f"invitations reminded: {sent} sent, {len(by_hand)} by hand")
    text = "\n".join([ctx.t("invitations.reminded_sent", count=sent),
                      ctx.t("invitations.reminded_by_hand", count=len(by_hand))])
    if not by_hand:
        return [ctx.reply(text)]
    return [Reply(ctx.address, text,
                  file=Attachment("invitations-to-forward.csv",
                                  invitations_csv(by_hand, await telegram_bot(ctx.tx)),
                                  "text/csv"))]


# --- the command line ---------------------------------------------------------------------------

def _settings(services: Services, programme_id: int) -> Any:
    for code, pid in services.programme_ids.items():
        if pid == programme_id:
            return services.config.programmes[code]
    return None


async def cli_import(config: Any, args: argparse.Namespace) -> int:
    """`mentorbot import --programme CODE roster.csv [--apply]`: the same check and preview
    as in chat; --apply creates the invitations (the running bot sends the Slack messages)
    and prints the codes."""
    from pathlib import Path

    from bot.kernel.app import build_app
    from bot.kernel.clock import SystemClock

    code = args.programme or next(iter(config.programmes))
    if code not in config.programmes:
        print(f"mentorbot: unknown programme {code!r} (known: {', '.join(config.programmes)})",
              file=sys.stderr)
        return 2
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"mentorbot: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    lang = args.lang or config.bot.language
    app = await build_app(config, SystemClock())
    try:
        catalogue = app.services.catalogue
        checked = read_roster(data)
        if not checked.ok:
            print(report_problems(catalogue, lang, checked))
            return 1
        programme_id = app.services.programme_ids[code]
        async with app.db.transaction() as tx:
            new, already = await split_new(tx, programme_id, checked.rows)
            print(preview_text(catalogue, lang, new, already, checked.ignored))
            if not args.apply or not new:
                if new:
                    print(catalogue.text(lang, "roster_import.cli_apply_hint"))
                return 0
            created = await apply_rows(tx, app.services, programme_id, None, new,
                                       app.services.clock.now())
            bot = await telegram_bot(tx)
        print(catalogue.text(lang, "roster_import.applied", count=len(created)))
        for item in created:
            print(catalogue.text(lang, "invitations.line", name=item["row"].name,
                                 role=catalogue.text(lang, f"invitations.role.{item['row'].role}"),
                                 how=how_to_join(catalogue, lang, item["row"], item["code"],
                                                 item["sent"], bot)))
        if args.out:
            Path(args.out).write_bytes(invitations_csv(created, bot))
            print(args.out)
        return 0
    finally:
        await app.close()


async def dropped_file(ctx: Context, event: Event) -> list[Reply] | None:
    """A coordinator drops a file in the chat without a command: read as `/admin import`
    (audited as such). Anyone else's file goes on as a message."""
    if not isinstance(event, Message) or ctx.attachment is None or event.text.strip():
        return None
    if not await is_coordinator(ctx):
        return None
    await audit(ctx, "import", True)
    return await cmd_import(ctx, "")


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("import", cmd_import, "roster_import.help.import")
    roster_retention.register(router)  # unused invitations expire
    router.gate(dropped_file)
    registry.add("invitations", cmd_invitations, "invitations.help.invitations")
    admin_action(router, A_APPLY, press_apply)
    admin_action(router, A_REMIND, press_remind)
    router.action(A_START, press_start)
    wrap_start(router)
    register_table(ExportTable(
        "roster_entries",
        "SELECT e.id, pr.code AS programme, e.line, e.name, e.email, e.slack_id, e.telegram,"
        " e.handle, e.role, e.language, e.department, e.seniority, e.status, e.person_id,"
        " e.invited_at, e.joined_at, e.reminders FROM roster_entries e"
        " JOIN programmes pr ON pr.id = e.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY e.id"))
