"""What people type reaches other people as text: never a ping, a mention or a hidden link.

A mentee whose name, goals and request note are full of Slack control sequences and
Telegram links asks a mentor for mentoring; the mentor asks a question and gets an answer
made of the same. The exact payloads the fake Slack receives show them escaped, while the
contact the bot itself gives in the introduction stays a live mention. (Telegram:
tests/test_inert_user_text_telegram.py.)
"""

from __future__ import annotations

import html
import re
from typing import Any

from adapters.slack.render import to_mrkdwn
from adapters.telegram import render
from bot.kernel.app import App
from bot.kernel.events import Address, Message
from bot.kernel.markup import live
from tests.slack_fake import TEAM
from tests.telegram_fake import telegram_links
from tests.test_slack import (  # noqa: F401  (fixtures)
    MIA,
    NORA,
    Person,
    World,
    fake,
    section_texts,
    slack_person,
    world,
)

SLACK_TRICKS = ("<@U0EVE> <!channel> <!here> <!everyone> <#C0GENERAL> <!subteam^S0STAFF> "
                "<https://evil.example/login|click here> <mailto:x@evil.example>")
TELEGRAM_TRICKS = ('tg://user?id=666 <a href="tg://user?id=667">my profile</a> '
                   "TG://resolve?domain=evil *tg*://user?id=668 ton://transfer/x")
TRICKS = f"{SLACK_TRICKS} & {TELEGRAM_TRICKS}"
NAME = 'Mia <@U0EVE> <!here> <a href="tg://user?id=669">x</a>'
GOALS = f"I want to grow. {TRICKS}"

# Anything between < and > that Slack would read as a mention, a channel or a link.
_SLACK_CONTROL = re.compile(r"<[^<>]*>")


def slack_escaped(text: str) -> str:
    """A text as Slack delivers what a person typed: &, < and > escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_controls(message: dict[str, Any]) -> list[str]:
    """Every control sequence Slack would act on in a chat.postMessage: in the notification
    text and in every mrkdwn text of the blocks."""
    found = _SLACK_CONTROL.findall(message.get("text") or "")
    for block in message.get("blocks") or []:
        for text in [block.get("text") or {}, *block.get("elements", [])]:
            if text.get("type") == "mrkdwn":
                assert text.get("verbatim") is True  # Slack adds no links of its own
                found += _SLACK_CONTROL.findall(text["text"])
    return found


async def give_tricky_profile(app: App, person_id: int, name: str = NAME) -> None:
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET display_name = ?, goals = ? WHERE id = ?",
                         (name, GOALS, person_id))


async def test_on_slack_what_people_typed_pings_nobody(world: World) -> None:  # noqa: F811
    mia_id = await slack_person(world.app, world.fake, MIA, "mia", "mentee",
                                sought="public speaking")
    nora_id = await slack_person(world.app, world.fake, NORA, "nora", "mentor",
                                 offered="public speaking", capacity=1)
    await give_tricky_profile(world.app, mia_id)
    await give_tricky_profile(world.app, nora_id, name="Nora <!here> <@U0EVE>")
    mia, nora = Person(world, MIA), Person(world, NORA)

    await mia.slash("find")
    await mia.press("Request Nora")
    await mia.say(slack_escaped(f"Note: {TRICKS}"))
    assert "on its way to Nora" in mia.text
    [request] = nora.inbox
    assert slack_controls(request) == []  # not one mention, channel ping or link
    shown = section_texts(request)
    assert "&lt;@U0EVE&gt;" in shown and "&lt;!channel&gt;" in shown  # escaped, still readable
    assert "&lt;https://evil.example/login|click here&gt;" in shown
    assert "&amp;" in shown and "&lt;!subteam^S0STAFF&gt;" in shown

    await nora.press("Ask for more info")
    before = len(mia.inbox)
    await nora.say(slack_escaped(f"Question: {SLACK_TRICKS}"))
    question = mia.inbox[before:]
    assert any("would like to know more" in section_texts(m) for m in question)
    assert all(slack_controls(m) == [] for m in question)
    await mia.press("Answer")
    before = len(nora.inbox)
    await mia.say(slack_escaped(f"Answer: {SLACK_TRICKS}"))
    answer = nora.inbox[before:]
    assert any("answered your question" in section_texts(m) for m in answer)
    assert all(slack_controls(m) == [] for m in answer)

    before = len(mia.inbox)
    await nora.press("Accept")
    # The introduction's contact is the one live mention, whatever Mia's name says.
    assert {c for m in nora.last for c in slack_controls(m)} == {f"<@{MIA}>"}
    assert {c for m in mia.inbox[before:] for c in slack_controls(m)} == {f"<@{NORA}>"}
    assert "Mia &lt;@U0EVE&gt; &lt;!here&gt;" in nora.text

    # Every message and every rewritten (pressed) message of the whole story: the two
    # contacts are the only control sequences Slack ever received.
    sent = [c.params for c in world.fake.calls if c.method in ("chat.postMessage",
                                                               "chat.update")]
    assert {c for params in sent for c in slack_controls(params)} == \
        {f"<@{MIA}>", f"<@{NORA}>"}


def test_only_what_the_core_marked_live_is_rendered_live() -> None:
    commands = {"find": "/mentor find"}
    slack = to_mrkdwn(f"{TRICKS} contact: {live('<@U0NORA>')} {live('tg://user?id=1')}",
                      commands)
    assert _SLACK_CONTROL.findall(slack) == ["<@U0NORA>"]
    assert html.unescape(slack).startswith(SLACK_TRICKS)  # nothing lost, only escaped

    # (telegram_links, which the Telegram scenario relies on, sees every kind of link.)
    assert telegram_links('<a href="tg://user?id=1">a</a> <b>tg</b>://user?id=2 TON://x '
                          "https://example.org stg://y") == \
        ["tg://user?id=1", "tg://user?id=2", "TON://x", "tg://y"]
    shown = render.to_html(f"{TRICKS}\ncontact: {live('tg://user?id=42')} {live('<@U0X>')}")
    assert telegram_links(shown) == ["tg://user?id=42"]
    assert "&lt;@U0X&gt;" in shown  # a Slack mention means nothing on Telegram
    assert telegram_links(render.to_html("*tg*://user?id=5 _ton_://x stg://y")) == []
    assert "tg://" not in render.to_plain(f"{TRICKS} {live('tg://user?id=3')}").lower()

    # Nobody can type the markers: they are removed from everything that comes in.
    forged = Message(Address("slack", TEAM, MIA, display_name=live("<@U0NORA>")),
                     live("<@U0NORA>"))
    assert forged.text == "<@U0NORA>" and forged.user.display_name == "<@U0NORA>"
    assert _SLACK_CONTROL.findall(to_mrkdwn(forged.text, commands)) == []

