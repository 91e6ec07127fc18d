"""`/admin broadcast <audience> <text>`: one message to many people of the programme.

The command only stores a draft and shows a preview — how many people it would reach and
the message as they will read it — with *Send* and *Cancel*. *Send* works out the audience
again at that moment and queues one outbox row per recipient with the idempotency key
`broadcast:<id>:<person>`: pressing *Send* twice (or a platform delivering the press twice)
cannot queue anyone a second time. The dispatcher paces delivery per platform.

Audiences, always within the coordinator's programme: `all` (everyone active), `mentors`,
`mentees` (people who are both count in each), `unmatched` (active mentees without a
mentor, as `/admin unmatched` lists them), `active-pairs` (both sides of every active
relationship) and `status:<status>` for `active`, `onboarding` or `new`. Suspended people
and those who refused the data terms never receive a broadcast.
"""

from __future__ import annotations

from typing import Any

from bot.admin import AdminRegistry, admin_action
from bot.admin_people import unmatched_mentees
from bot.clock import to_iso
from bot.context import Context
from bot.dispatcher import render
from bot.events import Button, Reply
from bot.figure_text import number
from bot.ids import parse_number
from bot.outbox import Outgoing
from bot.roles import audit, participant_sql
from bot.router import Router
from bot.store.db import Tx

A_SEND = "admin.broadcast.send"       # value: broadcast id
A_CANCEL = "admin.broadcast.cancel"   # value: broadcast id
AUDIENCES = ("all", "mentors", "mentees", "unmatched", "active-pairs")
STATUSES = ("active", "onboarding", "new")
ALIASES = {"tous": "all", "tout": "all", "everyone": "all", "mentore": "mentees",
           "mentores": "mentees", "mentorés": "mentees", "mentoré": "mentees",
           "sans-mentor": "unmatched", "pairs": "active-pairs", "binomes": "active-pairs",
           "binômes": "active-pairs"}
MAX_BODY = 3000   # leaves room for the header under Telegram's 4,096 characters


def parse_audience(word: str) -> str | None:
    """`mentors`, `status:onboarding`, `tous`… → the audience code, or None."""
    word = word.strip().casefold()
    word = ALIASES.get(word, word)
    if word in AUDIENCES:
        return word
    kind, _, status = word.partition(":")
    return f"status:{status}" if kind == "status" and status in STATUSES else None


async def recipients(tx: Tx, programme_id: int, audience: str) -> list[int]:
    """Person ids of the audience now, in id order."""
    if audience == "unmatched":
        return sorted(w.person_id for w in await unmatched_mentees(tx, programme_id))
    sql = {
        "all": "SELECT id FROM people WHERE programme_id = ? AND status = 'active'",
        "mentors": "SELECT id FROM people WHERE programme_id = ? AND status = 'active'"
                   " AND role IN ('mentor', 'both')",
        "mentees": "SELECT id FROM people WHERE programme_id = ? AND status = 'active'"
                   " AND role IN ('mentee', 'both')",
        "active-pairs": "SELECT p.id FROM people p WHERE p.programme_id = ? AND"
                        " p.status = 'active' AND EXISTS (SELECT 1 FROM matches m WHERE"
                        " m.status = 'active' AND p.id IN (m.mentee_id, m.mentor_id))",
    }.get(audience)
    params: tuple[Any, ...] = (programme_id,)
    if sql is None:
        status = audience.removeprefix("status:")
        if status not in STATUSES:
            return []
        # Coordinators who have not taken part themselves are not an audience (issue 13).
        sql, params = (f"SELECT id FROM people p WHERE programme_id = ? AND status = ?"
                       f" AND {participant_sql('p')}", (programme_id, status))
    return [row[0] for row in await tx.all(f"{sql} ORDER BY id", params)]


def message(ctx: Context, body: str) -> Outgoing:
    """The broadcast as recipients get it: a header in their language, then the words."""
    programme = ctx.services.programme_name(ctx.person.programme_id)
    return Outgoing(parts=(Outgoing(key="broadcast.header", params={"programme": programme}),
                           Outgoing(text=body)))


