"""Micro-lessons and the nudge plan: reading, checking and looking them up.

Coordinators edit lessons by hand as Markdown files with a small TOML header
(`content/lessons/<id>.<lang>.md`) and decide who gets which lesson when in
`content/nudges.toml`. Hand-edited files break, so loading never raises: a broken
file or rule is set aside and described by a `ContentProblem` (file, line, message,
plus a catalogue key so the bot can tell a coordinator in their own language), and
everything else still loads.

This module only reads files. Turning the Markdown body into chat messages (the
catalogues' `*bold*` markup, pages under the platforms' limits), recording what was sent
and read, and deciding when each nudge goes out (quiet hours, one a day) is the job of
bot/training/training.py and bot/training/nudges.py. Check the content from a shell with
`python -m bot.training.lessons [content_dir]`.

Usage::

    library = load_lessons(content / "lessons")
    plan, problems = load_nudge_plan(content / "nudges.toml", library)
    found = library.get("smart-goals", "fr")   # found.fallback: French missing, English given
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.kernel.clock import parse_duration

LANGUAGES = ("en", "fr")
# The English file is the reference when two translations disagree on what must match.
REFERENCE_LANGUAGE = LANGUAGES[0]
AUDIENCES = ("mentee", "mentor", "both")
# Lifecycle order: lesson lists are shown in this order.
STAGES = (
    "onboarding",
    "matched",
    "before_first_meeting",
    "after_meeting",
    "quiet",
    "ending",
    "anytime",
)
TRIGGERS = ("onboarded", "matched", "before_first_meeting", "after_meeting", "quiet", "ending")
PROMPT_PREFIX = "lessons.prompts."
PROBLEM_PREFIX = "lessons.problems."

MIN_MINUTES, MAX_MINUTES = 2, 4
MIN_CHOICES, MAX_CHOICES = 2, 4
MAX_TITLE = 80
MAX_QUESTION = 300  # Telegram's limit for a poll question
MAX_CHOICE = 75  # Slack's limit for a button label
MAX_EXPLANATION = 400
MAX_FILE_BYTES = 200_000  # a lesson is a few minutes of reading; more is a mistake
MAX_PROBLEMS_PER_FILE = 10  # one broken file must not drown the others' problems
MAX_PROBLEMS_PER_PLAN = 50
MAX_DELAY = timedelta(days=365)

# English text of each problem; the catalogue holds the same under PROBLEM_PREFIX + kind,
# in both languages, so a coordinator can be told in theirs (a test keeps them in step).
PROBLEM_TEXTS: dict[str, str] = {
    "missing_directory": "the lessons folder does not exist",
    "missing_file": "the file does not exist",
    "unreadable": "the file cannot be read",
    "too_large": "the file is larger than {limit} bytes",
    "not_utf8": "the file is not UTF-8 text",
    "bad_file_name": "the file name must look like <id>.<language>.md, with language en or fr",
    "no_header": "the file must start with a +++ line that opens the header",
    "header_not_closed": "the header is never closed by a +++ line",
    "bad_toml": "this is not valid TOML: {error}",
    "missing_field": "the field {field} is missing",
    "unknown_field": "unknown field {field}",
    "not_text": "{field} must be text in quotes",
    "not_integer": "{field} must be a whole number",
    "not_number": "{field} must be a number",
    "not_table": "{field} must be a table",
    "not_list": "{field} must be a list of texts in quotes",
    "empty_text": "{field} is empty",
    "control_characters": "{field} contains line breaks or control characters",
    "too_long": "{field} is longer than {limit} characters",
    "not_one_of": "{field} must be one of {allowed}, not '{value}'",
    "out_of_range": "{field} must be between {low} and {high}, not {value}",
    "bad_id": "{field} may only hold lower-case letters, digits and single dashes",
    "name_mismatch": "{field} is '{value}' but the file name says '{expected}'",
    "empty_body": "there is no lesson text after the header",
    "markup_heading": "headings (#) cannot be shown in chat; use a **bold** line instead",
    "markup_table": "tables cannot be shown in chat; use a list instead",
    "markup_image": "images cannot be shown in a lesson",
    "markup_html": "HTML cannot be shown in chat; use **bold** or _italic_",
    "markup_code": "code blocks cannot be shown in chat",
    "markup_bullet": "start bullet points with '- '",
    "duplicate_lesson": "lesson {id} in {language} is already defined by {other}",
    "translation_mismatch": "{field} differs from the {other_language} version in {other}",
    "unknown_lesson": "no lesson has the id '{value}'",
    "unknown_prompt": "no prompt is called '{value}'",
    "lesson_or_prompt": "a rule needs either lesson or prompt, not both",
    "bad_duration": "{field} must look like 1d, 12h, 30m or 0, not '{value}'",
    "duration_too_long": "{field} must be at most 365 days",
    "bad_time": "{field} must be a time such as 09:30, not '{value}'",
    "not_for_trigger": "{field} only applies to the {trigger} trigger",
    "needed_for_trigger": "the {trigger} trigger needs {field}",
    "audience_mismatch": (
        "lesson {lesson} is for audience '{lesson_audience}', but this rule sends it to "
        "'{audience}'"
    ),
    "rules_not_list": "each rule must start with a [[rule]] line",
    "duplicate_rule": "this rule repeats the rule on line {other_line}",
    "preferred_in_quiet": "preferred_hour {value} falls inside the quiet hours",
}


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """Something wrong in a content file; the lesson or rule concerned was set aside.

    `line` is the line in the file when known. `message` is English for logs and the
    command line; `key` and `params` let the bot say the same in the reader's language.
    """

    path: Path
    line: int | None
    message: str
    key: str = ""
    params: Mapping[str, str | int] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


def _problem(path: Path, line: int | None, kind: str, **params: str | int) -> ContentProblem:
    # What a coordinator typed is cut short; lists of allowed values are ours and kept whole.
    shown = {name: _shown(value, 60 if name == "value" else 300) for name, value in params.items()}
    return ContentProblem(
        path, line, PROBLEM_TEXTS[kind].format(**shown), PROBLEM_PREFIX + kind, shown
    )


def _shown(value: object, limit: int) -> str | int:
    """A value quoted back to a coordinator: short and printable, whatever they typed."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _CONTROL_OR_BREAK.sub("?", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- lessons -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quiz:
    """One multiple-choice question closing a lesson."""

    question: str
    choices: tuple[str, ...]
    answer: int  # index into choices
    explanation: str

    def is_right(self, choice: int) -> bool:
        return choice == self.answer


