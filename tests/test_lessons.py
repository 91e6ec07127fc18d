"""Micro-lessons and the nudge plan: the real content, and what a coordinator sees when
they break a file."""

from __future__ import annotations

import re
import tempfile
import tomllib
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.training.lessons import (
    AUDIENCES,
    LANGUAGES,
    PROBLEM_TEXTS,
    STAGES,
    TRIGGERS,
    ContentProblem,
    LessonLibrary,
    NudgePlan,
    NudgeRule,
    QuietHours,
    load_lessons,
    load_nudge_plan,
    main,
)

CONTENT = Path(__file__).resolve().parent.parent / "content"
LESSONS = CONTENT / "lessons"

# The lifecycle the lessons must cover (the brief's list, by id).
REQUIRED_IDS = {
    "how-mentoring-works",
    "first-meeting-mentee",
    "first-meeting-mentor",
    "mentor-checklist",
    "smart-goals",
    "active-listening",
    "powerful-questions",
    "giving-feedback",
    "receiving-feedback",
    "reverse-mentoring",
    "cultures-time-zones",
    "keeping-momentum",
    "stalled-relationship",
    "confidentiality-boundaries",
    "ending-well",
    "career-exploration",
    "building-a-network",
}


@pytest.fixture(scope="module")
def library() -> LessonLibrary:
    return load_lessons(LESSONS)


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict]:
    return {
        lang: tomllib.loads((CONTENT / "i18n" / f"lessons.{lang}.toml").read_text("utf-8"))
        for lang in LANGUAGES
    }


def words(text: str) -> int:
    return len([token for token in text.split() if re.search(r"\w", token)])


# --- the real content -----------------------------------------------------------------------


def test_real_lessons_load_without_problems(library: LessonLibrary) -> None:
    assert library.problems == []
    assert len(library.ids()) >= 18
    assert set(library.ids()) >= REQUIRED_IDS


def test_every_lesson_exists_in_both_languages_with_the_same_quiz(
    library: LessonLibrary,
) -> None:
    for lesson_id in library.ids():
        en, fr = library.get(lesson_id, "en"), library.get(lesson_id, "fr")
        assert en and fr and not en.fallback and not fr.fallback, lesson_id
        for name in ("audience", "stage", "order"):
            assert getattr(en.lesson, name) == getattr(fr.lesson, name), (lesson_id, name)
        assert (en.lesson.quiz is None) == (fr.lesson.quiz is None), lesson_id
        if en.lesson.quiz and fr.lesson.quiz:
            assert len(en.lesson.quiz.choices) == len(fr.lesson.quiz.choices), lesson_id
            assert en.lesson.quiz.answer == fr.lesson.quiz.answer, lesson_id
        assert en.lesson.title != fr.lesson.title, f"{lesson_id}: French title not translated"


def test_at_least_eight_lessons_end_with_a_quiz(library: LessonLibrary) -> None:
    with_quiz = [lesson.id for lesson in library if lesson.quiz and lesson.language == "en"]
    assert len(with_quiz) >= 8


def test_lessons_are_two_to_four_minute_reads(library: LessonLibrary) -> None:
    for lesson in library:
        count = words(lesson.body)
        assert 300 <= count <= 550, f"{lesson.id}.{lesson.language}: {count} words"
        # About 150 words a minute: the announced reading time must not mislead.
        assert abs(lesson.minutes - count / 150) <= 1, f"{lesson.id}.{lesson.language}"


def test_headers_are_valid_and_match_the_file_names(library: LessonLibrary) -> None:
    files = sorted(path.name for path in LESSONS.glob("*.md") if path.name != "README.md")
    assert files == sorted(f"{lesson.id}.{lesson.language}.md" for lesson in library)
    for lesson in library:
        assert lesson.audience in AUDIENCES and lesson.stage in STAGES
        assert 2 <= lesson.minutes <= 4
        assert lesson.title and len(lesson.title) <= 80


def test_every_stage_and_audience_has_lessons(library: LessonLibrary) -> None:
    assert {lesson.stage for lesson in library} == set(STAGES)
    assert {lesson.audience for lesson in library} == set(AUDIENCES)


def test_each_lesson_ends_with_something_to_try(library: LessonLibrary) -> None:
    marker = {"en": "**Try this:**", "fr": "**À vous de jouer :**"}
    for lesson in library:
        last_paragraph = lesson.body.rsplit("\n\n", 1)[-1]
        assert last_paragraph.startswith(marker[lesson.language]), lesson.id


