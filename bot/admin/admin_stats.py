"""`/admin stats` and `/admin insight`: the programme's figures in words, and in charts.

`stats` is one message: people, requests, relationships, meetings of the last 30 days,
satisfaction, time to match, lessons, relationships at risk. `insight` answers five
questions — who benefits most, attendance, which mentors' mentees report the most benefit,
which content is seen and liked, matches made vs meetings held per month — one reply each:
a short text with the key figures and a PNG chart drawn from the same dataclasses
(bot/admin/figures.py), in a worker thread so the event loop keeps serving others.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from bot.admin import digest, figures, staff_time
from bot.admin.admin import AdminRegistry
from bot.admin.charts import Bars, Chart, Series, render_png
from bot.admin.figures import Attendance, GroupFigures, ProgrammeStats
from bot.kernel.context import Context
from bot.kernel.events import Attachment, Reply
from bot.kernel.languages import language_name
from bot.kernel.router import Router
from bot.store.db import Tx
from bot.text.figure_text import capped, counted, days, month, number, percent, rating
from bot.training.lessons import load_lessons

TOP_LESSONS = 3
AT_RISK_SHOWN = 15
SEGMENTS_SHOWN = 8
MENTORS_SHOWN = 10
LESSONS_CHARTED = 8
ROLES = ("mentor", "mentee", "both", "none")
STATUSES = ("active", "onboarding", "new", "no_consent", "suspended")
OUTCOMES = ("held", "no_show", "called_off", "unknown", "awaiting")


# --- /admin stats ---------------------------------------------------------------------------


async def cmd_stats(ctx: Context, args: str) -> list[Reply]:
    # Figures over the whole programme: read from a snapshot once the event (its audit row)
    # has committed, so that nobody's event waits for them.
    async def answer(snapshot: Tx) -> list[Reply]:
        stats = await figures.programme_stats(snapshot, ctx.person.programme_id, ctx.now)
        titles = await asyncio.to_thread(lesson_titles, ctx)
        lines = stats_lines(ctx, stats, titles)
        if not await digest.is_on(snapshot, ctx.person.programme_id):  # where to find it
            lines.append(ctx.t("stats.digest_hint"))
        return [ctx.reply("\n".join(lines))]
    return ctx.answer_from_snapshot(answer)


def stats_lines(ctx: Context, stats: ProgrammeStats, titles: dict[str, str]) -> list[str]:
    lines = [ctx.t("stats.title", programme=ctx.services.programme_name(ctx.person.programme_id))]
    lines += _people(ctx, stats)
    lines.append(_requests(ctx, stats.requests))
    lines.append(ctx.t("stats.pairs", active=number(stats.active_pairs, ctx.lang, 0),
                       paused=number(stats.paused_pairs, ctx.lang, 0),
                       at_risk=number(len(stats.at_risk), ctx.lang, 0)))
    lines.append(ctx.t("stats.meetings", detail=attendance_text(ctx, stats.attendance)))
    lines.append(_satisfaction(ctx, stats))
    lines.append(_time_to_match(ctx, stats.time_to_match))
    for key, chosen, count in (
            ("stats.viewed", figures.most_viewed(stats.lessons, TOP_LESSONS), "views"),
            ("stats.liked", figures.most_liked(stats.lessons, TOP_LESSONS), "likes")):
        shown = [ctx.t("stats.lesson", title=titles.get(f.lesson_id, f.lesson_id),
                       number=number(getattr(f, count), ctx.lang, 0)) for f in chosen]
        lines.append(ctx.t(key, lessons=ctx.join(shown) or ctx.t("stats.none_yet")))
    if stats.at_risk:
        lines.append(counted(ctx, "stats.at_risk_title", len(stats.at_risk)))
        lines += capped(ctx, [
            ctx.t("stats.at_risk", mentee=risk.mentee, mentor=risk.mentor,
                  reason=ctx.t(f"stats.risk.{_known(risk.reason)}"),
                  since=staff_time.day(ctx, risk.since))
            for risk in stats.at_risk], AT_RISK_SHOWN)
    lines.append(ctx.t("stats.more"))
    return lines


def _people(ctx: Context, stats: ProgrammeStats) -> list[str]:
    total = sum(h.count for h in stats.headcount)
    lines = [ctx.t("stats.people", total=number(total, ctx.lang, 0))]
    for role in ROLES:
        counts = {h.status: h.count for h in stats.headcount if h.role == role}
        if not counts:
            continue
        order = [s for s in STATUSES if s in counts] + sorted(set(counts) - set(STATUSES))
        detail = [ctx.t("stats.status_count", status=_status(ctx, status),
                        number=number(counts[status], ctx.lang, 0)) for status in order]
        lines.append(ctx.t("stats.role_line", role=ctx.t(f"stats.role.{role}"),
                           total=number(sum(counts.values()), ctx.lang, 0),
                           detail=", ".join(detail)))
    return lines


def _status(ctx: Context, status: str) -> str:
    """The coordinators' word for a status (épicène in French: "en activité", not "actif")."""
    for key in (f"stats.status.{status}", f"profile.status_{status}"):
        if ctx.services.catalogue.has(key):
            return ctx.t(key)
    return status


