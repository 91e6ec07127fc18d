"""The Slack adapter as people meet it: the real slack-bolt app in HTTP mode (and Socket Mode)
talking to a local fake Slack (tests/slack_fake.py) that records every Web API call.

Inbound requests are signed as Slack signs them; payloads come from tests/payloads/slack/.
"""

from __future__ import annotations

import asyncio
import copy
import io
import itertools
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.console import ConsoleTransport
from adapters.main import Process
from adapters.slack import translate
from adapters.slack.app import SlackAdapter
from adapters.slack.pacing import Pacer
from adapters.slack.render import (
    MAX_SECTION_TEXT,
    render_reply,
    slack_commands,
    split_text,
    to_mrkdwn,
    units,
)
from bot.kernel import outbox
from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock
from bot.kernel.config import Config, ConfigError
from bot.kernel.events import Action, Address, Attachment, Button, Command, Message, Reply
from bot.kernel.markup import live
from bot.kernel.transport import Unreachable
from tests.conftest import START, make_config
from tests.people_factory import add_person
from tests.slack_fake import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    FakeSlack,
    SlackSender,
    block_kit_problems,
    dm_channel,
)

PAYLOADS = Path(__file__).parent / "payloads" / "slack"
MIA, NORA = "U0MIA", "U0NORA"


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def section_texts(message: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in message.get("blocks") or []
                     if b["type"] == "section")


def controls(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b["type"] == "actions"
            for e in b["elements"]]


class World:
    """A running process serving Slack, the fake Slack behind it, and Slack's way of calling
    the adapter."""

    def __init__(self, app: App, fake: FakeSlack, process: Process) -> None:
        assert process.slack is not None
        self.app = app
        self.fake = fake
        self.process = process
        self.adapter: SlackAdapter = process.slack
        self.sender = SlackSender(f"http://127.0.0.1:{self.adapter.port}/slack/events")
        self._ids = itertools.count(1)

    def next_id(self) -> int:
        return next(self._ids)

    def person(self, user_id: str, name: str, **profile: Any) -> Person:
        self.fake.add_user(user_id, name, **profile)
        return Person(self, user_id)

    async def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        async with self.app.db.read() as tx:
            return [dict(row) for row in await tx.all(sql, params)]


class Person:
    """One Slack user: says things in their DM, types slash commands, presses buttons."""

    def __init__(self, world: World, user_id: str) -> None:
        self.world = world
        self.user_id = user_id
        self.last: list[dict[str, Any]] = []

    @property
    def text(self) -> str:
        return "\n".join(section_texts(m) for m in self.last)

    @property
    def inbox(self) -> list[dict[str, Any]]:
        return self.world.fake.posted_to(self.user_id)

    async def _expect_replies(self, status: Any) -> list[dict[str, Any]]:
        before = len(self.inbox)
        assert await status == 200
        await self.world.process.drain()
        self.last = self.inbox[before:]
        return self.last

    def message_event(self, text: str) -> dict[str, Any]:
        n = self.world.next_id()
        body = payload("event_message_im.json")
        body["event_id"] = f"Ev{n:08d}"
        body["event"].update(user=self.user_id, text=text, channel=dm_channel(self.user_id),
                             ts=f"1700001000.{n:06d}", event_ts=f"1700001000.{n:06d}")
        return body

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self._expect_replies(self.world.sender.event(self.message_event(text)))

    def command_fields(self, text: str, command: str = "/mentor") -> dict[str, str]:
        fields = payload("command_mentor_find.json")
        fields.update(user_id=self.user_id, command=command, text=text,
                      trigger_id=f"600000{self.world.next_id()}.1700000400.abcdef")
        return fields

    async def slash(self, text: str, command: str = "/mentor") -> list[dict[str, Any]]:
        fields = self.command_fields(text, command)
        return await self._expect_replies(self.world.sender.command(fields))

    def find_control(self, label: str) -> tuple[dict[str, Any], dict[str, Any], dict | None]:
        """(message, element, option) of the newest control whose label contains `label`."""
        for message in reversed(self.inbox):
            for element in controls(message):
                if element["type"] == "button" and label.lower() in \
                        element["text"]["text"].lower():
                    return message, element, None
                for option in element.get("options", []):
                    if label.lower() in option["text"]["text"].lower():
                        return message, element, option
        raise AssertionError(f"no control {label!r} in {self.user_id}'s DM")

    def press_payload(self, label: str) -> dict[str, Any]:
        message, element, option = self.find_control(label)
        body = payload("block_actions_button.json")
        body["user"].update(id=self.user_id)
        body["container"].update(message_ts=message["ts"], channel_id=message["channel"])
        body["channel"]["id"] = message["channel"]
        body["message"] = {"type": "message", "ts": message["ts"], "text": message["text"],
                           "blocks": message["blocks"]}
        action: dict[str, Any] = {"action_id": element["action_id"], "block_id": "b",
                                  "action_ts": f"1700002000.{self.world.next_id():06d}"}
        if option is None:
            action |= {"type": "button", "text": element["text"],
                       "value": element.get("value", "")}
        else:
            action |= {"type": "static_select", "selected_option": option}
        body["actions"] = [action]
        return body

    async def press(self, label: str) -> list[dict[str, Any]]:
        body = self.press_payload(label)
        return await self._expect_replies(self.world.sender.interaction(body))