def test_french_lessons_say_vous_throughout(library: LessonLibrary) -> None:
    for lesson in library:
        if lesson.language != "fr":
            continue
        text = f"{lesson.title}\n{lesson.body}"
        assert re.search(r"\bvous\b", text, re.IGNORECASE), lesson.id
        assert not re.search(r"\b(tu|toi|tes|t')\b", text, re.IGNORECASE), lesson.id


def test_for_stage_gives_the_right_audience_in_order(library: LessonLibrary) -> None:
    mentee = library.for_stage("onboarding", "mentee", "fr")
    assert [lesson.id for lesson in mentee] == ["how-mentoring-works", "being-a-mentee"]
    assert all(lesson.language == "fr" for lesson in mentee)
    mentor = library.for_stage("onboarding", "mentor", "en")
    assert [lesson.id for lesson in mentor] == ["how-mentoring-works", "mentor-role"]
    assert library.for_stage("no-such-stage", "mentee", "en") == []


def test_learn_list_follows_the_lifecycle(library: LessonLibrary) -> None:
    listed = library.for_audience("mentee", "fr-FR")
    stages = [STAGES.index(lesson.stage) for lesson in listed]
    assert stages == sorted(stages)
    assert all(lesson.audience in ("mentee", "both") for lesson in listed)
    assert {lesson.language for lesson in listed} == {"fr"}


# --- catalogue ------------------------------------------------------------------------------


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, path))
        else:
            flat[path] = value
    return flat


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys_and_placeholders(catalogues: dict) -> None:
    en, fr = _flatten(catalogues["en"]), _flatten(catalogues["fr"])
    assert set(en) == set(fr)
    for key in en:
        assert _fields(en[key]) == _fields(fr[key]), key


def test_catalogue_has_the_texts_the_bot_needs(catalogues: dict) -> None:
    buttons = {lang: catalogues[lang]["lessons"]["buttons"] for lang in LANGUAGES}
    assert buttons["en"]["read"] == "I've read it" and buttons["fr"]["read"] == "J'ai lu"
    assert buttons["en"]["done"] == "Exercise done ✅"
    assert buttons["fr"]["done"] == "Exercice fait ✅"
    assert buttons["en"]["later"] == "Remind me later"
    assert buttons["fr"]["later"] == "Me la renvoyer plus tard"
    assert buttons["en"]["useful"] == "Useful 👍" and buttons["fr"]["useful"] == "Utile 👍"
    assert buttons["en"]["not_now"] == "Not now" and buttons["fr"]["not_now"] == "Plus tard"
    for lang in LANGUAGES:
        lessons = catalogues[lang]["lessons"]
        assert set(lessons["reading_time"]) == {"one", "other"}
        assert set(lessons["status"]) == {"new", "read", "done"}
        assert set(lessons["stages"]) == set(STAGES)
        assert "{explanation}" in lessons["quiz"]["right"]
        assert "{answer}" in lessons["quiz"]["wrong"]


def test_problem_texts_are_in_both_catalogues(catalogues: dict) -> None:
    assert catalogues["en"]["lessons"]["problems"] == PROBLEM_TEXTS
    french = catalogues["fr"]["lessons"]["problems"]
    assert set(french) == set(PROBLEM_TEXTS)
    for kind, text in PROBLEM_TEXTS.items():
        assert _fields(french[kind]) == _fields(text), kind


# --- broken lesson files ----------------------------------------------------------------------

GOOD_BODY = "A short lesson.\n\n- one point\n- another **point**\n\n**Try this:** think.\n"


def lesson_file(
    lesson_id: str = "good",
    language: str = "en",
    *,
    title: str | None = "A good lesson",
    stage: str = "matched",
    audience: str = "both",
    extra: str = "",
    body: str = GOOD_BODY,
) -> str:
    lines = [
        "+++",
        f'id = "{lesson_id}"',
        f'language = "{language}"',
        f'audience = "{audience}"',
        f'stage = "{stage}"',
    ]
    if title is not None:
        lines.append(f'title = "{title}"')
    lines += ["minutes = 3", "order = 1"]
    if extra:
        lines.append(extra)
    return "\n".join([*lines, "+++", "", body])


QUIZ_ANSWER_7 = '[quiz]\nquestion = "Q?"\nchoices = ["a", "b", "c"]\nanswer = 7\nexplanation = "E"'


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def only_problem(library: LessonLibrary, file_name: str) -> ContentProblem:
    found = [p for p in library.problems if p.path.name == file_name]
    assert len(found) == 1, [str(p) for p in library.problems]
    return found[0]


