"""Hand-edited content breaks: a broken lesson is reported to coordinators and skipped,
everything else keeps working, and a reload picks up the fix."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock
from bot.kernel.domain_events import Onboarded
from bot.training.training import chat_markup, load_content, pages
from tests.conftest import START, Chat, make_config
from tests.people_factory import add_person
from tests.test_training_support import Inbox, emit, lessons_of, next_day_at, set_clock

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
async def broken_app(tmp_path: Path) -> AsyncIterator[App]:
    """An app whose content folder has one broken lesson (the mentee's onboarding lesson,
    in both languages)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for lang in ("en", "fr"):
        lesson = content / "lessons" / f"being-a-mentee.{lang}.md"
        lesson.write_text(lesson.read_text("utf-8").replace("minutes = 3", 'minutes = "3"'),
                          encoding="utf-8")
    config = make_config(tmp_path)
    config.bot.content_dir = str(content)
    application = await build_app(config, SimulatedClock(START))
    yield application
    await application.close()


async def test_a_broken_lesson_is_reported_and_skipped(broken_app: App) -> None:
    app = broken_app
    await add_person(app, "coord", "mentor", language="fr")
    mentee = await add_person(app, "mia", "mentee")
    coord, mia = Chat(app, "coord"), Chat(app, "mia")
    await coord.say("/admin lessons")
    report = coord.text
    assert report.startswith("Chargement fait — leçons\xa0: 19, règles de relance\xa0: 23.")
    assert "3 problèmes à corriger" in report
    assert "lessons/being-a-mentee.en.md, ligne 7\xa0: minutes doit être un nombre entier" in report
    assert "lessons/being-a-mentee.fr.md, ligne 7\xa0: minutes doit être un nombre entier" in report
    plan = (CONTENT / "nudges.toml").read_text("utf-8").split("\n")
    line = plan.index('lesson = "being-a-mentee"') + 1
    assert f"nudges.toml, ligne {line}\xa0: aucune leçon n'a l'identifiant " \
        "«\xa0being-a-mentee\xa0»" in report
    await mia.say("/learn")
    assert "Making the most of being mentored" not in mia.text
    assert "How mentoring works here" in mia.text

    set_clock(app, next_day_at(app, 9))
    inbox = Inbox(app)
    await emit(app, Onboarded(person_id=mentee))
    got = await inbox.deliver() + await inbox.run_for(timedelta(days=3))
    assert lessons_of(got, "mia") == ["how-mentoring-works"]  # the broken one is left out

    for lang in ("en", "fr"):
        fixed = Path(app.config.content_path()) / "lessons" / f"being-a-mentee.{lang}.md"
        fixed.write_text(fixed.read_text("utf-8").replace('minutes = "3"', "minutes = 3"),
                         encoding="utf-8")
    await coord.say("/admin lessons reload")
    assert coord.text.startswith("Contenu rechargé — leçons\xa0: 20, règles de relance\xa0: 24.")
    assert "Aucun problème" in coord.text
    await mia.say("/learn")
    assert "Making the most of being mentored" in mia.text


async def test_only_coordinators_may_check_or_reload(broken_app: App) -> None:
    await add_person(broken_app, "mia", "mentee")
    mia = Chat(broken_app, "mia")
    await mia.say("/admin lessons reload")
    assert "for the programme's coordinators" in mia.text


def test_the_shipped_content_has_no_problems() -> None:
    content = load_content(CONTENT)
    assert content.problems == ()
    assert len(content.library.ids()) == 20 and content.plan.rules


def test_pages_split_long_text_on_paragraphs_and_words() -> None:
    text = "\n\n".join(["word " * 100] * 12 + ["x" * 7000])
    split = pages(text, 2800)
    assert all(0 < len(page) <= 2800 for page in split)
    assert "".join(split).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", "")
    assert pages("") == [""]
    assert chat_markup("**Try this:** _now_") == "*Try this:* _now_"