@dataclass(frozen=True, slots=True)
class Lesson:
    """One translation of a micro-lesson. `body` is the raw restricted Markdown."""

    id: str
    language: str
    audience: str  # "mentee" | "mentor" | "both"
    stage: str  # one of STAGES
    title: str
    minutes: int
    order: int  # position within the stage
    body: str
    quiz: Quiz | None = None

    def suits(self, audience: str) -> bool:
        """Whether someone in `audience` should see it; "both" on either side matches all."""
        return "both" in (self.audience, audience) or self.audience == audience


@dataclass(frozen=True, slots=True)
class LocalisedLesson:
    """The answer to "lesson X in language Y": `fallback` when Y is missing and X is given
    in another language, so the bot can say so."""

    lesson: Lesson
    fallback: bool


class LessonLibrary:
    """All lessons that loaded, plus the problems of those that did not."""

    def __init__(
        self, lessons: Iterable[Lesson] = (), problems: Iterable[ContentProblem] = ()
    ) -> None:
        self._lessons: dict[tuple[str, str], Lesson] = {}
        for lesson in lessons:
            self._lessons.setdefault((lesson.id, lesson.language), lesson)
        self.problems: list[ContentProblem] = list(problems)

    def __len__(self) -> int:
        return len(self._lessons)

    def __iter__(self) -> Iterator[Lesson]:
        return iter(sorted(self._lessons.values(), key=self._position))

    def __contains__(self, lesson_id: object) -> bool:
        return any((lesson_id, lang) in self._lessons for lang in LANGUAGES)

    def ids(self) -> list[str]:
        """Every lesson id once, in lifecycle order (stage, then order, then id)."""
        return list(dict.fromkeys(lesson.id for lesson in self))

    def get(self, lesson_id: str, language: str | None) -> LocalisedLesson | None:
        """Lesson `lesson_id` in `language`, else in another language (fallback), else None."""
        wanted = _language(language)
        for lang in _preference(wanted):
            lesson = self._lessons.get((lesson_id, lang))
            if lesson is not None:
                return LocalisedLesson(lesson, fallback=lang != wanted)
        return None

    def for_stage(self, stage: str, audience: str, language: str | None) -> list[Lesson]:
        """Lessons of `stage` that suit `audience`, ordered, each in `language` when it
        exists (a lesson's own `language` tells when it is a fallback)."""
        return [lesson for lesson in self.for_audience(audience, language) if lesson.stage == stage]

    def for_audience(self, audience: str, language: str | None) -> list[Lesson]:
        """Every lesson that suits `audience`, in lifecycle order: what /learn lists."""
        chosen = (self.get(lesson_id, language) for lesson_id in self.ids())
        return [found.lesson for found in chosen if found and found.lesson.suits(audience)]

    def _position(self, lesson: Lesson) -> tuple[int, int, str, int]:
        # A lesson sits where its reference translation says, so both languages list alike.
        reference = self._lessons.get((lesson.id, REFERENCE_LANGUAGE), lesson)
        return (
            STAGES.index(reference.stage),
            reference.order,
            lesson.id,
            LANGUAGES.index(lesson.language),
        )


