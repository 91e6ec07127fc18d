"""Relay mode: in programmes with `relay_mode = true` (youth programmes), a pair talks through
the bot and never sees each other's contact details.

- The introduction says "write to each other through me" and gives no contact.
- `/msg <text>` (or the "Reply" button under each relayed message) sends words to the
  partner; with several partners, buttons ask who it is for.
- A message that looks like it contains a contact detail (bot/mentoring/contact_details.py) is held;
  the programme's coordinators approve or reject it with admin buttons (re-checked and
  audited on every press). Nothing is relayed between blocked people or in a paused pair.
- Coordinators read the relayed history of a reported pair (bot/admin/moderation.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.kernel import outbox, people
from bot.kernel.alerts import alert_coordinators, programme_code
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Context, Services
from bot.kernel.events import Button, Reply
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.people import Person
from bot.kernel.roles import audit
from bot.kernel.router import Router, active_only
from bot.mentoring.contact_details import kinds_of
from bot.mentoring.matchmaking import in_every_language
from bot.store.db import Tx
from bot.store.state import Conversation, clear_conversation, get_conversation, set_conversation

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry

MAX_MESSAGE = 2000
HELD_LIMIT = 10

A_REPLY = "relay.reply"          # value: match id
A_TO = "relay.to"                # value: match id — who a /msg draft is for
A_APPROVE = "relay.approve"      # admin; value: relayed message id
A_REJECT = "relay.reject"        # admin; value: relayed message id
# value: relayed message id (handled by bot/admin/moderation.py)
A_REPORT_MESSAGE = "report.message"

F_COMPOSE = "relay_compose"      # data: {"match_id": id} — the next text is relayed
F_DRAFT = "relay_draft"          # data: {"text": ...} — waiting for a partner to be chosen


def relay_mode(services: Services, programme_id: int) -> bool:
    settings = services.config.programmes.get(programme_code(services, programme_id))
    return bool(settings and settings.relay_mode)


def _int(value: str) -> int | None:
    """A button value as an id; anything else (signs, "１", 40 digits) is None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def refuse_contact_details(ctx: Context, text: str) -> Reply | None:
    """In relay mode, free text that reaches someone before a match (a request note, a
    question) may not carry contact details either: the person is asked to remove them."""
    if not relay_mode(ctx.services, ctx.person.programme_id):
        return None
    findings = kinds_of(text)
    if not findings:
        return None
    return ctx.say("relay.remove_contact_details",
                   kinds=ctx.join([ctx.t(f"relay.kind.{k}") for k in findings]))


# --- introductions (called by bot/mentoring.introduce) ------------------------------------

async def introduce(tx: Tx, services: Services, mentee: Person, mentor: Person,
                    now: datetime, ref: int | str, *, source: str = "request",
                    mentor_now: bool = False) -> Outgoing | None:
    """"Talk through me": each side learns who the other is, never how to reach them. The
    words say who made the match, and `mentor_now` returns the mentor's instead of queuing
    it (bot/mentoring.introduce)."""
    match_id = await tx.value(
        "SELECT id FROM matches WHERE mentee_id = ? AND mentor_id = ? AND status = 'active'"
        " ORDER BY id DESC LIMIT 1", (mentee.id, mentor.id))
    made_by = f"{source}_" if source in ("manual", "cohort") else ""
    for me, other, key in ((mentee, mentor, "mentee"), (mentor, mentee, "mentor")):
        buttons = (OutButton("relay.write_to", A_REPLY, str(match_id), {"name": other.name}),) \
            if match_id else ()
        message = Outgoing(key=f"relay.intro_{made_by}{key}", params={"name": other.name},
                           buttons=buttons)
        if key == "mentor" and mentor_now:
            return message
        await outbox.enqueue(tx, me.id, message, due_at=now, key=f"intro:{ref}:{key}")
    return None


# --- sending ------------------------------------------------------------------------------

async def _partners(tx: Tx, person_id: int) -> list[tuple[Any, Person]]:
    rows = await tx.all(
        "SELECT * FROM matches WHERE status = 'active' AND (mentee_id = ? OR mentor_id = ?)"
        " ORDER BY id", (person_id, person_id))
    found = []
    for row in rows:
        other = await people.get(tx, row["mentor_id" if row["mentee_id"] == person_id
                                      else "mentee_id"])
        if other is not None:
            found.append((row, other))
    return found