def _known(reason: str) -> str:
    return reason if reason in ("quiet", "struggling") else "other"


def _requests(ctx: Context, waiting: figures.Waiting) -> str:
    if not waiting.count or waiting.median_days is None or waiting.oldest_days is None:
        return ctx.t("stats.requests_none")
    return ctx.t("stats.requests", pending=number(waiting.count, ctx.lang, 0),
                 median=days(ctx, waiting.median_days), oldest=days(ctx, waiting.oldest_days))


def attendance_text(ctx: Context, attendance: Attendance) -> str:
    """"9 held · 2 no-shows · … · attendance 75%" (only the outcomes that occurred)."""
    parts = [counted(ctx, f"figures.outcome.{name}", getattr(attendance, name))
             for name in OUTCOMES if getattr(attendance, name)]
    if not parts:
        return ctx.t("stats.no_meetings")
    if attendance.rate is not None:
        parts.append(ctx.t("figures.attendance_rate", rate=percent(attendance.rate, ctx.lang)))
    return " · ".join(parts)


def _satisfaction(ctx: Context, stats: ProgrammeStats) -> str:
    parts = [ctx.t("stats.after_meetings", rating=rating(ctx, stats.usefulness)),
             ctx.t("stats.closing_surveys", rating=rating(ctx, stats.survey))]
    if stats.recommend.mean is not None:
        parts.append(ctx.t("stats.recommend", share=percent(stats.recommend.mean, ctx.lang)))
    return ctx.t("stats.satisfaction", detail=" · ".join(parts))


def _time_to_match(ctx: Context, median: figures.Median) -> str:
    if median.days is None:
        return ctx.t("stats.time_to_match_none")
    return ctx.t("stats.time_to_match", days=days(ctx, median.days),
                 matched=counted(ctx, "stats.mentees_matched", median.count))


