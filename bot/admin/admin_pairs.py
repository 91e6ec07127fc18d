"""Manual matching by coordinators: `/admin match @mentee @mentor` shows the score and its
reasons (or the hard constraint that forbids the pair) with a *Confirm* button;
`/admin end @mentee @mentor [reason]` (alias `unmatch`) ends an open relationship.

*Confirm* re-checks everything on every press (coordinator of this programme, both people
still in it, no constraint broken, the mentee still without a mentor), so a second press
or a stale preview changes nothing. A confirmed match is created with source `manual`,
introduced like any other (bot.mentoring.mentoring.introduce) and announced with the `matched` hook.

Ending goes through bot.mentoring.lifecycle.end_relationship, as a relationship reaching its end
date does: planned meetings are cancelled, pending prompts dropped, `relationship_ended` emitted,
and both people get the closing survey — after a short, kind word that the coordinators
closed it. The coordinator's reason is kept for the record (`end_reason`, the audit log),
never sent to the pair.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.admin.admin import AdminRegistry, admin_action, suggest_close
from bot.admin.admin_people import find_named
from bot.kernel import outbox, people
from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.domain_events import Matched
from bot.kernel.events import Button, Reply
from bot.kernel.ids import parse_number
from bot.kernel.outbox import Outgoing
from bot.kernel.people import Person
from bot.kernel.roles import audit, programme_code
from bot.kernel.router import Router
from bot.meetings import free_times
from bot.mentoring.lifecycle import end_relationship
from bot.mentoring.matchmaking import constraints_for, mentor_loads, render_reason, to_profile
from bot.mentoring.mentoring import close_after_match, introduce, quality_floor
from bot.mentoring.pair_actions import open_matches_between
from matching.model import Reason, Suggestion
from matching.scoring import score_pair, unmet_constraint

A_CONFIRM = "admin.match.confirm"   # value: "<mentee id>:<mentor id>"
MAX_REASON = 300
END_CODE = "coordinator"


async def _two_people(ctx: Context, args: str,
                      usage: str = "pairing.usage") -> tuple[Person, Person, str] | Reply:
    """The two people named first in `args` (own programme), and the rest of the text.
    Names of several words are understood too ("niamh gallagher marcus delgado")."""
    words = args.split()
    if len(words) < 2:
        return ctx.say(usage)
    found = []
    for token in words[:2]:  # "Did you mean…" only for the name finally said not found
        found.append(await find_named(ctx, token, suggest=False))
    first, second = found
    handles = words[0].startswith("@") or words[1].startswith("@")
    if isinstance(first, Person) and isinstance(second, Person) and (
            first.id != second.id or handles):  # "@mia @mia" is refused by the checks
        return first, second, " ".join(words[2:])
    if not handles:
        by_names = await _full_names(ctx, words)
        if by_names is not None:
            return by_names
    for token, person in zip(words[:2], found, strict=True):
        if isinstance(person, Reply):  # nobody, or several people, go by that name
            if person.text == ctx.t("admin.no_person", name=token.strip()[:40]):
                suggest_close(ctx, token)  # nobody: "Did you mean …?" follows
            return person
    assert isinstance(first, Person)
    return ctx.say("pairing.same_person", name=first.name,
                   handle=f"@{first.handle}" if first.handle else first.name)


MAX_NAME_WORDS = 3


async def _full_names(ctx: Context, words: list[str]) -> tuple[Person, Person, str] | None:
    """Two people named by their full names: the first way of cutting the words into two
    names that each name exactly one person (two different people). Tried only when the
    first two words alone do not name two people, with each name looked up once."""
    from bot.onboarding.identities import find_people

    seen: dict[str, list[Person]] = {}

    async def one(name: str) -> Person | None:
        if name not in seen:
            seen[name] = await find_people(ctx.tx, ctx.person.programme_id, name)
        return seen[name][0] if len(seen[name]) == 1 else None

    for cut in range(1, min(MAX_NAME_WORDS, len(words) - 1) + 1):
        first = await one(" ".join(words[:cut]))
        if first is None:
            continue
        for end in range(min(len(words), cut + MAX_NAME_WORDS), cut, -1):  # longest first
            second = await one(" ".join(words[cut:end]))
            if second is not None and second.id != first.id:
                return first, second, " ".join(words[end:])
    return None


async def _check(ctx: Context, mentee: Person, mentor: Person) -> Suggestion | Reply:
    """The pair's score, or why it cannot be matched (in words)."""
    if not mentee.is_mentee or not mentee.active:
        return ctx.say("pairing.not_mentee", name=mentee.name)
    current = await ctx.tx.one(
        "SELECT mentor_id FROM matches WHERE mentee_id = ? AND status IN ('active', 'paused')",
        (mentee.id,))
    if current is not None:
        other = await people.get(ctx.tx, current["mentor_id"])
        return ctx.say("pairing.has_mentor", mentee=mentee.name,
                       mentor=other.name if other else "?")
    scored = await score(ctx, mentee, mentor)
    if isinstance(scored, str):
        return ctx.say("pairing.refused", mentee=mentee.name, mentor=mentor.name,
                       reason=ctx.t(f"matching.refused.{scored}"))
    return scored


