"""Reports: a participant flags a relationship or a relayed message; coordinators work through
the queue and dismiss, warn, pause, resume, end, or suspend — every step told to the people
concerned and written to the audit log."""

from __future__ import annotations

from bot.kernel.app import App
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import COORD, Inbox, match_id_of, matched_pair, person, tap

safe_app = fixtures.safe_app
relay_app = fixtures.relay_app


async def _report(app: App, handle: str, reason: str) -> Chat:
    chat = Chat(app, handle)
    await chat.say("/report")
    assert "Only the programme's coordinators will" in chat.text
    await tap(chat, "My relationship with")
    assert "what happened with" in chat.text
    await chat.say(reason)
    assert "coordinators have been alerted" in chat.text
    return chat


async def _status(app: App, table: str, row_id: int) -> str:
    async with app.db.read() as tx:
        return await tx.value(f"SELECT status FROM {table} WHERE id = ?", (row_id,))


async def test_report_pause_resume_then_warn(safe_app: App) -> None:
    inbox = Inbox(safe_app)
    await person(safe_app, COORD, "mentor")
    mia_id, _ = await matched_pair(safe_app)
    match_id = await match_id_of(safe_app, mia_id)
    await inbox.deliver()
    await _report(safe_app, "mia", "He keeps asking for my phone number 😟")
    received = await inbox.deliver()
    assert list(received) == [COORD]  # the coordinator, and nobody else, is alerted
    alert = received[COORD][0]
    assert "Report #1" in alert and "asking for my phone number" in alert

    coord = Chat(safe_app, COORD)
    await coord.say("/admin reports")
    assert "Reports waiting" in coord.text and "Mia about Nora" in coord.text
    await tap(coord, "Pause the pair")
    assert "is paused" in coord.text
    assert await _status(safe_app, "matches", match_id) == "paused"
    received = await inbox.deliver()
    assert all("paused your mentoring relationship" in received[h][0] for h in ("mia", "nora"))
    await coord.say("/admin reports")
    assert "pair paused" in coord.text
    await tap(coord, "Resume the pair")
    assert await _status(safe_app, "matches", match_id) == "active"
    await inbox.deliver()
    await coord.say("/admin reports")
    await tap(coord, "Warn")  # a preview first (tests/test_moderation_cases.py)
    await tap(coord, "Send to Nora")
    assert "Warning sent to Nora" in coord.text
    received = await inbox.deliver()
    assert "raised a concern about your behaviour" in received["nora"][0]
    await tap(coord, "Close the case")
    received = await inbox.deliver()
    assert "has looked at your report" in received["mia"][0]
    await coord.say("/admin reports")
    assert "No report is waiting" in coord.text
    async with safe_app.db.read() as tx:
        actions = [r[0] for r in await tx.all(
            "SELECT action FROM audit_log WHERE allowed = 1 ORDER BY id")]
    assert "report 1 pause" in actions and "report 1 resume" in actions
    assert "report 1 warn" in actions