def lesson_titles(ctx: Context) -> dict[str, str]:
    """Lesson id → title in the coordinator's language, read from content/ (~10 ms) again
    whenever a lesson file changed, so that a lesson edited a minute ago shows its current
    title; otherwise from memory."""
    folder = ctx.services.config.content_path() / "lessons"
    return dict(_titles(str(folder), _signature(folder), ctx.lang))


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under `folder` with its modification time and size (a change of either,
    a file added or removed, reads the titles again)."""
    found = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        try:
            info = path.stat()
        except OSError:
            continue
        found.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(found)


@lru_cache(maxsize=4)
def _titles(folder: str, signature: tuple[tuple[str, int, int], ...],
            lang: str) -> dict[str, str]:
    library = load_lessons(Path(folder))
    titles = {}
    for lesson_id in library.ids():
        found = library.get(lesson_id, lang)
        if found is not None:
            titles[lesson_id] = found.lesson.title
    return titles


# --- /admin insight ---------------------------------------------------------------------------

Answer = tuple[str, Chart | None]


async def benefit(ctx: Context) -> Answer:
    by_segment = await figures.benefit_by_segment(ctx.tx, ctx.person.programme_id)
    if not any(by_segment.values()):
        return ctx.t("insight.benefit.empty"), None
    overall = sum((g.benefit for g in by_segment["format"]), figures.Average())
    lines = [ctx.t("insight.benefit.title"),
             ctx.t("insight.benefit.overall", rating=rating(ctx, overall))]
    panels = []
    for dimension in figures.SEGMENT_DIMENSIONS:
        shown = _largest(by_segment[dimension], SEGMENTS_SHOWN)
        labels = [segment_label(ctx, dimension, group.label) for group in shown]
        title = ctx.t(f"insight.dimension.{dimension}")
        lines.append(f"*{title}*")
        for group, label in zip(shown, labels, strict=True):
            lines.append(ctx.t("insight.benefit.segment", segment=label,
                               rating=rating(ctx, group.benefit),
                               pairs=counted(ctx, "insight.pairs", group.pairs),
                               held=counted(ctx, "insight.held", group.held),
                               per_pair=number(group.held / group.pairs, ctx.lang)))
        panels.append(_rating_panel(ctx, title, shown, labels))
    if not overall.count:  # bars of nothing: the words say it better
        return "\n".join(lines), None
    return "\n".join(lines), Chart(ctx.t("insight.benefit.chart"), tuple(panels), ctx.lang)


def _largest(groups: tuple[GroupFigures, ...], limit: int) -> list[GroupFigures]:
    """The `limit` segments with the most pairs, still in benefit order."""
    kept = set(sorted(groups, key=lambda g: -g.pairs)[:limit])
    return [g for g in groups if g in kept]


def segment_label(ctx: Context, dimension: str, value: str) -> str:
    if dimension == "seniority":
        known = value in {"1", "2", "3", "4", "5"}
        return ctx.t(f"onboarding.seniority_{value}" if known else "insight.not_given")
    if dimension == "language":
        name = language_name(value, ctx.lang)
        return name[:1].upper() + name[1:]
    if dimension == "format":
        return ctx.t(f"insight.format.{value}")
    return value or ctx.t("insight.not_given")


def _rating_panel(ctx: Context, title: str, groups: list[GroupFigures],
                  labels: list[str]) -> Bars:
    means = tuple(round(g.benefit.mean or 0.0, 2) for g in groups)
    notes = tuple(f"{number(g.benefit.mean, ctx.lang)} ({number(g.benefit.count, ctx.lang, 0)})"
                  if g.benefit.mean is not None else "—" for g in groups)
    return Bars(title, tuple(labels), (Series(ctx.t("insight.rating_axis"), means),),
                axis_label=ctx.t("insight.rating_axis"), horizontal=True, limit=5, notes=notes)


async def attendance(ctx: Context) -> Answer:
    pid = ctx.person.programme_id
    recent = await figures.attendance(ctx.tx, pid, ctx.now - figures.WINDOW, ctx.now)
    months = await figures.attendance_by_month(ctx.tx, pid, ctx.now)
    total = sum((counts for _, counts in months), Attendance())
    if total == Attendance():
        return ctx.t("insight.attendance.empty"), None
    text = "\n".join([
        ctx.t("insight.attendance.title"),
        ctx.t("insight.attendance.recent", detail=attendance_text(ctx, recent)),
        ctx.t("insight.attendance.since", since=month(months[0][0], ctx.lang),
              detail=attendance_text(ctx, total))])
    used = [o for o in OUTCOMES if getattr(total, o)]
    series = tuple(Series(ctx.t(f"insight.outcome.{o}"),
                          tuple(getattr(counts, o) for _, counts in months)) for o in used)
    panel = Bars("", tuple(month(m, ctx.lang) for m, _ in months), series,
                 axis_label=ctx.t("insight.meetings_axis"), stacked=True)
    return text, Chart(ctx.t("insight.attendance.chart"), (panel,), ctx.lang)


async def mentors(ctx: Context) -> Answer:
    ranked = await figures.mentor_benefit(ctx.tx, ctx.person.programme_id)
    rated = [g for g in ranked if g.benefit.count][:MENTORS_SHOWN]
    if not rated:
        return ctx.t("insight.mentors.empty"), None
    lines = [ctx.t("insight.mentors.title")]
    for group in rated:
        lines.append(ctx.t("insight.mentors.line", name=group.label,
                           rating=rating(ctx, group.benefit),
                           mentees=counted(ctx, "insight.mentees", group.mentees),
                           held=counted(ctx, "insight.held", group.held)))
    unrated = len(ranked) - len([g for g in ranked if g.benefit.count])
    if unrated:
        lines.append(counted(ctx, "insight.mentors.unrated", unrated))
    panel = _rating_panel(ctx, "", rated, [g.label for g in rated])
    return "\n".join(lines), Chart(ctx.t("insight.mentors.chart"), (panel,), ctx.lang)


async def content(ctx: Context) -> Answer:
    found = await figures.lessons(ctx.tx, ctx.person.programme_id)
    viewed = figures.most_viewed(found, LESSONS_CHARTED)  # the ranking of /admin stats
    chosen = viewed + [f for f in figures.most_liked(found, LESSONS_CHARTED) if f not in viewed]
    if not chosen:
        return ctx.t("insight.content.empty"), None
    titles = lesson_titles(ctx)
    lines = [ctx.t("insight.content.title")]
    for lesson in chosen:
        share = percent(lesson.likes / lesson.views, ctx.lang) if lesson.views else "—"
        lines.append(ctx.t("insight.content.line",
                           title=titles.get(lesson.lesson_id, lesson.lesson_id),
                           views=counted(ctx, "insight.views", lesson.views),
                           likes=counted(ctx, "insight.likes", lesson.likes), share=share))
    panel = Bars("", tuple(titles.get(f.lesson_id, f.lesson_id) for f in chosen), (
        Series(ctx.t("insight.content.views_series"), tuple(f.views for f in chosen)),
        Series(ctx.t("insight.content.likes_series"), tuple(f.likes for f in chosen))),
        horizontal=True)
    return "\n".join(lines), Chart(ctx.t("insight.content.chart"), (panel,), ctx.lang)


async def months(ctx: Context) -> Answer:
    flows = await figures.monthly_flow(ctx.tx, ctx.person.programme_id, ctx.now)
    made, held = sum(f.matches for f in flows), sum(f.held for f in flows)
    if not made and not held:
        return ctx.t("insight.months.empty"), None
    current = flows[-1]
    text = "\n".join([
        ctx.t("insight.months.title"),
        ctx.t("insight.months.total", since=month(flows[0].month, ctx.lang),
              matches=counted(ctx, "insight.matches", made),
              held=counted(ctx, "insight.held", held)),
        ctx.t("insight.months.current", matches=counted(ctx, "insight.matches", current.matches),
              held=counted(ctx, "insight.held", current.held))])
    panel = Bars("", tuple(month(f.month, ctx.lang) for f in flows), (
        Series(ctx.t("insight.months.matches_series"), tuple(f.matches for f in flows)),
        Series(ctx.t("insight.months.held_series"), tuple(f.held for f in flows))),
        axis_label=ctx.t("insight.count_axis"))
    return text, Chart(ctx.t("insight.months.chart"), (panel,), ctx.lang)


QUESTIONS: dict[str, Callable[[Context], Awaitable[Answer]]] = {
    "benefit": benefit, "attendance": attendance, "mentors": mentors, "content": content,
    "months": months,
}
ALIASES = {"benefits": "benefit", "benefice": "benefit", "benefices": "benefit",
           "segments": "benefit", "presence": "attendance", "contenu": "content",
           "contenus": "content", "lessons": "content", "lecons": "content", "mois": "months",
           "flow": "months"}


def _question(args: str) -> str | None:
    word = "".join(c for c in unicodedata.normalize("NFKD", args.strip().casefold())
                   if not unicodedata.combining(c))
    found = word if word in QUESTIONS else ALIASES.get(word)
    if found is None and len(word) > 3:  # "attendence", "mentros": one typo away
        from rapidfuzz.distance import DamerauLevenshtein

        scored = [(DamerauLevenshtein.normalized_similarity(word, name), name)
                  for name in (*QUESTIONS, *ALIASES)]
        score, name = max(scored)
        found = (name if name in QUESTIONS else ALIASES[name]) if score >= 0.75 else None
    return found


async def cmd_insight(ctx: Context, args: str) -> list[Reply]:
    if args.strip() and _question(args) is None:
        return [ctx.say("insight.usage", questions=", ".join(QUESTIONS))]
    chosen = [_question(args)] if args.strip() else list(QUESTIONS)
    return ctx.answer_from_snapshot(lambda snapshot: _insight(replace(ctx, tx=snapshot), chosen))


async def _insight(ctx: Context, chosen: list[str | None]) -> list[Reply]:
    replies = []
    for name in chosen:
        assert name is not None
        text, chart = await QUESTIONS[name](ctx)
        file = None
        if chart is not None:
            png = await asyncio.to_thread(render_png, chart)
            file = Attachment(f"insight-{name}-{ctx.now:%Y-%m-%d}.png", png, "image/png")
        replies.append(Reply(ctx.address, text, file=file))
    return replies


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("stats", cmd_stats, "coordinators.help.stats")
    registry.add("insight", cmd_insight, "coordinators.help.insight")
