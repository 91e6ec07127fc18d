"""Micro-training and recognition: lessons nudged at the right moments, /learn, /points,
/leaderboard, and coordinators' `/admin recognise`.

The lessons, the nudge plan and the points rules are read once, on first use, by the
`Training` object that `register()` creates (no module globals), and re-read by
`/admin lessons reload`. Domain events (Onboarded, Matched, MeetingHeld...) plan nudges and
add points; each handler runs in a savepoint, so a problem here never undoes the match
or meeting that triggered it.

A nudge is a short card (title, reading time, first lines) with *Open* and *Not now*; *Open*
shows the lesson in messages of at most MAX_MESSAGE characters, then *Read*, *Done*,
*Useful 👍* and *Not now*, and the quiz after Read or Done. Every button value is a lesson id
re-checked against the library; what people do is recorded in `lesson_events` (statistics,
export) and `lesson_progress` (one row per person and lesson, so nothing counts twice).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from bot.admin.admin import AdminRegistry
from bot.admin.export import ExportTable, register_table
from bot.kernel import people
from bot.kernel.clock import from_iso, to_iso
from bot.kernel.context import Context, Services
from bot.kernel.domain_events import (
    CheckinAnswered,
    LessonCompleted,
    Matched,
    MeetingConfirmed,
    MeetingHeld,
    MeetingRated,
    Onboarded,
    RelationshipEnded,
    RelationshipQuiet,
    RequestSent,
    SurveyAnswered,
)
from bot.kernel.events import Button, Reply
from bot.kernel.hooks import E, Handler
from bot.kernel.i18n import LANGUAGES
from bot.kernel.outbox import OutButton, Outgoing
from bot.kernel.people import Person
from bot.kernel.router import Router
from bot.meetings import checkins
from bot.meetings.meetings import A_MEET
from bot.text.availability import format_clock
from bot.training import badges, nudges, points
from bot.training.lessons import (
    PROMPT_PREFIX,
    ContentProblem,
    Lesson,
    LessonLibrary,
    LocalisedLesson,
    NudgePlan,
    NudgeRule,
    load_lessons,
    load_nudge_plan,
)
from bot.training.points import PointsRules, load_points_rules

if TYPE_CHECKING:
    from bot.store.db import Tx

log = logging.getLogger(__name__)

A_OPEN = "lesson.open"        # value: lesson id (a nudge card)
A_OPEN_LEARN = "learn.open"   # value: lesson id (the /learn list)
A_READ = "lesson.read"        # value: lesson id
A_DONE = "lesson.done"        # value: lesson id
A_USEFUL = "lesson.useful"    # value: lesson id
A_SNOOZE = "lesson.snooze"    # value: lesson id
A_QUIZ = "lesson.quiz"        # value: "<lesson id>:<choice index>"

MAX_MESSAGE = 2800    # under Slack's 3,000 per section and Telegram's 4,096
SUMMARY_CHARS = 280
HISTORY_SIZE = 8
BADGES_SHOWN = 12
MAX_PROBLEMS_SHOWN = 20
_LESSON_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


# --- content ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingContent:
    """Everything read from content/: lessons, nudge plan, points rules, and their problems."""

    root: Path
    library: LessonLibrary
    plan: NudgePlan
    rules: PointsRules
    problems: tuple[ContentProblem, ...]


def load_content(root: Path, prompts: set[str] | None = None) -> TrainingContent:
    """Read the three content files; never raises (broken parts are left out and listed)."""
    library = load_lessons(root / "lessons")
    plan, plan_problems = load_nudge_plan(root / "nudges.toml", library, prompts)
    rules, rule_problems = load_points_rules(root / "points.toml")
    problems = (*library.problems, *plan_problems, *rule_problems)
    for problem in problems:  # file and line only: content files hold no personal data
        log.warning("content.problem", extra={"problem": str(problem)})
    return TrainingContent(root, library, plan, rules, problems)


class Training:
    """The feature's state for one app: its content, loaded once and kept here."""

    def __init__(self) -> None:
        self._content: TrainingContent | None = None

    def content(self, services: Services) -> TrainingContent:
        if self._content is None:
            self._content = self.reload(services)
        return self._content

    def reload(self, services: Services) -> TrainingContent:
        known = services.catalogue.keys()
        prompts = {key.removeprefix(PROMPT_PREFIX) for key in known
                   if key.startswith(PROMPT_PREFIX)}
        self._content = load_content(services.config.content_path(), prompts)
        return self._content


# --- lesson text for chat ----------------------------------------------------------------------


def chat_markup(markdown: str) -> str:
    """Lesson Markdown to the catalogues' markup: `**bold**` becomes `*bold*`."""
    return _BOLD.sub(r"*\1*", markdown)