def slack_config(tmp_path: Path, api_url: str, mode: str = "http") -> Config:
    config = make_config(tmp_path)
    config.slack.bot_token = BOT_TOKEN
    config.slack.signing_secret = SIGNING_SECRET
    config.slack.app_token = APP_TOKEN
    config.slack.mode = mode
    config.slack.host = "127.0.0.1"
    config.slack.port = 0
    config.slack.api_url = api_url
    config.scheduler.tick_seconds = 0.1
    return config


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.close()
    # Whatever a test did, Slack would have accepted every payload the adapter produced.
    for call in server.calls:
        if call.method in ("chat.postMessage", "chat.update"):
            assert block_kit_problems(call.params.get("blocks")) == [], call.params
        if call.method == "views.publish":
            assert block_kit_problems(call.params["view"]["blocks"], 100) == []


@pytest.fixture
async def world(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[World]:
    app = await build_app(slack_config(tmp_path, fake.base + "/api"), SimulatedClock(START))
    # Slack's pace (about 1 message/s per DM, short bursts) would make a scripted conversation
    # crawl; test_bulk_sends_are_paced_per_channel checks the real pace.
    process = Process(app)
    process.add_transport("console", ConsoleTransport(io.StringIO()))  # another platform
    process.add_slack(pacer=Pacer(interval=0.01))
    await process.start()
    yield World(app, fake, process)
    await process.stop()
    await app.close()


async def slack_person(app: App, fake: FakeSlack, user_id: str, handle: str, role: str,
                       **profile: Any) -> int:
    """A complete profile (tests/people_factory.py) whose address is a Slack user."""
    person_id = await add_person(app, handle, role, **profile)
    fake.add_user(user_id, handle.title())
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE addresses SET platform = 'slack', workspace = ?, user_id = ?"
                         " WHERE person_id = ?", (TEAM, user_id, person_id))
    return person_id


async def onboard_mentee(mia: Person) -> None:
    await mia.say("hello")
    assert "Which language" in mia.text
    await mia.press("English")
    assert "Do you agree?" in mia.text
    await mia.press("I agree")
    await mia.press("Mentee")
    assert "What would you like help with" in mia.text
    await mia.say("project management, public speaking")
    await mia.say("I want to lead projects and speak with confidence in meetings.")
    await mia.say("English")
    assert "Your account says *Europe/Paris*" in mia.text  # pre-filled from users.info
    await mia.press("Use Europe/Paris")
    await mia.say("Tue 5-7pm")
    await mia.press("Early career")
    await mia.say("Sales &amp; marketing")
    assert "Your profile is ready, Mia!" in mia.text