async def _own_active_match(ctx: Context, value: str) -> tuple[Any, Person | None]:
    match_id = _int(value)
    row = await ctx.tx.one("SELECT * FROM matches WHERE id = ?", (match_id,)) \
        if match_id else None
    if row is None or ctx.person.id not in (row["mentee_id"], row["mentor_id"]):
        return None, None
    other_id = row["mentor_id"] if row["mentee_id"] == ctx.person.id else row["mentee_id"]
    return row, await people.get(ctx.tx, other_id)


async def blocked_between(tx: Tx, a: int, b: int) -> bool:
    return bool(await tx.value(
        "SELECT 1 FROM blocks WHERE (person_id = ? AND blocked_id = ?)"
        " OR (person_id = ? AND blocked_id = ?)", (a, b, b, a)))


async def cmd_msg(ctx: Context, args: str) -> list[Reply]:
    if not relay_mode(ctx.services, ctx.person.programme_id):
        return [ctx.say("relay.not_enabled")]
    partners = await _partners(ctx.tx, ctx.person.id)
    if not partners:
        paused = await ctx.tx.value(
            "SELECT 1 FROM matches WHERE status = 'paused' AND (mentee_id = ? OR mentor_id = ?)",
            (ctx.person.id, ctx.person.id))
        return [ctx.say("relay.paused" if paused else "relay.no_partner")]
    text = args.strip()
    if len(text) > MAX_MESSAGE:
        return [ctx.say("relay.too_long", limit=MAX_MESSAGE, length=len(text))]
    if text.startswith("@"):
        handle, _, rest = text.partition(" ")
        chosen = [(m, p) for m, p in partners if _answers_to(p, handle[1:])]
        if len(chosen) == 1:
            partners, text = chosen, rest.strip()
    if len(partners) == 1:
        match, other = partners[0]
        if not text:
            await set_conversation(ctx.tx, ctx.person.id,
                                   Conversation(F_COMPOSE, "text", {"match_id": match["id"]}),
                                   ctx.now)
            return [ctx.say("relay.ask_text", name=other.name)]
        return await send(ctx, match, other, text)
    await set_conversation(ctx.tx, ctx.person.id, Conversation(F_DRAFT, "pick", {"text": text}),
                           ctx.now)
    return [ctx.reply(ctx.t("relay.pick"), [
        Button(ctx.t("relay.to_button", name=other.name)[:75], A_TO, str(match["id"]))
        for match, other in partners])]


def _answers_to(person: Person, handle: str) -> bool:
    handle = handle.casefold()
    return bool(handle) and handle in (person.handle.casefold(), person.display_name.casefold())


async def press_to(ctx: Context, value: str) -> list[Reply]:
    match, other = await _own_active_match(ctx, value)
    if match is None or other is None:
        return [ctx.say("common.unknown_button")]
    conv = await get_conversation(ctx.tx, ctx.person.id)
    draft = str(conv.data.get("text", "")) if conv and conv.flow == F_DRAFT else ""
    if draft:
        await clear_conversation(ctx.tx, ctx.person.id)
        return await send(ctx, match, other, draft)
    return await press_reply(ctx, value)


async def press_reply(ctx: Context, value: str) -> list[Reply]:
    match, other = await _own_active_match(ctx, value)
    if match is None or other is None:
        return [ctx.say("common.unknown_button")]
    if match["status"] != "active":
        return [ctx.say("relay.pair_not_active")]
    await set_conversation(ctx.tx, ctx.person.id,
                           Conversation(F_COMPOSE, "text", {"match_id": match["id"]}), ctx.now)
    return [ctx.say("relay.ask_text", name=other.name)]