def _language(value: str | None) -> str:
    """"fr-CA" -> "fr"; anything we do not speak -> the reference language."""
    code = (value or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else REFERENCE_LANGUAGE


def _preference(language: str) -> list[str]:
    return [language, *(lang for lang in LANGUAGES if lang != language)]


_FILE_NAME = re.compile(r"(?P<id>[^.]+)\.(?P<language>[^.]+)\.md")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and line feed are ordinary text
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")
_LESSON_FIELDS = ("id", "language", "audience", "stage", "title", "minutes", "order", "quiz")
_QUIZ_FIELDS = ("question", "choices", "answer", "explanation")
# What must agree between translations, so a quiz answer is right in every language.
_SHARED_FIELDS = ("audience", "stage", "order")


def load_lessons(directory: Path) -> LessonLibrary:
    """Read every `<id>.<lang>.md` under `directory` (subfolders included, README and
    hidden files ignored). Never raises: broken files land in `library.problems`."""
    directory = Path(directory)
    if not directory.is_dir():
        return LessonLibrary(problems=[_problem(directory, None, "missing_directory")])
    lessons: dict[tuple[str, str], tuple[Lesson, _Source]] = {}
    problems: list[ContentProblem] = []
    for path in _lesson_files(directory):
        checker = _Checker(path)
        read = _read_lesson(path, checker)
        if read is not None:
            lesson, source = read
            earlier = lessons.get((lesson.id, lesson.language))
            if earlier is None:
                lessons[(lesson.id, lesson.language)] = (lesson, source)
            else:
                checker.add(
                    "duplicate_lesson",
                    line=source.index.line("", "id"),
                    id=lesson.id,
                    language=lesson.language,
                    other=_relative(earlier[1].path, directory),
                )
        problems.extend(checker.problems)
    problems.extend(_drop_disagreeing_translations(lessons, directory))
    return LessonLibrary((lesson for lesson, _ in lessons.values()), problems)


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    index: _LineIndex


def _lesson_files(directory: Path) -> list[Path]:
    """Candidate lesson files, sorted so that "the first of two duplicates" is well defined."""
    found: list[Path] = []
    try:
        for path in directory.rglob("*.md"):
            relative = path.relative_to(directory)
            if path.name.lower() == "readme.md" or any(p.startswith(".") for p in relative.parts):
                continue
            try:
                if path.is_file():
                    found.append(path)
            except OSError:  # unreadable entries are reported when they are opened
                found.append(path)
    except OSError:
        pass  # a folder vanished while walking: keep what was found
    return sorted(found, key=lambda path: path.relative_to(directory).as_posix())


def _relative(path: Path, directory: Path) -> str:
    try:
        return path.relative_to(directory).as_posix()
    except ValueError:
        return path.name


def _read_lesson(path: Path, checker: _Checker) -> tuple[Lesson, _Source] | None:
    """Parse one lesson file, or record why not and return None."""
    name = _FILE_NAME.fullmatch(path.name)
    if name is None or name["language"] not in LANGUAGES:
        checker.add("bad_file_name", line=None)
        return None
    text = _read_text(path, checker)
    if text is None:
        return None
    lines = text.split("\n")
    if lines[0].strip() != "+++":
        checker.add("no_header", line=1)
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "+++"), None)
    if close is None:
        checker.add("header_not_closed", line=1)
        return None
    header_text = "\n".join(lines[1:close])
    checker.index = _LineIndex(header_text, first_line=2, top_line=1)
    header = _parse_toml(header_text, checker)
    if header is None:
        return None
    body_lines = [line.rstrip() for line in lines[close + 1 :]]
    leading = next((i for i, line in enumerate(body_lines) if line), 0)
    body_start = close + 2 + leading  # 1-based line of the first line of text
    body = "\n".join(body_lines[leading:]).rstrip("\n")
    lesson = _build_lesson(header, body, body_start, name["id"], name["language"], checker)
    if lesson is None or checker.problems:
        return None
    return lesson, _Source(path, checker.index)


def _read_text(path: Path, checker: _Checker) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            checker.add("too_large", line=None, limit=MAX_FILE_BYTES)
            return None
        raw = path.read_bytes()
    except OSError:
        checker.add("unreadable", line=None)
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        checker.add("not_utf8", line=raw[: exc.start].count(b"\n") + 1)
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _build_lesson(
    header: dict[str, Any],
    body: str,
    body_start: int,
    file_id: str,
    file_language: str,
    checker: _Checker,
) -> Lesson | None:
    top = _TableReader(checker, header, section="")
    top.reject_unknown(_LESSON_FIELDS)
    lesson_id = top.text("id", limit=64)
    if lesson_id is not None and not _ID.fullmatch(lesson_id):
        checker.add("bad_id", key="id", field="id")
    elif lesson_id is not None and lesson_id != file_id:
        checker.add("name_mismatch", key="id", field="id", value=lesson_id, expected=file_id)
    language = top.choice("language", LANGUAGES)
    if language is not None and language != file_language:
        checker.add(
            "name_mismatch", key="language", field="language", value=language,
            expected=file_language,
        )
    audience = top.choice("audience", AUDIENCES)
    stage = top.choice("stage", STAGES)
    title = top.text("title", limit=MAX_TITLE)
    minutes = top.integer("minutes", low=MIN_MINUTES, high=MAX_MINUTES)
    order = top.integer("order", low=0, high=9999)
    quiz = _build_quiz(header["quiz"], checker) if "quiz" in header else None
    _check_body(body, body_start, checker)
    if (
        checker.problems
        or lesson_id is None
        or language is None
        or audience is None
        or stage is None
        or title is None
        or minutes is None
        or order is None
    ):
        return None
    return Lesson(lesson_id, language, audience, stage, title, minutes, order, body, quiz)