async def test_end_and_suspend(safe_app: App) -> None:
    inbox = Inbox(safe_app)
    await person(safe_app, COORD, "mentor")
    mia_id, nora_id = await matched_pair(safe_app)
    leo_id, _ = await matched_pair(safe_app, "leo", "omar")
    await inbox.deliver()
    await _report(safe_app, "mia", "Rude messages.")
    await _report(safe_app, "leo", "Omar asked me to meet alone at his place.")
    await inbox.deliver()
    coord = Chat(safe_app, COORD)
    await coord.say("/admin reports")
    entries = [r for r in coord.last if r.buttons]
    assert len(entries) == 2
    coord.last = [entries[0]]
    await tap(coord, "End the relationship")
    assert await _status(safe_app, "matches", await match_id_of(safe_app, mia_id)) == "ended"
    received = await inbox.deliver()
    assert "have ended your mentoring relationship" in received["mia"][0]
    assert "have ended your mentoring relationship" in received["nora"][0]

    await coord.say("/admin reports")
    await tap(coord, "Suspend the person")
    assert "Omar is suspended" in coord.text
    async with safe_app.db.read() as tx:
        omar = await tx.one("SELECT * FROM people WHERE handle = 'omar'")
        status = await tx.value("SELECT status FROM matches WHERE mentee_id = ?", (leo_id,))
    assert omar["status"] == "suspended" and status == "ended"
    received = await inbox.deliver()
    assert "has been suspended" in received["omar"][-1]
    assert "no longer available" in received["leo"][0]
    omar_chat = Chat(safe_app, "omar")
    await omar_chat.say("/find")
    assert "You need a profile first" in omar_chat.text
    await omar_chat.say("/mydata")  # rights stay
    assert omar_chat.last[0].file is not None
    await tap(coord, "Dismiss")  # the same report again: already handled
    assert "already been handled" in coord.text
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT status FROM people WHERE id = ?", (nora_id,)) == "active"
    await coord.say("/admin unsuspend @nora")
    assert "Nora is not suspended" in coord.text
    await coord.say("/admin unsuspend @omar")
    assert "Omar can take part in the programme again" in coord.text
    assert "lifted your suspension" in (await inbox.deliver())["omar"][0]
    await omar_chat.say("/find")
    assert "You need a profile first" not in omar_chat.text
    await coord.say("/admin unsuspend @nobody")
    assert "couldn't find anyone" in coord.text


async def test_report_a_relayed_message_and_read_the_pair_history(relay_app: App) -> None:
    inbox = Inbox(relay_app)
    await person(relay_app, COORD, "mentor")
    await matched_pair(relay_app)
    await inbox.deliver()
    mia, nora = Chat(relay_app, "mia"), Chat(relay_app, "nora")
    await nora.say("/msg Hi Mia, how was the exam?")
    await mia.say("/msg Fine thanks")
    await nora.say("/msg You should send me a photo of yourself")
    received = await inbox.deliver()
    inbox.give_buttons(mia)
    await mia.press_label("Report")
    assert "what happened with Nora" in mia.text
    await mia.say("This message makes me uncomfortable.")
    assert "coordinators have been alerted" in mia.text
    received = await inbox.deliver()
    assert "Report #1" in received[COORD][0]
    coord = Chat(relay_app, COORD)
    await coord.say("/admin reports")
    assert "a relayed message" in coord.text
    await tap(coord, "Read their messages")
    history = coord.text
    assert "Relayed messages — report #1" in history
    assert history.index("how was the exam") < history.index("send me a photo")
    assert "Mia (delivered): Fine thanks" in history
    async with relay_app.db.read() as tx:
        assert await tx.value(
            "SELECT count(*) FROM audit_log WHERE action = 'report 1 history read'") == 1


async def test_report_reason_bad_input_gets_polite_answers(safe_app: App) -> None:
    await person(safe_app, COORD, "mentor")
    await matched_pair(safe_app)
    mia = Chat(safe_app, "mia")
    await mia.say("/report")
    await tap(mia, "My relationship with Nora")
    await mia.say("x" * 10_000)
    assert "too long for me" in mia.text
    await mia.say("é" * 1500)
    assert "That's a bit long (1500 characters)" in mia.text
    await mia.say("🙁🙁🙁 \x00\x1b[31m not nice \u202e")
    assert "coordinators have been alerted" in mia.text
    async with safe_app.db.read() as tx:
        reason = await tx.value("SELECT reason FROM reports")
    assert reason == "🙁🙁🙁  not nice"  # control characters and escapes never stored
    for _ in range(4):
        await mia.say("/report")
        await tap(mia, "My relationship with Nora")
        await mia.say("Again.")
    await mia.say("/report")
    await tap(mia, "My relationship with Nora")
    assert "several reports today" in mia.text
    leo = Chat(safe_app, "leo")
    await leo.say("/report")
    assert "no relationship or relayed message to report" in leo.text