async def flow_compose(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    if len(text) > MAX_MESSAGE:
        return [ctx.say("relay.too_long", limit=MAX_MESSAGE, length=len(text))]
    await clear_conversation(ctx.tx, ctx.person.id)
    match, other = await _own_active_match(ctx, str(conv.data.get("match_id", "")))
    if match is None or other is None:
        return [ctx.say("relay.no_partner")]
    return await send(ctx, match, other, text)


async def flow_draft(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    """A new text while we wait for "who is it for?": it replaces the draft."""
    await clear_conversation(ctx.tx, ctx.person.id)
    return await cmd_msg(ctx, text)


async def send(ctx: Context, match: Any, other: Person, text: str) -> list[Reply]:
    """Relay `text` to `other`, or hold it for the coordinators when it has contact details."""
    if match["status"] != "active" or not relay_mode(ctx.services, ctx.person.programme_id):
        return [ctx.say("relay.pair_not_active")]
    if await blocked_between(ctx.tx, ctx.person.id, other.id):
        return [ctx.say("relay.pair_not_active")]
    if not ctx.person.active:
        return [ctx.say("common.needs_profile")]
    findings = kinds_of(text)
    status = "held" if findings else "delivered"
    message_id = await ctx.tx.insert(
        "INSERT INTO relay_messages (programme_id, match_id, sender_id, recipient_id, body,"
        " status, findings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.person.programme_id, match["id"], ctx.person.id, other.id, text, status,
         json.dumps(findings), to_iso(ctx.now)))
    if findings:
        await alert_coordinators(ctx.tx, ctx.services, ctx.person.programme_id, Outgoing(
            key="relay.held_alert",
            params={"sender": ctx.person.name, "recipient": other.name, "text": text,
                    "kinds": _kinds(ctx.services, findings)},
            buttons=_review_buttons(message_id)), key=f"relay:{message_id}:held", now=ctx.now)
        return [ctx.say("relay.held", kinds=ctx.join(
            [ctx.t(f"relay.kind.{k}") for k in findings]))]
    await _deliver(ctx.tx, ctx.person, other, match["id"], message_id, text, ctx.now)
    return [ctx.say("relay.sent", name=other.name)]


def _kinds(services: Services, findings: list[str]) -> dict[str, Any]:
    return in_every_language(lambda lang: services.catalogue.join(
        lang, [services.catalogue.text(lang, f"relay.kind.{k}") for k in findings]))


def _review_buttons(message_id: int) -> tuple[OutButton, ...]:
    return (OutButton("relay.approve", A_APPROVE, str(message_id)),
            OutButton("relay.reject", A_REJECT, str(message_id)))


async def _deliver(tx: Tx, sender: Person, recipient: Person, match_id: int, message_id: int,
                   text: str, now: datetime) -> None:
    await outbox.enqueue(tx, recipient.id, Outgoing(
        key="relay.incoming", params={"name": sender.name, "text": text},
        buttons=(OutButton("relay.reply_button", A_REPLY, str(match_id)),
                 OutButton("relay.report_button", A_REPORT_MESSAGE, str(message_id)))),
        due_at=now, key=f"relay:{message_id}:deliver")


# --- coordinators: held messages ------------------------------------------------------------

async def _held_message(ctx: Context, value: str, action: str) -> tuple[Any, list[Reply]]:
    """The held message a coordinator pressed a button for, checked against their programme."""
    message_id = _int(value)
    row = await ctx.tx.one("SELECT * FROM relay_messages WHERE id = ?", (message_id,)) \
        if message_id else None
    if row is None:
        return None, [ctx.say("relay.unknown_message")]
    if row["programme_id"] != ctx.person.programme_id:
        await audit(ctx, f"{action} {row['id']} other programme", False)
        return None, [ctx.say("admin.refused")]
    if row["status"] != "held":
        status = ctx.t(f"relay.status.{row['status']}")
        return None, [ctx.say("relay.already_reviewed", status=status)]
    return row, []


async def press_approve(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _held_message(ctx, value, "relay approve")
    if refusal:
        return refusal
    await _review(ctx, row, "approved")
    sender = await people.get(ctx.tx, row["sender_id"])
    recipient = await people.get(ctx.tx, row["recipient_id"])
    match = await ctx.tx.one("SELECT * FROM matches WHERE id = ?", (row["match_id"],))
    if sender is None or recipient is None or match is None or match["status"] != "active" \
            or await blocked_between(ctx.tx, sender.id, recipient.id):
        return [ctx.say("relay.approved_not_delivered")]
    await _deliver(ctx.tx, sender, recipient, match["id"], row["id"], row["body"], ctx.now)
    await ctx.notify(sender.id, Outgoing(key="relay.approved_sender",
                                         params={"name": recipient.name}),
                     key=f"relay:{row['id']}:approved")
    return [ctx.say("relay.approved", name=recipient.name)]


async def press_reject(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _held_message(ctx, value, "relay reject")
    if refusal:
        return refusal
    await _review(ctx, row, "rejected")
    recipient = await people.get(ctx.tx, row["recipient_id"])
    await ctx.notify(row["sender_id"], Outgoing(
        key="relay.rejected_sender", params={"name": recipient.name if recipient else "?"}),
        key=f"relay:{row['id']}:rejected")
    return [ctx.say("relay.rejected")]


async def _review(ctx: Context, row: Any, status: str) -> None:
    await ctx.tx.execute(
        "UPDATE relay_messages SET status = ?, reviewed_at = ?, reviewed_by = ? WHERE id = ?",
        (status, to_iso(ctx.now), ctx.person.id, row["id"]))
    await audit(ctx, f"relay {status} {row['id']}", True)


async def cmd_held(ctx: Context, args: str) -> list[Reply]:
    """/admin held: messages waiting for a coordinator, oldest first."""
    rows = await ctx.tx.all(
        "SELECT * FROM relay_messages WHERE programme_id = ? AND status = 'held'"
        " ORDER BY id LIMIT ?", (ctx.person.programme_id, HELD_LIMIT))
    if not rows:
        return [ctx.say("relay.none_held")]
    replies = [ctx.say("relay.held_title", count=len(rows))]
    for row in rows:
        sender = await people.get(ctx.tx, row["sender_id"])
        recipient = await people.get(ctx.tx, row["recipient_id"])
        replies.append(ctx.reply(ctx.t(
            "relay.held_line", number=row["id"], when=when(ctx, row["created_at"]),
            sender=sender.name if sender else "?", recipient=recipient.name if recipient else "?",
            kinds=ctx.join([ctx.t(f"relay.kind.{k}") for k in json.loads(row["findings"])]),
            text=row["body"]), [Button(ctx.t("relay.approve"), A_APPROVE, str(row["id"])),
                                Button(ctx.t("relay.reject"), A_REJECT, str(row["id"]))]))
    return replies


def when(ctx: Context, iso: str) -> str:
    """A stored UTC time, short, in the reader's language and time zone."""
    try:
        zone = ZoneInfo(ctx.person.timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return format_datetime(from_iso(iso), format="short", locale=ctx.lang, tzinfo=zone)


async def history(ctx: Context, match_id: int, limit: int = 30) -> list[str]:
    """The last relayed messages of a pair, oldest first, as lines for a coordinator."""
    rows = await ctx.tx.all(
        "SELECT * FROM (SELECT * FROM relay_messages WHERE match_id = ? ORDER BY id DESC"
        " LIMIT ?) ORDER BY id", (match_id, limit))
    names: dict[int, str] = {}
    lines = []
    for row in rows:
        if row["sender_id"] not in names:
            sender = await people.get(ctx.tx, row["sender_id"])
            names[row["sender_id"]] = sender.name if sender else "?"
        lines.append(ctx.t("relay.history_line", when=when(ctx, row["created_at"]),
                           sender=names[row["sender_id"]],
                           status=ctx.t(f"relay.status.{row['status']}"), text=row["body"]))
    return lines


def register(router: Router, registry: AdminRegistry) -> None:
    from bot.admin.admin import admin_action

    router.command("msg", cmd_msg, aliases=("message",), needs_profile=True,
                   help_key="relay.help.msg")
    router.action(A_REPLY, active_only(press_reply))
    router.action(A_TO, active_only(press_to))
    router.flow(F_COMPOSE, flow_compose)
    router.flow(F_DRAFT, flow_draft)
    admin_action(router, A_APPROVE, press_approve)
    admin_action(router, A_REJECT, press_reject)
    registry.add("held", cmd_held, "relay.admin_help.held")