# --- stories ----------------------------------------------------------------------------------

async def test_onboarding_in_a_direct_message(world: World) -> None:
    mia = world.person(MIA, "Mia", tz="Europe/Paris", locale="en-GB")
    await onboard_mentee(mia)
    assert "Type /mentor find to see mentors" in mia.text  # commands as Slack users type them
    [row] = await world.rows("SELECT p.* FROM people p JOIN addresses a ON a.person_id = p.id"
                             " WHERE a.platform = 'slack' AND a.workspace = ? AND a.user_id = ?",
                             (TEAM, MIA))
    assert row["status"] == "active" and row["role"] == "mentee"
    assert row["timezone"] == "Europe/Paris" and row["display_name"] == "Mia"
    assert row["department"] == "Sales & marketing"  # Slack's escapes undone
    # A pressed question shows the answer instead of its buttons.
    updates = world.fake.calls_to("chat.update")
    assert any("✓ *English*" in json.dumps(u.params["blocks"], ensure_ascii=False)
               for u in updates)
    assert all(not controls(u.params) for u in updates)
    assert len(world.fake.calls_to("users.info")) == 1  # cached
    assert len(world.fake.calls_to("conversations.open")) == 1  # DM channel cached


async def test_find_request_accept_introduces_both(world: World) -> None:
    mia = world.person(MIA, "Mia")
    await onboard_mentee(mia)
    await slack_person(world.app, world.fake, NORA, "nora", "mentor", capacity=2, seniority=4,
                       offered="project management, public speaking", department="Engineering")
    nora = Person(world, NORA)

    await mia.slash("find")
    assert "mentors who match you best" in mia.text
    card = next(m for m in mia.last if section_texts(m).startswith("*Nora*"))
    assert [e["text"]["text"] for e in controls(card)] == ["Request Nora", "Not for me"]
    assert all(e["action_id"].rsplit("|", 1)[1].isdigit() for e in controls(card))

    await mia.press("Request Nora")
    assert "add a short message" in mia.text
    await mia.press("Send without a message")
    assert "on its way to Nora" in mia.text
    [request] = nora.inbox
    assert "*Mia* would like you as their mentor" in section_texts(request)
    assert [e["text"]["text"] for e in controls(request)] == \
        ["Accept", "Decline", "Ask for more info"]

    mia_before = len(mia.inbox)
    await nora.press("Accept")
    assert "You are now *Mia*'s mentor" in nora.text  # the introduction, once
    assert f"<@{MIA}>" in nora.text  # a live Slack mention, not escaped
    to_mia = "\n".join(section_texts(m) for m in mia.inbox[mia_before:])
    assert "*Nora* agreed to be your mentor" in to_mia and f"<@{NORA}>" in to_mia
    [match] = await world.rows("SELECT status FROM matches")
    assert match["status"] == "active"


async def test_a_mentor_on_another_platform_gets_the_request(world: World) -> None:
    await slack_person(world.app, world.fake, MIA, "mia", "mentee", sought="public speaking")
    await add_person(world.app, "omar", "mentor", offered="public speaking", capacity=1)
    mia = Person(world, MIA)
    await mia.slash("find")
    await mia.press("Request Omar")
    await mia.press("Send without a message")
    console = world.process.transports["console"]
    assert isinstance(console, ConsoleTransport)
    assert "→ @omar: *Mia* would like you as their mentor" in console.out.getvalue()


