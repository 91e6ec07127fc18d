"""A mentee finds a mentor: suggestions with reasons, request, accept/decline, expiry, pause."""

from __future__ import annotations

import io
from datetime import timedelta

from adapters.console import Console
from bot.kernel.app import App
from bot.kernel.clock import SimulatedClock
from tests.conftest import Chat
from tests.people_factory import add_person


class Inbox:
    """What proactive messages reached whom, through the real dispatcher and console transport."""

    def __init__(self, app: App) -> None:
        self.out = io.StringIO()
        self.console = Console(app, out=self.out)

    async def deliver(self) -> dict[str, list[str]]:
        start = len(self.out.getvalue())
        await self.console.deliver_due()
        received: dict[str, list[str]] = {}
        for block in self.out.getvalue()[start:].split("→ @")[1:]:
            handle, _, text = block.partition(": ")
            received.setdefault(handle, []).append(text)
        return received

    def give_buttons(self, chat: Chat) -> None:
        chat.buttons = list(self.console.transport.latest_buttons[chat.address.user_id])


async def setup_programme(app: App) -> None:
    await add_person(app, "nora", "mentor", offered="project management, public speaking",
                     languages=("en", "fr"), seniority=4, department="Engineering", capacity=1)
    await add_person(app, "omar", "mentor", offered="project management, finance",
                     languages=("en",), seniority=5, department="Finance", capacity=2)
    await add_person(app, "paul", "mentor", offered="cooking, gardening", languages=("en",),
                     seniority=3, capacity=2)
    await add_person(app, "quinn", "mentor", offered="project management",
                     languages=("ja",), seniority=4, capacity=3)  # no shared language
    await add_person(app, "mia", "mentee", sought="project management, public speaking",
                     languages=("en",), seniority=2, department="Sales")


async def mia_has_asked_nora(app: App) -> tuple[Inbox, Chat, Chat]:
    """The programme, Mia's request to Nora sent and delivered: the start of many stories."""
    await setup_programme(app)
    inbox = Inbox(app)
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/find")
    await mia.press_label("Request Nora")
    await mia.press_label("Send without a message")
    await inbox.deliver()
    return inbox, mia, nora


async def test_find_request_accept_introduction(app: App) -> None:
    await setup_programme(app)
    inbox = Inbox(app)
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert "mentors who match you best" in mia.text
    cards = [r.text for r in mia.last if r.text.startswith("*")]
    assert cards and cards[0].startswith("*Nora*")  # both topics, English, more senior
    assert "2 shared topics" in cards[0] and "Project management" in cards[0]
    assert all("Quinn" not in card for card in cards)  # no shared language: never suggested
    await mia.press_label("Request Nora")
    assert "add a short message" in mia.text
    await mia.say("I'd love to learn how you run projects.")
    assert "on its way to Nora" in mia.text and "7 days" in mia.text

    received = await inbox.deliver()
    assert list(received) == ["nora"]
    assert "*Mia* would like you as their mentor" in received["nora"][0]
    assert "I'd love to learn how you run projects." in received["nora"][0]

    nora = Chat(app, "nora")
    inbox.give_buttons(nora)
    assert [b.label for b in nora.buttons] == ["Accept", "Decline", "Ask for more info"]
    await nora.press_label("Accept")  # her answer is the introduction, given once
    assert "You are now *Mia*'s mentor" in nora.text and "@mia" in nora.text
    received = await inbox.deliver()
    assert "*Nora* agreed to be your mentor" in received["mia"][0]
    assert "@nora" in received["mia"][0]
    assert not any("You are now" in text for text in received.get("nora", []))

    await mia.say("/find")
    assert "You already have a mentor: Nora" in mia.text
    await nora.press_label("Accept")  # the same button again
    assert "already been answered" in nora.text
    await mia.say("/mentors")
    assert "Your mentor: Nora" in mia.text


async def test_decline_offers_other_mentors_and_never_again(app: App) -> None:
    inbox, mia, nora = await mia_has_asked_nora(app)
    inbox.give_buttons(nora)
    await nora.press_label("Decline")
    assert "let Mia know kindly" in nora.text
    received = await inbox.deliver()
    assert "can't take a new mentee right now" in received["mia"][0]
    inbox.give_buttons(mia)
    await mia.press_label("See other mentors")
    names = [r.text.split("*")[1] for r in mia.last if r.text.startswith("*")]
    assert names and "Nora" not in names  # declined once: never suggested again