async def cmd_broadcast(ctx: Context, args: str) -> list[Reply]:
    word, body = [*args.split(maxsplit=1), "", ""][:2]
    audience = parse_audience(word) if word else None
    body = body.strip()
    if audience is None or not body:
        return [ctx.say("broadcast.usage", audiences=", ".join([*AUDIENCES, "status:…"]))]
    if len(body) > MAX_BODY:
        return [ctx.say("broadcast.too_long", length=len(body), limit=MAX_BODY)]
    count = len(await recipients(ctx.tx, ctx.person.programme_id, audience))
    if not count:
        return [ctx.say("broadcast.nobody", audience=_audience(ctx, audience))]
    broadcast_id = await ctx.tx.insert(
        "INSERT INTO broadcasts (programme_id, author_id, audience, body, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (ctx.person.programme_id, ctx.person.id, audience, body, to_iso(ctx.now)))
    preview, _ = render(ctx.services.catalogue, ctx.lang, message(ctx, body))
    text = ctx.t("broadcast.preview", count=count, number=number(count, ctx.lang, 0),
                 audience=_audience(ctx, audience), message=preview)
    return [ctx.reply(text, [
        Button(ctx.t("broadcast.send", count=count, number=number(count, ctx.lang, 0)),
               A_SEND, str(broadcast_id)),
        Button(ctx.t("broadcast.cancel"), A_CANCEL, str(broadcast_id))])]


def _audience(ctx: Context, audience: str) -> str:
    if audience.startswith("status:"):
        status = audience.removeprefix("status:")
        return ctx.t("broadcast.audience.status", status=ctx.t(f"profile.status_{status}"))
    return ctx.t(f"broadcast.audience.{audience}")


async def _draft(ctx: Context, value: str, action: str) -> tuple[Any, list[Reply]]:
    """The broadcast a button names: it must exist and belong to this coordinator's
    programme (otherwise refused and audited)."""
    broadcast_id = parse_number(value)
    row = await ctx.tx.one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)) \
        if broadcast_id else None
    if row is None:
        return None, [ctx.say("common.unknown_button")]
    if row["programme_id"] != ctx.person.programme_id:
        await audit(ctx, f"broadcast {row['id']} {action}: other programme", False)
        return None, [ctx.say("admin.refused")]
    if row["status"] == "sent":
        return None, [ctx.say("broadcast.already_sent", count=row["recipients"] or 0,
                              number=number(row["recipients"] or 0, ctx.lang, 0))]
    if row["status"] == "cancelled":
        return None, [ctx.say("broadcast.already_cancelled")]
    return row, []


async def press_send(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _draft(ctx, value, "send")
    if refusal:
        return refusal
    out = message(ctx, row["body"])
    queued = 0
    for person_id in await recipients(ctx.tx, ctx.person.programme_id, row["audience"]):
        if await ctx.notify(person_id, out, key=f"broadcast:{row['id']}:{person_id}"):
            queued += 1
    await ctx.tx.execute("UPDATE broadcasts SET status = 'sent', recipients = ?, sent_at = ?"
                         " WHERE id = ?", (queued, to_iso(ctx.now), row["id"]))
    await audit(ctx, f"broadcast {row['id']} sent to {queued}", True)
    return [ctx.say("broadcast.sent", count=queued, number=number(queued, ctx.lang, 0))]


async def press_cancel(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _draft(ctx, value, "cancel")
    if refusal:
        return refusal
    await ctx.tx.execute("UPDATE broadcasts SET status = 'cancelled' WHERE id = ?", (row["id"],))
    return [ctx.say("broadcast.cancelled")]


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("broadcast", cmd_broadcast, "coordinators.help.broadcast")
    admin_action(router, A_SEND, press_send)
    admin_action(router, A_CANCEL, press_cancel)