async def test_app_home_shows_profile_relationships_and_menu(world: World) -> None:
    await slack_person(world.app, world.fake, NORA, "nora", "mentor", offered="public speaking",
                       capacity=1)
    nora = Person(world, NORA)
    home = payload("event_app_home_opened.json")
    home["event"]["user"] = NORA
    assert await world.sender.event(home) == 200
    await world.process.drain()
    [publish] = world.fake.calls_to("views.publish")
    assert publish.params["user_id"] == NORA
    view = publish.params["view"]
    assert view["type"] == "home"
    shown = json.dumps(view, ensure_ascii=False)
    assert "Programme Test" in shown  # header: the person's programme
    assert "*Your profile*" in shown and "Can help with: Public speaking" in shown
    assert "relationships" in shown.lower() or "mentee" in shown.lower()
    menu = controls(view)[-3:]
    assert [e["text"]["text"] for e in menu] == ["Find a mentor", "My profile", "Help"]
    assert nora.inbox == []  # the Home tab is not a message

    # A menu button answers in the DM, like the command it names.
    body = payload("block_actions_home.json")
    body["user"]["id"] = NORA
    body["actions"][0].update(action_id=menu[2]["action_id"], value=menu[2]["value"])
    await nora._expect_replies(world.sender.interaction(body))
    assert "Here is what I can do" in nora.text and "/mentor find" in nora.text

    # The same event again (a retry), and the Messages tab: nothing more is published.
    assert await world.sender.event(home, retry=1) == 200
    messages_tab = copy.deepcopy(home)
    messages_tab["event_id"], messages_tab["event"]["tab"] = "Ev0MSGTAB", "messages"
    assert await world.sender.event(messages_tab) == 200
    await world.process.drain()
    assert len(world.fake.calls_to("views.publish")) == 1


async def test_retries_and_replays_have_no_second_effect(world: World) -> None:
    mia = world.person(MIA, "Mia")
    hello = mia.message_event("hello")
    statuses = await asyncio.gather(*(world.sender.event(hello, retry=n) for n in range(4)))
    assert statuses == [200, 200, 200, 200]
    await world.process.drain()
    assert len(mia.inbox) == 1 and "Which language" in section_texts(mia.inbox[0])

    press = mia.press_payload("English")
    await mia._expect_replies(world.sender.interaction(press))
    assert "Do you agree?" in mia.text
    answered = len(mia.inbox)
    for retry in (1, 2):
        assert await world.sender.interaction(press, retry=retry) == 200
    await world.process.drain()
    assert len(mia.inbox) == answered
    assert len(world.fake.calls_to("chat.update")) == 1

    fields = mia.command_fields("help")
    for retry in range(2):
        assert await world.sender.command(fields, retry=retry) == 200
    await world.process.drain()
    assert len(mia.inbox) == answered + 1


async def test_edits_and_bot_messages_get_no_answer(world: World) -> None:
    world.fake.add_user(MIA, "Mia")
    for name in ("event_message_changed.json", "event_bot_message.json"):
        assert await world.sender.event(payload(name)) == 200
    await world.process.drain()
    assert {c.method for c in world.fake.calls} == {"auth.test"}  # no users.info, no reply
    assert await world.rows("SELECT * FROM inbox") == []


async def test_bad_or_stale_signatures_are_refused(world: World) -> None:
    mia = world.person(MIA, "Mia")
    hello = mia.message_event("hello")
    assert await world.sender.event(hello, secret="not-the-secret") == 401
    assert await world.sender.event(hello, timestamp=1_600_000_000) == 401  # replay, stale
    press = payload("block_actions_button.json")
    assert await world.sender.interaction(press, secret="x") == 401
    assert await world.sender.command(mia.command_fields("find"), secret="x") == 401
    await world.process.drain()
    assert await world.rows("SELECT * FROM people") == []
    assert await world.rows("SELECT * FROM inbox") == []
    assert [c.method for c in world.fake.calls] == ["auth.test"]  # the start-up check only