def test_broken_files_are_reported_with_file_and_line_and_skipped(tmp_path: Path) -> None:
    write(tmp_path, "good.en.md", lesson_file())
    write(tmp_path, "good.fr.md", lesson_file(language="fr", title="Une bonne leçon"))
    write(tmp_path, "bad-toml.en.md", lesson_file("bad-toml").replace(
        'language = "en"', 'language = "en'))  # unterminated string on line 3
    write(tmp_path, "no-title.en.md", lesson_file("no-title", title=None))
    write(tmp_path, "odd-stage.en.md", lesson_file("odd-stage", stage="someday"))
    write(tmp_path, "quiz.en.md", lesson_file("quiz", extra=QUIZ_ANSWER_7))
    write(tmp_path, "more/good.en.md", lesson_file(title="Same id and language"))

    library = load_lessons(tmp_path)

    bad_toml = only_problem(library, "bad-toml.en.md")
    assert bad_toml.line == 3 and "TOML" in bad_toml.message
    no_title = only_problem(library, "no-title.en.md")
    assert no_title.line == 1 and "title" in no_title.message
    odd_stage = only_problem(library, "odd-stage.en.md")
    assert odd_stage.line == 5 and "someday" in odd_stage.message
    quiz = only_problem(library, "quiz.en.md")
    assert quiz.line == 12 and "quiz.answer" in quiz.message and "7" in quiz.message
    duplicate = [p for p in library.problems if p.path.parent.name == "more"]
    assert len(duplicate) == 1 and duplicate[0].line == 2
    assert "good.en.md" in duplicate[0].message

    assert library.ids() == ["good"]
    assert library.get("good", "en").lesson.title == "A good lesson"  # the first one wins
    assert len(library.problems) == 5


def test_a_problem_names_its_file_and_line_in_one_readable_string(tmp_path: Path) -> None:
    write(tmp_path, "odd-stage.en.md", lesson_file("odd-stage", stage="someday"))
    problem = load_lessons(tmp_path).problems[0]
    assert str(problem).endswith("odd-stage.en.md:5: stage must be one of onboarding, "
                                 "matched, before_first_meeting, after_meeting, quiet, "
                                 "ending, anytime, not 'someday'")
    assert problem.key == "lessons.problems.not_one_of"
    assert problem.params["value"] == "someday"


@pytest.mark.parametrize(
    ("name", "text", "line", "fragment"),
    [
        ("wrong.en.md", lesson_file("other"), 2, "file name says 'wrong'"),
        ("lang.fr.md", lesson_file("lang", "en"), 3, "file name says 'fr'"),
        ("type.en.md", lesson_file("type").replace("minutes = 3", 'minutes = "3"'), 7,
         "whole number"),
        ("long.en.md", lesson_file("long").replace("minutes = 3", "minutes = 9"), 7,
         "between 2 and 4"),
        ("who.en.md", lesson_file("who", audience="managers"), 4, "managers"),
        ("extra.en.md", lesson_file("extra", extra='tags = ["x"]'), 9, "unknown field tags"),
        ("empty.en.md", lesson_file("empty", body="\n\n"), 10, "no lesson text"),
        ("heading.en.md", lesson_file("heading", body="Intro.\n\n# Heading\n"), 13,
         "headings"),
        ("table.en.md", lesson_file("table", body="Intro.\n| a | b |\n"), 12, "tables"),
        ("html.en.md", lesson_file("html", body="Some <b>bold</b> text\n"), 11, "HTML"),
        ("image.en.md", lesson_file("image", body="See ![x](y.png)\n"), 11, "images"),
        ("stars.en.md", lesson_file("stars", body="List:\n* one\n"), 12, "'- '"),
        ("open.en.md", "+++\nid = \"open\"\n\nBody without a closing line\n", 1, "never closed"),
        ("bare.en.md", "Just text, no header at all.\n", 1, "must start with a +++"),
        ("Bad_Id.en.md", lesson_file("Bad_Id"), 2, "lower-case"),
        ("choices.en.md", lesson_file("choices", extra='[quiz]\nquestion = "Q?"\n'
         'choices = ["only one"]\nanswer = 0\nexplanation = "E"'), 11, "between 2 and 4"),
        ("ctrl.en.md", lesson_file("ctrl", title="Bell \\u0007 title"), 6, "control"),
        ("huge.en.md", lesson_file("huge", title="x" * 10_000), 6, "longer than 80"),
    ],
)
def test_each_kind_of_mistake_is_pointed_at(
    tmp_path: Path, name: str, text: str, line: int, fragment: str
) -> None:
    write(tmp_path, name, text)
    write(tmp_path, "fine.en.md", lesson_file("fine"))
    library = load_lessons(tmp_path)
    problem = only_problem(library, name)
    assert problem.line == line and fragment in problem.message, str(problem)
    assert library.ids() == ["fine"]


