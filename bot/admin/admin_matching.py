"""Coordinators' matching commands: cohort matching (dry run, then apply) and weights."""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from bot.admin.admin import AdminRegistry, admin_action
from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.people import Person
from bot.kernel.roles import describe
from bot.kernel.router import Router
from bot.mentoring.cohorts import apply_plan, plan_cohort, render_plan
from bot.mentoring.matchmaking import to_profile
from bot.mentoring.mentoring import _relationship_months
from matching.model import CRITERIA, Weights

A_COHORT_APPLY = "admin.cohort.apply"   # value: "<mode>|<fingerprint>"
A_WEIGHTS_APPLY = "admin.weights.apply"  # value: "k=v k=v ..." (re-validated on press)
SETTINGS_WEIGHTS = "weights"
_PAIR = re.compile(r"^([a-z_]+)\s*=\s*([^\s]+)$")


async def cmd_cohort(ctx: Context, args: str) -> list[Reply]:
    mode = "fair" if args.strip().lower() in ("fair", "equitable", "équitable") else "total"
    plan = await plan_cohort(ctx.tx, ctx.services, ctx.person.programme_id, mode)
    text = render_plan(plan, ctx.services, ctx.lang)
    if not plan.result.pairs:
        return [ctx.reply(text)]
    return [ctx.reply(text, [Button(ctx.t("cohort.apply", count=len(plan.result.pairs)),
                                    A_COHORT_APPLY, f"{mode}|{plan.fingerprint}")])]


async def press_cohort_apply(ctx: Context, value: str) -> list[Reply]:
    mode, _, fingerprint = value.partition("|")
    if mode not in ("total", "fair"):
        return [ctx.say("common.unknown_button")]
    plan = await plan_cohort(ctx.tx, ctx.services, ctx.person.programme_id, mode)
    if plan.fingerprint != fingerprint:
        return [ctx.say("cohort.changed"), *await cmd_cohort(ctx, mode)]
    months = _relationship_months(ctx.services, ctx.person.programme_id)
    created = await apply_plan(ctx.tx, ctx.services, plan, ctx.now, months)
    await describe(ctx, details=f"cohort {mode}: {created} pairs created")
    return [ctx.say("cohort.applied", count=created)]


# --- weights ----------------------------------------------------------------------------

def parse_weights(text: str, current: Weights) -> tuple[Weights | None, str]:
    """"topics=3 language=2 department_mode=same" -> new weights, or None and an error key."""
    values = asdict(current)
    for part in text.replace(",", " ").split():
        match = _PAIR.match(part.strip().lower())
        if not match:
            return None, "weights.bad_pair"
        name, raw = match.groups()
        if name not in values:
            return None, "weights.unknown"
        if name == "department_mode":
            values[name] = raw
            continue
        try:
            values[name] = float(raw)
        except ValueError:
            return None, "weights.bad_number"
    try:
        return Weights.from_mapping(values), ""
    except ValueError:
        return None, "weights.bad_number"


def _format(weights: Weights) -> str:
    parts = [f"{name}={getattr(weights, name):g}" for name in CRITERIA]
    return " ".join([*parts, f"department_mode={weights.department_mode}"])


async def cmd_weights(ctx: Context, args: str) -> list[Reply]:
    current = ctx.services.matchmaker.weights(ctx.person.programme_id)
    if not args.strip():
        return [ctx.reply(ctx.t("weights.current", weights=_format(current)) + "\n"
                          + ctx.t("weights.how"))]
    proposed, error = parse_weights(args, current)
    if proposed is None:
        return [ctx.say(error, names=", ".join([*CRITERIA, "department_mode"]))]
    preview = await _preview(ctx, current, proposed)
    return [ctx.reply(ctx.t("weights.preview", weights=_format(proposed)) + "\n" + preview,
                      [Button(ctx.t("weights.apply"), A_WEIGHTS_APPLY, _format(proposed))])]


async def _preview(ctx: Context, current: Weights, proposed: Weights) -> str:
    """How the first suggestion of up to 50 unmatched mentees would change."""
    from matching.suggestions import MentorIndex

    rows = await ctx.tx.all(
        "SELECT * FROM people WHERE programme_id = ? AND status = 'active' ORDER BY id",
        (ctx.person.programme_id,))
    everyone = [Person.from_row(r) for r in rows]
    mentors = [to_profile(p) for p in everyone if p.is_mentor and not p.paused]
    mentees = [p for p in everyone if p.is_mentee][:50]
    before = MentorIndex(mentors, current, ctx.services.taxonomy)
    after = MentorIndex(mentors, proposed, ctx.services.taxonomy)
    names = {p.id: p.name for p in everyone}
    changes = []
    for mentee in mentees:
        old = before.suggest(to_profile(mentee), k=1)
        new = after.suggest(to_profile(mentee), k=1)
        if old and new and old[0].mentor_id != new[0].mentor_id:
            changes.append(ctx.t("weights.change", mentee=mentee.name,
                                 before=names[old[0].mentor_id], after=names[new[0].mentor_id]))
    lines = [ctx.t("weights.changed_count", count=len(changes), total=len(mentees))]
    return "\n".join(lines + changes[:8])


async def press_weights_apply(ctx: Context, value: str) -> list[Reply]:
    current = ctx.services.matchmaker.weights(ctx.person.programme_id)
    proposed, _ = parse_weights(value, current) if value.strip() else (None, "")
    if proposed is None:  # a forged or damaged button: "Saved" would be untrue
        return [ctx.say("common.unknown_button")]
    await ctx.tx.execute(
        "INSERT INTO programme_settings (programme_id, key, value, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT(programme_id, key) DO UPDATE SET value = excluded.value,"
        " updated_at = excluded.updated_at",
        (ctx.person.programme_id, SETTINGS_WEIGHTS, json.dumps(asdict(proposed)),
         to_iso(ctx.now)))
    ctx.services.matchmaker.set_weights(ctx.person.programme_id, proposed)
    await describe(ctx, details=_changes(current, proposed))
    return [ctx.say("weights.applied", weights=_format(proposed))]


def _changes(old: Weights, new: Weights) -> str:
    """"topics 3 → 4, department_mode diverse → same": what the audit log keeps."""
    before, after = asdict(old), asdict(new)
    changed = [f"{name} {_value(before[name])} → {_value(after[name])}"
               for name in before if before[name] != after[name]]
    return ", ".join(changed) or "unchanged"


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


async def load_saved_weights(tx, services) -> None:
    """At start-up: weights that coordinators changed in chat override the config."""
    for row in await tx.all("SELECT programme_id, value FROM programme_settings WHERE key = ?",
                            (SETTINGS_WEIGHTS,)):
        try:
            services.matchmaker.set_weights(row["programme_id"],
                                            Weights.from_mapping(json.loads(row["value"])))
        except ValueError:
            continue  # a bad stored value falls back to the config's weights


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("cohort", cmd_cohort, "admin.help.cohort")
    registry.add("weights", cmd_weights, "admin.help.weights")
    admin_action(router, A_COHORT_APPLY, press_cohort_apply)
    admin_action(router, A_WEIGHTS_APPLY, press_weights_apply)

    async def match_cohort(ctx: Context, args: str) -> list[Reply]:
        return await router.commands["admin"].handler(ctx, f"cohort {args}".strip())

    router.command("match-cohort", match_cohort, admin=True)