def summary(lesson: Lesson) -> str:
    """The first paragraph that is not a bold heading, cut at a word near SUMMARY_CHARS."""
    return _summary_of(lesson.body)


@functools.lru_cache(maxsize=512)
def _summary_of(body: str) -> str:
    # Every nudge card carries the summary in each language: once per lesson text, not
    # once per nudge planned (a lesson file edited is another text).
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    first = next((p for p in paragraphs if not _BOLD.fullmatch(p)), paragraphs[0])
    text = chat_markup(" ".join(first.split()))
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def pages(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split on paragraphs into messages of at most `limit` characters (a paragraph longer
    than that is split between words)."""
    out: list[str] = []
    current = ""
    for paragraph in _pieces(text, limit):
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if len(joined) <= limit:
            current = joined
        else:
            out.append(current)
            current = paragraph
    if current:
        out.append(current)
    return out or [""]


def _pieces(text: str, limit: int) -> list[str]:
    pieces = []
    for paragraph in text.split("\n\n"):
        while len(paragraph) > limit:
            cut = paragraph.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        if paragraph.strip():
            pieces.append(paragraph)
    return pieces


def _reading_time(minutes: int) -> dict[str, Any]:
    return {"key": "lessons.reading_time", "params": {"count": minutes, "minutes": minutes}}


def lesson_card(services: Services, library: LessonLibrary, lesson_id: str) -> Outgoing | None:
    """A nudge's card, rendered at send time in the recipient's language of that moment."""
    versions = {lang: library.get(lesson_id, lang) for lang in LANGUAGES}
    if any(found is None for found in versions.values()):
        return None

    def per_language(render: Callable[[str, LocalisedLesson], str]) -> dict[str, Any]:
        return {"lang": {lang: render(lang, found) for lang, found in versions.items() if found}}

    def card_summary(lang: str, found: LocalisedLesson) -> str:
        text = summary(found.lesson)
        if found.fallback:
            text = services.catalogue.text(lang, "lessons.card.fallback") + "\n\n" + text
        return text

    reference = versions[LANGUAGES[0]]
    assert reference is not None  # checked above
    return Outgoing(parts=(
        Outgoing(key="lessons.card.announce", params={
            "title": per_language(lambda lang, found: found.lesson.title),
            "reading_time": _reading_time(reference.lesson.minutes)}),
        Outgoing(key="training.card.summary", params={"summary": per_language(card_summary)}),
    ), buttons=(OutButton("lessons.buttons.open", A_OPEN, lesson_id),
                OutButton("lessons.buttons.not_now", A_SNOOZE, lesson_id)))


def _rule_message(services: Services, library: LessonLibrary, partner: str | None = None,
                  match_id: int | None = None) -> nudges.MessageFor:
    """A rule's card or prompt. About a relationship (`partner` given), it names it ("For
    your mentoring with Nora"), so that someone with several knows which one; one sent because
    the relationship went quiet also offers "Plan a meeting" and "It's not working"."""
    def message_for(rule: NudgeRule) -> Outgoing | None:
        message = lesson_card(services, library, rule.lesson) if rule.lesson else \
            Outgoing(key=rule.message_key or "")
        if message is None or partner is None or match_id is None:
            return message
        about = Outgoing(key="training.nudge.relationship", params={"name": partner})
        buttons = message.buttons
        if rule.trigger == "quiet":  # a card keeps Open / Not now; a prompt offers to meet
            meet = () if rule.lesson else (OutButton("meetings.plan_button", A_MEET,
                                                     str(match_id)),)
            buttons += (*meet, OutButton("checkin.answer_struggling", checkins.A_NOT_WORKING,
                                         str(match_id)))
        if rule.lesson:  # after the card's first line ("📘 A short lesson for you: …")
            return Outgoing(parts=(message.parts[0], about, *message.parts[1:]), buttons=buttons)
        return Outgoing(parts=(about, message), buttons=buttons)
    return message_for


# --- the feature -------------------------------------------------------------------------------


class TrainingFeature:
    """Commands, buttons and hook subscribers, sharing one `Training`."""

    def __init__(self, training: Training) -> None:
        self.training = training

    def _content(self, ctx: Context) -> TrainingContent:
        return self.training.content(ctx.services)

    # --- records ---------------------------------------------------------------------------

    async def _progress(self, ctx: Context, lesson_id: str) -> Any:
        await ctx.tx.execute(
            "INSERT INTO lesson_progress (person_id, lesson_id, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING", (ctx.person.id, lesson_id, to_iso(ctx.now)))
        return await ctx.tx.one(
            "SELECT * FROM lesson_progress WHERE person_id = ? AND lesson_id = ?",
            (ctx.person.id, lesson_id))

    async def _event(self, ctx: Context, lesson: Lesson, kind: str, source: str = "") -> None:
        await ctx.tx.execute(
            "INSERT INTO lesson_events (programme_id, person_id, lesson_id, language, kind,"
            " source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ctx.person.programme_id, ctx.person.id, lesson.id, lesson.language, kind, source,
             to_iso(ctx.now)))
        if kind in ("read", "done"):  # a lesson a programme requires may now be read
            await ctx.emit(LessonCompleted(person_id=ctx.person.id, lesson_id=lesson.id))

    def _lesson(self, ctx: Context, value: str) -> LocalisedLesson | None:
        lesson_id = value.strip()
        if not _LESSON_ID.fullmatch(lesson_id) or len(lesson_id) > 64:
            return None
        return self._content(ctx).library.get(lesson_id, ctx.lang)

    async def _award(self, ctx: Context, reason: str, key: str, ref: str) -> int:
        return await points.award(ctx.tx, self._content(ctx).rules,
                                  programme_id=ctx.person.programme_id, person_id=ctx.person.id,
                                  reason=reason, key=key, ref=ref, now=ctx.now)

    def _earned(self, ctx: Context, amount: int) -> str:
        return " " + ctx.t("training.lesson.earned", count=amount) if amount else ""

    # --- reading a lesson ------------------------------------------------------------------

    async def open_from_card(self, ctx: Context, value: str) -> list[Reply]:
        return await self._open(ctx, value, "nudge")

    async def open_from_learn(self, ctx: Context, value: str) -> list[Reply]:
        return await self._open(ctx, value, "learn")

    async def _open(self, ctx: Context, value: str, source: str) -> list[Reply]:
        found = self._lesson(ctx, value)
        if found is None:
            return [ctx.say("lessons.learn.unknown")]
        lesson = found.lesson
        await self._progress(ctx, lesson.id)
        await self._event(ctx, lesson, "viewed", source)
        heading = ctx.t("training.lesson.heading", title=lesson.title,
                        reading_time=ctx.t("lessons.reading_time", count=lesson.minutes,
                                           minutes=lesson.minutes))
        if found.fallback:
            heading += "\n" + ctx.t("lessons.card.fallback")
        texts = pages(f"{heading}\n\n{chat_markup(lesson.body)}")
        end = ctx.t("lessons.card.finished")
        buttons = [Button(ctx.t(f"lessons.buttons.{name}"), action, lesson.id) for name, action
                   in (("read", A_READ), ("done", A_DONE), ("useful", A_USEFUL),
                       ("later", A_SNOOZE))]
        replies = [ctx.reply(text) for text in texts[:-1]]
        if len(texts[-1]) + len(end) + 2 <= MAX_MESSAGE:
            replies.append(ctx.reply(f"{texts[-1]}\n\n{end}", buttons))
        else:
            replies += [ctx.reply(texts[-1]), ctx.reply(end, buttons)]
        return replies

    async def press_read(self, ctx: Context, value: str) -> list[Reply]:
        found = self._lesson(ctx, value)
        if found is None:
            return [ctx.say("lessons.learn.unknown")]
        lesson = found.lesson
        progress = await self._progress(ctx, lesson.id)
        if progress["status"] == "new":
            await ctx.tx.execute(
                "UPDATE lesson_progress SET status = 'read', updated_at = ? WHERE person_id = ?"
                " AND lesson_id = ? AND status = 'new'", (to_iso(ctx.now), ctx.person.id,
                                                          lesson.id))
            await self._event(ctx, lesson, "read")
            await nudges.cancel_lesson(ctx.tx, ctx.person.id, lesson.id)
        key = "training.lesson.already_done" if progress["status"] == "done" else \
            "training.lesson.marked_read"
        return [ctx.say(key), *self._quiz(ctx, lesson, progress)]

    async def press_done(self, ctx: Context, value: str) -> list[Reply]:
        found = self._lesson(ctx, value)
        if found is None:
            return [ctx.say("lessons.learn.unknown")]
        lesson = found.lesson
        progress = await self._progress(ctx, lesson.id)
        changed = await ctx.tx.execute(
            "UPDATE lesson_progress SET status = 'done', updated_at = ? WHERE person_id = ?"
            " AND lesson_id = ? AND status != 'done'", (to_iso(ctx.now), ctx.person.id,
                                                        lesson.id))
        if not changed:
            return [ctx.say("training.lesson.already_done"), *self._quiz(ctx, lesson, progress)]
        await self._event(ctx, lesson, "done")
        await nudges.cancel_lesson(ctx.tx, ctx.person.id, lesson.id)
        earned = await self._award(ctx, "lesson_completed", f"{ctx.person.id}.{lesson.id}",
                                   f"lesson.{lesson.id}")
        content = self._content(ctx)
        await badges.check(ctx.tx, content.rules, content.library, ctx.person, ctx.now)
        return [ctx.reply(ctx.t("lessons.marked.done") + self._earned(ctx, earned)),
                *self._quiz(ctx, lesson, progress)]

    def _quiz(self, ctx: Context, lesson: Lesson, progress: Any) -> list[Reply]:
        """The lesson's question, unless it was answered already."""
        if lesson.quiz is None or progress["quiz_choice"] is not None:
            return []
        text = ctx.t("lessons.quiz.intro") + "\n" + ctx.t("training.quiz.question",
                                                          question=lesson.quiz.question)
        return [ctx.reply(text, [Button(choice, A_QUIZ, f"{lesson.id}:{index}")
                                 for index, choice in enumerate(lesson.quiz.choices)])]

    async def press_quiz(self, ctx: Context, value: str) -> list[Reply]:
        lesson_id, _, raw = value.partition(":")
        found = self._lesson(ctx, lesson_id)
        quiz = found.lesson.quiz if found else None
        valid = raw.isascii() and raw.isdigit() and len(raw) < 4
        if found is None or quiz is None or not valid or int(raw) >= len(quiz.choices):
            return [ctx.say("common.unknown_button")]
        lesson, choice = found.lesson, int(raw)
        await self._progress(ctx, lesson.id)
        right = quiz.is_right(choice)
        answered = await ctx.tx.execute(
            "UPDATE lesson_progress SET quiz_choice = ?, quiz_right = ?, updated_at = ?"
            " WHERE person_id = ? AND lesson_id = ? AND quiz_choice IS NULL",
            (choice, int(right), to_iso(ctx.now), ctx.person.id, lesson.id))
        if not answered:
            return [ctx.say("lessons.quiz.already_answered")]
        await self._event(ctx, lesson, "quiz_right" if right else "quiz_wrong", str(choice))
        if not right:
            return [ctx.say("lessons.quiz.wrong", answer=quiz.choices[quiz.answer],
                            explanation=quiz.explanation)]
        earned = await self._award(ctx, "quiz_right", f"{ctx.person.id}.{lesson.id}",
                                   f"lesson.{lesson.id}")
        return [ctx.reply(ctx.t("lessons.quiz.right", explanation=quiz.explanation)
                          + self._earned(ctx, earned))]

    async def press_useful(self, ctx: Context, value: str) -> list[Reply]:
        found = self._lesson(ctx, value)
        if found is None:
            return [ctx.say("lessons.learn.unknown")]
        await self._progress(ctx, found.lesson.id)
        liked = await ctx.tx.execute(
            "UPDATE lesson_progress SET useful = 1, updated_at = ? WHERE person_id = ?"
            " AND lesson_id = ? AND useful = 0", (to_iso(ctx.now), ctx.person.id,
                                                  found.lesson.id))
        if liked:
            await self._event(ctx, found.lesson, "useful")
        return [ctx.say("lessons.marked.useful")]

    async def press_snooze(self, ctx: Context, value: str) -> list[Reply]:
        found = self._lesson(ctx, value)
        if found is None:
            return [ctx.say("lessons.learn.unknown")]
        lesson = found.lesson
        progress = await self._progress(ctx, lesson.id)
        if progress["status"] == "done":
            return [ctx.say("training.lesson.already_done")]
        content = self._content(ctx)
        card = lesson_card(ctx.services, content.library, lesson.id)
        if card is None:
            return [ctx.say("lessons.learn.unknown")]
        result = await nudges.snooze(ctx.tx, content.plan, ctx.person, lesson.id, card, ctx.now)
        if result.outcome == "limit" or result.when is None:
            return [ctx.say("training.snooze.limit", count=nudges.MAX_SNOOZES)]
        if result.outcome == "scheduled":
            await ctx.tx.execute(
                "UPDATE lesson_progress SET snoozes = snoozes + 1, updated_at = ?"
                " WHERE person_id = ? AND lesson_id = ?",
                (to_iso(ctx.now), ctx.person.id, lesson.id))
            await self._event(ctx, lesson, "snoozed")
        return [ctx.say("lessons.snoozed.until", when=self._when(ctx, result.when))]

    def _when(self, ctx: Context, moment: datetime) -> str:
        local = moment.astimezone(nudges.zone_of(ctx.person))
        today = ctx.now.astimezone(local.tzinfo).date()
        at = format_clock(local.hour * 60 + local.minute, ctx.lang)  # "10 h", as meetings say
        if local.date() == today + timedelta(days=1):
            return ctx.t("training.snooze.tomorrow", time=at)
        return ctx.t("training.snooze.on_day", time=at,
                     date=format_date(local, format="EEEE d MMMM", locale=ctx.lang))

    # --- /learn ----------------------------------------------------------------------------

    async def cmd_learn(self, ctx: Context, args: str) -> list[Reply]:
        lessons = self._content(ctx).library.for_audience(ctx.person.role or "both", ctx.lang)
        if not lessons:
            return [ctx.say("lessons.learn.empty")]
        if args:
            number = int(args) if args.isascii() and args.isdigit() and len(args) < 4 else 0
            chosen = lessons[number - 1].id if 0 < number <= len(lessons) else args.strip().lower()
            return await self._open(ctx, chosen, "learn")
        progress = {row["lesson_id"]: row for row in await ctx.tx.all(
            "SELECT * FROM lesson_progress WHERE person_id = ?", (ctx.person.id,))}
        lines = [ctx.t("lessons.learn.header"), ctx.t("lessons.learn.intro")]
        stage = ""
        for number, lesson in enumerate(lessons, start=1):
            if lesson.stage != stage:
                stage = lesson.stage
                lines += ["", f"*{ctx.t(f'lessons.stages.{stage}')}*"]
            row = progress.get(lesson.id)
            status = ctx.t(f"lessons.status.{row['status'] if row else 'new'}")
            if row and row["useful"]:
                status += " · 👍"
            lines.append(f"{number}. " + ctx.t(
                "lessons.learn.item", title=lesson.title, status=status,
                reading_time=ctx.t("lessons.reading_time", count=lesson.minutes,
                                   minutes=lesson.minutes)))
        done = sum(1 for lesson in lessons if lesson.id in progress
                   and progress[lesson.id]["status"] == "done")
        lines += ["", ctx.t("lessons.learn.progress", done=done, total=len(lessons))]
        choices = [Button(f"{number}. {lesson.title}"[:75], A_OPEN_LEARN, lesson.id)
                   for number, lesson in enumerate(lessons, start=1)]
        return [ctx.reply("\n".join(lines)[:MAX_MESSAGE], choices=choices)]

    # --- /points and /leaderboard -------------------------------------------------------------

    async def cmd_points(self, ctx: Context, args: str) -> list[Reply]:
        content = self._content(ctx)
        total = await points.total(ctx.tx, ctx.person.id)
        held = await badges.held_by(ctx.tx, ctx.person.id)
        recent = await points.history(ctx.tx, ctx.person.id, HISTORY_SIZE)
        if not total and not held:
            return [ctx.say("training.points.none")]
        lines = [ctx.t("training.points.title", count=total)]
        if held:
            lines += ["", ctx.t("training.points.badges")]
            for earned in held[-BADGES_SHOWN:]:  # the latest; the export has them all
                lines.append(self._badge_line(ctx, content.rules, earned))
        if recent:
            lines += ["", ctx.t("training.points.recent")]
            for row in recent:
                lines.append(ctx.t("training.points.entry", date=self._date(ctx, row["created_at"]),
                                   points=row["points"], reason=self._reason(ctx, row)))
        board = await points.on_leaderboard(ctx.tx, ctx.person.id)
        lines += ["", ctx.t("training.leaderboard.you_on" if board
                            else "training.leaderboard.you_off")]
        return [ctx.reply("\n".join(lines)[:MAX_MESSAGE])]

    def _badge_line(self, ctx: Context, rules: PointsRules, earned: badges.Earned) -> str:
        date = self._date(ctx, earned.created_at)
        if earned.badge == badges.RECOGNITION:
            return ctx.t("training.points.recognition", date=date, note=earned.note)
        described = badges.describe(rules, earned, ctx.lang)
        emoji, name = described or ("🏅", earned.badge)
        return ctx.t("training.points.badge", emoji=emoji, name=name, date=date)

    def _reason(self, ctx: Context, row: Any) -> str:
        reason = ctx.t(f"training.reasons.{row['reason']}")
        kind, _, ref = row["ref"].partition(".")
        found = self._content(ctx).library.get(ref, ctx.lang) if kind == "lesson" else None
        if found is not None:
            return ctx.t("training.reasons.with_detail", reason=reason, detail=found.lesson.title)
        return reason

    def _date(self, ctx: Context, iso: str) -> str:
        local = from_iso(iso).astimezone(nudges.zone_of(ctx.person))
        return format_date(local, format="medium", locale=ctx.lang)

    # --- coordinators --------------------------------------------------------------------------

    async def admin_recognise(self, ctx: Context, args: str) -> list[Reply]:
        return await badges.cmd_recognise(ctx, args, self._content(ctx).rules)

    async def admin_lessons(self, ctx: Context, args: str) -> list[Reply]:
        reload = args.strip().lower() == "reload"
        content = self.training.reload(ctx.services) if reload else self._content(ctx)
        lines = [ctx.t("lessons.reload.done" if reload else "training.admin.loaded",
                       lessons=len(content.library.ids()), rules=len(content.plan.rules))]
        if not content.problems:
            lines.append(ctx.t("training.admin.no_problems"))
        else:
            lines.append(ctx.t("lessons.reload.problems", count=len(content.problems)))
            for problem in content.problems[:MAX_PROBLEMS_SHOWN]:
                lines.append("- " + self._problem(ctx, content.root, problem))
        return [ctx.reply("\n".join(lines)[:MAX_MESSAGE])]

    def _problem(self, ctx: Context, root: Path, problem: ContentProblem) -> str:
        try:
            file = str(problem.path.relative_to(root))
        except ValueError:
            file = problem.path.name
        message = ctx.t(problem.key, **problem.params) if problem.key else problem.message
        if problem.line:
            return ctx.t("lessons.reload.problem", file=file, line=problem.line, message=message)
        return ctx.t("lessons.reload.problem_no_line", file=file, message=message)

    # --- hooks ---------------------------------------------------------------------------------

    async def _nudge(self, tx: Tx, services: Services, target: nudges.Target, trigger: str,
                     anchor: datetime, *, selectors: dict[str, int] | None = None,
                     keep: Callable[[NudgeRule], bool] = lambda rule: True,
                     partner: Person | None = None, **options: Any) -> None:
        """Plan the nudges of `trigger` for `target`; `partner`: the other person of the
        relationship when the caller has read it already."""
        content = self.training.content(services)
        rules = [rule for rule in content.plan.rules_for(trigger, target.audience,
                                                         **(selectors or {})) if keep(rule)]
        if not rules:
            return  # nothing to plan: nothing to read
        name = partner.name if partner is not None and target.match_id is not None else \
            await _partner(tx, target.match_id, target.person.id)
        now = services.clock.now()
        created = await nudges.schedule(
            tx, content.plan, target, rules, anchor, now,
            _rule_message(services, content.library, name, target.match_id), **options)
        if created and trigger == "quiet" and target.match_id is not None:
            await checkins.expect_reply(tx, target.person.id, target.match_id, now)

    async def _grant(self, tx: Tx, services: Services, person: Person, reason: str, key: str,
                     ref: str) -> None:
        await points.award(tx, self.training.content(services).rules,
                           programme_id=person.programme_id, person_id=person.id, reason=reason,
                           key=key, ref=ref, now=services.clock.now())

    async def on_onboarded(self, tx: Tx, services: Services, event: Onboarded) -> None:
        person = await people.get(tx, event.person_id)
        if person is None or not person.active:
            return
        await self._grant(tx, services, person, "onboarded", str(person.id),
                          f"person.{person.id}")
        await self._nudge(tx, services, nudges.Target(person, person.role or "both"),
                          "onboarded", services.clock.now())

    async def on_request_sent(self, tx: Tx, services: Services, event: RequestSent) -> None:
        mentee = await people.get(tx, event.mentee_id)
        if mentee is not None:
            # Once per person: sending many requests must not be a way to collect points.
            await self._grant(tx, services, mentee, "request_sent", str(mentee.id),
                              f"request.{event.request_id}")

    async def on_matched(self, tx: Tx, services: Services, event: Matched) -> None:
        match = await _match(tx, event.match_id)
        if match is None:
            return
        now = services.clock.now()
        sides = await _sides(tx, match["mentee_id"], match["mentor_id"])
        for person, audience in sides:
            if audience == "mentor" and event.source == "request":
                await self._grant(tx, services, person, "request_accepted", str(match["id"]),
                                  f"match.{match['id']}")
            target = nudges.Target(person, audience, match["id"])
            partner = next((other for other, _ in sides if other.id != person.id), None)
            await self._nudge(tx, services, target, "matched", now, partner=partner)
            if match["ends_at"]:
                await self._nudge(tx, services, target, "ending", from_iso(match["ends_at"]),
                                  partner=partner)

    async def on_meeting_confirmed(self, tx: Tx, services: Services,
                                   event: MeetingConfirmed) -> None:
        match = await _match(tx, event.match_id)
        starts = event.starts_at
        if match is None or event.number != 1:
            return
        for person, audience in await _sides(tx, match["mentee_id"], match["mentor_id"]):
            await self._nudge(tx, services, nudges.Target(person, audience, match["id"]),
                              "before_first_meeting", starts, deadline=starts,
                              move_pending=True)

    async def on_meeting_held(self, tx: Tx, services: Services, event: MeetingHeld) -> None:
        meeting_id, match_id = event.meeting_id, event.match_id
        number = event.number or 1
        now = services.clock.now()
        sides = await _sides(tx, event.mentee_id, event.mentor_id)
        for person, audience in sides:
            if not await badges.record_held_meeting(tx, meeting_id=meeting_id,
                                                    person_id=person.id, match_id=match_id,
                                                    number=number, now=now):
                continue  # this meeting was counted already
            await self._grant(tx, services, person, "meeting_held", f"{meeting_id}.{person.id}",
                              f"meeting.{meeting_id}")
            await self._nudge(tx, services, nudges.Target(person, audience, match_id),
                              "after_meeting", now, selectors={"meeting_number": number},
                              occurrence=number)
        for person, _ in sides:
            await self._check_badges(tx, services, person.id)

    async def on_relationship_quiet(self, tx: Tx, services: Services,
                                    event: RelationshipQuiet) -> None:
        match = await _match(tx, event.match_id)
        weeks = event.weeks
        if match is None or not weeks:
            return
        since = services.clock.now() - timedelta(weeks=weeks)
        for person, audience in await _sides(tx, match["mentee_id"], match["mentor_id"]):
            # Every rule for this long a silence or less: the hook may come later than the
            # plan's exact week (after a check-in nobody answered). A relationship may go
            # quiet again later: each spell is told apart by the meetings held before it.
            held = await badges.held_count(tx, person.id, match["id"])
            await self._nudge(tx, services, nudges.Target(person, audience, match["id"]),
                              "quiet", since, keep=lambda rule: (rule.weeks or 0) <= weeks,
                              occurrence=held)

    async def on_relationship_ended(self, tx: Tx, services: Services,
                                    event: RelationshipEnded) -> None:
        for person_id in (event.mentee_id, event.mentor_id):
            await nudges.cancel_match(tx, person_id, event.match_id)

    def answered(self, reason: str) -> Handler[CheckinAnswered | SurveyAnswered]:
        """CheckinAnswered / SurveyAnswered: points once per answer, then badges."""
        async def handler(tx: Tx, services: Services,
                          event: CheckinAnswered | SurveyAnswered) -> None:
            person = await people.get(tx, event.person_id)
            match_id = event.match_id
            if person is None:
                return
            now = services.clock.now()
            # Without an answer id, one answer per relationship and day counts.
            answer = event.checkin_id if isinstance(event, CheckinAnswered) else None
            key = f"{person.id}.{answer}" if answer is not None else \
                f"{person.id}.{match_id}.{now.astimezone(nudges.zone_of(person)).date()}"
            await self._grant(tx, services, person, reason, key, f"match.{match_id}")
            match = await _match(tx, match_id)
            await self._check_badges(tx, services, person.id)
            if match is not None:
                await self._check_badges(tx, services, match["mentor_id"])
        return handler

    async def on_meeting_rated(self, tx: Tx, services: Services, event: MeetingRated) -> None:
        """A mentee rated a meeting (1-5): a rating of their mentor, who may earn a badge.
        A mentor's own answer about the meeting says nothing about them."""
        match = await _match(tx, event.match_id)
        if match is None or event.person_id != match["mentee_id"]:
            return
        await badges.record_rating(tx, meeting_id=event.meeting_id, rater_id=event.person_id,
                                   mentor_id=match["mentor_id"], rating=event.rating,
                                   now=services.clock.now())
        await self._check_badges(tx, services, match["mentor_id"])

    async def _check_badges(self, tx: Tx, services: Services, person_id: int) -> None:
        person = await people.get(tx, person_id)
        if person is not None:
            content = self.training.content(services)
            await badges.check(tx, content.rules, content.library, person, services.clock.now())


async def _sides(tx: Tx, mentee_id: int, mentor_id: int) -> list[tuple[Person, str]]:
    """The mentee and the mentor of a relationship, each with their audience."""
    sides = []
    for person_id, audience in ((mentee_id, "mentee"), (mentor_id, "mentor")):
        person = await people.get(tx, person_id)
        if person is not None:
            sides.append((person, audience))
    return sides


async def _partner(tx: Tx, match_id: int | None, person_id: int) -> str | None:
    """The other person's name in a relationship, if the nudge is about one."""
    match = await _match(tx, match_id) if match_id is not None else None
    if match is None:
        return None
    other = await people.get(tx, match["mentor_id"] if match["mentee_id"] == person_id
                             else match["mentee_id"])
    return other.name if other else None


async def _match(tx: Tx, match_id: int) -> dict[str, Any] | None:
    row = await tx.one("SELECT * FROM matches WHERE id = ?", (match_id,))
    return dict(row) if row else None


def _isolated(name: str, handler: Handler[E]) -> Handler[E]:
    """Run a handler in a savepoint: if it fails, its writes are undone and logged, and
    the change that emitted the event (a match, a meeting) still commits."""
    @functools.wraps(handler)  # hooks.on() checks the handler's own signature
    async def run(tx: Tx, services: Services, event: E) -> None:
        await tx.execute("SAVEPOINT training_hook")
        try:
            await handler(tx, services, event)
        except Exception:
            log.exception("training.hook_failed", extra={"hook": name})
            await tx.execute("ROLLBACK TO training_hook")
        await tx.execute("RELEASE training_hook")
    return run


# --- export and registration ---------------------------------------------------------------------

_PROGRAMME = "WHERE (:programme IS NULL OR pr.code = :programme)"
EXPORT_TABLES = (
    ExportTable("lesson_events",
                "SELECT e.id, pr.code AS programme, e.person_id, e.lesson_id, e.language,"
                " e.kind, e.source, e.created_at FROM lesson_events e"
                f" JOIN programmes pr ON pr.id = e.programme_id {_PROGRAMME} ORDER BY e.id"),
    ExportTable("lesson_progress",
                "SELECT lp.person_id, pr.code AS programme, lp.lesson_id, lp.status, lp.useful,"
                " lp.snoozes, lp.quiz_choice, lp.quiz_right, lp.updated_at FROM lesson_progress lp"
                " JOIN people p ON p.id = lp.person_id JOIN programmes pr ON pr.id = p.programme_id"
                f" {_PROGRAMME} ORDER BY lp.person_id, lp.lesson_id"),
    ExportTable("nudges",
                "SELECT n.idempotency_key AS key, pr.code AS programme, n.person_id, n.match_id,"
                " n.rule_key AS rule, n.lesson_id, n.prompt, n.snooze, o.due_at, o.status,"
                " o.sent_at FROM nudges n JOIN programmes pr ON pr.id = n.programme_id"
                f" LEFT JOIN outbox o ON o.idempotency_key = n.idempotency_key {_PROGRAMME}"
                " ORDER BY o.due_at, n.idempotency_key"),
    ExportTable("points_ledger",
                "SELECT l.id, pr.code AS programme, l.person_id, l.reason, l.points, l.ref,"
                " l.unique_key, l.created_at FROM points_ledger l"
                f" JOIN programmes pr ON pr.id = l.programme_id {_PROGRAMME} ORDER BY l.id"),
    ExportTable("badges",
                "SELECT b.id, pr.code AS programme, b.person_id, b.badge, b.note, b.awarded_by,"
                " b.created_at FROM badges b JOIN programmes pr ON pr.id = b.programme_id"
                f" {_PROGRAMME} ORDER BY b.id"),
)


def register(router: Router, registry: AdminRegistry) -> None:
    feature = TrainingFeature(Training())
    router.command("learn", feature.cmd_learn, aliases=("lessons", "apprendre"),
                   needs_profile=True, help_key="training.help.learn")
    router.command("points", feature.cmd_points, needs_profile=True,
                   help_key="training.help.points")
    router.command("leaderboard", points.cmd_leaderboard, aliases=("classement",),
                   needs_profile=True, help_key="training.help.leaderboard")
    for action_id, handler in ((A_OPEN, feature.open_from_card),
                               (A_OPEN_LEARN, feature.open_from_learn),
                               (A_READ, feature.press_read), (A_DONE, feature.press_done),
                               (A_USEFUL, feature.press_useful), (A_SNOOZE, feature.press_snooze),
                               (A_QUIZ, feature.press_quiz)):
        router.action(action_id, _active(handler))
    registry.add("recognise", feature.admin_recognise, "training.admin.help_recognise")
    registry.handlers.setdefault("recognize", registry.handlers["recognise"])  # US spelling
    registry.add("lessons", feature.admin_lessons, "training.admin.help_lessons")
    # Each handler is isolated under the event's name; a new one is added here by type.
    _on(router, Onboarded, feature.on_onboarded)
    _on(router, RequestSent, feature.on_request_sent)
    _on(router, Matched, feature.on_matched)
    _on(router, MeetingConfirmed, feature.on_meeting_confirmed)
    _on(router, MeetingHeld, feature.on_meeting_held)
    _on(router, RelationshipQuiet, feature.on_relationship_quiet)
    _on(router, RelationshipEnded, feature.on_relationship_ended)
    _on(router, MeetingRated, feature.on_meeting_rated)
    _on(router, CheckinAnswered, feature.answered("checkin_answered"))
    _on(router, SurveyAnswered, feature.answered("survey_answered"))
    for table in EXPORT_TABLES:
        register_table(table)


def _on(router: Router, event_type: type[E], handler: Handler[E]) -> None:
    router.hooks.on(event_type, _isolated(event_type.__name__, handler))


def _active(handler: Callable[[Context, str], Awaitable[list[Reply]]]
            ) -> Callable[[Context, str], Awaitable[list[Reply]]]:
    async def guarded(ctx: Context, value: str) -> list[Reply]:
        if not ctx.person.active:
            return [ctx.say("common.needs_profile")]
        return await handler(ctx, value)
    return guarded