async def test_rate_limit_is_waited_out_and_sent_once(world: World) -> None:
    mia = world.person(MIA, "Mia")
    world.fake.rate_limit_once("chat.postMessage", retry_after=1)
    await mia.say("hello")
    first, second = world.fake.calls_to("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.0
    assert len(mia.inbox) == 1


async def test_account_inactive_marks_the_address_unreachable(world: World) -> None:
    await slack_person(world.app, world.fake, MIA, "mia", "mentee", sought="public speaking")
    await slack_person(world.app, world.fake, NORA, "nora", "mentor", offered="public speaking",
                       capacity=1)
    world.fake.fail("chat.postMessage", "account_inactive", dm_channel(NORA))
    mia = Person(world, MIA)
    await mia.slash("find")
    await mia.press("Request Nora")
    await mia.press("Send without a message")
    [nora_address] = await world.rows("SELECT * FROM addresses WHERE user_id = ?", (NORA,))
    assert nora_address["unreachable_at"] is not None
    sent = await world.rows("SELECT status, error FROM outbox WHERE kind = 'message'")
    assert sent == [{"status": "failed", "error": "unreachable"}]


async def test_socket_mode_acknowledges_and_answers(tmp_path: Path, fake: FakeSlack) -> None:
    app = await build_app(slack_config(tmp_path, fake.base + "/api", mode="socket"),
                          SimulatedClock(START))
    process = Process(app)
    process.add_slack()
    try:
        await process.start()
        fake.add_user(MIA, "Mia")
        event = payload("event_message_im.json")
        event["event"]["text"] = "hello"
        envelope = await fake.push("events_api", event)
        for _ in range(100):
            if envelope in fake.socket_acks and fake.posted_to(MIA):
                break
            await asyncio.sleep(0.05)
        await process.drain()
        assert envelope in fake.socket_acks
        assert "Which language" in section_texts(fake.posted_to(MIA)[0])
        assert fake.calls_to("apps.connections.open")
    finally:
        await process.stop()
        await app.close()


async def test_serve_delivers_due_messages_and_stops(tmp_path: Path, fake: FakeSlack) -> None:
    app = await build_app(slack_config(tmp_path, fake.base + "/api"), SimulatedClock(START))
    person_id = await slack_person(app, fake, NORA, "nora", "mentor")
    async with app.db.transaction() as tx:
        await outbox.enqueue(tx, person_id, outbox.Outgoing(key="common.help_hint"),
                             due_at=app.services.clock.now(), key="test:hint")
    stop = asyncio.Event()
    task = asyncio.create_task(Process.configured(app).serve(stop))
    try:
        for _ in range(100):
            if fake.posted_to(NORA):
                break
            await asyncio.sleep(0.05)
        assert "Type /mentor help" in section_texts(fake.posted_to(NORA)[0])
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await app.close()
    assert fake.calls[0].method == "auth.test"


async def test_refuses_to_start_without_what_it_needs(tmp_path: Path, fake: FakeSlack) -> None:
    config = slack_config(tmp_path, fake.base + "/api")
    app = await build_app(config, SimulatedClock(START))
    try:
        config.slack.signing_secret = ""
        with pytest.raises(ConfigError, match="signing_secret"):
            Process(app).add_slack()
        config.slack.signing_secret, config.slack.bot_token = SIGNING_SECRET, "xoxb-revoked"
        process = Process(app)
        process.add_slack()
        with pytest.raises(ConfigError, match="invalid_auth"):
            await process.start()
    finally:
        await app.close()


# --- outbound details -------------------------------------------------------------------------

async def test_files_go_through_upload_v2(world: World) -> None:
    world.fake.add_user(MIA, "Mia")
    invite = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    reply = Reply(Address("slack", TEAM, MIA), "Your meeting invitation:",
                  file=Attachment("meeting.ics", invite, "text/calendar"))
    await world.adapter.transport.send(reply.to, reply)
    methods = [c.method for c in world.fake.calls]
    assert methods[-4:] == ["chat.postMessage", "files.getUploadURLExternal", "upload",
                            "files.completeUploadExternal"]
    assert list(world.fake.uploads.values()) == [invite]
    complete = world.fake.calls_to("files.completeUploadExternal")[0].params
    assert complete["channel_id"] == dm_channel(MIA)
    assert json.loads(complete["files"])[0]["title"] == "meeting.ics"


@pytest.mark.parametrize("error", ["account_inactive", "channel_not_found", "user_not_found",
                                   "cannot_dm_bot"])
async def test_gone_recipients_are_unreachable(world: World, error: str) -> None:
    world.fake.add_user(MIA, "Mia")
    world.fake.fail("chat.postMessage", error, dm_channel(MIA))
    with pytest.raises(Unreachable):
        await world.adapter.transport.send(Address("slack", TEAM, MIA),
                                           Reply(Address("slack", TEAM, MIA), "Hello"))


async def test_bulk_sends_are_paced_per_channel(world: World) -> None:
    world.fake.add_user(MIA, "Mia")
    world.fake.add_user(NORA, "Nora")
    world.adapter.transport.pacer = Pacer(interval=0.2, burst=2)
    mia, nora = Address("slack", TEAM, MIA), Address("slack", TEAM, NORA)
    for n in range(5):
        await world.adapter.transport.send(mia, Reply(mia, f"Reminder {n}"))
    await world.adapter.transport.send(nora, Reply(nora, "Hello"))
    times = [c.at for c in world.fake.calls_to("chat.postMessage")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] < 0.1  # a short burst goes at once
    assert all(gap >= 0.18 for gap in gaps[1:4])  # then one per interval
    assert gaps[4] < 0.1  # another person's DM does not wait


# --- Block Kit limits ---------------------------------------------------------------------------

def test_long_texts_many_buttons_and_choices_stay_within_limits() -> None:
    to = Address("slack", TEAM, MIA)
    commands = slack_commands(["find", "help"])
    text = "\n".join([
        "*Bold* _it_ <b>&</b> " * 200, "x" * 7000, "🙂" * 2500,
        "\x00\x07\x1b[31m control", "- a bullet " + live("<@U0NORA>"),
            "type /find or /help, not /nope",
    ])
    buttons = tuple(Button(f"Option {n} " + "é" * 100, f"act.{n}", f"v{n}" * 300)
                    for n in range(30))
    choices = tuple(Button(f"Choice {n}", "pick", str(n)) for n in range(250))
    duplicated = (Button("A", "dup", "same"), Button("B", "dup", "same"))
    messages = render_reply(Reply(to, text, buttons, choices + duplicated), commands)
    for message in messages:
        assert block_kit_problems(list(message.blocks)) == []
        assert units(message.text) <= 3000
    blocks = [b for m in messages for b in m.blocks]
    elements = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len([e for e in elements if e["type"] == "button"]) == 32  # 30 + 2 unselectable
    assert [len(e["options"]) for e in elements if e["type"] == "static_select"] == \
        [100, 100, 50]
    assert [len(b["elements"]) for b in blocks if b["type"] == "actions"] == [25, 10]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    expected = to_mrkdwn(text, commands)
    assert "".join(sections).replace("\n", "").replace(" ", "") == \
        expected.replace("\n", "").replace(" ", "")  # nothing lost in the cuts
    assert "• a bullet <@U0NORA>" in expected and "&lt;b&gt;&amp;&lt;/b&gt;" in expected
    assert "type /mentor find or /mentor help, not /nope" in expected
    assert "\x1b" not in expected

    many = render_reply(Reply(to, "word " * 40_000), commands)  # 200,000 characters
    assert len(many) > 1 and all(len(m.blocks) <= 50 for m in many)


def test_split_text_never_cuts_an_escape_or_mention() -> None:
    text = "&amp;" * 1000 + "<@U0NORA>" * 500
    pieces = split_text(text, MAX_SECTION_TEXT)
    assert "".join(pieces) == text
    assert all(units(p) <= MAX_SECTION_TEXT for p in pieces)
    assert all(p.endswith((";", ">")) for p in pieces)


# --- translate: recorded payloads -> core events ------------------------------------------------

def test_recorded_payloads_translate_to_core_events() -> None:
    info = payload("users_info.json")["user"]
    mia = translate.address_from(TEAM, MIA, info)
    assert (mia.display_name, mia.locale, mia.timezone) == ("Mia", "fr-FR", "Europe/Stockholm")
    assert mia == Address("slack", TEAM, MIA)  # identity is the ids only

    dm = payload("event_message_im.json")
    assert translate.event_sender(dm) == (TEAM, MIA)
    assert translate.direct_message(dm, mia) == Message(
        mia, "Hello & welcome <3 the guide mia@example.org", "Ev06ABCD1234")
    for ignored in ("event_message_changed.json", "event_bot_message.json"):
        assert translate.direct_message(payload(ignored), mia) is None
    assert translate.home_opened(payload("event_app_home_opened.json")) == "Ev06HOME0001"
    mention = payload("event_app_mention.json")
    assert translate.mention(mention, mia) == Command(mia, "find", "public speaking",
                                                      "Ev06MENTION1")
    mention["event"]["text"] = "<@U0BOT>"
    assert translate.mention(mention, mia).name == "help"

    find = payload("command_mentor_find.json")
    command = translate.slash_command(find, mia)
    assert command == Command(mia, "find", "project & people", f"cmd:{find['trigger_id']}")
    assert translate.slash_command(find | {"text": ""}, mia).name == "help"
    admin = translate.slash_command(payload("command_mentor_admin.json"), mia)
    assert (admin.name, admin.args) == ("admin", "stats")

    button = translate.block_action(payload("block_actions_button.json"), mia)
    assert isinstance(button, Action)
    assert (button.action_id, button.value) == ("onb", "language|en")
    assert button.event_id == f"act:1700000000.000001:1700000600.123456:{MIA}"
    select = translate.block_action(payload("block_actions_select.json"), mia)
    assert (select.action_id, select.value) == ("profile.edit", "timezone")
    home = translate.block_action(payload("block_actions_home.json"), mia)
    assert isinstance(home, Command) and home.name == "find"

    change = translate.pressed_message_update(payload("block_actions_button.json"))
    assert change is not None and change["channel"] == "D0MIA"
    assert [b["type"] for b in change["blocks"]] == ["section", "context"]


@pytest.mark.parametrize("body", [
    {}, {"event": None}, {"event": {"type": "message", "channel_type": "im", "text": 5}},
    {"team_id": "T1", "event": {"user": "../../etc", "type": "message"}},
    {"type": "block_actions", "actions": [{"type": "datepicker"}]},
    {"type": "block_actions", "actions": []}, {"command": "/other", "text": "x"},
])
def test_odd_payloads_are_ignored_without_errors(body: dict[str, Any]) -> None:
    someone = Address("slack", TEAM, MIA)
    assert translate.direct_message(body, someone) is None
    assert translate.block_action(body, someone) is None
    assert translate.slash_command(body, someone) is None
    assert translate.pressed_message_update(body) is None
    assert translate.event_sender(body) in (None, (TEAM, MIA))
    assert translate.home_opened(body) is None


def test_long_and_strange_texts_arrive_intact() -> None:
    someone = Address("slack", TEAM, MIA)
    dm = payload("event_message_im.json")
    for text in ["x" * 10_000, "🙂🙃" * 100, "\x00\x07 bell", "<!here> &amp;lt; <#C1|general>"]:
        dm["event"]["text"] = text
        event = translate.direct_message(dm, someone)
        assert isinstance(event, Message)
    assert event.text == "@here &lt; #general"
    assert translate.decode_action_id(translate.encode_action_id("req.accept", 7)) == \
        "req.accept"
    assert translate.decode_action_id("a|b") == "a|b"


def test_the_manifest_declares_what_the_adapter_handles() -> None:
    manifest = (Path(__file__).parent.parent / "manifest.yml").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*- command: (\S+)", manifest, re.MULTILINE)
    assert commands == [translate.SLASH_USER, translate.SLASH_ADMIN]
    events = manifest.split("bot_events:")[1].split("interactivity:")[0]
    assert re.findall(r"- (\S+)", events) == ["app_home_opened", "app_mention", "message.im"]
    for needed in ("chat:write", "im:history", "im:write", "users:read", "commands",
                   "files:write", "home_tab_enabled: true", "messages_tab_enabled: true",
                   "messages_tab_read_only_enabled: false", "socket_mode_enabled"):
        assert needed in manifest
