"""Reports: `/report` flags a relationship or a relayed message to the coordinators, who work
through a queue (`/admin reports`) and dismiss, warn, pause the pair, end it, or suspend the
person reported.

A participant picks what to report with buttons whose values are ids, re-checked on every
press (it must be their own relationship, or a message sent to them), then writes a short
reason. Coordinators' buttons go through `admin_action` (coordinator check repeated on every
press, audited) and each handler also checks that the report belongs to the coordinator's own
programme. Every outcome is written to the audit log.

A report is a case (issue 13): a warning is first a draft, previewed exactly as the person
will read it, in their language, then sent, edited (the coordinator types a replacement) or
cancelled; after a warning the case stays open, with coordinators' notes (`/admin note`),
until someone closes it. `/admin case N` shows one case, open or closed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.admin import staff_time
from bot.kernel import people
from bot.kernel.alerts import alert_coordinators
from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.ids import parse_number
from bot.kernel.languages import language_name
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.people import Person
from bot.kernel.roles import audit, describe
from bot.kernel.router import Router
from bot.mentoring import relay
from bot.mentoring.pair_actions import close_requests, end_match, open_matches_of, set_paused
from bot.store.state import Conversation, clear_conversation, set_conversation

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

MAX_REASON = 1000
MAX_REPORTS_PER_DAY = 5
QUEUE_LIMIT = 10
RECENT_DAYS = 90          # an ended relationship can still be reported this long after

A_PICK = "report.pick"               # value: match id
F_REASON = "report_reason"           # data: {"match_id", "message_id"}

A_DISMISS = "mod.dismiss"            # admin; every value: report id
A_WARN = "mod.warn"
A_PAUSE = "mod.pause"
A_RESUME = "mod.resume"
A_END = "mod.end"
A_SUSPEND = "mod.suspend"
A_HISTORY = "mod.history"
A_CLOSE = "mod.close"                # admin; value: report id
A_WARN_SEND = "mod.warn_send"        # admin; every value: warning draft (note) id
A_WARN_EDIT = "mod.warn_edit"
A_WARN_CANCEL = "mod.warn_cancel"
F_WARNING_TEXT = "warning_text"      # data: {"note_id"} — the next text replaces the draft

OPEN = ("open", "paused")
MAX_NOTE = 1000
NOTES_SHOWN = 10


def _int(value: str) -> int | None:
    """A button value as an id; anything else (signs, "１", 40 digits) is None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


# --- /report ------------------------------------------------------------------------------

async def cmd_report(ctx: Context, args: str) -> list[Reply]:
    since = to_iso(ctx.now - timedelta(days=RECENT_DAYS))
    matches = await ctx.tx.all(
        "SELECT * FROM matches WHERE (mentee_id = ? OR mentor_id = ?)"
        " AND (status IN ('active', 'paused') OR ended_at >= ?) ORDER BY id DESC LIMIT 10",
        (ctx.person.id, ctx.person.id, since))
    buttons = []
    for match in matches:
        other = await people.get(ctx.tx, _other(match, ctx.person.id))
        if other is not None and _named(other, args):
            buttons.append(Button(ctx.t("report.relationship_button", name=other.name)[:75],
                                  A_PICK, str(match["id"])))
    last = await ctx.tx.one(
        "SELECT * FROM relay_messages WHERE recipient_id = ? AND status IN ('delivered',"
        " 'approved') ORDER BY id DESC LIMIT 1", (ctx.person.id,))
    if last is not None:
        sender = await people.get(ctx.tx, last["sender_id"])
        if sender is not None and _named(sender, args):
            buttons.append(Button(ctx.t("report.message_button", name=sender.name)[:75],
                                  relay.A_REPORT_MESSAGE, str(last["id"])))
    if not buttons:
        return [ctx.say("report.nothing")]
    if len(matches) == 1 and len(buttons) == 1 and buttons[0].action_id == A_PICK \
            and await _reports_today(ctx) < MAX_REPORTS_PER_DAY:
        # One relationship: people type what happened without pressing its button first,
        # and that text is the report (it used to be lost as "I'm not sure what you mean").
        other = await people.get(ctx.tx, _other(matches[0], ctx.person.id))
        await set_conversation(ctx.tx, ctx.person.id, Conversation(
            F_REASON, "reason", {"match_id": matches[0]["id"]}), ctx.now)
        return [ctx.reply(ctx.t("report.pick_or_type", name=other.name if other else "?",
                                limit=MAX_REASON), buttons)]
    return [ctx.reply(ctx.t("report.pick"), buttons)]


