"""Telegram: the real python-telegram-bot against a fake Bot API on 127.0.0.1.

The translate and render halves are checked with recorded payloads and properties; the
wiring is checked as people live it: a newcomer onboards with /start, a mentee finds a
mentor and is introduced, a deep link joins the right programme, a backlog after downtime is
handled once, flood limits are waited out, and a webhook refuses what Telegram did not send.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.error import RetryAfter

from adapters.console import ConsoleTransport, console_address
from adapters.main import Process
from adapters.telegram import callbacks, render, translate
from adapters.telegram.app import file_url
from adapters.telegram.menu import command_menu, describe
from adapters.telegram.pacing import PacingLimiter
from bot.kernel import outbox
from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.config import Config, ConfigError, ProgrammeSettings, TelegramSettings
from bot.kernel.events import Action, Address, Attachment, Button, Command, Message, Reply
from bot.kernel.markup import live
from bot.kernel.transport import RetryLater, Transport, Unreachable
from tests.conftest import START, database_for
from tests.people_factory import add_person
from tests.telegram_fake import (
    BOT_ID,
    TOKEN,
    FakeBotAPI,
    telegram_html_text,
    user,
    utf16_len,
)

PAYLOADS = Path(__file__).parent / "payloads" / "telegram"
ME = translate.BotIdentity(BOT_ID, "MentorTestBot")
WORKSPACE = str(BOT_ID)
# Scenario tests let a chat burst a little more than production so that a person who
# answers instantly is not slowed down; the production pacing is tested on its own below.
QUICK = {"chat_per_second": 10.0, "chat_burst": 10}


def payload(name: str) -> Update:
    return Update.de_json(json.loads((PAYLOADS / name).read_text(encoding="utf-8")), None)


def tg_address(user_id: int, name: str = "") -> Address:
    return Address("telegram", WORKSPACE, str(user_id), display_name=name)


def buttons_of(message: dict[str, Any]) -> list[dict[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def labels(message: dict[str, Any]) -> list[str]:
    return [button["text"] for button in buttons_of(message)]


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI()
    await api.start()
    yield api
    await api.close()


def telegram_config(tmp_path: Path, base_url: str, **telegram: Any) -> Config:
    config = Config()
    config.bot.database = database_for(tmp_path)
    config.programmes = {
        "main": ProgrammeSettings(name="Programme Test"),
        "owls": ProgrammeSettings(name="Night Owls", join_code="owls2026"),
    }
    config.scheduler.tick_seconds = 0.2
    config.telegram = TelegramSettings(token=TOKEN, base_url=base_url, **telegram)
    return config


@pytest.fixture
async def app(tmp_path: Path, fake: FakeBotAPI) -> AsyncIterator[App]:
    application = await build_app(telegram_config(tmp_path, fake.base_url), SimulatedClock(START))
    yield application
    await application.close()


@asynccontextmanager
async def running(app: App, others: dict[str, Transport] | None = None,
                  **options: Any) -> AsyncIterator[Process]:
    """A process serving Telegram in the background, as `mentorbot run` runs it; `others`:
    transports of other platforms the same process reaches."""
    options.setdefault("limiter", PacingLimiter(**QUICK))
    process = Process(app)
    for platform, transport in (others or {}).items():
        process.add_transport(platform, transport)
    adapter = process.add_telegram(poll_timeout=1, **options)
    stop = asyncio.Event()
    task = asyncio.create_task(process.serve(stop))
    started = asyncio.create_task(adapter.started.wait())
    await asyncio.wait({task, started}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        started.cancel()
        task.result()  # raises what made the start fail
    try:
        yield process
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def count(app: App, sql: str, params: tuple[Any, ...] = ()) -> Any:
    async with app.db.read() as tx:
        return await tx.value(sql, params)


async def move_to_telegram(app: App, person_id: int, user_id: int) -> None:
    """A person made by add_person (a console address) who talks to us on Telegram instead."""
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE addresses SET platform = 'telegram', workspace = ?,"
                         " user_id = ? WHERE person_id = ?", (WORKSPACE, str(user_id), person_id))


async def setup_programme(app: App) -> dict[str, int]:
    ids = {
        "nora": await add_person(app, "nora", "mentor",
                                 offered="project management, public speaking",
                                 languages=("en", "fr"), seniority=4, department="Engineering",
                                 capacity=1),
        "omar": await add_person(app, "omar", "mentor", offered="project management, finance",
                                 languages=("en",), seniority=5, department="Finance",
                                 capacity=2),
        "mia": await add_person(app, "mia", "mentee",
                                sought="project management, public speaking",
                                languages=("en",), seniority=2, department="Sales"),
    }
    return ids


# --- translate: recorded payloads -> core events ------------------------------------------

def test_private_text_becomes_a_message_with_the_telegram_identity() -> None:
    incoming = translate.inbound(payload("private_text.json"), ME)
    assert isinstance(incoming, translate.Incoming)
    event = incoming.event
    assert isinstance(event, Message)
    assert event.text == "J'aimerais progresser en gestion de projet 🚀"
    assert event.user == Address("telegram", WORKSPACE, "5123456789")
    assert event.user.display_name == "Camille Durand" and event.user.locale == "fr"
    assert event.event_id == "734002101"
    assert incoming.chat_id == 5123456789 and incoming.reply_to is None


def test_commands_with_and_without_the_bot_name() -> None:
    plain = translate.inbound(payload("private_command.json"), ME)
    named = translate.inbound(payload("private_command_with_botname.json"), ME)
    assert isinstance(plain, translate.Incoming) and isinstance(named, translate.Incoming)
    assert plain.event == Command(plain.event.user, "find", "", "734002102")
    assert isinstance(named.event, Command) and named.event.name == "profile"
    link = translate.inbound(payload("start_deep_link.json"), ME)
    assert isinstance(link, translate.Incoming)
    assert isinstance(link.event, Command)
    assert (link.event.name, link.event.args) == ("start", "owls2026")
    assert link.event.user.locale == "en-GB" and link.event.user.display_name == "Sam"


def test_in_groups_only_commands_addressed_to_the_bot_count() -> None:
    addressed = translate.inbound(payload("group_command_addressed.json"), ME)
    assert isinstance(addressed, translate.Incoming)
    assert isinstance(addressed.event, Command) and addressed.event.name == "help"
    assert addressed.chat_id == -1001987654321 and addressed.reply_to == 881
    for name in ("group_command_other_bot.json", "group_bare_command.json",
                 "group_chatter.json", "group_anonymous_admin.json", "edited_message.json",
                 "channel_post.json"):
        assert translate.inbound(payload(name), ME) is None, name


def test_bot_name_is_matched_without_case_and_other_bots_are_ignored() -> None:
    assert translate.parse_command("/Find@mentortestbot  ux  design ") == \
        ("Find", "mentortestbot", "ux  design")
    assert translate.parse_command("/start") == ("start", None, "")
    assert translate.parse_command("/") is None and translate.parse_command("hello /x") is None
    assert translate.parse_command("/héllo") == ("héllo", None, "")
    data = json.loads((PAYLOADS / "private_command.json").read_text(encoding="utf-8"))
    data["message"]["text"] = "/help@WeatherBot"
    assert translate.inbound(Update.de_json(data, None), ME) is None


def test_captions_and_stickers_are_messages_too() -> None:
    photo = translate.inbound(payload("photo_with_caption.json"), ME)
    sticker = translate.inbound(payload("sticker.json"), ME)
    assert isinstance(photo, translate.Incoming) and isinstance(sticker, translate.Incoming)
    assert photo.event == Message(photo.event.user, "Mon planning de la semaine", "734002112")
    assert isinstance(sticker.event, Message) and sticker.event.text == ""


def test_a_button_press_carries_its_token_and_where_it_was_pressed() -> None:
    press = translate.inbound(payload("callback_query.json"), ME)
    assert isinstance(press, translate.Press)
    assert press.token == "Zk0wR2t5aW1vYmVx" and press.query_id == "4382bfdwdsb323b2d9"
    assert (press.chat_id, press.message_id) == (5123456789, 60)
    action = press.action("language", "fr")
    assert action == Action(Address("telegram", WORKSPACE, "5123456789"), "language", "fr",
                            "734002109")


def test_control_characters_never_reach_a_display_name() -> None:
    data = json.loads((PAYLOADS / "private_text.json").read_text(encoding="utf-8"))
    data["message"]["from"]["first_name"] = "Ca\u202emille\x07" + "x" * 300
    incoming = translate.inbound(Update.de_json(data, None), ME)
    assert isinstance(incoming, translate.Incoming)
    name = incoming.event.user.display_name
    assert name.startswith("Camille") and len(name) == 100


# --- render: markup -> Telegram HTML ------------------------------------------------------

def test_markup_becomes_escaped_html() -> None:
    text = ("*Nora* accepted — R&D <team>\n- _first_ meeting: " + live("tg://user?id=42")
            + "\n2*3*4 and snake_case")
    assert render.to_html(text) == (
        "<b>Nora</b> accepted — R&amp;D &lt;team&gt;\n"
        '• <i>first</i> meeting: <a href="tg://user?id=42">tg://user?id=42</a>\n'
        "2*3*4 and snake_case")
    assert render.to_html("*bold _and italic_ inside*") == \
        "<b>bold <i>and italic</i> inside</b>"
    assert render.to_html("https://meet.example.org/a_b_c_") == "https://meet.example.org/a_b_c_"
    assert render.to_plain("*Nora* and _Mia_") == "Nora and Mia"


def test_crossed_markup_never_gives_broken_html() -> None:
    for text in ["*a _b* c_", "_a *b_ c*", "**", "*_*_", "* spaced *", "&amp; &#1; &x"]:
        telegram_html_text(render.to_html(text))  # raises if Telegram would refuse it


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab *_-&<>;#\n é🚀\u0301")) | st.characters(),
               max_size=300))
def test_any_text_renders_to_html_telegram_accepts(text: str) -> None:
    shown = telegram_html_text(render.to_html(text))
    assert len(shown) <= len(text)  # only markup characters disappear


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("word *_&<\n\n 🚀é")), min_size=1, max_size=12000))
def test_any_long_text_splits_into_valid_parts_that_keep_every_word(text: str) -> None:
    parts = render.split(text, limit=1000)
    for part in parts:
        assert utf16_len(render.to_html(part)) <= 1000
        telegram_html_text(render.to_html(part))
    kept = re.sub(r"[\s*_]", "", "".join(render.to_plain(p) for p in parts))
    assert kept == re.sub(r"[\s*_]", "", render.to_plain(text))


def test_a_long_word_is_cut_but_never_inside_an_entity_or_before_an_accent() -> None:
    parts = render.split("&" * 3000 + "e\u0301" * 500, limit=1000)
    assert all(utf16_len(render.to_html(p)) <= 1000 for p in parts)
    assert "".join(parts) == "&" * 3000 + "e\u0301" * 500
    assert not any(p[0] == "\u0301" for p in parts)
    assert render.split("") == [] and render.split("\n\n  \n") == []


def test_keyboard_rows_keep_labels_readable() -> None:
    short = [Button("Accept", "a"), Button("Decline", "d"), Button("Ask for more info", "i")]
    assert [len(row) for row in render.keyboard_rows(short, ())] == [3]
    long = [Button("Request Nora Bernadette-Smith", "r"), Button("Not for me", "n")]
    assert [len(row) for row in render.keyboard_rows(long, ())] == [1, 1]
    choices = [Button(f"Topic {n}", "t", str(n)) for n in range(5)]
    assert [len(row) for row in render.keyboard_rows(long, choices)] == [1, 1, 2, 2, 1]
    many = [Button(str(n), "x") for n in range(150)]
    assert sum(len(row) for row in render.keyboard_rows(many, many)) == render.MAX_BUTTONS
    assert render.button_label(Button("*Bold*\nlabel", "x")) == "Bold label"
    assert render.button_label(Button("", "x")) == "•"


def test_the_command_menu_comes_from_the_help_lines(app: App) -> None:
    english = command_menu(app.router, app.services.catalogue, "en")
    french = command_menu(app.router, app.services.catalogue, "fr")
    assert [c.command for c in english] == [c.command for c in french]
    assert {"start", "help", "find"} <= {c.command for c in english}
    start_en = next(c for c in english if c.command == "start")
    start_fr = next(c for c in french if c.command == "start")
    assert start_en.description == "Create your profile (or continue it)"
    assert start_fr.description == "Créer votre profil (ou le continuer)"
    assert describe("no dash at all") == "No dash at all"


def test_file_url_follows_the_bot_api_url() -> None:
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://localhost:8081/bot{token}") == "http://localhost:8081/file/bot{token}"


# --- pacing (a simulated clock: no real waiting) ------------------------------------------

class Stopwatch:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_sends_are_paced_overall_per_chat_and_per_group() -> None:
    watch = Stopwatch()
    limiter = PacingLimiter(clock=watch.clock, sleep=watch.sleep)

    async def ok() -> bool:
        return True

    for chat in range(60):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": chat}, None)
    assert watch.now == pytest.approx(1.0, abs=0.05)  # 30 at once, then 30 per second
    watch.now += 100
    start = watch.now
    for _ in range(10):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert watch.now - start == pytest.approx(5.0, abs=0.05)  # a burst of 5, then 1 per second
    start = watch.now
    for _ in range(5):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": -100123}, None)
    assert watch.now - start == pytest.approx(6.0, abs=0.05)  # a group: 20 per minute
    start = watch.now
    for _ in range(50):
        await limiter.process_request(ok, (), {}, "answerCallbackQuery", {}, None)
    assert watch.now == start  # answers to presses are never held back


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB's own RetryAfter.__init__
async def test_a_429_is_waited_out_then_retried_once() -> None:
    watch = Stopwatch()
    limiter = PacingLimiter(clock=watch.clock, sleep=watch.sleep)
    attempts: list[float] = []

    async def flooded_once() -> str:
        attempts.append(watch.now)
        if len(attempts) == 1:
            raise RetryAfter(3)
        return "sent"

    assert await limiter.process_request(flooded_once, (), {}, "sendMessage",
                                         {"chat_id": 1}, None) == "sent"
    assert attempts == [0.0, 3.0]

    async def always_flooded() -> str:
        raise RetryAfter(2)

    with pytest.raises(RetryAfter):
        await limiter.process_request(always_flooded, (), {}, "sendMessage", {"chat_id": 1},
                                      None)


# --- scenarios: the real PTB Application against the fake Bot API -------------------------

async def test_a_newcomer_onboards_with_start_in_french(app: App, fake: FakeBotAPI) -> None:
    camille = user(5001, "Camille", "Durand", language_code="fr")
    async with running(app):
        fake.push_text(camille, "/start")
        await fake.wait_for(lambda: fake.messages_to(5001), what="the first question")
        question = fake.messages_to(5001)[0]
        assert labels(question) == ["English", "Français"]
        assert all(len(b["callback_data"].encode()) <= 64 for b in buttons_of(question))

        press = fake.press(camille, question, "Français")
        await fake.wait_for(lambda: len(fake.messages_to(5001)) >= 3, what="the welcome")
        welcome, consent = fake.messages_to(5001)[1:3]
        assert "<b>Programme Test</b>" in welcome["html"]  # *bold* rendered as HTML
        assert "Bienvenue" in welcome["text"]
        assert any("J'accepte" in label for label in labels(consent))
        answered = [c.params["callback_query_id"] for c in fake.calls_of("answerCallbackQuery")]
        assert answered == [press["callback_query"]["id"]]

        fake.press(camille, consent, "J'accepte")
        await fake.wait_for(lambda: len(fake.messages_to(5001)) >= 4, what="the role question")
        assert any("Personne mentorée" in label for label in labels(fake.messages_to(5001)[3]))

    async with app.db.read() as tx:
        row = await tx.one("SELECT p.* FROM people p JOIN addresses a ON a.person_id = p.id"
                           " WHERE a.platform = 'telegram' AND a.workspace = ?"
                           " AND a.user_id = '5001'", (WORKSPACE,))
    assert row["display_name"] == "Camille Durand" and row["language"] == "fr"
    assert row["consent_at"] is not None
    menus = {c.params.get("language_code"): c.params["commands"]
             for c in fake.calls_of("setMyCommands")}
    assert set(menus) == {None, "fr"}
    assert {"command": "start", "description": "Créer votre profil (ou le continuer)"} \
        in menus["fr"]


async def test_find_request_accept_and_introduction_on_telegram(app: App,
                                                                fake: FakeBotAPI) -> None:
    ids = await setup_programme(app)
    await move_to_telegram(app, ids["mia"], 7001)
    await move_to_telegram(app, ids["nora"], 7002)
    mia, nora = user(7001, "Mia"), user(7002, "Nora")

    def card_of(name: str) -> dict[str, Any] | None:
        return next((m for m in fake.messages_to(7001)
                     if (m["html"] or "").startswith(f"<b>{name}</b>")), None)

    async with running(app):
        fake.push_text(mia, "/find")
        card = await fake.wait_for(lambda: card_of("Nora"), what="Nora's card")
        assert labels(card)[0] == "Request Nora"
        fake.press(mia, card, "Request Nora")
        ask = await fake.wait_for(lambda: next((m for m in fake.messages_to(7001)
                                                if "Send without a message" in labels(m)),
                                               None), what="the note question")
        fake.press(mia, ask, "Send without a message")
        request = await fake.wait_for(lambda: next(iter(fake.messages_to(7002)), None),
                                      what="the request reaching Nora")
        assert "Mia" in request["text"]
        assert labels(request) == ["Accept", "Decline", "Ask for more info"]
        assert any("on its way to Nora" in t for t in fake.texts_to(7001))

        fake.press(nora, request, "Accept")
        intro = await fake.wait_for(lambda: next((m for m in fake.messages_to(7001)
                                                  if "agreed" in m["text"]), None),
                                    what="Mia's introduction")
        assert '<a href="tg://user?id=7002">' in intro["html"]
        await fake.wait_for(lambda: any("You are now" in t for t in fake.texts_to(7002)))
    assert await count(app, "SELECT count(*) FROM matches WHERE status = 'active'") == 1
    assert len(fake.calls_of("answerCallbackQuery")) == 3  # one per press


async def test_a_deep_link_puts_a_newcomer_in_its_programme(app: App, fake: FakeBotAPI) -> None:
    sam, lou = user(5002, "Sam"), user(5003, "Lou")
    async with running(app):
        fake.push_text(sam, "/start owls2026")
        fake.push_text(lou, "/start no-such-code")
        question = await fake.wait_for(lambda: next(iter(fake.messages_to(5002)), None))
        fake.press(sam, question, "English")
        await fake.wait_for(lambda: len(fake.messages_to(5002)) >= 3)
        assert "Welcome to <b>Night Owls</b>" in fake.messages_to(5002)[1]["html"]
        await fake.wait_for(lambda: fake.messages_to(5003))
    programme_of = {}
    for user_id in ("5002", "5003"):
        programme_of[user_id] = await count(
            app, "SELECT pr.code FROM people p JOIN addresses a ON a.person_id = p.id"
                 " JOIN programmes pr ON pr.id = p.programme_id WHERE a.user_id = ?", (user_id,))
    assert programme_of == {"5002": "owls", "5003": "main"}


async def test_the_same_update_twice_has_one_effect(app: App, fake: FakeBotAPI) -> None:
    ana, ben = user(5004, "Ana"), user(5005, "Ben")
    async with running(app):
        first = fake.push_text(ana, "/start")
        await fake.wait_for(lambda: fake.messages_to(5004))
        fake.replay(first)  # Telegram did not get our confirmation and sends it again
        fake.push_text(ben, "/start")  # handled after the replay: updates go in order
        await fake.wait_for(lambda: fake.messages_to(5005))
    assert len(fake.messages_to(5004)) == 1
    assert await count(app, "SELECT count(*) FROM people") == 2


async def test_a_backlog_after_downtime_is_handled_once_each(app: App, fake: FakeBotAPI) -> None:
    people = [user(9000 + n, f"Person{n}") for n in range(50)]
    for person in people:
        fake.push_text(person, "/start")  # queued while the bot was down
    async with running(app):
        await fake.wait_for(lambda: len(fake.sent) >= 50, timeout=20, what="50 answers")
    assert sorted(m["chat"]["id"] for m in fake.sent) == [9000 + n for n in range(50)]
    assert fake.pending == []  # every update was confirmed to Telegram
    assert fake.calls_of("deleteWebhook")[0].params["drop_pending_updates"] == "false"

    async with running(app):  # a restart fetches nothing again
        fake.push_text(user(9999, "Late"), "/start")
        await fake.wait_for(lambda: fake.messages_to(9999))
    assert len(fake.sent) == 51
    assert await count(app, "SELECT count(*) FROM people") == 51


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB's own RetryAfter.__init__
async def test_a_429_is_waited_out_and_the_message_sent_once(app: App, fake: FakeBotAPI) -> None:
    fake.fail("sendMessage", status=429, retry_after=1)
    async with running(app) as process:
        fake.push_text(user(5006, "Flo"), "/help")
        await fake.wait_for(lambda: fake.messages_to(5006))
        tries = fake.calls_of("sendMessage")
        assert len(tries) == 2 and tries[0].params["text"] == tries[1].params["text"]
        assert tries[1].at - tries[0].at >= 1.0
        assert len(fake.messages_to(5006)) == 1

        fake.fail("sendMessage", status=429, retry_after=1, times=2)  # still flooded after
        with pytest.raises(RetryLater) as later:
            await process.telegram.transport.send(tg_address(5006), Reply(tg_address(5006), "Hi"))
        assert later.value.seconds == 1


async def test_a_10000_character_message_is_split_into_valid_parts(app: App,
                                                                   fake: FakeBotAPI) -> None:
    paragraphs = [f"*Part {n}* — R&D <notes> for _week {n}_ 🚀 " + "lorem ipsum " * 30
                  for n in range(30)]
    text = "\n\n".join(paragraphs)[:10_000]
    address = tg_address(5007)
    async with running(app) as process:
        await process.telegram.transport.send(address, Reply(address, text,
                                                             (Button("OK", "x", "1"),)))
    parts = fake.messages_to(5007)
    assert len(parts) == 3
    assert all(utf16_len(part["text"]) <= 4096 for part in parts)
    assert [bool(part.get("reply_markup")) for part in parts] == [False, False, True]
    whole = telegram_html_text(render.to_html(text))
    for part in parts[:-1]:
        assert part["text"] + "\n\n" in whole  # each cut is at a paragraph break
    assert "\n\n".join(part["text"] for part in parts) == whole


async def test_a_forged_or_stale_button_gets_a_polite_answer(app: App, fake: FakeBotAPI) -> None:
    old = START - timedelta(days=31)
    async with app.db.transaction() as tx:
        await tx.execute("INSERT INTO telegram_callbacks (token, action_id, value, created_at)"
                         " VALUES ('oldtoken1234', 'language', 'fr', ?)", (to_iso(old),))
    eve = user(5008, "Eve")
    async with running(app):
        fake.push_text(eve, "/help")
        message = await fake.wait_for(lambda: next(iter(fake.messages_to(5008)), None))
        for data in ("forged-token-123", "oldtoken1234", "💥" * 16):
            fake.push_callback(eve, message, data)
        await fake.wait_for(lambda: len(fake.messages_to(5008)) >= 4)
    assert all("no longer valid" in t for t in fake.texts_to(5008)[1:])
    assert len(fake.calls_of("answerCallbackQuery")) == 3
    edits = fake.calls_of("editMessageReplyMarkup")
    assert edits and edits[0].params["message_id"] == message["message_id"]
    assert await callbacks.resolve(app.db, "oldtoken1234") is None  # purged at start-up


async def test_in_a_group_only_commands_for_the_bot_are_answered(app: App,
                                                                 fake: FakeBotAPI) -> None:
    group = {"id": -1001987654321, "title": "Mentoring circle", "type": "supergroup"}
    sam = user(5009, "Sam")
    async with running(app):
        fake.push_text(sam, "Has anyone tried the mentoring bot?", chat=group)
        fake.push_text(sam, "/help", chat=group)
        fake.push_text(sam, "/help@WeatherBot", chat=group)
        asked = fake.push_text(sam, "/help@MentorTestBot", chat=group)
        answer = await fake.wait_for(lambda: next(iter(fake.messages_to(group["id"])), None))
    assert len(fake.sent) == 1
    assert answer["reply_parameters"]["message_id"] == asked["message"]["message_id"]


async def test_webhook_refuses_a_wrong_secret_and_handles_the_right_one(
        tmp_path: Path, fake: FakeBotAPI) -> None:
    config = telegram_config(tmp_path, fake.base_url, mode="webhook", host="127.0.0.1", port=0,
                             webhook_url="https://bot.example.org/telegram/hook",
                             secret_token="s3cret_Token-42")
    app = await build_app(config, SimulatedClock(START))
    update = {"update_id": 880001, "message": {
        "message_id": 3, "date": 1767607200, "text": "/help",
        "from": user(5010, "Wes"), "chat": {"id": 5010, "type": "private", "first_name": "Wes"},
        "entities": [{"offset": 0, "length": 5, "type": "bot_command"}]}}
    try:
        async with running(app) as process, aiohttp.ClientSession() as http:
            assert fake.webhook["url"] == "https://bot.example.org/telegram/hook"
            assert fake.webhook["secret_token"] == "s3cret_Token-42"
            url = f"http://127.0.0.1:{process.telegram.webhook.port}/telegram/hook"  # type: ignore[union-attr]
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
            await asyncio.sleep(0.3)
            assert await count(app, "SELECT count(*) FROM inbox") == 0
            assert await count(app, "SELECT count(*) FROM people") == 0
            assert fake.sent == []

            genuine = {"X-Telegram-Bot-Api-Secret-Token": "s3cret_Token-42"}
            for _ in range(2):  # Telegram retries a delivery it thinks failed
                async with http.post(url, json=update, headers=genuine) as response:
                    assert response.status == 200
            await fake.wait_for(lambda: fake.messages_to(5010))
            await asyncio.sleep(0.3)
        assert len(fake.messages_to(5010)) == 1
        assert not fake.calls_of("getUpdates")
    finally:
        await app.close()


async def test_webhook_mode_needs_a_secret(tmp_path: Path, fake: FakeBotAPI) -> None:
    config = telegram_config(tmp_path, fake.base_url, mode="webhook",
                             webhook_url="https://bot.example.org/hook")
    app = await build_app(config, SimulatedClock(START))
    try:
        with pytest.raises(ConfigError, match="secret_token"):
            async with running(app):
                pass
    finally:
        await app.close()


async def test_files_go_as_documents_and_charts_as_photos(app: App, fake: FakeBotAPI) -> None:
    address = tg_address(5011)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    async with running(app) as process:
        await process.telegram.transport.send(address, Reply(
            address, "*Your invitation*", (Button("Got it", "x"),),
            file=Attachment("../meeting.ics", b"BEGIN:VCALENDAR", "text/calendar")))
        await process.telegram.transport.send(address, Reply(
            address, "Participation", file=Attachment("chart.png", png, "image/png")))
        await process.telegram.transport.send(address, Reply(
            address, "word " * 300, file=Attachment("export.csv", b"a,b\n", "text/csv")))
    ics, chart, long_text, csv = fake.messages_to(5011)
    assert ics["document"]["file_name"] == "meeting.ics"
    assert ics["upload"].content == b"BEGIN:VCALENDAR" and ics["html"] == "<b>Your invitation</b>"
    assert labels(ics) == ["Got it"]
    assert chart["photo"] and chart["caption"] == "Participation"
    assert long_text["text"].startswith("word") and csv["document"]["file_name"] == "export.csv"


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(app: App,
                                                                  fake: FakeBotAPI) -> None:
    ids = await setup_programme(app)
    await move_to_telegram(app, ids["mia"], 7001)
    fake.blocked.add(7001)
    async with running(app) as process:
        with pytest.raises(Unreachable):
            await process.telegram.transport.send(tg_address(7001),
                                                  Reply(tg_address(7001), "Hello"))
        async with app.db.transaction() as tx:
            await outbox.enqueue(tx, ids["mia"], outbox.Outgoing(key="common.help_hint"),
                                 due_at=app.services.clock.now(), key="test:blocked")
        process.wake()
        await fake.wait_for(lambda: fake.calls_of("sendMessage") and True)
        for _ in range(100):
            if await count(app, "SELECT unreachable_at FROM addresses WHERE user_id = '7001'"):
                break
            await asyncio.sleep(0.05)
    assert await count(app, "SELECT status FROM outbox WHERE idempotency_key = 'test:blocked'") \
        == "failed"
    assert await count(app, "SELECT unreachable_at FROM addresses WHERE user_id = '7001'")


async def test_mentee_on_telegram_and_mentor_in_the_console(app: App, fake: FakeBotAPI) -> None:
    ids = await setup_programme(app)
    await move_to_telegram(app, ids["mia"], 7001)
    mia = user(7001, "Mia")
    console = ConsoleTransport(io.StringIO())
    async with running(app, others={"console": console}) as process:
        fake.push_text(mia, "/find")
        card = await fake.wait_for(lambda: next(
            (m for m in fake.messages_to(7001) if (m["html"] or "").startswith("<b>Nora</b>")),
            None))
        fake.press(mia, card, "Request Nora")
        ask = await fake.wait_for(lambda: next(
            (m for m in fake.messages_to(7001) if "Send without a message" in labels(m)), None))
        fake.press(mia, ask, "Send without a message")
        await fake.wait_for(lambda: "nora" in console.latest_buttons, what="the console request")
        assert "→ @nora: *Mia*" in console.out.getvalue()  # type: ignore[attr-defined]

        accept = next(b for b in console.latest_buttons["nora"] if b.label == "Accept")
        for reply in await app.bot.handle(Action(console_address("nora"), accept.action_id,
                                                 accept.value)):
            console.show(reply)
        process.wake()
        intro = await fake.wait_for(lambda: next(
            (m for m in fake.messages_to(7001) if "agreed" in m["text"]), None))
        assert "(console: @nora)" in intro["text"]
        await fake.wait_for(lambda: "tg://user?id=7001" in console.out.getvalue())  # type: ignore[attr-defined]
    shown = console.out.getvalue()  # type: ignore[attr-defined]
    assert "Mia (Telegram: tg://user?id=7001)" in shown
    assert all(m["chat"]["id"] == 7001 for m in fake.sent)  # Nora got nothing on Telegram