def test_files_that_are_not_lessons_are_reported_or_ignored(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# Not a lesson")
    write(tmp_path, ".hidden/draft.en.md", "anything")
    write(tmp_path, "notes.txt", "anything")
    write(tmp_path, "nolang.md", lesson_file("nolang"))
    (tmp_path / "latin1.en.md").write_bytes(lesson_file("latin1").encode() + b"\n\xe9t\xe9\n")
    library = load_lessons(tmp_path)
    assert [p.path.name for p in library.problems] == ["latin1.en.md", "nolang.md"]
    assert library.problems[0].line == 18 and "UTF-8" in library.problems[0].message
    assert library.problems[1].line is None and "<id>.<language>.md" in library.problems[1].message


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    library = load_lessons(tmp_path / "nowhere")
    assert len(library) == 0 and library.ids() == []
    assert "does not exist" in library.problems[0].message


def test_a_translation_with_another_quiz_answer_is_set_aside(tmp_path: Path) -> None:
    quiz = '[quiz]\nquestion = "Q?"\nchoices = ["a", "b"]\nanswer = {}\nexplanation = "E"'
    write(tmp_path, "q.en.md", lesson_file("q", extra=quiz.format(1)))
    write(tmp_path, "q.fr.md", lesson_file("q", "fr", title="Q fr", extra=quiz.format(0)))
    library = load_lessons(tmp_path)
    problem = only_problem(library, "q.fr.md")
    assert problem.line == 12 and "quiz.answer" in problem.message and "q.en.md" in problem.message
    found = library.get("q", "fr")
    assert found is not None and found.fallback and found.lesson.quiz.answer == 1


def test_a_missing_translation_falls_back_and_says_so(tmp_path: Path) -> None:
    write(tmp_path, "only-en.en.md", lesson_file("only-en"))
    write(tmp_path, "only-fr.fr.md", lesson_file("only-fr", "fr", title="Seulement en français"))
    library = load_lessons(tmp_path)
    assert library.problems == []

    french_reader = library.get("only-en", "fr")
    assert french_reader is not None and french_reader.fallback
    assert french_reader.lesson.language == "en"
    english_reader = library.get("only-en", "en")
    assert english_reader is not None and not english_reader.fallback
    assert library.get("only-fr", "en-GB").lesson.language == "fr"
    assert library.get("only-fr", "de").fallback  # a language we don't speak: best we have
    assert library.get("nothing", "en") is None
    assert [lesson.language for lesson in library.for_stage("matched", "mentee", "fr")] == [
        "en",
        "fr",
    ]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.text(max_size=400))