def _other(match: Any, person_id: int) -> int:
    return match["mentor_id"] if match["mentee_id"] == person_id else match["mentee_id"]


def _named(person: Person, args: str) -> bool:
    """`/report @nora` narrows the choice to Nora; anything else shows every choice."""
    wanted = args.strip().lstrip("@").split(" ")[0].casefold() if args.strip() else ""
    return not wanted or wanted in (person.handle.casefold(), person.display_name.casefold())


async def press_pick(ctx: Context, value: str) -> list[Reply]:
    match_id = _int(value)
    match = await ctx.tx.one("SELECT * FROM matches WHERE id = ?", (match_id,)) \
        if match_id else None
    if match is None or ctx.person.id not in (match["mentee_id"], match["mentor_id"]):
        return [ctx.say("report.not_yours")]
    return await _ask_reason(ctx, {"match_id": match["id"]}, _other(match, ctx.person.id))


async def press_message(ctx: Context, value: str) -> list[Reply]:
    message_id = _int(value)
    message = await ctx.tx.one("SELECT * FROM relay_messages WHERE id = ?", (message_id,)) \
        if message_id else None
    if message is None or message["recipient_id"] != ctx.person.id:
        return [ctx.say("report.not_yours")]
    return await _ask_reason(ctx, {"match_id": message["match_id"],
                                   "message_id": message["id"]}, message["sender_id"])


async def _ask_reason(ctx: Context, data: dict[str, Any], other_id: int) -> list[Reply]:
    if await _reports_today(ctx) >= MAX_REPORTS_PER_DAY:
        return [ctx.say("report.too_many")]
    other = await people.get(ctx.tx, other_id)
    await set_conversation(ctx.tx, ctx.person.id, Conversation(F_REASON, "reason", data),
                           ctx.now)
    return [ctx.say("report.ask_reason", name=other.name if other else "?", limit=MAX_REASON)]


async def _reports_today(ctx: Context) -> int:
    return await ctx.tx.value(
        "SELECT count(*) FROM reports WHERE reporter_id = ? AND created_at >= ?",
        (ctx.person.id, to_iso(ctx.now - timedelta(days=1))))


async def flow_reason(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    if len(text) > MAX_REASON:
        return [ctx.say("report.reason_too_long", limit=MAX_REASON, length=len(text))]
    await clear_conversation(ctx.tx, ctx.person.id)
    match = await ctx.tx.one("SELECT * FROM matches WHERE id = ?",
                             (_int(str(conv.data.get("match_id", ""))),))
    if match is None or ctx.person.id not in (match["mentee_id"], match["mentor_id"]):
        return [ctx.say("report.not_yours")]
    if await _reports_today(ctx) >= MAX_REPORTS_PER_DAY:
        return [ctx.say("report.too_many")]
    message_id = _int(str(conv.data.get("message_id", "")))
    reported = _other(match, ctx.person.id)
    report_id = await ctx.tx.insert(
        "INSERT INTO reports (programme_id, reporter_id, reported_id, match_id, message_id,"
        " reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ctx.person.programme_id, ctx.person.id, reported, match["id"], message_id, text,
         to_iso(ctx.now)))
    other = await people.get(ctx.tx, reported)
    await alert_coordinators(ctx.tx, ctx.services, ctx.person.programme_id, Outgoing(
        key="report.alert", params={"number": report_id, "reporter": ctx.person.name,
                                    "reported": other.name if other else "?", "reason": text},
        buttons=_alert_buttons(report_id)), key=f"report:{report_id}:alert", now=ctx.now)
    return [ctx.say("report.thanks")]


def _alert_buttons(report_id: int) -> tuple[OutButton, ...]:
    value = str(report_id)
    return (OutButton("report.admin.dismiss", A_DISMISS, value),
            OutButton("report.admin.warn", A_WARN, value),
            OutButton("report.admin.pause", A_PAUSE, value),
            OutButton("report.admin.end", A_END, value),
            OutButton("report.admin.suspend", A_SUSPEND, value))


