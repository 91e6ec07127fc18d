"""/profile: the person's card, with a button to change each answer."""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.languages import language_name
from bot.text.availability import format_availability
from bot.text.timezones import format_timezone

ACTION_EDIT = "profile.edit"


def _value(ctx: Context, field: str) -> str:
    person = ctx.person
    none = ctx.t("common.none")
    taxonomy = ctx.services.taxonomy
    match field:
        case "role":
            return ctx.t(f"onboarding.role_{person.role}") if person.role else none
        case "topics_sought" | "topics_offered":
            ids = getattr(person, field)
            return ctx.join([taxonomy.label(i, ctx.lang) for i in ids]) or none
        case "languages":
            return ctx.join([language_name(c, ctx.lang) for c in person.languages]) or none
        case "timezone":
            return format_timezone(person.timezone, ctx.lang, place=person.timezone_place) \
                if person.timezone else none
        case "availability":
            return format_availability(person.availability, ctx.lang) or none
        case "seniority":
            return ctx.t(f"onboarding.seniority_{person.seniority}") if person.seniority else none
        case "capacity":
            return str(person.capacity) if person.capacity else none
        case _:
            return str(getattr(person, field) or none)


def visible_fields(ctx: Context) -> list[str]:
    from bot.onboarding.onboarding import EDITABLE, STEP_BY_NAME

    return [f for f in EDITABLE if STEP_BY_NAME[f].applies(ctx.person)]


def _key(ctx: Context, field: str) -> str:
    """A mentee's "goals" are what they want to achieve: not an "About" as a mentor's are."""
    return f"{field}_mentee" if field == "goals" and ctx.person.role == "mentee" else field


def profile_lines(ctx: Context) -> list[str]:
    lines = [ctx.t("profile.status", status=ctx.t(f"profile.status_{ctx.person.status}"))]
    lines += [ctx.t(f"profile.{_key(ctx, field)}", value=_value(ctx, field))
              for field in visible_fields(ctx)]
    return lines


def show_profile(ctx: Context) -> list[Reply]:
    if ctx.person.consent_at is None:
        return [ctx.say("common.needs_profile")]
    text = "\n".join([ctx.t("profile.title"), *profile_lines(ctx), "", ctx.t("profile.edit_hint")])
    buttons = [
        Button(ctx.t("profile.edit", field=ctx.t(f"profile.field_{_key(ctx, field)}")),
               ACTION_EDIT, field)
        for field in visible_fields(ctx)
    ]
    return [ctx.reply(text, choices=buttons)]