async def test_forged_and_foreign_buttons_are_refused(app: App) -> None:
    from bot.kernel.events import Action

    await setup_programme(app)
    inbox = Inbox(app)
    mia, omar = Chat(app, "mia"), Chat(app, "omar")
    await mia.say("/find")
    await mia.press_label("Request Nora")
    await mia.press_label("Send without a message")
    await inbox.deliver()
    async with app.db.read() as tx:
        request_id = await tx.value("SELECT id FROM requests")
    # Omar presses Nora's Accept button (a forged value for him).
    await app.bot.handle(Action(omar.address, "req.accept", str(request_id)))
    replies = await app.bot.handle(Action(omar.address, "req.accept", str(request_id)))
    assert "isn't meant for you" in replies[0].text
    for value in ["", "abc", "-1", "99999999999999999999", "1; DROP TABLE requests", "²", "１"]:
        replies = await app.bot.handle(Action(mia.address, "req.new", value))
        assert replies and "couldn't find that mentor" in replies[0].text
    replies = await app.bot.handle(Action(mia.address, "req.new", "4"))  # Quinn: no language
    assert "can't take this request" in replies[0].text
    async with app.db.read() as tx:
        assert await tx.value("SELECT status FROM requests WHERE id = ?", (request_id,)) == \
            "pending"
        assert await tx.value("SELECT count(*) FROM matches") == 0


async def test_expiry_reminds_then_reroutes(app: App) -> None:
    await setup_programme(app)
    clock = app.services.clock
    assert isinstance(clock, SimulatedClock)
    inbox = Inbox(app)
    mia = Chat(app, "mia")
    await mia.say("/find")
    await mia.press_label("Request Nora")
    await mia.press_label("Send without a message")
    assert list(await inbox.deliver()) == ["nora"]
    clock.advance(timedelta(days=3, hours=12))
    received = await inbox.deliver()
    assert "Reminder: *Mia* is waiting for your answer" in received["nora"][0]
    clock.advance(timedelta(days=3, hours=13))
    received = await inbox.deliver()
    assert "has expired" in received["nora"][0]
    assert "Nora didn't answer your request in time" in received["mia"][0]
    assert "*Omar*" in received["mia"][0]  # the next best mentor, one tap away
    inbox.give_buttons(mia)
    await mia.press_label("Request Omar")
    await mia.press_label("Send without a message")
    assert "on its way to Omar" in mia.text
    assert await inbox.deliver()  # delivered once...
    clock.advance(timedelta(hours=1))
    assert await inbox.deliver() == {}  # ...and never again


async def test_pause_closes_pending_requests_and_hides_mentor(app: App) -> None:
    inbox, mia, nora = await mia_has_asked_nora(app)
    await nora.say("/pause")
    assert "You are on pause" in nora.text and "closed 1 pending" in nora.text
    received = await inbox.deliver()
    assert "paused mentoring" in received["mia"][0]
    await mia.say("/find")
    assert all("*Nora*" not in r.text for r in mia.last)
    await nora.say("/resume")
    assert "Welcome back" in nora.text
    await mia.say("/find")
    assert any(r.text.startswith("*Nora*") for r in mia.last)
    await mia.say("/pause")
    assert "Pausing is for mentors" in mia.text


async def test_a_second_question_reaches_the_mentee_too(app: App) -> None:
    # Each note of a request is keyed by its rank among the earlier ones: a second question
    # counted wrong would reuse the first one's key and never be delivered.
    inbox, _mia, nora = await mia_has_asked_nora(app)
    for question in ("Which project are you working on?", "And which tools do you use?"):
        inbox.give_buttons(nora)
        await nora.press_label("Ask for more info")
        await nora.say(question)
        assert "question is on its way to Mia" in nora.text
        received = await inbox.deliver()
        assert question in received["mia"][0]


async def test_mentor_asks_for_more_info_and_gets_the_answer(app: App) -> None:
    inbox, mia, nora = await mia_has_asked_nora(app)
    inbox.give_buttons(nora)
    await nora.press_label("Ask for more info")
    assert "What would you like to ask Mia" in nora.text
    await nora.say("x" * 600)
    assert "Your message is 600 characters long, and I can pass on 500 at most" in nora.text
    await nora.say("Which project are you working on?")
    assert "question is on its way to Mia" in nora.text
    received = await inbox.deliver()
    assert "Nora would like to know more" in received["mia"][0]
    assert "Which project are you working on?" in received["mia"][0]
    inbox.give_buttons(mia)
    await mia.press_label("Answer")
    await mia.say("A CRM migration for our sales team.")
    assert "answer is on its way to Nora" in mia.text
    received = await inbox.deliver()
    assert "Mia answered your question" in received["nora"][0]
    inbox.give_buttons(nora)
    await nora.press_label("Accept")  # the answer comes with the request's buttons again
    assert "You are now *Mia*'s mentor" in nora.text
