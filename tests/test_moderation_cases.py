"""Issue 13, moderation as a case: a warning is previewed exactly as the person will read it,
in their language, and can be edited or cancelled before anything is sent; after a warning
the report stays open with the coordinators' notes until someone closes it."""

from __future__ import annotations

from bot.kernel.app import App
from bot.kernel.events import Action
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import COORD, OTTO, Inbox, person, tap

safe_app = fixtures.safe_app
REFUSED = ("for the programme's coordinators", "réservée à l'équipe de coordination")


async def reported_pair(app: App) -> Inbox:
    """Mia (English) is matched with Nora (French) and reports her; the alert is delivered."""
    inbox = Inbox(app)
    await person(app, COORD, "mentor")
    await person(app, OTTO, "mentor", programme="other")
    await person(app, "mia", "mentee")
    nora_id = await person(app, "nora", "mentor", language="fr")
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia._send(Action(mia.address, "req.send", str(nora_id)))
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Accepter")
    await mia.say("/report")
    await mia.press_label("My relationship with Nora")
    await mia.say("She keeps asking for my address.")
    await inbox.deliver()
    return inbox


async def test_warning_previewed_in_their_language_edited_sent_case_stays_open(
        safe_app: App) -> None:
    inbox = await reported_pair(safe_app)
    coord = Chat(safe_app, COORD)
    await coord.say("/admin reports")
    await tap(coord, "Warn")
    assert coord.text.startswith("*Preview* — what Nora will receive, in French:")
    assert ("⚠️ *Un message de l'équipe de coordination de Programme Test*\n\nUne personne"
            " participante s'est inquiétée de votre comportement") in coord.text
    assert [b.label for b in coord.buttons] == ["Send to Nora", "Edit the text", "Cancel"]
    assert "nora" not in await inbox.deliver()                # a preview sends nothing

    await tap(coord, "Edit the text")
    assert "Write the text Nora will receive, in French" in coord.text
    await coord.say("Bonjour Nora, gardez vos échanges dans le cadre du programme, merci.")
    assert "*Preview* — what Nora will receive, in French:" in coord.text
    assert "Bonjour Nora, gardez vos échanges" in coord.text
    assert "s'est inquiétée" not in coord.text               # the words were replaced
    send = next(b for b in coord.buttons if b.label == "Send to Nora")
    await tap(coord, "Send to Nora")
    assert "Warning sent to Nora. Report #1 stays open" in coord.text
    received = await inbox.deliver()
    assert received["nora"] == [
        "⚠️ *Un message de l'équipe de coordination de Programme Test*\n\n"
        "Bonjour Nora, gardez vos échanges dans le cadre du programme, merci.\n"]
    assert "mia" not in received                             # not told "reviewed": still open
    [again] = await safe_app.bot.handle(Action(coord.address, send.action_id, send.value))
    assert "already been sent or cancelled" in again.text   # the same button again
    assert "nora" not in await inbox.deliver()

    await coord.say("/admin note 1 Called Nora: she apologised and will stick to the chat.")
    assert "Note added to report #1." in coord.text
    await coord.say("/admin reports")
    assert "*#1*" in coord.text and "*Notes*" in coord.text
    assert "warning sent: “Bonjour Nora, gardez" in coord.text
    assert "Coord: Called Nora: she apologised" in coord.text
    await tap(coord, "Close the case")
    assert "Report #1 is closed" in coord.text
    received = await inbox.deliver()
    assert "has looked at your report" in received["mia"][0]
    await coord.say("/admin reports")
    assert "No report is waiting" in coord.text
    await coord.say("/admin case 1")                          # a closed case is still readable
    assert "closed" in coord.text and "Called Nora" in coord.text and coord.buttons


async def test_a_cancelled_warning_sends_nothing(safe_app: App) -> None:
    inbox = await reported_pair(safe_app)
    coord = Chat(safe_app, COORD)
    await coord.say("/admin reports")
    await tap(coord, "Warn")
    draft = next(b for b in coord.buttons if b.label == "Send to Nora")
    await tap(coord, "Cancel")
    assert "Cancelled: nothing was sent to Nora." in coord.text
    [reply] = await safe_app.bot.handle(Action(coord.address, draft.action_id, draft.value))
    assert "already been sent or cancelled" in reply.text
    assert "nora" not in await inbox.deliver()
    await coord.say("/admin reports")
    assert "*#1*" in coord.text                               # still waiting


async def test_case_buttons_and_notes_are_for_this_programmes_coordinators_only(
        safe_app: App) -> None:
    inbox = await reported_pair(safe_app)
    coord = Chat(safe_app, COORD)
    await coord.say("/admin reports")
    await tap(coord, "Warn")
    buttons = list(coord.buttons)
    for handle in ("mia", "nora", OTTO):
        chat = Chat(safe_app, handle)
        for button in buttons:
            [reply] = await safe_app.bot.handle(Action(chat.address, button.action_id,
                                                       button.value))
            assert any(words in reply.text for words in REFUSED), (handle, button.label)
        await chat.say("/admin note 1 sneaky")
        assert any(words in chat.text for words in (*REFUSED, "can't find that report"))
    for value in ("", "abc", "0", "99", "9" * 40, "１"):
        for action_id in ("mod.warn_send", "mod.warn_edit", "mod.warn_cancel", "mod.close"):
            [reply] = await safe_app.bot.handle(Action(coord.address, action_id, value))
            assert "can't find that report" in reply.text, (action_id, value)
    await coord.say("/admin note")
    assert "Write /admin note <report number> <your note>" in coord.text
    await coord.say("/admin note 1 " + "x" * 1500)
    assert "too long (1500 characters, at most 1000)" in coord.text
    await coord.say("/admin case 1")
    assert "sneaky" not in coord.text and "*Notes*" not in coord.text
    assert "nora" not in await inbox.deliver()