async def score(ctx: Context, mentee: Person, mentor: Person) -> Suggestion | str:
    """The pair's score as /find shows it (`Matchmaker.score`), or the code of the hard
    constraint it breaks — except that a request the mentee sent this very mentor does not
    take up a place: the match is its answer. (`Matchmaker.score` counts it in the load, so
    a full mentor could never be matched with the mentee who asked them.)"""
    matchmaker, now = ctx.services.matchmaker, to_iso(ctx.now)
    own_request = await ctx.tx.value(
        "SELECT count(*) FROM requests WHERE mentee_id = ? AND mentor_id = ?"
        " AND status = 'pending'", (mentee.id, mentor.id))
    load = (await mentor_loads(ctx.tx, [mentor.id]))[mentor.id] - own_request
    mentee_profile, mentor_profile = to_profile(mentee), to_profile(mentor, load)
    constraints = await constraints_for(ctx.tx, mentee.id)
    code = unmet_constraint(mentee_profile, mentor_profile, constraints)
    if code is not None:
        return code
    index = await matchmaker.index(ctx.tx, mentee.programme_id, now)
    suggestion = score_pair(mentee_profile, mentor_profile,
                            matchmaker.weights(mentee.programme_id), constraints,
                            ctx.services.taxonomy, text_model=index.text_model)
    assert suggestion is not None  # no constraint is broken: checked just above
    return suggestion


async def cmd_match(ctx: Context, args: str) -> list[Reply]:
    named = await _two_people(ctx, args)
    if isinstance(named, Reply):
        return [named]
    mentee, mentor, _ = named
    swapped = not mentee.is_mentee and mentee.is_mentor and mentor.is_mentee
    if swapped:  # "/admin match @nora @mia": the mentor named first, read the other way round
        mentee, mentor = mentor, mentee
    checked = await _check(ctx, mentee, mentor)
    if isinstance(checked, Reply):
        return [checked]
    services = ctx.services
    reasons = [render_reason(services.catalogue, services.taxonomy, ctx.lang, reason,
                             staff=True)
               for reason in checked.reasons if reason.code != "availability"]
    text = ctx.t("pairing.preview", mentee=mentee.name, mentor=mentor.name,
                 score=round(checked.score * 100),
                 reasons="\n".join(f"- {r}" for r in reasons) or "—",
                 when=_common_time(ctx, mentee, mentor, checked.availability))
    if checked.score < quality_floor(services):
        text += "\n" + ctx.t("pairing.under_floor",
                             floor=round(services.config.matching.quality_floor))
    if swapped:
        text = ctx.t("pairing.swapped", mentee=mentee.name, mentor=mentor.name) + "\n" + text
    return [ctx.reply(text, [Button(ctx.t("pairing.confirm"), A_CONFIRM,
                                    f"{mentee.id}:{mentor.id}")])]


def _common_time(ctx: Context, mentee: Person, mentor: Person, when: Reason | None) -> str:
    """When both are free, in the mentee's week (the coordinator may live elsewhere), or
    that they have no time in common, or who has not said."""
    if when is None:
        return ctx.t("pairing.when_unknown_both")
    missing = when.params.get("missing", "")
    if missing == "both":
        return ctx.t("pairing.when_unknown_both")
    if missing:
        return ctx.t("pairing.when_unknown",
                     name=mentee.name if missing == "mentee" else mentor.name)
    if not when.params.get("hours"):
        return ctx.t("pairing.when_none")
    return ctx.t("pairing.when", mentee=mentee.name, count=when.params["hours"],
                 times=free_times.describe(ctx.services.catalogue, ctx.lang,
                                           when.params["times"]))


