"""A new pair in the scripted console (a real `mentorbot` subprocess, simulated clock): each
receives lessons in their own language, finishes some, earns points and a badge, sees them
with /points; the export shows the views, likes and the points ledger."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.training.lessons import load_lessons
from tests.conftest import START_ARG
from tests.test_console import MENTEE_FR, MENTOR_EN, ROOT, mentorbot


def quiz_button(lesson_id: str, lang: str) -> str:
    found = load_lessons(ROOT / "content" / "lessons").get(lesson_id, lang)
    assert found is not None and found.lesson.quiz is not None
    return f"#{found.lesson.quiz.answer + 1}"


def script() -> str:
    lines = [
        "@amelie /find", "#1", "#1",           # request Bob, without a message
        "@bob #1",                              # Bob accepts
        *["/time +4h"] * 54,                    # nine days, in steps within the grace period
        "@amelie #1", "#3", "#2",               # open the latest lesson card: Useful, Done
        "@amelie /learn 1", "#3", "#2", quiz_button("how-mentoring-works", "fr"),
        "@amelie /learn 2", "#2",               # both onboarding lessons done: a badge
        "/points",
        "@bob #1", "#3", "#2",
        "/points",
    ]
    return MENTEE_FR + MENTOR_EN + "\n".join(lines) + "\n"


def test_a_new_pair_learns_earns_points_and_a_badge(tmp_path: Path) -> None:
    db = tmp_path / "training.sqlite3"
    result = mentorbot("console", "--db", str(db), "--clock", "simulated", "--start", START_ARG,
                       stdin=script())
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    messages = re.findall(r"^→ @(\w+): (.*)$", out, re.MULTILINE)
    announce = ("📘 Une courte leçon pour vous", "📘 A short lesson for you")
    cards = {who: [text for w, text in messages if w == who and text.startswith(announce)]
             for who in ("amelie", "bob")}
    # Onboarding, then match lessons, each in the person's language.
    assert cards["amelie"][0].startswith(
        "📘 Une courte leçon pour vous\xa0: *Comment fonctionne le mentorat ici*")
    assert any("*Des objectifs qui font vraiment avancer (SMART)*" in c for c in cards["amelie"])
    assert cards["bob"][0].startswith("📘 A short lesson for you: *How mentoring works here*")
    assert any("*A mentor's first-meeting checklist*" in c for c in cards["bob"])
    # A few a week (content/nudges.toml: max_lessons_per_week), not one a day.
    assert len(cards["amelie"]) >= 3 and len(cards["bob"]) >= 3
    # The latest card opens the full lesson, with the buttons under it.
    latest_title = re.search(r"\*(.+?)\*", cards["amelie"][-1])[1]
    assert f"→ @amelie: 📘 *{latest_title}* · 3 minutes de lecture" in out
    assert ("   [1] J'ai lu\n   [2] Exercice fait ✅\n   [3] Utile 👍\n"
            "   [4] Me la renvoyer plus tard") in out
    assert ("   [1] I've read it\n   [2] Exercise done ✅\n   [3] Useful 👍\n"
            "   [4] Remind me later") in out
    assert "→ @amelie: ✅ Bonne réponse\u202f!" in out
    assert "→ @amelie: 🌱 Nouveau badge\xa0: *Bon départ*\u202f!" in out
    points = [text for who, text in messages if text.startswith(("*Vous avez", "*You have"))]
    # Amelie: profile 10 + first request 5 + three lessons 15 + quiz 3.
    assert points[0] == "*Vous avez 33 points*"
    assert "🌱 Bon départ · " in out and "+3 · Bonne réponse au quiz\xa0: Comment fonctionne" in out
    # Bob: profile 10 + accepted request 10 + one lesson 5.
    assert points[1] == "*You have 25 points*"
    assert "+10 · Mentoring request accepted" in out

    exported = mentorbot("export", "--db", str(db), "--format", "json")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    events = data["lesson_events"]
    viewed = [e for e in events if e["kind"] == "viewed"]
    assert {e["source"] for e in viewed} == {"nudge", "learn"}
    assert {e["language"] for e in viewed} == {"fr", "en"}
    assert len([e for e in events if e["kind"] == "useful"]) == 3
    assert len([e for e in events if e["kind"] == "done"]) == 4
    ledger = data["points_ledger"]
    assert sum(entry["points"] for entry in ledger) == 33 + 25
    assert len({entry["unique_key"] for entry in ledger}) == len(ledger)
    assert [b["badge"] for b in data["badges"]] == ["good-start"]
    sent = [n for n in data["nudges"] if n["status"] == "sent"]
    assert len(sent) >= 7 and all(n["lesson_id"] for n in sent)
