"""`/admin broadcast`: a preview first, then each recipient gets the message exactly once,
through the outbox and the real dispatcher, in a header of their own language."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel.app import App
from bot.kernel.events import Action
from tests.conftest import Chat
from tests.fixtures_insight import app_at, insight_programme, member
from tests.test_meetings import Inbox, rows


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


async def test_preview_then_send_twice_reaches_each_mentor_once(app: App) -> None:
    await insight_programme(app)
    inbox = Inbox(app)
    await inbox.deliver()
    coord = Chat(app, "coord")
    await coord.say("/admin broadcast mentors Thank you for this *first month*! 🙏")
    assert coord.text.startswith(
        "*Preview* — to the mentors: 4 people, each in a private message.\n\n*English* — 3"
        " people:\n📣 *From the coordinators of Programme Test*\n\n"
        "Thank you for this *first month*! 🙏")  # then the French readers' version
    assert [b.label for b in coord.buttons] == ["Send to 4 people", "Add the French version",
                                                "Cancel"]
    assert await rows(app, "SELECT * FROM outbox WHERE idempotency_key LIKE 'broadcast:%'") == []
    await coord.press_label("Send")
    assert "On its way to 4 people" in coord.text
    await coord.press_label("Send")  # pressed again (or delivered twice by the platform)
    assert "already been sent (to 4 people); nobody gets it twice" in coord.text
    received = await inbox.deliver()
    assert sorted(received) == ["coord", "coordfr", "nora", "omar"]
    assert all(len(replies) == 1 for replies in received.values())
    assert received["nora"][0].text == ("📣 *From the coordinators of Programme Test*\n\n"
                                        "Thank you for this *first month*! 🙏")
    assert received["coordfr"][0].text.startswith(
        "📣 *De la part de l'équipe de coordination de Programme Test*\n\n(Ce message a été"
        " écrit en anglais seulement.)")
    await coord.press_label("Send")
    assert await inbox.deliver() == {}
    keys = await rows(app, "SELECT idempotency_key, status FROM outbox"
                           " WHERE idempotency_key LIKE 'broadcast:%' ORDER BY id")
    assert len(keys) == 4 and {k["status"] for k in keys} == {"sent"}
    [broadcast] = await rows(app, "SELECT status, recipients, audience FROM broadcasts")
    assert broadcast == {"status": "sent", "recipients": 4, "audience": "mentors"}


async def test_audiences_stay_within_the_programme(app: App) -> None:
    ids = await insight_programme(app)
    signing_up = await member(app, "sam", "mentee")
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET status = 'onboarding' WHERE id = ?", (signing_up,))
        await tx.execute("UPDATE people SET status = 'suspended' WHERE id = ?", (ids["ben"],))
    coord = Chat(app, "coord")
    expected = {"all": 8, "tous": 8, "mentors": 4, "mentees": 4, "unmatched": 2,
                "active-pairs": 4, "status:onboarding": 1, "status:active": 8}
    for audience, count in expected.items():
        await coord.say(f"/admin broadcast {audience} Hello")
        assert f": {count} {'person' if count == 1 else 'people'}," in coord.text, audience
    for refused in ("status:suspended", "status:no_consent", "everybody-else", "status:"):
        await coord.say(f"/admin broadcast {refused} Hello")
        assert f"“{refused}” is not an audience" in coord.text
    await coord.say("/admin broadcast mentors")
    assert "Write /admin broadcast" in coord.text
    await coord.say("/admin broadcast mentors " + "x" * 3500)
    assert "too long to broadcast (3500 characters, at most 3000)" in coord.text
    otto = Chat(app, "otto")
    await otto.say("/admin broadcast all Bonjour")
    assert "to everyone active: 3 people" in otto.text  # Otto, Pia and Quinn only


async def test_cancel_and_foreign_presses_send_nothing(app: App) -> None:
    await insight_programme(app)
    inbox = Inbox(app)
    await inbox.deliver()
    coord, otto, mia = Chat(app, "coord"), Chat(app, "otto"), Chat(app, "mia")
    await coord.say("/admin broadcast all Are you free on Friday?")
    send, _, cancel = coord.buttons  # Send, Add the French version, Cancel
    for person in (otto, mia):  # another programme's coordinator, and a participant
        for button in (send, cancel):
            replies = await app.bot.handle(Action(person.address, button.action_id,
                                                  button.value))
            assert "for the programme's coordinators" in replies[0].text
    await coord.press_label("Cancel")
    assert "Cancelled: nothing was sent." in coord.text
    await coord.press_label("Send")
    assert "was cancelled; nothing was sent" in coord.text
    assert await inbox.deliver() == {}
    audit = await rows(app, "SELECT actor, action, allowed FROM audit_log WHERE allowed = 0"
                            " ORDER BY id")
    assert [(a["actor"], a["action"]) for a in audit] == [
        ("console:local:otto", "broadcast 1 send: other programme"),
        ("console:local:otto", "broadcast 1 cancel: other programme"),
        ("console:local:mia", "button admin.broadcast.send"),
        ("console:local:mia", "button admin.broadcast.cancel")]