# --- /admin reports -------------------------------------------------------------------------

async def cmd_reports(ctx: Context, args: str) -> list[Reply]:
    rows = await ctx.tx.all(
        "SELECT * FROM reports WHERE programme_id = ? AND status IN ('open', 'paused')"
        " ORDER BY id LIMIT ?", (ctx.person.programme_id, QUEUE_LIMIT))
    if not rows:
        return [ctx.say("report.admin.empty")]
    replies = [ctx.say("report.admin.title", count=len(rows))]
    for row in rows:
        replies.append(await _queue_entry(ctx, row))
    return replies


async def _queue_entry(ctx: Context, row: Any) -> Reply:
    reporter = await people.get(ctx.tx, row["reporter_id"])
    reported = await people.get(ctx.tx, row["reported_id"]) if row["reported_id"] else None
    text = ctx.t("report.admin.entry", number=row["id"],
                 when=staff_time.moment(ctx, row["created_at"]),
                 reporter=reporter.name if reporter else "?",
                 reported=reported.name if reported else ctx.t("report.admin.someone_gone"),
                 what=ctx.t("report.admin.what_message" if row["message_id"]
                            else "report.admin.what_relationship"),
                 status=ctx.t(f"report.status.{row['status']}"), reason=row["reason"])
    value = str(row["id"])
    paused = row["status"] == "paused"
    buttons = [Button(ctx.t("report.admin.dismiss"), A_DISMISS, value),
               Button(ctx.t("report.admin.warn"), A_WARN, value),
               Button(ctx.t("report.admin.resume" if paused else "report.admin.pause"),
                      A_RESUME if paused else A_PAUSE, value),
               Button(ctx.t("report.admin.end"), A_END, value),
               Button(ctx.t("report.admin.suspend"), A_SUSPEND, value)]
    if row["match_id"] and await ctx.tx.value(
            "SELECT 1 FROM relay_messages WHERE match_id = ? LIMIT 1", (row["match_id"],)):
        buttons.append(Button(ctx.t("report.admin.history"), A_HISTORY, value))
    notes = await _note_lines(ctx, row["id"])
    if notes:
        text = "\n".join([text, ctx.t("report.admin.notes_title"), *notes])
    if row["status"] not in OPEN:  # a closed case is read, not acted on
        return ctx.reply(text)
    buttons.append(Button(ctx.t("report.admin.close"), A_CLOSE, value))
    return ctx.reply(text, buttons)


async def _note_lines(ctx: Context, report_id: int) -> list[str]:
    """The case's notes and the warnings sent, oldest first (the latest NOTES_SHOWN)."""
    rows = await ctx.tx.all(
        "SELECT * FROM (SELECT n.*, a.display_name, a.handle FROM report_notes n"
        " LEFT JOIN people a ON a.id = n.author_id WHERE n.report_id = ?"
        " AND n.kind IN ('note', 'warning_sent') ORDER BY n.id DESC LIMIT ?) ORDER BY id",
        (report_id, NOTES_SHOWN))
    lines = []
    for row in rows:
        who = row["display_name"] or row["handle"] or ctx.t("report.admin.someone_gone")
        key = "report.admin.note_line" if row["kind"] == "note" else "report.admin.warning_line"
        lines.append(ctx.t(key, when=staff_time.moment(ctx, row["updated_at"]), who=who,
                           text=row["body"]))
    return lines


async def _open_report(ctx: Context, value: str, action: str) -> tuple[Any, list[Reply]]:
    """The report a coordinator pressed a button for: theirs to handle, and still open."""
    report_id = _int(value)
    row = await ctx.tx.one("SELECT * FROM reports WHERE id = ?", (report_id,)) \
        if report_id else None
    if row is None:
        return None, [ctx.say("report.admin.unknown")]
    if row["programme_id"] != ctx.person.programme_id:
        await audit(ctx, f"report {row['id']} {action}: other programme", False)
        return None, [ctx.say("admin.refused")]
    if row["status"] not in OPEN and action != "history":
        return None, [ctx.say("report.admin.closed_already",
                              status=ctx.t(f"report.status.{row['status']}"))]
    return row, []


