"""What people type reaches other people on Telegram as text: never a text_mention or a link.

The same story as tests/test_inert_user_text.py (Slack), against the fake Bot API: the HTML
the mentor's Telegram receives has no `<a href>` but the contact the bot gives in the
introduction, and no `tg://` that Telegram would turn into a link by itself.
"""

from __future__ import annotations

from typing import Any

from bot.kernel.app import App
from tests.telegram_fake import FakeBotAPI, telegram_links, user
from tests.test_inert_user_text import TELEGRAM_TRICKS, TRICKS, give_tricky_profile
from tests.test_telegram import (  # noqa: F401  (fixtures)
    app,
    fake,
    labels,
    move_to_telegram,
    running,
    setup_programme,
)


async def test_on_telegram_what_people_typed_links_nowhere(
        app: App, fake: FakeBotAPI) -> None:  # noqa: F811
    ids = await setup_programme(app)
    await move_to_telegram(app, ids["mia"], 7001)
    await move_to_telegram(app, ids["nora"], 7002)
    await give_tricky_profile(app, ids["mia"])
    mia, nora = user(7001, "Mia"), user(7002, "Nora")

    def newest(chat: int, words: str) -> dict[str, Any] | None:
        return next((m for m in reversed(fake.messages_to(chat)) if words in m["text"]), None)

    async with running(app):
        fake.push_text(mia, "/find")
        card = await fake.wait_for(lambda: next((m for m in fake.messages_to(7001)
                                                 if "Request Nora" in labels(m)), None))
        fake.press(mia, card, "Request Nora")
        await fake.wait_for(lambda: newest(7001, "short message"), what="the note question")
        fake.push_text(mia, f"Note: {TRICKS}")
        request = await fake.wait_for(lambda: newest(7002, "would like you as their mentor"),
                                      what="the request reaching Nora")
        assert telegram_links(request["html"]) == []  # no text_mention, no link, no tg://
        assert "&lt;a href=" in request["html"]  # the HTML people typed is shown as text
        assert "tg:\u2060//user?id=666" in request["text"]  # readable, but not a link
        sent = [c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == 7002]
        assert all(c.params.get("link_preview_options") == {"is_disabled": True} for c in sent)

        fake.press(nora, request, "Ask for more info")
        await fake.wait_for(lambda: newest(7002, "What would you like to ask"))
        fake.push_text(nora, f"Question: {TELEGRAM_TRICKS}")
        question = await fake.wait_for(lambda: newest(7001, "would like to know more"))
        assert telegram_links(question["html"]) == []

        fake.press(nora, request, "Accept")
        intro = await fake.wait_for(lambda: newest(7001, "agreed"), what="Mia's intro")
        assert telegram_links(intro["html"]) == ["tg://user?id=7002"]  # the contact only
        to_nora = await fake.wait_for(lambda: newest(7002, "You are now"))
        assert telegram_links(to_nora["html"]) == ["tg://user?id=7001"]
        assert "&lt;a href=" in to_nora["html"]  # Mia's name, as text
