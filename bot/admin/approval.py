"""Mentor approval: with `mentor_approval = true`, a new mentor waits for a coordinator.

A mentor who completes their profile (or a participant who becomes a mentor) is *pending*:
told that the coordination team checks every new mentor, never suggested to mentees nor
placed by cohort matching (bot/mentoring/eligibility.py) until a coordinator approves them, from the
alert's buttons, `/admin pending` or `/admin approve @name`. `/admin decline @name [why]`
tells them politely; a person who is also a mentee can still look for a mentor.
Mentors already active when approval is switched on are approved as they are (the setting
is about newcomers); every decision is audited.
"""

from __future__ import annotations

from bot.admin.admin import AdminRegistry, admin_action, named
from bot.kernel import people
from bot.kernel.alerts import alert_coordinators
from bot.kernel.clock import to_iso
from bot.kernel.context import Context, Services
from bot.kernel.domain_events import Started
from bot.kernel.events import Button, Reply
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.people import Person
from bot.kernel.roles import describe
from bot.kernel.router import Router
from bot.mentoring import eligibility
from bot.mentoring.matchmaking import in_every_language
from bot.store.db import Tx
from bot.text.figure_text import counted

A_APPROVE = "admin.approval.approve"   # value: person id
A_DECLINE = "admin.approval.decline"   # value: person id
A_LIST = "admin.approval.list"         # no value
MAX_CARDS = 10
MAX_REASON = 300


def required(services: Services, person: Person) -> bool:
    settings = eligibility.settings_of(services, person.programme_id)
    return bool(settings and settings.mentor_approval and person.is_mentor)


async def status_of(tx: Tx, person_id: int) -> str | None:
    return await tx.value("SELECT status FROM mentor_approvals WHERE person_id = ?",
                          (person_id,))


async def request(tx: Tx, services: Services, person: Person) -> bool:
    """A new mentor of a programme that approves its mentors: pending, and the coordinators
    alerted. False when no approval is needed or it was asked already."""
    if not required(services, person):
        return False
    now = services.clock.now()
    added = await tx.execute(
        "INSERT INTO mentor_approvals (person_id, programme_id, requested_at) VALUES (?, ?, ?)"
        " ON CONFLICT(person_id) DO NOTHING", (person.id, person.programme_id, to_iso(now)))
    if not added:
        return False
    waiting = await tx.value("SELECT count(*) FROM mentor_approvals WHERE programme_id = ?"
                             " AND status = 'pending'", (person.programme_id,))
    await alert_coordinators(tx, services, person.programme_id, _alert(services, person, waiting),
                             key=f"approval:{person.id}:alert", now=now)
    return True


def _alert(services: Services, person: Person, waiting: int) -> Outgoing:
    def topics(lang: str) -> str:
        return services.catalogue.join(lang, [services.taxonomy.label(t, lang)
                                              for t in person.topics_offered]) or "—"

    return Outgoing(key="approval.alert", params={
        "name": person.name, "count": waiting, "topics": in_every_language(topics),
        "department": f" · {person.department}" if person.department else "",
        "bio": person.goals[:280]},
        buttons=(OutButton("approval.approve", A_APPROVE, str(person.id)),
                 OutButton("approval.decline", A_DECLINE, str(person.id)),
                 OutButton("approval.list", A_LIST, "")))


# --- coordinators --------------------------------------------------------------------------

async def cmd_pending(ctx: Context, args: str) -> list[Reply]:
    rows = await ctx.tx.all(
        "SELECT p.* FROM mentor_approvals a JOIN people p ON p.id = a.person_id"
        " WHERE a.programme_id = ? AND a.status = 'pending' ORDER BY a.requested_at, p.id",
        (ctx.person.programme_id,))
    if not rows:
        return [ctx.say("approval.none")]
    mentors = [Person.from_row(row) for row in rows]
    replies = [ctx.say("approval.list_title", count=len(mentors))]
    for mentor in mentors[:MAX_CARDS]:
        topics = ctx.join([ctx.services.taxonomy.label(t, ctx.lang)
                           for t in mentor.topics_offered]) or "—"
        text = ctx.t("approval.card", name=mentor.name, topics=topics, bio=mentor.goals[:280],
                     department=f" · {mentor.department}" if mentor.department else "")
        replies.append(ctx.reply(text, [
            Button(ctx.t("approval.approve"), A_APPROVE, str(mentor.id)),
            Button(ctx.t("approval.decline"), A_DECLINE, str(mentor.id))]))
    if len(mentors) > MAX_CARDS:
        replies.append(ctx.reply(counted(ctx, "roster.more", len(mentors) - MAX_CARDS)))
    return replies


