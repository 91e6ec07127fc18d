"""The French micro-lessons follow the catalogues' wording rules (bot/kernel/catalogue_lint.py):
Québec French ("gestionnaire", "courriel", "calendrier", "plage horaire") and nothing that
agrees with the reader's gender ("vous êtes bloqué", "vous serez content", "tous les deux").
Lessons are read by every participant; they used to say "Votre mentor est sans doute un peu
nerveux, lui aussi" and "Votre programme a des coordinateurs. Ils peuvent vous aider"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.kernel.catalogue_lint import french_wording

LESSONS = sorted((Path(__file__).parent.parent / "content" / "lessons").glob("*.fr.md"))


def test_there_are_french_lessons() -> None:
    assert len(LESSONS) >= 16


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_a_french_lesson_reads_as_quebec_french_for_everyone(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert french_wording(text) == []
    assert "coordinateur" not in text  # « l'équipe de coordination », as in the messages
    # A participle agreeing with "vous" ("Merci de vous être porté volontaire").
    assert not re.search(r"vous (?:vous )?(?:êtes|être|étiez|serez|soyez|restez)"
                         r"(?: pas| plus| très| un peu| trop| bien)? "
                         r"[a-zéèêàù]+(?:é|és|i|is|u|us|eux)\b", text)
