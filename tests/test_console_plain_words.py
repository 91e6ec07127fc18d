"""Plain words through the real console (a `mentorbot console` subprocess): a French mentee
asks for help, says stop and undoes it, asks for her meetings, is not understood on a random
word, then uses /forget and is still answered in French."""

from __future__ import annotations

from pathlib import Path

from tests.test_console import MENTEE_FR, mentorbot

AFTER = """\
aide !
Arrête
/notifications on
mes rencontre
pamplemousse
/forget
#1
/help
"""


def test_a_french_mentee_in_plain_words_then_forgotten(tmp_path: Path) -> None:
    result = mentorbot("console", "--db", str(tmp_path / "words.sqlite3"),
                       stdin=MENTEE_FR + AFTER)
    assert result.returncode == 0, result.stderr
    out = result.stdout.split("Votre profil est prêt", 1)[1]
    assert "→ @amelie: *Voici ce que je sais faire*" in out
    assert "je ne vous enverrai plus de conseils" in out
    assert "vous recevrez de nouveau les conseils" in out
    assert "Vous n'avez encore aucune rencontre" in out
    assert "Je ne suis pas sûr de comprendre" in out
    forgotten = out.split("a été supprimé", 1)[1]
    assert "*Voici ce que je sais faire*" in forgotten  # French, though nothing else is kept
    assert "Traceback" not in result.stdout + result.stderr