def test_arbitrary_text_never_escapes_as_an_exception(header: str, body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        write(directory, "fuzz.en.md", f"+++\n{header}\n+++\n{body}")
        write(directory, "fine.en.md", lesson_file("fine"))
        library = load_lessons(directory)
        assert "fine" in library
        assert all(p.path.name == "fuzz.en.md" for p in library.problems)
        assert len(library.problems) <= 10


# --- the nudge plan ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prompts(catalogues: dict) -> set[str]:
    return set(catalogues["en"]["lessons"]["prompts"])


def test_real_nudge_plan_loads_and_names_real_lessons(
    library: LessonLibrary, prompts: set[str]
) -> None:
    plan, problems = load_nudge_plan(CONTENT / "nudges.toml", library, prompts)
    assert problems == []
    assert plan.quiet_hours == QuietHours(time(21), time(8))
    assert plan.preferred_hour == time(10) and plan.max_per_day == 1
    assert {rule.trigger for rule in plan.rules} == set(TRIGGERS)
    for rule in plan.rules:
        if rule.lesson:
            found = library.get(rule.lesson, "en")
            assert found is not None, rule.lesson
            assert found.lesson.suits(rule.audience) and found.lesson.audience in (
                "both",
                rule.audience,
            )
        else:
            assert rule.prompt in prompts


def test_each_of_the_first_meetings_brings_its_own_lessons(
    library: LessonLibrary, prompts: set[str]
) -> None:
    plan, _ = load_nudge_plan(CONTENT / "nudges.toml", library, prompts)
    after = [
        {rule.lesson for rule in plan.rules_for("after_meeting", "mentor", meeting_number=n)}
        for n in (1, 2, 3)
    ]
    assert after[0] != after[1] != after[2]
    # The reflection prompt has no meeting number: it follows every meeting, even the tenth.
    tenth = plan.rules_for("after_meeting", "mentee", meeting_number=10)
    assert [rule.prompt for rule in tenth] == ["meeting_reflection"]
    assert all(rule.weeks for rule in plan.rules_for("quiet", "mentee"))


PLAN_HEAD = 'quiet_hours = { start = "21:00", end = "08:00" }\npreferred_hour = "10:00"\n'


def rule(**fields: object) -> str:
    lines = ["[[rule]]"]
    for name, value in fields.items():
        lines.append(f"{name} = {value!r}".replace("'", '"'))
    return "\n".join(lines) + "\n"


def test_broken_rules_are_reported_with_their_line_and_left_out(tmp_path: Path) -> None:
    write(tmp_path, "lessons/good.en.md", lesson_file())
    write(tmp_path, "lessons/mentors.en.md", lesson_file("mentors", audience="mentor"))
    library = load_lessons(tmp_path / "lessons")
    plan_text = PLAN_HEAD + "".join([
        rule(trigger="matched", audience="both", lesson="good", delay="1d"),  # line 3, fine
        rule(trigger="matched", audience="both", lesson="gone", delay="1d"),  # line 8
        rule(trigger="matched", audience="both", lesson="good", delay="1x"),  # line 13
        rule(trigger="reunion", audience="both", lesson="good"),  # line 18
        rule(trigger="quiet", audience="both", lesson="good"),  # line 22: weeks missing
        rule(trigger="matched", audience="mentee", lesson="mentors"),  # line 26
        rule(trigger="matched", audience="both", lesson="good", delay="1d"),  # line 30: again
        rule(trigger="quiet", weeks=2, meeting_number=1, audience="both", lesson="good"),  # 35
        rule(trigger="ending", days_before=7, audience="both", prompt="nope"),  # line 41
    ])
    path = write(tmp_path, "nudges.toml", plan_text)

    plan, problems = load_nudge_plan(path, library, prompts={"still_on"})

    assert [(p.line, p.key.rsplit(".", 1)[1]) for p in problems] == [
        (11, "unknown_lesson"),
        (13 + 4, "bad_duration"),
        (19, "not_one_of"),
        (22, "needed_for_trigger"),
        (28, "audience_mismatch"),
        (30, "duplicate_rule"),
        (38, "not_for_trigger"),
        (45, "unknown_prompt"),
    ]
    assert all(p.path.name == "nudges.toml" for p in problems)
    assert len(plan.rules) == 1 and plan.rules[0].lesson == "good"
    assert plan.rules[0].delay == timedelta(days=1) and plan.rules[0].line == 3


def test_bad_settings_keep_their_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nudges.toml",
        'quiet_hours = { start = "25:00", end = "07:00" }\npreferred_hour = "noon"\n'
        "max_per_day = 0\ncolour = \"blue\"\n",
    )
    plan, problems = load_nudge_plan(path, LessonLibrary())
    assert plan == NudgePlan()
    assert [p.line for p in problems] == [4, 1, 2, 3]
    assert "colour" in problems[0].message and "25:00" in problems[1].message


def test_a_missing_or_unparsable_plan_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    plan, problems = load_nudge_plan(tmp_path / "none.toml", LessonLibrary())
    assert plan == NudgePlan() and "does not exist" in problems[0].message
    path = write(tmp_path, "nudges.toml", PLAN_HEAD + "[[rule]]\ntrigger = matched\n")
    plan, problems = load_nudge_plan(path, LessonLibrary())
    assert plan.rules == () and problems[0].line == 4 and "TOML" in problems[0].message


def test_durations_accept_the_documented_forms(tmp_path: Path) -> None:
    write(tmp_path, "lessons/good.en.md", lesson_file())
    library = load_lessons(tmp_path / "lessons")
    delays = ["0", "30m", "12h", "1d", "400d"]
    text = PLAN_HEAD + "".join(
        rule(trigger="onboarded", audience="both", lesson="good", delay=d) for d in delays
    )
    plan, problems = load_nudge_plan(write(tmp_path, "n.toml", text), library)
    assert [r.delay for r in plan.rules] == [
        timedelta(0), timedelta(minutes=30), timedelta(hours=12), timedelta(days=1)
    ]
    assert [p.message for p in problems] == ["delay must be at most 365 days"]


