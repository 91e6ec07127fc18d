"""A coordinator on Telegram sends the roster as a document (real python-telegram-bot against
the local fake Bot API): the file reaches the core, the preview and Apply come back, and the
invitations arrive as a file; an invitee joins with `/start <code>` (the deep link)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.kernel.app import build_app
from bot.kernel.clock import SimulatedClock
from tests.conftest import START
from tests.telegram_fake import BOT_ID, FakeBotAPI, user
from tests.test_telegram import running, telegram_config

ROSTER = """nom;courriel;rôle;langue;service;ancienneté
Amélie Roy;amelie@example.org;mentorée;fr;Génie civil;2
Jo Smith;jo@;mentor;en;Finance;4
"""


async def test_a_roster_sent_as_a_document_is_checked_applied_and_used(tmp_path: Path) -> None:
    fake = FakeBotAPI()
    await fake.start()
    config = telegram_config(tmp_path, fake.base_url)
    config.programmes["main"].coordinators = [f"telegram:{BOT_ID}:4242"]
    app = await build_app(config, SimulatedClock(START))
    coord = user(4242, "Claire", language_code="fr")
    try:
        async with running(app):
            fake.push_document(coord, "liste.csv", ROSTER.encode("cp1252"), "/admin import")
            text = await fake.wait_for(lambda: next(
                (t for t in fake.texts_to(4242) if "ligne 3" in t), None), what="the problems")
            assert "n'est pas une adresse courriel" in text and "Rien n'a été importé" in text

            fixed = ROSTER.replace("jo@;", "jo@example.org;").encode("cp1252")
            fake.push_document(coord, "liste.csv", fixed)  # dropped without a command
            preview = await fake.wait_for(lambda: next(
                (m for m in fake.messages_to(4242) if "2 personnes à inviter" in
                 (m.get("text") or "")), None), what="the preview")
            fake.press(coord, preview, "Inviter 2 personnes")
            sent = await fake.wait_for(lambda: next(
                (c for c in fake.calls_of("sendDocument")
                 if c.files["document"].filename == "invitations.csv"), None),
                what="invitations.csv")
            rows = list(csv.DictReader(io.StringIO(
                sent.files["document"].content.decode("utf-8-sig"))))
            codes = {row["name"]: row["code"] for row in rows}
            assert set(codes) == {"Amélie Roy", "Jo Smith"}
            link = f"https://t.me/MentorTestBot?start={codes['Amélie Roy']}"
            assert rows[0]["telegram_link"] == link  # a deep link, ready to email
            assert any(link in t for t in fake.texts_to(4242))

            amelie = user(5151, "Amélie", language_code="en")  # the roster says French
            fake.push_text(amelie, f"/start {codes['Amélie Roy']}")
            welcome = await fake.wait_for(lambda: next(
                (t for t in fake.texts_to(5151) if "Bienvenue" in t), None), what="welcome")
            assert "Bienvenue dans" in welcome
    finally:
        await app.close()
        await fake.close()
