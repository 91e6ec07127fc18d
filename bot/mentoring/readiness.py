"""What a person still has to do, or to wait for, before they are matched — in their words.

At the end of onboarding (`after_onboarding`): a new mentor of a programme that approves its
mentors is pending; a mentee of a programme with application windows applies or waits; the
holds are computed (bot/mentoring/eligibility.py); and the person is told what comes next: the
lesson to read first (with *Open*), the coordinators' approval, the cohort's matching date or the
waiting list. Before /find or a request (`find_gate`): the same reasons, the lesson first
because it is the one thing the person can do now.
"""

from __future__ import annotations

import functools
from pathlib import Path

from bot.admin import approval, conduct
from bot.kernel.config import Config
from bot.kernel.context import Context
from bot.kernel.events import Button, Reply
from bot.kernel.i18n import LANGUAGES
from bot.mentoring import eligibility, windows
from bot.training.lessons import LessonLibrary, load_lessons
from bot.training.training import A_OPEN_LEARN


@functools.lru_cache(maxsize=4)
def _library(directory: str) -> LessonLibrary:
    """The lessons' titles and reading times, read once per content folder."""
    return load_lessons(Path(directory))


def lesson_reply(ctx: Context, lesson_id: str, key: str) -> Reply:
    """"Please read *How mentoring works here* (3 min) first" with *Open*."""
    found = _library(str(ctx.services.config.content_path() / "lessons")).get(lesson_id,
                                                                               ctx.lang)
    title = found.lesson.title if found else lesson_id
    minutes = found.lesson.minutes if found else 3
    reading = ctx.t("lessons.reading_time", count=minutes, minutes=minutes)
    return ctx.reply(ctx.t(key, title=title, reading_time=reading),
                     [Button(ctx.t("readiness.open", title=title)[:75], A_OPEN_LEARN, lesson_id)])


def problems(config: Config) -> list[str]:
    """Start-up check: every programme's code of conduct reads, and its required lessons
    exist in every language (else nobody could ever be matched)."""
    found = conduct.problems(config)
    for code, settings in config.programmes.items():
        if not settings.required_lessons:
            continue
        library = _library(str(config.content_path() / "lessons"))
        for lesson in settings.required_lessons:
            found_in = [library.get(lesson, lang) for lang in LANGUAGES]
            if any(item is None or item.fallback for item in found_in):
                found.append(f"[programmes.{code}] required_lessons: no lesson {lesson!r} in "
                             f"every language in {config.content_path() / 'lessons'}")
    return found


async def find_gate(ctx: Context) -> Reply | None:
    """Why this mentee cannot look for a mentor or send a request yet, or None."""
    if not ctx.person.is_mentee:
        return None
    missing = await eligibility.missing_lessons(ctx.tx, ctx.services, ctx.person)
    if missing:
        return lesson_reply(ctx, missing[0], "readiness.lesson_before_find")
    if "conduct" in ctx.person.matching_hold.split():
        return ctx.say("conduct.declined_active")
    return await windows.hold_reply(ctx)


async def after_onboarding(ctx: Context) -> list[Reply]:
    """Approval, windows and holds for a person whose profile is now complete; the replies
    say what comes next (nothing extra when nothing holds them)."""
    pending = await approval.request(ctx.tx, ctx.services, ctx.person)
    placed = await windows.place(ctx)
    ctx.person = (await eligibility.refresh(ctx.tx, ctx.services, ctx.person)).person
    replies: list[Reply] = []
    if pending:
        replies.append(ctx.say("approval.pending_mentor"))
    replies += placed
    missing = await eligibility.missing_lessons(ctx.tx, ctx.services, ctx.person)
    if missing:
        replies.append(lesson_reply(ctx, missing[0], "readiness.lesson_after_onboarding"))
    return replies


async def after_role_change(ctx: Context) -> list[Reply]:
    """A participant who became a mentor in /profile: approval asked if the programme
    wants it, holds recomputed."""
    pending = await approval.request(ctx.tx, ctx.services, ctx.person)
    ctx.person = (await eligibility.refresh(ctx.tx, ctx.services, ctx.person)).person
    return [ctx.say("approval.pending_mentor")] if pending else []
