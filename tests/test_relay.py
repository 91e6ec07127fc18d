"""Relay mode: a youth programme where the pair talks through the bot and never sees each
other's contact details; messages that look like contact details wait for a coordinator."""

from __future__ import annotations

from bot.kernel.app import App
from bot.kernel.events import Action
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat, who
from tests.test_moderation_fixtures import COORD, Inbox, match_id_of, matched_pair, person, tap

relay_app = fixtures.relay_app
safe_app = fixtures.safe_app


async def test_introduction_says_talk_through_me_without_a_contact(relay_app: App) -> None:
    inbox = Inbox(relay_app)
    await person(relay_app, "mia", "mentee")
    nora_id = await person(relay_app, "nora", "mentor")
    await Chat(relay_app, "mia")._send(Action(who("mia"), "req.send", str(nora_id)))
    await inbox.deliver()
    nora = Chat(relay_app, "nora")
    inbox.give_buttons(nora)
    await nora.press_label("Accept")  # her answer is her introduction, with its button
    [nora_intro] = [r.text for r in nora.last if "You are now *Mia*'s mentor" in r.text]
    assert [b.label for r in nora.last for b in r.buttons] == ["Write to Mia"]
    received = await inbox.deliver()
    mia_intro = next(t for t in received["mia"] if "agreed to be your mentor" in t)
    assert "talk through me" in mia_intro and "/msg" in nora_intro
    for text in [*received["mia"], *received["nora"]]:  # nothing any feature sent them
        assert "@mia" not in text and "@nora" not in text and "console" not in text
    nora, mia = Chat(relay_app, "nora"), Chat(relay_app, "mia")
    await nora.say("/mentors")
    assert "Your mentee: Mia" in nora.text and "/msg" in nora.text and "@mia" not in nora.text
    await mia.say("/mentors")
    assert "Your mentor: Nora" in mia.text and "@nora" not in mia.text


async def test_pair_writes_through_the_bot_and_replies_with_a_button(relay_app: App) -> None:
    inbox = Inbox(relay_app)
    await matched_pair(relay_app)
    await inbox.deliver()
    mia, nora = Chat(relay_app, "mia"), Chat(relay_app, "nora")
    await mia.say("/msg Hello Nora! Could we talk about my internship? 😊")
    assert "Sent to Nora" in mia.text
    received = await inbox.deliver()
    assert list(received) == ["nora"]
    assert "*Mia* writes:\nHello Nora! Could we talk about my internship? 😊" in received["nora"][0]
    inbox.give_buttons(nora)
    await nora.press_label("Reply")
    assert "What would you like to say to Mia?" in nora.text
    await nora.say("Of course, Tuesday after school works for me.")
    assert "Sent to Mia" in nora.text
    received = await inbox.deliver()
    assert "*Nora* writes:\nOf course, Tuesday after school works for me." in received["mia"][0]
    await mia.say("/msg")  # no text: the bot asks for it
    assert "What would you like to say to Nora?" in mia.text
    await mia.say("/cancel")
    await mia.say("/msg " + "x" * 2500)
    assert "too long" in mia.text and "2000" in mia.text
    assert await inbox.deliver() == {}


async def test_contact_details_are_held_until_a_coordinator_decides(relay_app: App) -> None:
    inbox = Inbox(relay_app)
    await person(relay_app, COORD, "mentor")
    await matched_pair(relay_app)
    await inbox.deliver()
    mia, coord = Chat(relay_app, "mia"), Chat(relay_app, COORD)
    await mia.say("/msg text me on 06 12 34 56 78 or mia.dupont@example.org")
    assert "kept this message for a coordinator" in mia.text
    assert "a phone number" in mia.text and "an e-mail address" in mia.text
    received = await inbox.deliver()
    assert "nora" not in received
    alert = received[COORD][0]
    assert "Message held for review" in alert and "06 12 34 56 78" in alert
    inbox.give_buttons(coord)
    await coord.press_label("Reject")
    assert "will not be delivered" in coord.text
    received = await inbox.deliver()
    assert "did not pass it on" in received["mia"][0] and "nora" not in received
    await coord.press_label("Reject")  # the same button again
    assert "already been reviewed" in coord.text

    await mia.say("/msg my school site is www.lycee-exemple.fr")
    await coord.say("/admin held")
    assert "Messages waiting for review" in coord.text and "a link" in coord.text
    await tap(coord, "Approve")
    assert "delivered to Nora" in coord.text
    received = await inbox.deliver()
    assert "www.lycee-exemple.fr" in received["nora"][0]
    assert "has been delivered" in received["mia"][0]
    await coord.say("/admin held")
    assert "No message is waiting" in coord.text


