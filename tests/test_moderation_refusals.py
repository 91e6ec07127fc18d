"""Every admin command and admin button of moderation and relay mode: refused and audited for
a participant, refused for a coordinator of another programme, and polite with forged values."""

from __future__ import annotations

import pytest

from bot.kernel.app import App
from bot.kernel.events import Action, Command
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import COORD, OTTO, Inbox, matched_pair, person

relay_app = fixtures.relay_app

ADMIN_COMMANDS = ["reports", "held", "unsuspend"]
REPORT_BUTTONS = ["mod.dismiss", "mod.warn", "mod.pause", "mod.resume", "mod.end",
                  "mod.suspend", "mod.history"]
MESSAGE_BUTTONS = ["relay.approve", "relay.reject"]
REFUSED = "for the programme's coordinators"
FORGED = ["", "abc", "-1", "0", "1.5", "9" * 40, "🙂", "１", "1; DROP TABLE reports", "x" * 150]


@pytest.fixture
async def reported(relay_app: App) -> App:
    """A relay-mode programme with one open report and one held message, both number 1."""
    inbox = Inbox(relay_app)
    await person(relay_app, COORD, "mentor")
    await person(relay_app, OTTO, "mentor", programme="other")
    await person(relay_app, "mallory", "mentee")
    await matched_pair(relay_app)
    mia = Chat(relay_app, "mia")
    await mia.say("/msg call me: 514-555-0199")
    await mia.say("/report")
    await mia.press_label("My relationship with Nora")
    await mia.say("Something is wrong.")
    await inbox.deliver()
    return relay_app


async def _state(app: App) -> tuple[str, str, str, str]:
    async with app.db.read() as tx:
        return (await tx.value("SELECT status FROM reports WHERE id = 1"),
                await tx.value("SELECT status FROM relay_messages WHERE id = 1"),
                await tx.value("SELECT status FROM matches"),
                await tx.value("SELECT status FROM people WHERE handle = 'nora'"))


async def _audit(app: App, actor: str) -> list[tuple[str, int]]:
    async with app.db.read() as tx:
        return [(r["action"], r["allowed"]) for r in await tx.all(
            "SELECT action, allowed FROM audit_log WHERE actor = ? ORDER BY id",
            (f"console:local:{actor}",))]


async def test_a_participant_is_refused_everywhere_and_audited(reported: App) -> None:
    before = await _state(reported)
    mallory = Chat(reported, "mallory")
    for name in ADMIN_COMMANDS:
        await mallory.say(f"/admin {name}")
        assert REFUSED in mallory.text
    for action_id in [*REPORT_BUTTONS, *MESSAGE_BUTTONS]:
        replies = await reported.bot.handle(Action(mallory.address, action_id, "1"))
        assert REFUSED in replies[0].text, action_id
    assert await _state(reported) == before
    audit = await _audit(reported, "mallory")
    assert audit == [(name, 0) for name in ADMIN_COMMANDS] + \
        [(f"button {a}", 0) for a in [*REPORT_BUTTONS, *MESSAGE_BUTTONS]]


async def test_the_reported_person_cannot_act_on_their_own_report(reported: App) -> None:
    nora = Chat(reported, "nora")
    for action_id in REPORT_BUTTONS:
        replies = await reported.bot.handle(Action(nora.address, action_id, "1"))
        assert REFUSED in replies[0].text
    assert await _state(reported) == ("open", "held", "active", "active")


async def test_a_coordinator_of_another_programme_is_refused(reported: App) -> None:
    before = await _state(reported)
    otto = Chat(reported, OTTO)
    for action_id in [*REPORT_BUTTONS, *MESSAGE_BUTTONS]:
        replies = await reported.bot.handle(Action(otto.address, action_id, "1"))
        assert REFUSED in replies[0].text, action_id
    assert await _state(reported) == before
    refused = [action for action, allowed in await _audit(reported, OTTO) if not allowed]
    assert len(refused) == len(REPORT_BUTTONS) + len(MESSAGE_BUTTONS)
    assert all("other programme" in action for action in refused)
    await otto.say("/admin reports")  # their own queue: nothing of the other programme
    assert "No report is waiting" in otto.text and "Mia" not in otto.text
    await otto.say("/admin held")
    assert "No message is waiting" in otto.text and "514" not in otto.text
    async with reported.db.transaction() as tx:
        await tx.execute("UPDATE people SET status = 'suspended' WHERE handle = 'nora'")
    await otto.say("/admin unsuspend @nora")  # not in Otto's programme
    assert "couldn't find anyone" in otto.text


async def test_forged_values_on_admin_buttons_get_polite_answers(reported: App) -> None:
    coord = Chat(reported, COORD)
    for action_id in [*REPORT_BUTTONS, *MESSAGE_BUTTONS]:
        for value in [*FORGED, "2", "x" * 10_000]:
            replies = await reported.bot.handle(Action(coord.address, action_id, value))
            assert len(replies) == 1, (action_id, value)
            text = replies[0].text
            assert "can't find that" in text or "no longer valid" in text, (action_id, value)
    assert await _state(reported) == ("open", "held", "active", "active")


async def test_forged_values_on_participant_buttons_get_polite_answers(reported: App) -> None:
    mallory = Chat(reported, "mallory")
    not_hers = ["report.pick", "report.message", "privacy.forget", "privacy.withdraw",
                "relay.reply", "relay.to"]
    for action_id in [*not_hers, "block.pick", "block.confirm"]:
        values = [*FORGED, "x" * 10_000] + (["1"] if action_id in not_hers else [])
        for value in values:
            replies = await reported.bot.handle(Action(mallory.address, action_id, value))
            assert len(replies) == 1 and replies[0].text, (action_id, value)
            assert "went wrong" not in replies[0].text, (action_id, value)
    async with reported.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM blocks") == 0
        assert await tx.value("SELECT count(*) FROM reports") == 1
        assert await tx.value("SELECT count(*) FROM people") == 5


async def test_unknown_admin_words_and_long_arguments(reported: App) -> None:
    coord = Chat(reported, COORD)
    for args in ["reports " + "x" * 3000, "held 🙂", "REPORTS", "held\x00"]:
        replies = await reported.bot.handle(Command(coord.address, "admin", args))
        assert replies and "went wrong" not in replies[0].text
    await coord.say("/admin help")
    assert "/admin reports" in coord.text and "/admin held" in coord.text