def _build_quiz(table: Any, checker: _Checker) -> Quiz | None:
    if not isinstance(table, dict):
        checker.add("not_table", key="quiz", field="quiz")
        return None
    quiz = _TableReader(checker, table, section="quiz", prefix="quiz.")
    quiz.reject_unknown(_QUIZ_FIELDS)
    question = quiz.text("question", limit=MAX_QUESTION)
    choices = quiz.texts("choices", low=MIN_CHOICES, high=MAX_CHOICES, limit=MAX_CHOICE)
    answer = quiz.integer("answer", low=0, high=len(choices) - 1 if choices else MAX_CHOICES - 1)
    explanation = quiz.text("explanation", limit=MAX_EXPLANATION)
    if question is None or choices is None or answer is None or explanation is None:
        return None
    return Quiz(question, choices, answer, explanation)


_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--")
_MARKUP_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(```|~~~)"), "markup_code"),
    (re.compile(r"^#{1,6}(\s|$)"), "markup_heading"),
    (re.compile(r"^\|.*\|"), "markup_table"),
    (re.compile(r"!\[[^\]]*\]\("), "markup_image"),
    (_HTML_TAG, "markup_html"),
    (re.compile(r"^[*+]\s"), "markup_bullet"),
)


def _check_body(body: str, body_start: int, checker: _Checker) -> None:
    """The body may only use what every chat can render (see content/lessons/README.md)."""
    if not body.strip():
        checker.add("empty_body", line=body_start)
        return
    for number, line in enumerate(body.split("\n"), start=body_start):
        stripped = line.strip()
        if _CONTROL.search(line):
            checker.add("control_characters", line=number, field="body")
        for pattern, kind in _MARKUP_RULES:
            if pattern.search(stripped):
                checker.add(kind, line=number)
                break


# --- nudge plan ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuietHours:
    """No nudge is delivered from `start` to `end` (local time); the span may cross midnight."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, moment: time) -> bool:
        moment = moment.replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def span_around(self, moment: datetime) -> tuple[datetime, datetime]:
        """Start and end of the quiet span that contains `moment` (which must be quiet)."""
        day = moment.date()
        start_day = day
        if self.start > self.end and moment.time() < self.end:
            start_day = day - timedelta(days=1)  # the span began yesterday evening
        end_day = start_day + timedelta(days=1) if self.start > self.end else start_day
        return _at(moment, start_day, self.start), _at(moment, end_day, self.end)


def _at(reference: datetime, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=reference.tzinfo)


@dataclass(frozen=True, slots=True)
class NudgeRule:
    """"Send `lesson` (or the catalogue prompt `prompt`) to `audience` `delay` after `trigger`".

    The selectors narrow a trigger: `meeting_number` (after_meeting; None = every meeting),
    `weeks` (quiet), `days_before` (ending), `hours_before` (before_first_meeting).
    `until` (any trigger) is the stage at which a nudge not yet sent lapses: "matched" (the
    person has a relationship) or "first_meeting" (a first meeting took place).
    """

    trigger: str
    audience: str
    lesson: str | None
    prompt: str | None
    delay: timedelta = timedelta(0)
    meeting_number: int | None = None
    weeks: int | None = None
    days_before: int | None = None
    hours_before: int | None = None
    until: str | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """Stable identity of the rule, for idempotency keys of scheduled nudges."""
        selector = next(
            (
                f"{name}={value}"
                for name, value in (
                    ("meeting", self.meeting_number),
                    ("weeks", self.weeks),
                    ("days_before", self.days_before),
                    ("hours_before", self.hours_before),
                )
                if value is not None
            ),
            "",
        )
        content = f"lesson={self.lesson}" if self.lesson else f"prompt={self.prompt}"
        minutes = int(self.delay.total_seconds() // 60)
        return f"{self.trigger}/{selector}/{self.audience}/{content}/+{minutes}m"

    @property
    def message_key(self) -> str | None:
        """Catalogue key of the prompt, when the rule sends a prompt rather than a lesson."""
        return PROMPT_PREFIX + self.prompt if self.prompt else None

    def applies_to(self, audience: str) -> bool:
        return "both" in (self.audience, audience) or self.audience == audience

    def due(self, anchor: datetime) -> datetime:
        """When the rule falls due, before quiet hours are considered.

        `anchor` is the moment the trigger refers to: onboarding, the introduction, the
        first meeting's start, the end of the meeting just held, the last meeting (or the
        introduction) for quiet weeks, the relationship's end for ending.
        """
        if self.trigger == "before_first_meeting":
            anchor -= timedelta(hours=self.hours_before or 0)
        elif self.trigger == "quiet":
            anchor += timedelta(weeks=self.weeks or 0)
        elif self.trigger == "ending":
            anchor -= timedelta(days=self.days_before or 0)
        return anchor + self.delay

    @property
    def day_granular(self) -> bool:
        """Counted in whole days: delivered at the preferred hour rather than to the minute."""
        whole_days = self.delay % timedelta(days=1) == timedelta(0)
        counts_days = self.trigger in ("quiet", "ending") or self.delay > timedelta(0)
        return whole_days and counts_days


@dataclass(frozen=True, slots=True)
class NudgePlan:
    """The coordinator's plan: rules plus delivery settings (all times are local)."""

    rules: tuple[NudgeRule, ...] = ()
    quiet_hours: QuietHours = QuietHours()
    preferred_hour: time = time(10, 0)
    max_per_day: int = 1  # unsolicited messages (lessons, prompts, check-ins, surveys)
    max_lessons_per_week: int = 3  # lesson cards in any seven days in a row

    def rules_for(
        self,
        trigger: str,
        audience: str,
        *,
        meeting_number: int | None = None,
        weeks: int | None = None,
        days_before: int | None = None,
    ) -> list[NudgeRule]:
        """Rules of `trigger` for someone in `audience`. A selector given here must equal the
        rule's; a rule without that selector matches any value (e.g. every meeting)."""
        wanted = {"meeting_number": meeting_number, "weeks": weeks, "days_before": days_before}
        return [
            rule
            for rule in self.rules
            if rule.trigger == trigger
            and rule.applies_to(audience)
            and all(
                value is None or getattr(rule, name) in (None, value)
                for name, value in wanted.items()
            )
        ]

    def send_time(self, rule: NudgeRule, anchor: datetime) -> datetime:
        """When to deliver `rule`'s nudge; `anchor` (see `NudgeRule.due`) in the recipient's
        local time, and so is the answer.

        Day-counted nudges go out at the preferred hour of their day. A nudge that lands in
        quiet hours waits for their end, except a reminder before a first meeting, which
        waiting could make late: it goes out an hour before the quiet hours begin instead
        (possibly a moment already past, which the scheduler then sends at once).
        """
        when = rule.due(anchor)
        if rule.day_granular:
            when = _at(when, when.date(), self.preferred_hour)
        if not self.quiet_hours.contains(when.time()):
            return when
        quiet_start, quiet_end = self.quiet_hours.span_around(when)
        if rule.trigger == "before_first_meeting":
            return quiet_start - timedelta(hours=1)
        return quiet_end


_PLAN_FIELDS = ("quiet_hours", "preferred_hour", "max_per_day", "max_lessons_per_week", "rule")
UNTIL = ("matched", "first_meeting")
_RULE_FIELDS = (
    "trigger",
    "audience",
    "lesson",
    "prompt",
    "delay",
    "meeting_number",
    "weeks",
    "days_before",
    "hours_before",
    "until",
)
# Which selector belongs to which trigger, whether it is required, and its range.
_SELECTORS: dict[str, tuple[str, bool, int, int]] = {
    "meeting_number": ("after_meeting", False, 1, 1000),
    "weeks": ("quiet", True, 1, 104),
    "days_before": ("ending", True, 1, 365),
    "hours_before": ("before_first_meeting", True, 1, 336),
}
_PROMPT_NAME = re.compile(r"[a-z0-9_]{1,64}")
_CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def load_nudge_plan(
    path: Path, library: LessonLibrary, prompts: Collection[str] | None = None
) -> tuple[NudgePlan, list[ContentProblem]]:
    """Read the nudge plan. Never raises: a bad setting keeps its default, a bad rule is
    left out, and each is reported. Lesson ids are checked against `library`; prompt names
    against `prompts` (names under `lessons.prompts` in the catalogue) when given."""
    path = Path(path)
    checker = _Checker(path, limit=MAX_PROBLEMS_PER_PLAN)
    if not path.is_file():
        checker.add("missing_file", line=None)
        return NudgePlan(), checker.problems
    text = _read_text(path, checker)
    if text is None:
        return NudgePlan(), checker.problems
    checker.index = _LineIndex(text, first_line=1, top_line=1)
    data = _parse_toml(text, checker)
    if data is None:
        return NudgePlan(), checker.problems
    top = _TableReader(checker, data, section="")
    top.reject_unknown(_PLAN_FIELDS)
    defaults = NudgePlan()
    quiet_hours = _read_quiet_hours(data, checker) or defaults.quiet_hours
    preferred = _read_clock(data, "", "preferred_hour", checker) or defaults.preferred_hour
    if "preferred_hour" in data and quiet_hours.contains(preferred):
        checker.add(
            "preferred_in_quiet", key="preferred_hour", value=preferred.strftime("%H:%M")
        )
    max_per_day = top.integer("max_per_day", low=1, high=24, required=False)
    per_week = top.integer("max_lessons_per_week", low=1, high=50, required=False)
    rules = _read_rules(data.get("rule", []), library, prompts, checker)
    plan = NudgePlan(
        rules=tuple(rules),
        quiet_hours=quiet_hours,
        preferred_hour=preferred,
        max_per_day=defaults.max_per_day if max_per_day is None else max_per_day,
        max_lessons_per_week=defaults.max_lessons_per_week if per_week is None else per_week,
    )
    return plan, checker.problems


def _read_quiet_hours(data: dict[str, Any], checker: _Checker) -> QuietHours | None:
    if "quiet_hours" not in data:
        return None
    table = data["quiet_hours"]
    if not isinstance(table, dict):
        checker.add("not_table", key="quiet_hours", field="quiet_hours")
        return None
    reader = _TableReader(checker, table, section="quiet_hours", prefix="quiet_hours.")
    reader.reject_unknown(("start", "end"))
    start = _read_clock(table, "quiet_hours", "start", checker, required=True)
    end = _read_clock(table, "quiet_hours", "end", checker, required=True)
    return QuietHours(start, end) if start and end else None


def _read_clock(
    table: Mapping[str, Any], section: str, name: str, checker: _Checker, required: bool = False
) -> time | None:
    label = f"{section}.{name}" if section else name
    if name not in table:
        if required:
            checker.add("missing_field", section=section, field=label)
        return None
    value = table[name]
    if isinstance(value, time):  # an unquoted TOML local time, 09:30:00
        return value.replace(second=0, microsecond=0)
    match = _CLOCK_TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    checker.add("bad_time", section=section, key=name, field=label, value=str(value))
    return None


def _read_rules(
    value: Any, library: LessonLibrary, prompts: Collection[str] | None, checker: _Checker
) -> list[NudgeRule]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        checker.add("rules_not_list", key="rule")
        return []
    rules: list[NudgeRule] = []
    seen: dict[str, int | None] = {}
    for number, table in enumerate(value):
        before = checker.count
        rule = _read_rule(table, f"rule#{number}", library, prompts, checker)
        if rule is None or checker.count > before:
            continue
        if rule.key in seen:
            checker.add("duplicate_rule", line=rule.line, other_line=seen[rule.key] or 0)
            continue
        seen[rule.key] = rule.line
        rules.append(rule)
    return rules


def _read_rule(
    table: dict[str, Any],
    section: str,
    library: LessonLibrary,
    prompts: Collection[str] | None,
    checker: _Checker,
) -> NudgeRule | None:
    reader = _TableReader(checker, table, section=section)
    reader.reject_unknown(_RULE_FIELDS)
    trigger = reader.choice("trigger", TRIGGERS)
    audience = reader.choice("audience", AUDIENCES)
    lesson = reader.text("lesson", limit=64, required=False)
    prompt = reader.text("prompt", limit=64, required=False)
    line = checker.index.line(section) if checker.index else None
    if ("lesson" in table) == ("prompt" in table):
        checker.add("lesson_or_prompt", line=line)
    if lesson is not None:
        _check_rule_lesson(lesson, audience, section, library, checker)
    if prompt is not None and (
        not _PROMPT_NAME.fullmatch(prompt) or (prompts is not None and prompt not in prompts)
    ):
        checker.add("unknown_prompt", section=section, key="prompt", value=prompt)
    delay = _read_delay(table, section, checker)
    selectors = _read_selectors(reader, trigger)
    until = reader.choice("until", UNTIL) if "until" in table else None
    if reader.failed or trigger is None or audience is None or delay is None:
        return None
    return NudgeRule(trigger, audience, lesson, prompt, delay, until=until, line=line,
                     **selectors)


def _check_rule_lesson(
    lesson_id: str, audience: str | None, section: str, library: LessonLibrary, checker: _Checker
) -> None:
    found = library.get(lesson_id, REFERENCE_LANGUAGE)
    if found is None:
        checker.add("unknown_lesson", section=section, key="lesson", value=lesson_id)
    elif audience is not None and found.lesson.audience not in ("both", audience):
        checker.add(
            "audience_mismatch",
            section=section,
            key="audience",
            lesson=lesson_id,
            lesson_audience=found.lesson.audience,
            audience=audience,
        )


def _read_delay(table: Mapping[str, Any], section: str, checker: _Checker) -> timedelta | None:
    value = table.get("delay", "0")
    if value == 0 and not isinstance(value, bool):
        return timedelta(0)
    delay = parse_duration(value) if isinstance(value, str) else None
    if delay is None:
        checker.add("bad_duration", section=section, key="delay", field="delay", value=str(value))
        return None
    if delay > MAX_DELAY:
        checker.add("duration_too_long", section=section, key="delay", field="delay")
        return None
    return delay


def _read_selectors(reader: _TableReader, trigger: str | None) -> dict[str, int | None]:
    selectors: dict[str, int | None] = {}
    for name, (owner, required, low, high) in _SELECTORS.items():
        selectors[name] = None
        if trigger is None:
            continue
        if name in reader.table and trigger != owner:
            reader.checker.add(
                "not_for_trigger", section=reader.section, key=name, field=name, trigger=owner
            )
        elif name not in reader.table and trigger == owner and required:
            reader.checker.add(
                "needed_for_trigger", section=reader.section, field=name, trigger=owner
            )
        elif trigger == owner:
            selectors[name] = reader.integer(name, low=low, high=high, required=False)
    return selectors


# --- reading TOML by hand-edited file --------------------------------------------------------


class _LineIndex:
    """Where tables and keys sit in a TOML text, since tomllib keeps no positions.

    Best effort: a line scan that knows table headers, `[[arrays]]` (numbered
    `name#0`, `name#1`…), `key =` lines and multi-line strings.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([\"']?)([A-Za-z0-9_.-]+)\1\s*=")

    def __init__(self, text: str, first_line: int, top_line: int) -> None:
        self.tables: dict[str, int] = {"": top_line}
        self.keys: dict[tuple[str, str], int] = {}
        self.repeated_key_line: int | None = None
        self.first_line = first_line
        self.last_line = first_line + text.count("\n")
        arrays: dict[str, int] = {}
        section, open_quote = "", ""
        for number, line in enumerate(text.split("\n"), start=first_line):
            if open_quote:
                if line.count(open_quote) % 2:
                    open_quote = ""
                continue
            header = self._HEADER.match(line)
            if header:
                name = header[2].strip()
                if header[1] == "[[":
                    arrays[name] = arrays.get(name, -1) + 1
                    name = f"{name}#{arrays[name]}"
                section = name
                self.tables.setdefault(section, number)
                continue
            key = self._KEY.match(line)
            if key is None:
                continue
            slot = (section, key[2])
            if slot in self.keys and self.repeated_key_line is None:
                self.repeated_key_line = number
            self.keys.setdefault(slot, number)
            open_quote = next((q for q in ('"""', "'''") if line.count(q) % 2), "")

    def line(self, section: str, key: str | None = None) -> int:
        """Line of `key` in `section`, else of the section (or its inline-table key)."""
        if key:
            dotted = f"{section}.{key}" if section else key
            for slot in ((section, key), ("", dotted)):
                if slot in self.keys:
                    return self.keys[slot]
            for table in (dotted, f"{dotted}#0"):  # the key written as a [table] or [[array]]
                if table in self.tables:
                    return self.tables[table]
        if ("", section) in self.keys:
            return self.keys[("", section)]
        return self.tables.get(section, self.tables[""])


class _Checker:
    """Collects the problems of one file, each with the best line number known."""

    def __init__(self, path: Path, limit: int = MAX_PROBLEMS_PER_FILE) -> None:
        self.path = path
        self.limit = limit
        self.index: _LineIndex | None = None
        self.problems: list[ContentProblem] = []
        self.count = 0  # problems found, including those past the limit that are not listed

    def add(
        self,
        kind: str,
        *,
        line: int | None = None,
        section: str = "",
        key: str | None = None,
        **params: str | int,
    ) -> None:
        self.count += 1
        if len(self.problems) >= self.limit:
            return
        if line is None and self.index is not None and kind not in _WHOLE_FILE:
            line = self.index.line(section, key)
        self.problems.append(_problem(self.path, line, kind, **params))


# Problems about the file as a whole: no line to point at.
_WHOLE_FILE = frozenset({"missing_file", "unreadable", "too_large", "bad_file_name"})


def _parse_toml(text: str, checker: _Checker) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        index = checker.index
        message = str(exc)
        at = re.search(r"at line (\d+)", message)
        line: int | None = None
        if index is not None:
            if at:
                line = index.first_line + int(at[1]) - 1
            else:  # "at end of document": usually a key given twice
                line = index.repeated_key_line or index.last_line
        checker.add("bad_toml", line=line, error=re.sub(r"\s*\(at [^)]*\)$", "", message))
        return None


class _TableReader:
    """Typed fields of one TOML table; each bad field becomes a problem and reads as None."""

    def __init__(
        self, checker: _Checker, table: Mapping[str, Any], section: str, prefix: str = ""
    ) -> None:
        self.checker, self.table, self.section, self.prefix = checker, table, section, prefix
        self._problems_before = checker.count

    @property
    def failed(self) -> bool:
        return self.checker.count > self._problems_before

    def _add(self, kind: str, name: str, **params: str | int) -> None:
        self.checker.add(kind, section=self.section, key=name, field=self.prefix + name, **params)

    def _get(self, name: str, required: bool) -> Any:
        if name not in self.table:
            if required:  # point at the table: the field is not there to point at
                self.checker.add("missing_field", section=self.section, field=self.prefix + name)
            return None
        return self.table[name]

    def reject_unknown(self, allowed: Collection[str]) -> None:
        for name in self.table:
            if name not in allowed:
                self._add("unknown_field", name)

    def text(self, name: str, *, limit: int, required: bool = True) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self._add("not_text", name)
            return None
        return self._checked_text(name, value, limit)

    def _checked_text(self, name: str, value: str, limit: int) -> str | None:
        value = value.strip()
        if not value:
            self._add("empty_text", name)
        elif _CONTROL_OR_BREAK.search(value):
            self._add("control_characters", name)
        elif len(value) > limit:
            self._add("too_long", name, limit=limit)
        else:
            return value
        return None

    def texts(self, name: str, *, low: int, high: int, limit: int) -> tuple[str, ...] | None:
        value = self._get(name, required=True)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self._add("not_list", name)
            return None
        if not low <= len(value) <= high:
            self._add("out_of_range", name, low=low, high=high, value=len(value))
            return None
        checked = [self._checked_text(name, item, limit) for item in value]
        return None if None in checked else tuple(item for item in checked if item is not None)

    def integer(self, name: str, *, low: int, high: int, required: bool = True) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self._add("not_integer", name)
            return None
        if not low <= value <= high:
            self._add("out_of_range", name, low=low, high=high, value=value)
            return None
        return value

    def choice(self, name: str, options: tuple[str, ...]) -> str | None:
        value = self.text(name, limit=64)
        if value is not None and value not in options:
            self._add("not_one_of", name, allowed=", ".join(options), value=value)
            return None
        return value


# --- keeping translations in step ------------------------------------------------------------


def _drop_disagreeing_translations(
    lessons: dict[tuple[str, str], tuple[Lesson, _Source]], directory: Path
) -> list[ContentProblem]:
    """A translation that disagrees with the reference on audience, stage, order or the
    quiz's shape is set aside: its readers get the reference version instead of a quiz
    whose right answer depends on the language."""
    problems: list[ContentProblem] = []
    for (lesson_id, language), (lesson, source) in list(lessons.items()):
        reference = lessons.get((lesson_id, REFERENCE_LANGUAGE))
        if language == REFERENCE_LANGUAGE or reference is None:
            continue
        field_name = _first_difference(reference[0], lesson)
        if field_name is None:
            continue
        section, _, key = field_name.rpartition(".")
        problems.append(
            _problem(
                source.path,
                source.index.line(section, key),
                "translation_mismatch",
                field=field_name,
                other_language=REFERENCE_LANGUAGE,
                other=_relative(reference[1].path, directory),
            )
        )
        del lessons[(lesson_id, language)]
    return problems


def _first_difference(reference: Lesson, translation: Lesson) -> str | None:
    for name in _SHARED_FIELDS:
        if getattr(reference, name) != getattr(translation, name):
            return name
    if (reference.quiz is None) != (translation.quiz is None):
        return "quiz"
    if reference.quiz and translation.quiz:
        if len(reference.quiz.choices) != len(translation.quiz.choices):
            return "quiz.choices"
        if reference.quiz.answer != translation.quiz.answer:
            return "quiz.answer"
    return None


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.training.lessons [content_dir]`: load everything, print the problems.
    Exit status 1 when there is any, so it can guard a CI job or a deploy."""
    args = sys.argv[1:] if argv is None else argv
    content = Path(args[0]) if args else Path(__file__).resolve().parent.parent.parent / "content"
    library = load_lessons(content / "lessons")
    plan, plan_problems = load_nudge_plan(
        content / "nudges.toml", library, _catalogue_prompts(content)
    )
    problems = [*library.problems, *plan_problems]
    for problem in problems:
        print(problem)
    print(
        f"{len(library.ids())} lessons ({len(library)} files), {len(plan.rules)} nudge rules, "
        f"{len(problems)} problem(s)"
    )
    return 1 if problems else 0


def _catalogue_prompts(content: Path) -> set[str] | None:
    """Prompt names from the English lessons catalogue, or None when it cannot be read."""
    try:
        data = tomllib.loads((content / "i18n" / "lessons.en.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    prompts = data.get("lessons", {}).get("prompts", {})
    return set(prompts) if isinstance(prompts, dict) else None


if __name__ == "__main__":
    sys.exit(main())