async def _close(ctx: Context, row: Any, status: str, action: str) -> None:
    await ctx.tx.execute(
        "UPDATE reports SET status = ?, handled_at = ?, handled_by = ? WHERE id = ?",
        (status, to_iso(ctx.now), ctx.person.id, row["id"]))
    await audit(ctx, f"report {row['id']} {action}", True)
    if status not in OPEN:
        await ctx.notify(row["reporter_id"], Outgoing(key="report.reviewed"),
                         key=f"report:{row['id']}:reviewed")


async def press_dismiss(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _open_report(ctx, value, "dismiss")
    if refusal:
        return refusal
    await _close(ctx, row, "dismissed", "dismiss")
    return [ctx.say("report.admin.dismissed", number=row["id"])]


async def press_warn(ctx: Context, value: str) -> list[Reply]:
    """*Warn*: a draft in the reported person's language, previewed before anything is sent."""
    row, refusal = await _open_report(ctx, value, "warn")
    if refusal:
        return refusal
    reported = await _reported(ctx, row)
    if reported is None:
        return [ctx.say("report.admin.someone_gone_action")]
    draft = await ctx.tx.one("SELECT * FROM report_notes WHERE report_id = ?"
                             " AND kind = 'warning_draft' ORDER BY id DESC LIMIT 1", (row["id"],))
    if draft is None:
        body = ctx.services.catalogue.text(reported.language, "report.warning_body")
        note_id = await ctx.tx.insert(
            "INSERT INTO report_notes (report_id, author_id, kind, body, language, created_at,"
            " updated_at) VALUES (?, ?, 'warning_draft', ?, ?, ?, ?)",
            (row["id"], ctx.person.id, body, reported.language, to_iso(ctx.now),
             to_iso(ctx.now)))
        draft = await ctx.tx.one("SELECT * FROM report_notes WHERE id = ?", (note_id,))
    await describe(ctx, target_id=reported.id, details=f"report {row['id']}: warning drafted")
    return [_warning_preview(ctx, draft, reported)]


def warning_text(ctx: Context, draft: Any) -> str:
    """The warning exactly as the person receives it: the coordinators' header in their
    language, then the draft's words."""
    programme = ctx.services.programme_name(ctx.person.programme_id)
    header = ctx.services.catalogue.text(draft["language"], "report.warning_header",
                                         programme=programme)
    return f"{header}\n\n{draft['body']}"


def _warning_preview(ctx: Context, draft: Any, reported: Person) -> Reply:
    value = str(draft["id"])
    text = ctx.t("report.admin.warning_preview", name=reported.name,
                 language=language_name(draft["language"], ctx.lang),
                 message=warning_text(ctx, draft))
    return ctx.reply(text, [
        Button(ctx.t("report.admin.warning_send", name=reported.name)[:75], A_WARN_SEND, value),
        Button(ctx.t("report.admin.warning_edit"), A_WARN_EDIT, value),
        Button(ctx.t("report.admin.warning_cancel"), A_WARN_CANCEL, value)])


async def _draft(ctx: Context, value: str, action: str) -> tuple[Any, Any, Person | None,
                                                                  list[Reply]]:
    """(draft, report, reported person) a warning button names: a draft still unsent, of an
    open report of this coordinator's programme."""
    note_id = parse_number(value)
    draft = await ctx.tx.one("SELECT * FROM report_notes WHERE id = ?", (note_id,)) \
        if note_id else None
    if draft is None or not draft["kind"].startswith("warning"):
        return None, None, None, [ctx.say("report.admin.unknown")]
    row, refusal = await _open_report(ctx, str(draft["report_id"]), action)
    if refusal:
        return None, None, None, refusal
    if draft["kind"] != "warning_draft":
        return None, None, None, [ctx.say("report.admin.warning_done_already")]
    reported = await _reported(ctx, row)
    if reported is None:
        return None, None, None, [ctx.say("report.admin.someone_gone_action")]
    return draft, row, reported, []


async def press_warn_send(ctx: Context, value: str) -> list[Reply]:
    draft, row, reported, refusal = await _draft(ctx, value, "warn send")
    if refusal:
        return refusal
    assert reported is not None
    await ctx.notify(reported.id, Outgoing(text=warning_text(ctx, draft)),
                     key=f"report:{row['id']}:warning:{draft['id']}")
    await ctx.tx.execute("UPDATE report_notes SET kind = 'warning_sent', author_id = ?,"
                         " updated_at = ? WHERE id = ?",
                         (ctx.person.id, to_iso(ctx.now), draft["id"]))
    # The case stays open (or paused) until a coordinator closes it.
    await describe(ctx, target_id=reported.id, details=f"report {row['id']}: warning sent")
    await audit(ctx, f"report {row['id']} warn", True, target_id=reported.id)
    return [ctx.say("report.admin.warning_sent", name=reported.name, number=row["id"],
                    buttons=[Button(ctx.t("report.admin.close"), A_CLOSE, str(row["id"]))])]


async def press_warn_edit(ctx: Context, value: str) -> list[Reply]:
    draft, _, reported, refusal = await _draft(ctx, value, "warn edit")
    if refusal:
        return refusal
    assert reported is not None
    await set_conversation(ctx.tx, ctx.person.id,
                           Conversation(F_WARNING_TEXT, "text", {"note_id": draft["id"]}),
                           ctx.now)
    return [ctx.say("report.admin.warning_ask_text", name=reported.name, limit=MAX_NOTE,
                    language=language_name(draft["language"], ctx.lang))]


async def flow_warning_text(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    """The replacement words of a warning draft; the coordinator check is made again."""
    from bot.kernel.roles import is_coordinator

    if not await is_coordinator(ctx):
        await clear_conversation(ctx.tx, ctx.person.id)
        await audit(ctx, "warning text", False)
        return [ctx.say("admin.refused")]
    if len(text) > MAX_NOTE:
        return [ctx.say("report.admin.text_too_long", length=len(text), limit=MAX_NOTE)]
    await clear_conversation(ctx.tx, ctx.person.id)
    draft, row, reported, refusal = await _draft(ctx, str(conv.data.get("note_id", "")),
                                                 "warn edit")
    if refusal:
        return refusal
    assert reported is not None
    await ctx.tx.execute("UPDATE report_notes SET body = ?, author_id = ?, updated_at = ?"
                         " WHERE id = ?", (text, ctx.person.id, to_iso(ctx.now), draft["id"]))
    await audit(ctx, f"report {row['id']} warning edited", True, target_id=reported.id)
    draft = await ctx.tx.one("SELECT * FROM report_notes WHERE id = ?", (draft["id"],))
    return [_warning_preview(ctx, draft, reported)]


async def press_warn_cancel(ctx: Context, value: str) -> list[Reply]:
    draft, row, reported, refusal = await _draft(ctx, value, "warn cancel")
    if refusal:
        return refusal
    assert reported is not None
    await ctx.tx.execute("UPDATE report_notes SET kind = 'warning_cancelled', updated_at = ?"
                         " WHERE id = ?", (to_iso(ctx.now), draft["id"]))
    await describe(ctx, target_id=reported.id, details=f"report {row['id']}: warning cancelled")
    return [ctx.say("report.admin.warning_cancelled", name=reported.name)]


async def press_close(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _open_report(ctx, value, "close")
    if refusal:
        return refusal
    await _close(ctx, row, "closed", "close")
    return [ctx.say("report.admin.closed", number=row["id"])]


# --- /admin note, /admin case ------------------------------------------------------------


async def _report_named(ctx: Context, word: str) -> Any:
    """A report of this coordinator's programme by its number ("3" or "#3"), or None."""
    number = parse_number(word.lstrip("#"))
    row = await ctx.tx.one("SELECT * FROM reports WHERE id = ?", (number,)) if number else None
    if row is not None and row["programme_id"] != ctx.person.programme_id:
        await audit(ctx, f"report {row['id']}: other programme", False)
        return None
    return row


async def cmd_note(ctx: Context, args: str) -> list[Reply]:
    word, _, text = args.strip().partition(" ")
    text = text.strip()
    if not word or not text:
        return [ctx.say("report.admin.note_usage")]
    if len(text) > MAX_NOTE:
        return [ctx.say("report.admin.text_too_long", length=len(text), limit=MAX_NOTE)]
    row = await _report_named(ctx, word)
    if row is None:
        return [ctx.say("report.admin.unknown")]
    await ctx.tx.insert(
        "INSERT INTO report_notes (report_id, author_id, kind, body, created_at, updated_at)"
        " VALUES (?, ?, 'note', ?, ?, ?)",
        (row["id"], ctx.person.id, text, to_iso(ctx.now), to_iso(ctx.now)))
    await describe(ctx, target_id=row["reported_id"], details=f"report {row['id']}: note added")
    return [ctx.say("report.admin.note_added", number=row["id"]), await _queue_entry(ctx, row)]


async def cmd_case(ctx: Context, args: str) -> list[Reply]:
    word = args.strip().split(" ")[0] if args.strip() else ""
    if not word:
        return [ctx.say("report.admin.case_usage")]
    row = await _report_named(ctx, word)
    if row is None:
        return [ctx.say("report.admin.unknown")]
    return [await _queue_entry(ctx, row)]


async def press_pause(ctx: Context, value: str) -> list[Reply]:
    return await _pause_or_resume(ctx, value, paused=True)


async def press_resume(ctx: Context, value: str) -> list[Reply]:
    return await _pause_or_resume(ctx, value, paused=False)


async def _pause_or_resume(ctx: Context, value: str, *, paused: bool) -> list[Reply]:
    verb, state = ("pause", "paused") if paused else ("resume", "resumed")
    row, refusal = await _open_report(ctx, value, verb)
    if refusal:
        return refusal
    match = await _match(ctx, row)
    if match is not None and not paused and match["status"] == "paused":
        refusal = await _cannot_resume(ctx, row, match)
        if refusal is not None:
            return [refusal]
    if match is None or not await set_paused(ctx.tx, match["id"], paused):
        return [ctx.say("report.admin.no_pair")]
    for person_id in (match["mentee_id"], match["mentor_id"]):
        await ctx.notify(person_id, Outgoing(key=f"report.pair_{state}"),
                         key=f"report:{row['id']}:{state}:{person_id}:{to_iso(ctx.now)}")
    # The report follows the pair: "paused", then "open" again once the pair resumes.
    await _close(ctx, row, "paused" if paused else "open", verb)
    return [ctx.say(f"report.admin.{state}", number=row["id"])]


async def _cannot_resume(ctx: Context, row: Any, match: Any) -> Reply | None:
    """A paused pair resumes only if it still fits: the mentee is in no other active
    relationship, and the mentor still has its place (they may have lowered their capacity
    meanwhile). Otherwise the coordinator is told why and the pair stays paused."""
    other = await ctx.tx.one(
        "SELECT mentor_id FROM matches WHERE mentee_id = ? AND status = 'active' AND id != ?"
        " LIMIT 1", (match["mentee_id"], match["id"]))
    if other is not None:
        mentee = await people.get(ctx.tx, match["mentee_id"])
        mentor = await people.get(ctx.tx, other["mentor_id"])
        return ctx.say("report.admin.resume_mentee_matched", number=row["id"],
                       mentee=mentee.name if mentee else "?",
                       mentor=mentor.name if mentor else "?")
    mentor = await people.get(ctx.tx, match["mentor_id"])
    active = await ctx.tx.value(
        "SELECT count(*) FROM matches WHERE mentor_id = ? AND status = 'active'",
        (match["mentor_id"],))
    if mentor is not None and active >= mentor.capacity:
        return ctx.say("report.admin.resume_mentor_full", number=row["id"], mentor=mentor.name,
                       count=active, capacity=mentor.capacity)
    return None


async def press_end(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _open_report(ctx, value, "end")
    if refusal:
        return refusal
    match = await _match(ctx, row)
    if match is None or not await end_match(ctx.tx, ctx.services, match, "moderation", ctx.now):
        return [ctx.say("report.admin.no_pair")]
    for person_id in (match["mentee_id"], match["mentor_id"]):
        await ctx.notify(person_id, Outgoing(key="report.pair_ended"),
                         key=f"report:{row['id']}:ended:{person_id}")
    await _close(ctx, row, "ended", "end")
    return [ctx.say("report.admin.ended", number=row["id"])]


async def press_suspend(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _open_report(ctx, value, "suspend")
    if refusal:
        return refusal
    reported = await _reported(ctx, row)
    if reported is None:
        return [ctx.say("report.admin.someone_gone_action")]
    if reported.id == ctx.person.id:
        return [ctx.say("report.admin.not_yourself")]
    await suspend(ctx, reported, f"report:{row['id']}")
    await describe(ctx, target_id=reported.id,
                   details=f"report {row['id']}: status {reported.status} → suspended")
    await _close(ctx, row, "suspended", "suspend")
    return [ctx.say("report.admin.suspended", name=reported.name)]


async def suspend(ctx: Context, person: Person, key: str) -> None:
    """Suspended: out of matching, relationships ended, pending requests closed, told so."""
    await people.update(ctx.tx, person, ctx.now, status="suspended")
    for match in await open_matches_of(ctx.tx, person.id):
        await end_match(ctx.tx, ctx.services, match, "suspended", ctx.now)
        partner = _other(match, person.id)
        await ctx.notify(partner, Outgoing(key="report.partner_unavailable",
                                           params={"name": person.name}),
                         key=f"{key}:unavailable:{match['id']}")
    for request in await close_requests(ctx.tx, ctx.now, person.id):
        partner = _other(request, person.id)
        await ctx.notify(partner, Outgoing(key="report.request_closed",
                                           params={"name": person.name}),
                         key=f"{key}:request-closed:{request['id']}")
    await ctx.notify(person.id, Outgoing(key="report.suspended_notice"), key=f"{key}:suspended")


async def cmd_unsuspend(ctx: Context, args: str) -> list[Reply]:
    """/admin unsuspend @person: lift a suspension (relationships ended stay ended)."""
    from bot.admin.admin import named

    target = await named(ctx, args.strip().split(" ")[0] if args.strip() else "")
    if isinstance(target, Reply):
        return [target]
    if target.status != "suspended":
        return [ctx.say("report.admin.not_suspended", name=target.name)]
    await people.update(ctx.tx, target, ctx.now, status="active")
    await audit(ctx, f"unsuspend {target.id}", True, target_id=target.id,
                details="status: suspended → active")
    await ctx.notify(target.id, Outgoing(key="report.unsuspended_notice"),
                     key=f"unsuspend:{target.id}:{to_iso(ctx.now)}")
    return [ctx.say("report.admin.unsuspended", name=target.name)]


async def press_history(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _open_report(ctx, value, "history")
    if refusal:
        return refusal
    if not row["match_id"]:
        return [ctx.say("report.admin.no_history")]
    lines = await relay.history(ctx, row["match_id"])
    await audit(ctx, f"report {row['id']} history read", True)
    if not lines:
        return [ctx.say("report.admin.no_history")]
    return [ctx.reply("\n".join([ctx.t("report.admin.history_title", number=row["id"]),
                                 *lines]))]


async def _reported(ctx: Context, row: Any) -> Person | None:
    return await people.get(ctx.tx, row["reported_id"]) if row["reported_id"] else None


async def _match(ctx: Context, row: Any) -> Any:
    if not row["match_id"]:
        return None
    return await ctx.tx.one("SELECT * FROM matches WHERE id = ?", (row["match_id"],))


def register(router: Router, registry: AdminRegistry) -> None:
    from bot.admin.admin import admin_action

    router.command("report", cmd_report, aliases=("signaler",), help_key="report.help")
    router.action(A_PICK, press_pick)
    router.action(relay.A_REPORT_MESSAGE, press_message)
    router.flow(F_REASON, flow_reason)
    registry.add("reports", cmd_reports, "report.admin_help")
    registry.add("case", cmd_case, "report.admin_help_case")
    registry.add("note", cmd_note, "report.admin_help_note")
    registry.add("unsuspend", cmd_unsuspend, "report.admin_help_unsuspend")
    router.flow(F_WARNING_TEXT, flow_warning_text)
    for action_id, handler in [(A_DISMISS, press_dismiss), (A_WARN, press_warn),
                               (A_PAUSE, press_pause), (A_RESUME, press_resume),
                               (A_END, press_end), (A_SUSPEND, press_suspend),
                               (A_HISTORY, press_history), (A_CLOSE, press_close),
                               (A_WARN_SEND, press_warn_send), (A_WARN_EDIT, press_warn_edit),
                               (A_WARN_CANCEL, press_warn_cancel)]:
        admin_action(router, action_id, handler)