async def test_msg_outside_relay_mode_and_without_a_partner(safe_app: App) -> None:
    await person(safe_app, "mia", "mentee")
    mia = Chat(safe_app, "mia")
    await mia.say("/msg hello")
    assert "you write to each other directly" in mia.text


async def test_no_partner_paused_pair_and_forged_buttons(relay_app: App) -> None:
    await person(relay_app, "leo", "mentee")
    leo = Chat(relay_app, "leo")
    await leo.say("/msg hello")
    assert "no mentoring relationship to write to" in leo.text
    mentee_id, _ = await matched_pair(relay_app)
    match_id = await match_id_of(relay_app, mentee_id)
    for value in ["", "abc", "-1", "9" * 40, "🙂", str(match_id), "x" * 150]:
        replies = await relay_app.bot.handle(Action(leo.address, "relay.reply", value))
        assert replies and "no longer valid" in replies[0].text  # not Leo's relationship
        replies = await relay_app.bot.handle(Action(leo.address, "relay.to", value))
        assert replies and "no longer valid" in replies[0].text
    async with relay_app.db.transaction() as tx:
        await tx.execute("UPDATE matches SET status = 'paused' WHERE id = ?", (match_id,))
    mia = Chat(relay_app, "mia")
    await mia.say("/msg are you there?")
    assert "paused by the coordinators" in mia.text
    async with relay_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM relay_messages") == 0


async def test_a_mentor_with_two_mentees_chooses_who_a_message_is_for(relay_app: App) -> None:
    inbox = Inbox(relay_app)
    await matched_pair(relay_app, "mia", "nora")
    leo_id = await person(relay_app, "leo", "mentee")
    await relay_app.bot.handle(Action(Chat(relay_app, "leo").address, "req.send",
                                      str(await _id(relay_app, "nora"))))
    async with relay_app.db.read() as tx:
        request_id = await tx.value("SELECT id FROM requests WHERE mentee_id = ?", (leo_id,))
    nora = Chat(relay_app, "nora")
    await relay_app.bot.handle(Action(nora.address, "req.accept", str(request_id)))
    await inbox.deliver()
    await nora.say("/msg See you both on Thursday!")
    assert "Who is this message for?" in nora.text
    await tap(nora, "To Leo")
    assert "Sent to Leo" in nora.text
    received = await inbox.deliver()
    assert list(received) == ["leo"] and "See you both on Thursday!" in received["leo"][0]
    await nora.say("/msg @mia and see you on Friday")
    assert "Sent to Mia" in nora.text
    assert "and see you on Friday" in (await inbox.deliver())["mia"][0]


async def _id(app: App, handle: str) -> int:
    async with app.db.read() as tx:
        return await tx.value("SELECT id FROM people WHERE handle = ?", (handle,))


async def test_no_contact_details_before_the_match_either(relay_app: App) -> None:
    inbox = Inbox(relay_app)
    await person(relay_app, "mia", "mentee")
    nora_id = await person(relay_app, "nora", "mentor")
    mia, nora = Chat(relay_app, "mia"), Chat(relay_app, "nora")
    await relay_app.bot.handle(Action(mia.address, "req.new", str(nora_id)))
    await mia.say("Hi! Text me at +33 6 12 34 56 78")
    assert "please remove a phone number" in mia.text
    await mia.say("Hi! I'd love your help with my project.")  # the note is still awaited
    assert "on its way to Nora" in mia.text
    received = await inbox.deliver()
    assert "I'd love your help" in received["nora"][0] and "56 78" not in received["nora"][0]
    inbox.give_buttons(nora)
    await nora.press_label("Ask for more info")
    await nora.say("Sure, write to nora [at] example [dot] org")
    assert "please remove an e-mail address" in nora.text
    await nora.say("Which project is it?")
    received = await inbox.deliver()
    assert "Which project is it?" in received["mia"][0]
    assert "example" not in " ".join(received["mia"])