# --- when a nudge goes out --------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def test_day_counted_nudges_go_out_at_the_preferred_hour() -> None:
    plan = NudgePlan()
    nudge = NudgeRule("after_meeting", "mentee", "keeping-momentum", None, timedelta(days=1))
    meeting_end = datetime(2024, 5, 14, 18, 45, tzinfo=PARIS)
    assert plan.send_time(nudge, meeting_end) == datetime(2024, 5, 15, 10, 0, tzinfo=PARIS)
    quiet = NudgeRule("quiet", "both", "stalled-relationship", None, weeks=3)
    assert plan.send_time(quiet, meeting_end) == datetime(2024, 6, 4, 10, 0, tzinfo=PARIS)
    ending = NudgeRule("ending", "both", "ending-well", None, days_before=21)
    end = datetime(2024, 9, 30, 0, 0, tzinfo=PARIS)
    assert plan.send_time(ending, end) == datetime(2024, 9, 9, 10, 0, tzinfo=PARIS)


def test_nudges_wait_for_the_end_of_quiet_hours() -> None:
    plan = NudgePlan()
    prompt = NudgeRule("after_meeting", "both", None, "meeting_reflection", timedelta(hours=2))
    late_meeting = datetime(2024, 5, 14, 20, 0, tzinfo=PARIS)
    assert plan.send_time(prompt, late_meeting) == datetime(2024, 5, 15, 8, 0, tzinfo=PARIS)
    early = datetime(2024, 5, 14, 4, 0, tzinfo=PARIS)  # the quiet span began yesterday
    assert plan.send_time(prompt, early) == datetime(2024, 5, 14, 8, 0, tzinfo=PARIS)
    daytime = datetime(2024, 5, 14, 11, 0, tzinfo=PARIS)
    assert plan.send_time(prompt, daytime) == datetime(2024, 5, 14, 13, 0, tzinfo=PARIS)


def test_a_first_meeting_reminder_is_never_held_until_after_the_meeting() -> None:
    plan = NudgePlan()
    reminder = NudgeRule("before_first_meeting", "mentee", "first-meeting-mentee", None,
                         hours_before=10)
    meeting = datetime(2024, 5, 15, 8, 30, tzinfo=PARIS)  # 10 h before: 22:30, quiet
    assert plan.send_time(reminder, meeting) == datetime(2024, 5, 14, 20, 0, tzinfo=PARIS)
    far = NudgeRule("before_first_meeting", "mentee", "first-meeting-mentee", None,
                    hours_before=48)
    due_at_night = datetime(2024, 5, 16, 23, 0, tzinfo=UTC)  # 48 h before: 23:00, quiet
    assert plan.send_time(far, due_at_night) == datetime(2024, 5, 14, 20, 0, tzinfo=UTC)


def test_quiet_hours_may_cross_midnight_or_not() -> None:
    night = QuietHours(time(21), time(8))
    assert night.contains(time(23, 59)) and night.contains(time(0)) and night.contains(time(7))
    assert not night.contains(time(8)) and not night.contains(time(20, 59))
    lunch = QuietHours(time(12), time(14))
    assert lunch.contains(time(13)) and not lunch.contains(time(14)) and not lunch.contains(
        time(11)
    )
    assert not QuietHours(time(9), time(9)).contains(time(9))


def test_rule_keys_are_stable_and_distinct() -> None:
    one = NudgeRule("after_meeting", "mentee", "x", None, timedelta(days=1), meeting_number=2)
    same = NudgeRule("after_meeting", "mentee", "x", None, timedelta(days=1), meeting_number=2,
                     line=40)
    later = NudgeRule("after_meeting", "mentee", "x", None, timedelta(days=3), meeting_number=2)
    assert one.key == same.key == "after_meeting/meeting=2/mentee/lesson=x/+1440m"
    assert one.key != later.key
    assert NudgeRule("quiet", "both", None, "still_on", weeks=6).message_key == (
        "lessons.prompts.still_on"
    )


# --- command line -------------------------------------------------------------------------------


def test_check_command_reports_problems_and_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(CONTENT)]) == 0
    assert "0 problem(s)" in capsys.readouterr().out

    write(tmp_path, "lessons/odd.en.md", lesson_file("odd", stage="someday"))
    write(tmp_path, "nudges.toml", PLAN_HEAD)
    assert main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "odd.en.md:5: stage must be one of" in out and "1 problem(s)" in out
