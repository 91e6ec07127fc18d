"""`/admin content reload`: take edited content files into use without a restart.

Lessons, the nudge plan and the points rules are reloaded by bot/training/training.py's
`/admin lessons reload` (this command runs it and shows its report of problems). The topic
taxonomy (content/topics.toml) is reloaded here, safely: a file that does not load, or that
drops a topic id somebody's profile still uses, changes nothing and is reported instead.
A new taxonomy gets a fresh Matchmaker (same per-programme weights), whose mentor indexes
are rebuilt on the next search. Only this process reloads: with several bot processes on
one database, run the command on each, or restart them.
"""

from __future__ import annotations

import json

from bot.admin.admin import AdminRegistry
from bot.kernel.context import Context
from bot.kernel.events import Reply
from bot.kernel.router import Router
from bot.mentoring.matchmaking import Matchmaker
from bot.text.figure_text import number
from matching.topics import Taxonomy, TaxonomyError, is_free

MAX_MISSING_SHOWN = 10


def register(router: Router, registry: AdminRegistry) -> None:
    async def cmd_content(ctx: Context, args: str) -> list[Reply]:
        if args.strip().lower() not in ("reload", "recharger"):
            return [ctx.say("content_reload.usage")]
        replies: list[Reply] = []
        # bot/training/training.py, when it is registered
        lessons = registry.handlers.get("lessons")
        if lessons is not None:
            replies += await lessons(ctx, "reload")
        replies.append(ctx.reply(await reload_taxonomy(ctx)))
        return replies

    registry.add("content", cmd_content, "coordinators.help.content")


async def reload_taxonomy(ctx: Context) -> str:
    """Load content/topics.toml again; swap it in only if it loads and keeps every topic id
    that a profile uses. Returns the report for the coordinator."""
    path = ctx.services.config.content_path() / "topics.toml"
    try:
        taxonomy = Taxonomy.load(path)
    except TaxonomyError as error:
        return ctx.t("content_reload.topics_broken", problem=str(error)[:300])
    missing = sorted(await _used_topics(ctx) - set(taxonomy.ids))
    if missing:
        shown = ", ".join(missing[:MAX_MISSING_SHOWN])
        return ctx.t("content_reload.topics_missing", count=len(missing),
                     number=number(len(missing), ctx.lang, 0), topics=shown)
    services = ctx.services
    old = services.matchmaker
    fresh = Matchmaker(taxonomy, old.default_weights)
    for programme_id in services.programme_ids.values():
        fresh.set_weights(programme_id, old.weights(programme_id))
    services.taxonomy, services.matchmaker = taxonomy, fresh
    return ctx.t("content_reload.topics_done", count=len(taxonomy),
                 number=number(len(taxonomy), ctx.lang, 0))


async def _used_topics(ctx: Context) -> set[str]:
    """Every taxonomy id in any profile of any programme (free tags are not taxonomy ids)."""
    used: set[str] = set()
    for row in await ctx.tx.all("SELECT topics_sought, topics_offered FROM people"):
        for column in row:
            used.update(t for t in json.loads(column or "[]") if not is_free(t))
    return used
