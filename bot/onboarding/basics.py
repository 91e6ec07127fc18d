"""The commands every person has from the first message: start, help, language, profile, and
the conversation controls back / skip / cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.kernel import people
from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.router import Router
from bot.onboarding import coordinator_home, onboarding
from bot.onboarding.profile import ACTION_EDIT, show_profile

if TYPE_CHECKING:
    from bot.admin.admin import AdminRegistry
from bot.store.state import get_conversation

ACTION_LANGUAGE = "language"


async def cmd_start(ctx: Context, args: str) -> list[Reply]:
    return await coordinator_home.start(ctx)  # onboarding, or a coordinator's welcome


async def cmd_help(ctx: Context, args: str, *, router: Router,
                   registry: AdminRegistry | None = None) -> list[Reply]:
    lines = [ctx.t("help.title")]
    for name in router.help_order:
        spec = router.commands[name]
        if spec.admin:
            continue
        lines.append(ctx.t(spec.help_key))
    lines += ["", ctx.t("help.during")]
    return [await coordinator_home.help_reply(ctx, registry, lines)]


async def cmd_language(ctx: Context, args: str) -> list[Reply]:
    if args:
        return await _set_language(ctx, args)
    return [ctx.reply(ctx.t("language.ask"), [
        Button(ctx.t("language.english"), ACTION_LANGUAGE, "en"),
        Button(ctx.t("language.french"), ACTION_LANGUAGE, "fr"),
    ])]


async def _set_language(ctx: Context, value: str) -> list[Reply]:
    lang = onboarding.parse_language_choice(value)
    if lang is None:
        return [ctx.say("language.invalid")]
    ctx.person = await people.update(ctx.tx, ctx.person, ctx.now, language=lang)
    return [ctx.say("language.changed")]


async def cmd_profile(ctx: Context, args: str) -> list[Reply]:
    return show_profile(ctx)


async def cmd_back(ctx: Context, args: str) -> list[Reply]:
    return await onboarding.back(ctx, await get_conversation(ctx.tx, ctx.person.id))


async def cmd_skip(ctx: Context, args: str, *, router: Router) -> list[Reply]:
    conv = await get_conversation(ctx.tx, ctx.person.id)
    if conv is not None and conv.flow in router.skips:  # a question with a skip button
        return await router.skips[conv.flow](ctx, conv)
    return await onboarding.skip(ctx, conv)


async def cmd_cancel(ctx: Context, args: str) -> list[Reply]:
    return await onboarding.cancel(ctx, await get_conversation(ctx.tx, ctx.person.id))


async def press_onboarding(ctx: Context, value: str) -> list[Reply]:
    return await onboarding.press(ctx, await get_conversation(ctx.tx, ctx.person.id), value)


async def press_edit(ctx: Context, value: str) -> list[Reply]:
    if ctx.person.consent_at is None:
        return [ctx.say("common.needs_profile")]
    return await onboarding.edit(ctx, value)


def register(router: Router, registry: AdminRegistry) -> None:
    async def help_handler(ctx: Context, args: str) -> list[Reply]:
        return await cmd_help(ctx, args, router=router, registry=registry)

    router.command("start", cmd_start, help_key="help.start")
    router.command("profile", cmd_profile, aliases=("profil",), help_key="help.profile")
    router.command("language", cmd_language, aliases=("langue", "lang"), help_key="help.language")
    router.command("help", help_handler, aliases=("aide",), help_key="help.help")
    router.command("back", cmd_back, aliases=("retour",))
    async def skip_handler(ctx: Context, args: str) -> list[Reply]:
        return await cmd_skip(ctx, args, router=router)

    router.command("skip", skip_handler, aliases=("passer",))
    # /stop: bot/training/notifications.py
    router.command("cancel", cmd_cancel, aliases=("annuler",))
    router.action(onboarding.ACTION, press_onboarding)
    router.action(ACTION_EDIT, press_edit)
    router.action(ACTION_LANGUAGE, _set_language)
    router.flow(onboarding.FLOW, onboarding.answer)
    router.flow(onboarding.EDIT_FLOW, onboarding.answer)