async def press_confirm(ctx: Context, value: str) -> list[Reply]:
    mentee_part, _, mentor_part = value.partition(":")
    mentee_id, mentor_id = parse_number(mentee_part), parse_number(mentor_part)
    mentee = await people.get(ctx.tx, mentee_id) if mentee_id else None
    mentor = await people.get(ctx.tx, mentor_id) if mentor_id else None
    if mentee is None or mentor is None:
        return [ctx.say("common.unknown_button")]
    if {mentee.programme_id, mentor.programme_id} != {ctx.person.programme_id}:
        await audit(ctx, "match confirm: other programme", False)
        return [ctx.say("admin.refused")]
    checked = await _check(ctx, mentee, mentor)
    if isinstance(checked, Reply):
        return [checked]
    match_id = await _create(ctx, mentee, mentor, checked)
    await audit(ctx, f"match {match_id} created: {mentee.id} -> {mentor.id}", True,
                target_id=mentee.id, details=f"mentor: none → #{mentor.id}")
    return [ctx.say("pairing.matched", mentee=mentee.name, mentor=mentor.name)]


async def _create(ctx: Context, mentee: Person, mentor: Person, suggestion: Suggestion) -> int:
    # A request the mentee had sent this mentor is answered by the match itself.
    request = await ctx.tx.one("SELECT id FROM requests WHERE mentee_id = ? AND mentor_id = ?"
                               " AND status = 'pending'", (mentee.id, mentor.id))
    if request is not None:
        await ctx.tx.execute("UPDATE requests SET status = 'accepted', answered_at = ?"
                             " WHERE id = ?", (to_iso(ctx.now), request["id"]))
        await outbox.cancel(ctx.tx, f"request:{request['id']}:")
    months = ctx.services.config.programmes[programme_code(ctx)].relationship_months
    match_id = await ctx.tx.insert(
        "INSERT INTO matches (programme_id, mentee_id, mentor_id, request_id, source, score,"
        " started_at, ends_at) VALUES (?, ?, ?, ?, 'manual', ?, ?, ?)",
        (ctx.person.programme_id, mentee.id, mentor.id, request["id"] if request else None,
         suggestion.score, to_iso(ctx.now), to_iso(ctx.now + timedelta(days=30 * months))))
    await introduce(ctx.tx, ctx.services, mentee, mentor, ctx.now, f"manual-{match_id}",
                    source="manual")
    await ctx.emit(Matched(match_id=match_id, mentee_id=mentee.id, mentor_id=mentor.id,
                           source="manual"))

    await close_after_match(ctx.tx, mentee, mentor, ctx.now)
    return match_id


# --- ending -------------------------------------------------------------------------------------


async def cmd_end(ctx: Context, args: str) -> list[Reply]:
    named = await _two_people(ctx, args, "pairing.usage_end")
    if isinstance(named, Reply):
        return [named]
    first, second, reason = named
    matches = await open_matches_between(ctx.tx, first.id, second.id)
    if not matches:
        return [ctx.say("pairing.no_relationship", first=first.name, second=second.name)]
    match = matches[0]
    mentee, mentor = (first, second) if match["mentee_id"] == first.id else (second, first)
    await _tell_both(ctx, match, mentee, mentor)
    reason = " ".join(reason.split())[:MAX_REASON]
    await end_relationship(ctx.tx, ctx.services, match,
                           f"{END_CODE}: {reason}" if reason else END_CODE, ctx.now)
    await audit(ctx, f"end match {match['id']}", True, target_id=mentee.id,
                details=f"relationship with #{mentor.id}: active → ended")
    return [ctx.say("pairing.ended", mentee=mentee.name, mentor=mentor.name)]


async def _tell_both(ctx: Context, match: Any, mentee: Person, mentor: Person) -> None:
    """Queued before the closing survey (same due time, earlier row), so it is read first."""
    for person, other, side in ((mentee, mentor, "mentee"), (mentor, mentee, "mentor")):
        await ctx.notify(person.id, Outgoing(key=f"pairing.closed_{side}",
                                             params={"name": other.name}),
                         key=f"admin-end:{match['id']}:{person.id}")


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("match", cmd_match, "coordinators.help.match")
    registry.add("end", cmd_end, "coordinators.help.end")
    registry.handlers.setdefault("unmatch", cmd_end)  # same command, listed once in /admin help
    admin_action(router, A_CONFIRM, press_confirm)