async def cmd_approve(ctx: Context, args: str) -> list[Reply]:
    target = await named(ctx, args.split(" ")[0] if args.strip() else "")
    if isinstance(target, Reply):
        return [target] if args.strip() else [ctx.say("approval.usage_approve")]
    return await decide(ctx, target, approve=True)


async def cmd_decline(ctx: Context, args: str) -> list[Reply]:
    who, _, reason = args.strip().partition(" ")
    target = await named(ctx, who)
    if isinstance(target, Reply):
        return [target] if who else [ctx.say("approval.usage_decline")]
    if len(reason) > MAX_REASON:
        return [ctx.say("common.too_long", length=len(reason), limit=MAX_REASON)]
    return await decide(ctx, target, approve=False, reason=reason.strip())


async def _target(ctx: Context, value: str) -> Person | None:
    person_id = int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
    person = await people.get(ctx.tx, person_id) if person_id is not None else None
    return person if person and person.programme_id == ctx.person.programme_id else None


async def press_approve(ctx: Context, value: str) -> list[Reply]:
    target = await _target(ctx, value)
    return await decide(ctx, target, approve=True) if target else \
        [ctx.say("common.unknown_button")]


async def press_decline(ctx: Context, value: str) -> list[Reply]:
    target = await _target(ctx, value)
    return await decide(ctx, target, approve=False) if target else \
        [ctx.say("common.unknown_button")]


async def press_list(ctx: Context, value: str) -> list[Reply]:
    return await cmd_pending(ctx, "")


async def decide(ctx: Context, target: Person, *, approve: bool, reason: str = "") -> list[Reply]:
    """Approve or decline a mentor of the coordinator's programme; they are told either way."""
    status = await status_of(ctx.tx, target.id)
    if status is None:
        return [ctx.say("approval.not_asked", name=target.name)]
    wanted = "approved" if approve else "declined"
    if status == wanted:
        return [ctx.say(f"approval.already_{wanted}", name=target.name)]
    await ctx.tx.execute(
        "UPDATE mentor_approvals SET status = ?, decided_by = ?, decided_at = ?"
        " WHERE person_id = ?",
        (wanted, ctx.person.id, to_iso(ctx.now), target.id))
    await describe(ctx, target_id=target.id, details=f"mentor approval: {status} → {wanted}")
    await eligibility.refresh(ctx.tx, ctx.services, target)
    if approve:
        message = Outgoing(key="approval.approved_mentor",
                           params={"programme": ctx.services.programme_name(target.programme_id)})
    else:
        key = "approval.declined_both" if target.is_mentee else "approval.declined_mentor"
        message = Outgoing(key=key, params={
            "programme": ctx.services.programme_name(target.programme_id),
            "reason": {"key": "approval.reason", "params": {"reason": reason}} if reason else ""})
    await ctx.notify(target.id, message, key=f"approval:{target.id}:{wanted}:{to_iso(ctx.now)}")
    return [ctx.say(f"approval.done_{wanted}", name=target.name)]


# --- start-up ----------------------------------------------------------------------------------

async def on_started(tx: Tx, services: Services, event: Started) -> None:
    """Mentors already active in a programme that now approves its mentors stay as they
    are: approved (by nobody), so that switching the setting on hides nobody."""
    now = to_iso(services.clock.now())
    for code, programme_id in services.programme_ids.items():
        if not services.config.programmes[code].mentor_approval:
            continue
        await tx.execute(
            "INSERT INTO mentor_approvals (person_id, programme_id, status, requested_at,"
            " decided_at) SELECT id, programme_id, 'approved', ?, ? FROM people"
            " WHERE programme_id = ? AND status = 'active' AND role IN ('mentor', 'both')"
            " AND NOT EXISTS (SELECT 1 FROM mentor_approvals a WHERE a.person_id = people.id)",
            (now, now, programme_id))


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("pending", cmd_pending, "approval.help.pending")
    registry.handlers.setdefault("approvals", cmd_pending)
    registry.add("approve", cmd_approve, "approval.help.approve")
    registry.add("decline", cmd_decline, "approval.help.decline")
    admin_action(router, A_APPROVE, press_approve)
    admin_action(router, A_DECLINE, press_decline)
    admin_action(router, A_LIST, press_list)
    router.hooks.on(Started, on_started)

