"""Every coordinators' command and button of issue 8: refused and audited for anyone who is
not a coordinator, and blind to other programmes for a coordinator of another one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel.app import App
from bot.kernel.events import Action, Address, Command
from tests.conftest import Chat
from tests.fixtures_insight import app_at, insight_programme
from tests.test_meetings import rows

COMMANDS = ("stats", "insight", "insight benefit", "unmatched", "requests", "pairs",
            "person @mia", "match @kim @nora", "end @mia @nora", "unmatch @mia @nora",
            "broadcast all Hello", "export", "export csv", "content reload")
MAIN_NAMES = ("Programme Test", "Mia", "Nora", "Kim", "Omar", "Leo", "Ana")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


async def buttons_of_main(app: App) -> list[tuple[str, str]]:
    """A *Confirm* of a match and the *Send* and *Cancel* of a broadcast, made by @coord."""
    coord = Chat(app, "coord")
    await coord.say("/admin match @kim @nora")
    confirm = coord.buttons[0]
    await coord.say("/admin broadcast mentees Hello")
    send, _, cancel = coord.buttons  # Send, Add the French version, Cancel
    return [(b.action_id, b.value) for b in (confirm, send, cancel)]


async def test_participants_are_refused_everything_and_audited(app: App) -> None:
    await insight_programme(app)
    buttons = await buttons_of_main(app)
    before = await rows(app, "SELECT count(*) AS n FROM audit_log")
    mia = Chat(app, "mia")
    stranger = Address("slack", "T9", "U9", display_name="coord")  # a new, unknown person
    for args in COMMANDS:
        await mia.say(f"/admin {args}")
        assert mia.text == ("Sorry, this command is for the programme's coordinators. If you"
                            " think you should have access, ask a coordinator."), args
        [reply] = await app.bot.handle(Command(stranger, "admin", args))
        assert "for the programme's coordinators" in reply.text
    for action_id, value in buttons:
        [reply] = await app.bot.handle(Action(mia.address, action_id, value))
        assert "for the programme's coordinators" in reply.text
    audit = await rows(app, "SELECT actor, action, allowed FROM audit_log WHERE id > ?",
                       (before[0]["n"],))
    assert len(audit) == 2 * len(COMMANDS) + len(buttons)
    assert not any(row["allowed"] for row in audit)
    assert {row["actor"] for row in audit} == {"console:local:mia", "slack:T9:U9"}
    assert {row["action"] for row in audit} >= {
        "stats", "insight", "unmatched", "requests", "pairs", "person", "match", "end",
        "unmatch", "broadcast", "export", "content", "button admin.match.confirm",
        "button admin.broadcast.send", "button admin.broadcast.cancel"}
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches WHERE source = 'manual'") == 0
        assert await tx.value("SELECT count(*) FROM outbox WHERE idempotency_key LIKE"
                              " 'broadcast:%'") == 0
        assert await tx.value("SELECT status FROM broadcasts") == "draft"


async def test_another_programmes_coordinator_sees_and_touches_nothing_here(app: App) -> None:
    await insight_programme(app)
    buttons = await buttons_of_main(app)
    otto = Chat(app, "otto")
    for args in COMMANDS:
        replies = await otto.say(f"/admin {args}")
        for reply in replies:
            seen = reply.text + (reply.file.content.decode("utf-8", "replace")
                                 if reply.file and not reply.file.filename.endswith(".png")
                                 else "")
            assert not any(name in seen for name in MAIN_NAMES), (args, reply.text)
    for action_id, value in buttons:
        [reply] = await app.bot.handle(Action(otto.address, action_id, value))
        assert "for the programme's coordinators" in reply.text
    refused = await rows(app, "SELECT action FROM audit_log WHERE allowed = 0")
    assert [r["action"] for r in refused] == ["match confirm: other programme",
                                              "broadcast 1 send: other programme",
                                              "broadcast 1 cancel: other programme"]
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches WHERE status = 'active'"
                              " AND programme_id = 1") == 3
        assert await tx.value("SELECT status FROM broadcasts WHERE id = 1") == "draft"


async def test_odd_arguments_get_an_answer_never_an_error(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    odd = ("", "🎉🎉", "x" * 3990, "\x00\x07\u202e@mia", "@mia @mia @mia @mia", "<@>", "::",
           "status:", "'; DROP TABLE matches; --", "१२३", "@" * 200)
    for command in ("stats", "insight", "unmatched", "requests", "pairs", "person", "match",
                    "end", "unmatch", "broadcast", "export", "content"):
        for args in odd:
            replies = await coord.say(f"/admin {command} {args}".strip())
            assert replies and "went wrong" not in coord.text, (command, args[:20])
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches") == 5
        assert await tx.value("SELECT count(*) FROM outbox WHERE idempotency_key LIKE"
                              " 'broadcast:%'") == 0
