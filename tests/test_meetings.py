"""Planning meetings: three times that suit both, picked, confirmed with an .ics, moved,
cancelled, reminded, and what happened afterwards — as the people involved see it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from adapters.console import Console
from bot.admin.export import collect
from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock, from_iso, to_iso
from bot.kernel.config import Config
from bot.kernel.domain_events import DomainEvent, Matched, MeetingConfirmed, MeetingHeld
from bot.kernel.events import Action, Reply
from tests.conftest import Chat, make_config
from tests.people_factory import add_person

# Monday 11 January 2027, 08:00 UTC: no clock change in the next weeks.
MONDAY = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
TUE_THU_11_13 = ((1, 660, 780), (3, 660, 780))
TUE_THU_16_20 = ((1, 960, 1200), (3, 960, 1200))


class Inbox:
    """Proactive messages as people receive them: the real dispatcher and console transport."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.out = io.StringIO()
        self.console = Console(app, out=self.out)
        self.replies: list[Reply] = []
        show = self.console.transport.show

        def recording_show(reply: Reply) -> None:
            self.replies.append(reply)
            show(reply)

        self.console.transport.show = recording_show  # type: ignore[method-assign]

    async def deliver(self) -> dict[str, list[Reply]]:
        """Everything that became due, per handle."""
        self.console.transport.new_turn()
        start = len(self.replies)
        await self.console.deliver_due()
        received: dict[str, list[Reply]] = {}
        for reply in self.replies[start:]:
            received.setdefault(reply.to.user_id, []).append(reply)
        return received

    def give_buttons(self, chat: Chat) -> None:
        chat.buttons = list(self.console.transport.latest_buttons[chat.address.user_id])


def texts(received: dict[str, list[Reply]], handle: str) -> str:
    return "\n".join(reply.text for reply in received.get(handle, []))


async def app_at(tmp_path: Path, moment: datetime, **meetings: Any) -> App:
    config: Config = make_config(tmp_path)
    for name, value in meetings.items():
        setattr(config.meetings, name, value)
    return await build_app(config, SimulatedClock(moment))


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path, MONDAY, video_link="https://meet.example/m-{meeting_id}")
    yield application
    await application.close()


def advance(app: App, delta: timedelta) -> None:
    clock = app.services.clock
    assert isinstance(clock, SimulatedClock)
    clock.advance(delta)


def advance_to(app: App, moment: datetime) -> None:
    advance(app, moment - app.services.clock.now())


async def match(app: App, mentee: int, mentor: int, months: int = 6) -> int:
    """A relationship as bot/mentoring/mentoring.py creates it, with its `matched` hook."""
    now = app.services.clock.now()
    async with app.db.transaction() as tx:
        match_id = await tx.insert(
            "INSERT INTO matches (programme_id, mentee_id, mentor_id, source, started_at,"
            " ends_at) VALUES (1, ?, ?, 'manual', ?, ?)",
            (mentee, mentor, to_iso(now), to_iso(now + timedelta(days=30 * months))))
        await app.services.hooks.emit(tx, app.services, Matched(
            match_id=match_id, mentee_id=mentee, mentor_id=mentor, source="manual"))

    return match_id


async def nora_and_mia(app: App) -> tuple[int, int, int]:
    """Nora mentors in Toronto (English), Mia is a mentee in Paris (French)."""
    nora = await add_person(app, "nora", "mentor", offered="project management",
                            languages=("en", "fr"), timezone="America/Toronto",
                            availability=TUE_THU_11_13, capacity=3)
    mia = await add_person(app, "mia", "mentee", sought="project management", language="fr",
                           languages=("fr", "en"), timezone="Europe/Paris",
                           availability=TUE_THU_16_20)
    return nora, mia, await match(app, mia, nora)


def hook_recorder(app: App, *kinds: type[DomainEvent]) -> list[DomainEvent]:
    """Every event of these kinds, in the order they were emitted."""
    seen: list[DomainEvent] = []

    async def record(tx: Any, services: Any, event: DomainEvent) -> None:
        seen.append(event)
    for kind in kinds:
        app.services.hooks.on(kind, record)
    return seen


def calendar_of(reply: Reply) -> Any:
    assert reply.file is not None and reply.file.filename.endswith(".ics")
    return Calendar.from_ical(reply.file.content)


def event_of(reply: Reply) -> Any:
    return calendar_of(reply).walk("VEVENT")[0]


async def rows(app: App, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    async with app.db.read() as tx:
        return [dict(r) for r in await tx.all(sql, params)]


async def confirmed_meeting(app: App) -> tuple[Inbox, Chat, Chat]:
    """Mia proposes, Nora picks the Thursday: the starting point of many stories."""
    inbox = Inbox(app)
    await inbox.deliver()
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/meet")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Thu 14 Jan")
    await inbox.deliver()
    return inbox, mia, nora


# --- proposing and picking -------------------------------------------------------------------

async def test_three_times_in_each_persons_zone_then_confirmed_with_an_invitation(
        app: App) -> None:
    seen = hook_recorder(app, MeetingConfirmed)
    nora_id, mia_id, match_id = await nora_and_mia(app)
    inbox = Inbox(app)
    first = await inbox.deliver()
    assert "Planifier une rencontre" in [b.label for r in first["mia"] for b in r.buttons]
    assert "Ready to plan your first meeting with *Mia*" in texts(first, "nora")

    mia = Chat(app, "mia")
    await mia.say("/meet")
    assert "J'ai proposé ces horaires à Nora" in mia.text
    for day in ("mardi 12 janvier 2027, 17\xa0h – 17\xa0h\xa045 (heure de Paris)",
                "jeudi 14 janvier 2027, 17\xa0h – 17\xa0h\xa045", "mardi 19 janvier 2027, 17\xa0h"):
        assert day in mia.text

    received = await inbox.deliver()
    assert "*Mia* would like to meet you (45 minutes)" in texts(received, "nora")
    assert "(shown in Toronto time)" in texts(received, "nora")
    nora = Chat(app, "nora")
    inbox.give_buttons(nora)
    assert [b.label for b in nora.buttons] == [
        "Tue 12 Jan, 11:00", "Thu 14 Jan, 11:00", "Tue 19 Jan, 11:00",
        "Propose another time", "I can't"]

    await nora.press_label("Thu 14 Jan")
    assert "Meeting confirmed with Mia: Thursday, January 14, 2027, 11:00–11:45 (Toronto time)" \
        in nora.text
    assert "https://meet.example/m-1" in nora.text
    event = event_of(nora.last[0])
    assert event["DTSTART"].dt == datetime(2027, 1, 14, 16, 0, tzinfo=UTC)
    assert event["DTEND"].dt == datetime(2027, 1, 14, 16, 45, tzinfo=UTC)
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert str(calendar_of(nora.last[0])["METHOD"]) == "REQUEST"
    assert str(event["SUMMARY"]) == "Mentoring: Mia (Programme Test)"
    assert str(event["LOCATION"]) == "https://meet.example/m-1"

    received = await inbox.deliver()
    [to_mia] = received["mia"]
    assert "Rencontre confirmée avec Nora\xa0: jeudi 14 janvier 2027, 17\xa0h – 17\xa0h\xa045 " \
           "(heure de Paris)" in to_mia.text
    assert str(event_of(to_mia)["UID"]) == str(event["UID"])
    assert str(event_of(to_mia)["SUMMARY"]) == "Mentorat\xa0: Nora (Programme Test)"

    assert seen == [MeetingConfirmed(meeting_id=1, match_id=match_id,
                                     starts_at=datetime(2027, 1, 14, 16, tzinfo=UTC), number=1)]
    reminders = await rows(app, "SELECT idempotency_key, due_at, stale_at FROM outbox"
                                " WHERE kind = 'reminder' ORDER BY idempotency_key")
    assert [r["idempotency_key"] for r in reminders] == [
        f"meeting:1:seq0:p{nora_id}:remind:1h", f"meeting:1:seq0:p{nora_id}:remind:24h",
        f"meeting:1:seq0:p{mia_id}:remind:1h", f"meeting:1:seq0:p{mia_id}:remind:24h"]
    assert {r["stale_at"] for r in reminders} == {"2027-01-14T16:00:00+00:00"}
    await nora.press_label("Tue 12 Jan")  # the same message, pressed again
    assert "already been answered or replaced" in nora.text


async def test_another_time_in_free_text_then_accepted(app: App) -> None:
    await nora_and_mia(app)
    inbox = Inbox(app)
    await inbox.deliver()
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/meet")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Propose another time")
    assert "in your own time zone (Toronto time)" in nora.text
    await nora.say("friday 9am")
    assert "I've proposed Friday, January 15, 2027, 09:00–09:45 (Toronto time) to Mia" in nora.text
    received = await inbox.deliver()
    assert "*Nora* propose de se rencontrer le vendredi 15 janvier 2027, 15\xa0h – 15\xa0h\xa045 " \
           "(heure de Paris)" in texts(received, "mia")
    inbox.give_buttons(mia)
    assert [b.label for b in mia.buttons][:1] == ["Oui\xa0: ven. 15 janv., 15\xa0h"]
    await mia.press_label("Oui")
    assert "Rencontre confirmée avec Nora\xa0: vendredi 15 janvier 2027, 15\xa0h" in mia.text
    assert "Meeting confirmed with Mia: Friday, January 15, 2027, 09:00" in texts(
        await inbox.deliver(), "nora")


async def test_declining_tells_the_proposer_kindly(app: App) -> None:
    await nora_and_mia(app)
    inbox = Inbox(app)
    await inbox.deliver()
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/meet")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("I can't")
    assert "Noted, I've let them know" in nora.text
    received = await inbox.deliver()
    assert "Nora n'est disponible à aucun de ces horaires" in texts(received, "mia")
    inbox.give_buttons(mia)
    await mia.press_label("Planifier une rencontre")
    assert "J'ai proposé ces horaires à Nora" in mia.text
    assert [r["status"] for r in await rows(app, "SELECT status FROM meetings ORDER BY id")] \
        == ["declined", "proposed"]


async def test_taken_times_are_not_offered_and_cannot_be_picked(app: App) -> None:
    nora_id, _, _ = await nora_and_mia(app)
    leo = await add_person(app, "leo", "mentee", sought="project management",
                           timezone="Europe/London", availability=(
                               *TUE_THU_11_13, (1, 900, 1080), (3, 900, 1080)))
    await match(app, leo, nora_id)
    inbox, _mia, nora = await confirmed_meeting(app)  # Thursday 14th, 16:00 UTC
    leo_chat = Chat(app, "leo")
    await leo_chat.say("/meet")
    assert "Thursday, January 14, 2027, 16:00" not in leo_chat.text
    assert "Thursday, January 14, 2027, 16:45" in leo_chat.text  # right after, still free
    # An old proposal offering a time that has been taken since: refused when picked.
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE meeting_proposals SET slots = ? WHERE status = 'pending'",
                         ('["2027-01-14T16:15:00+00:00", "2027-01-14T16:15:00+00:00",'
                          ' "2027-01-14T16:15:00+00:00"]',))
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Thu 14 Jan")
    assert "just been taken by another meeting" in nora.text


async def test_no_common_time_asks_for_a_day_and_time(app: App) -> None:
    nora = await add_person(app, "nora", "mentor", timezone="America/Toronto",
                            availability=((0, 60, 120),), capacity=2)
    zoe = await add_person(app, "zoe", "mentee", timezone="Asia/Tokyo",
                           availability=((0, 60, 120),))
    await match(app, zoe, nora)
    chat = Chat(app, "zoe")
    await chat.say("/meet")
    assert "couldn't find a time in the next 14 days when you and Nora are both free" in \
        chat.text
    await chat.say("/meetings")
    assert "with Nora: no common time found yet" in chat.text
    await chat.say("/meet")
    await chat.say("2027-01-20 09:30")
    assert "I've proposed Wednesday, January 20, 2027, 09:30–10:15 (Tokyo time) to Nora" in \
        chat.text


# --- moving, cancelling ----------------------------------------------------------------------

async def test_moving_keeps_the_uid_bumps_the_sequence_and_moves_the_reminders(
        app: App) -> None:
    await nora_and_mia(app)
    inbox, mia, nora = await confirmed_meeting(app)
    first_uid = str(event_of(nora.last[0])["UID"])
    await mia.say("/meetings")
    assert "jeudi 14 janvier 2027, 17\xa0h – 17\xa0h\xa045 avec Nora" in mia.text
    await mia.press_label("Déplacer")
    assert "En attendant sa réponse, votre rencontre reste prévue" in mia.text
    received = await inbox.deliver()
    assert "*Mia* needs to move your meeting of Thursday, January 14" in texts(received, "nora")
    inbox.give_buttons(nora)
    assert "Thu 14 Jan, 11:00" not in [b.label for b in nora.buttons]  # its own time excluded
    await nora.press_label("Tue 19 Jan")
    assert "Meeting moved. With Mia: Tuesday, January 19, 2027, 11:00" in nora.text
    moved = event_of(nora.last[0])
    assert str(moved["UID"]) == first_uid and int(moved["SEQUENCE"]) == 1
    received = await inbox.deliver()
    assert "Nora a déplacé votre rencontre" in texts(received, "mia")
    assert int(event_of(received["mia"][0])["SEQUENCE"]) == 1
    reminders = await rows(app, "SELECT idempotency_key, status FROM outbox"
                                " WHERE kind = 'reminder'")
    assert {r["status"] for r in reminders if ":seq0:" in r["idempotency_key"]} == {"cancelled"}
    assert {r["status"] for r in reminders if ":seq1:" in r["idempotency_key"]} == {"pending"}


async def test_cancelling_sends_a_cancel_invitation_and_drops_every_reminder(app: App) -> None:
    await nora_and_mia(app)
    inbox, _mia, nora = await confirmed_meeting(app)
    uid = str(event_of(nora.last[0])["UID"])
    await nora.say("/meetings")
    await nora.press_label("Cancel Thu 14 Jan")
    assert "Cancel your meeting with Mia on Thursday, January 14" in nora.text
    await nora.press_label("Yes, cancel it")
    assert "is cancelled; I've told them" in nora.text
    cancel = calendar_of(nora.last[0])
    assert str(cancel["METHOD"]) == "CANCEL"
    event = cancel.walk("VEVENT")[0]
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CANCELLED"
    received = await inbox.deliver()
    assert "Nora a annulé votre rencontre du jeudi 14 janvier" in texts(received, "mia")
    assert str(calendar_of(received["mia"][0])["METHOD"]) == "CANCEL"
    pending = await rows(app, "SELECT idempotency_key FROM outbox WHERE status = 'pending'"
                              " AND idempotency_key LIKE 'meeting:%'")
    assert pending == []
    await nora.press_label("Yes, cancel it")
    assert "can't be changed any more" in nora.text
    advance(app, timedelta(days=4))
    assert "mia" not in await inbox.deliver()  # no reminder, no question afterwards


# --- reminders and afterwards ----------------------------------------------------------------

async def test_reminders_then_both_say_it_took_place(app: App) -> None:
    seen = hook_recorder(app, MeetingHeld)
    nora_id, mia_id, match_id = await nora_and_mia(app)
    inbox, mia, nora = await confirmed_meeting(app)
    advance_to(app, datetime(2027, 1, 13, 16, 1, tzinfo=UTC))
    received = await inbox.deliver()
    assert "⏰ Rappel\xa0: votre rencontre avec Nora a lieu demain\xa0: " \
           "jeudi 14 janvier 2027, 17\xa0h – 17\xa0h\xa045 (heure de Paris)." \
        in texts(received, "mia")
    assert "⏰ Reminder: your meeting with Mia is tomorrow: Thursday, January 14, 2027, " \
           "11:00–11:45 (Toronto time)." in texts(received, "nora")
    assert "https://meet.example/m-1" in texts(received, "nora")
    advance_to(app, datetime(2027, 1, 14, 15, 1, tzinfo=UTC))
    received = await inbox.deliver()
    assert "in 1 hour" in texts(received, "nora") and "dans 1 heure" in texts(received, "mia")
    assert await inbox.deliver() == {}  # each reminder once
    advance_to(app, datetime(2027, 1, 14, 17, 0, tzinfo=UTC))
    received = await inbox.deliver()
    assert "Comment s'est passée votre rencontre avec Nora" in texts(received, "mia")
    inbox.give_buttons(mia)
    await mia.press_label("Oui")
    assert "de 1 (peu) à 5 (beaucoup)" in mia.text
    await mia.press_label("5")
    await mia.say("On a fixé trois objectifs pour le trimestre.")
    assert "Merci" in mia.text
    assert seen == []  # Nora hasn't answered yet
    inbox.give_buttons(nora)
    await nora.press_label("Yes, it did")
    await nora.press_label("4")
    await nora.press_label("Nothing to add")
    assert seen == [MeetingHeld(meeting_id=1, match_id=match_id, mentee_id=mia_id,
                                mentor_id=nora_id, number=1)]
    answers = await rows(app, "SELECT person_id, took_place, usefulness, note FROM"
                              " meeting_participants ORDER BY person_id")
    assert answers == [
        {"person_id": nora_id, "took_place": 1, "usefulness": 4, "note": ""},
        {"person_id": mia_id, "took_place": 1, "usefulness": 5,
         "note": "On a fixé trois objectifs pour le trimestre."}]
    await mia.say("/meetings")
    assert "a eu lieu ✅" in mia.text


async def test_a_no_show_is_recorded_and_the_meeting_not_held(app: App) -> None:
    seen = hook_recorder(app, MeetingHeld)
    await nora_and_mia(app)
    inbox, mia, nora = await confirmed_meeting(app)
    advance_to(app, datetime(2027, 1, 14, 17, 0, tzinfo=UTC))
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("No")
    await nora.press_label("The other person didn't come")
    assert "Thank you, noted" in nora.text
    inbox.give_buttons(mia)
    await mia.press_label("Oui")  # one side says yes, the other no: disputed, not held
    meeting = (await rows(app, "SELECT status FROM meetings"))[0]
    assert meeting["status"] == "disputed" and seen == []
    assert (await rows(app, "SELECT absence FROM meeting_participants WHERE took_place = 0")
            ) == [{"absence": "other"}]


async def test_one_answer_is_enough_once_three_days_have_passed(app: App) -> None:
    seen = hook_recorder(app, MeetingHeld)
    await nora_and_mia(app)
    inbox, mia, _ = await confirmed_meeting(app)
    advance_to(app, datetime(2027, 1, 14, 17, 0, tzinfo=UTC))
    await inbox.deliver()
    inbox.give_buttons(mia)
    await mia.press_label("Oui")
    assert seen == []
    advance(app, timedelta(days=3))
    await inbox.deliver()
    assert [type(event) for event in seen] == [MeetingHeld]



# --- circles ---------------------------------------------------------------------------------

async def test_a_mentor_plans_one_meeting_for_the_whole_circle(app: App) -> None:
    nora_id, _mia_id, _ = await nora_and_mia(app)
    leo = await add_person(app, "leo", "mentee", timezone="Europe/London",
                           availability=TUE_THU_16_20)
    await match(app, leo, nora_id)
    inbox = Inbox(app)
    await inbox.deliver()
    nora = Chat(app, "nora")
    await nora.say("/meet")
    assert [b.label for b in nora.buttons] == ["With Mia", "With Leo",
                                               "All my mentees together (2)"]
    await nora.press_label("All my mentees")
    assert "whole circle is free" in nora.text
    await nora.press_label("Thu 14 Jan")
    assert "Meeting confirmed with Mia and Leo" in nora.text
    assert len(event_of(nora.last[0]).get("ATTENDEE")) == 3
    received = await inbox.deliver()
    assert "Rencontre confirmée avec Nora et Leo" in texts(received, "mia")
    assert "Meeting confirmed with Nora and Mia" in texts(received, "leo")
    leo_chat = Chat(app, "leo")
    await leo_chat.say("/meetings")
    assert [b.label for b in leo_chat.buttons] == ["Can't come Thu 14 Jan, 16:00"]
    await leo_chat.press_label("Can't come")
    assert "I've told your mentor" in leo_chat.text
    assert "Leo can't come to the circle meeting" in texts(await inbox.deliver(), "nora")
    leo_rows = await rows(app, "SELECT status FROM outbox WHERE idempotency_key LIKE ?",
                          (f"meeting:1:seq0:p{leo}:remind%",))
    assert {r["status"] for r in leo_rows} == {"cancelled"}
    await leo_chat.press_label("Can't come")
    moved = await app.bot.handle(Action(leo_chat.address, "mtg.move", "1"))
    assert "Only the mentor who organised" in moved[0].text
    await nora.say("/meetings")
    await nora.press_label("Move")
    assert "whole circle is free" in nora.text
    assert "Thu 14 Jan, 11:00" not in [b.label for b in nora.buttons]
    await nora.press_label("Tue 19 Jan")
    assert "Meeting moved. With Mia and Leo" in nora.text  # Leo may make the new time
    assert "Nora moved your meeting" in texts(await inbox.deliver(), "leo")


# --- what people type and press --------------------------------------------------------------

async def test_typed_times_that_cannot_be_used_are_explained(app: App) -> None:
    nora_id, _, _ = await nora_and_mia(app)
    leo = await add_person(app, "leo", "mentee", timezone="Europe/London",
                           availability=TUE_THU_16_20)
    await match(app, leo, nora_id)
    inbox, mia, nora = await confirmed_meeting(app)
    await Chat(app, "leo").say("/meet")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Tue 19 Jan")  # Leo's meeting: Tuesday 19th, 11:00-11:45
    await mia.say("/meetings")
    await mia.press_label("Déplacer")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Propose another time")
    cases = {
        "February 31 2pm": "is not a date that exists",
        "2026-03-01 10:00": "has already passed",
        "in 10 minutes": "a bit too soon",
        "January 19 11:15am": "already have a meeting then",  # Leo's meeting
        "next blursday at noon": "I didn't understand",
        "🙂" * 50: "I didn't understand",
        "x" * 300: "too long",
        "\x07\x1b[31m tomorrow": "At what time, “tomorrow”?",
    }
    for typed, expected in cases.items():
        await nora.say(typed)
        assert expected in nora.text, (typed, nora.text)
        assert "/cancel" in nora.text or "too soon" in nora.text or "already have" in nora.text
    await nora.say("2027-03-14 02:30")  # the clocks jump from 2:00 to 3:00 that night
    assert "the clocks change" in nora.text
    assert [b.label for b in nora.buttons] == ["01:30 (UTC-05:00)", "03:30 (UTC-04:00)"]
    await nora.press_label("03:30")
    assert "I've proposed Sunday, March 14, 2027, 03:30–04:15 (Toronto time) to Mia" in nora.text
    received = await inbox.deliver()
    assert "dimanche 14 mars 2027, 8\xa0h\xa030 – 9\xa0h\xa015 (heure de Paris)" \
        in texts(received, "mia")
    inbox.give_buttons(mia)
    await mia.press_label("Proposer un autre horaire")
    await mia.say("31 février 14h")
    assert "«\xa031 février\xa0» n'est pas une date qui existe" in mia.text
    await mia.say("mardi 14 janvier 10h")
    assert "cette date tombe un jeudi" in mia.text
    await mia.say("/cancel")
    await mia.say("hello")
    assert "/help" in mia.text  # the conversation is over


async def test_forged_and_foreign_buttons_change_nothing(app: App) -> None:
    nora_id, _, _ = await nora_and_mia(app)
    await add_person(app, "eve", "mentee", timezone="Europe/Paris")
    _inbox, _mia, nora = await confirmed_meeting(app)
    eve = Chat(app, "eve")
    before = await rows(app, "SELECT * FROM meetings")
    async with app.db.read() as tx:
        proposal = await tx.value("SELECT max(id) FROM meeting_proposals")
    forged = [("mtg.pick", f"{proposal}:0"), ("mtg.pick", f"{proposal}:99"),
              ("mtg.pick", "abc"), ("mtg.pick", "99999999999999999999:0"),
              ("mtg.other", "-1"), ("mtg.at", f"{proposal}:99999999999999"),
              ("mtg.decline", str(proposal)), ("mtg.move", "1"), ("mtg.cancel_yes", "1"),
              ("mtg.absent", "1"), ("mtg.meet", "1"), ("mtg.meet", "group"),
              ("att.yes", "1:0"), ("att.why", "1:me"), ("att.rate", "1:5"),
              ("chk.answer", "1:fine"), ("end.choice", "1:extend"), ("survey.rate", "1:5"),
              ("survey.rec", "1:yes"), ("mtg.pick", "1:0; DROP TABLE meetings")]
    for action_id, value in forged:
        replies = await app.bot.handle(Action(eve.address, action_id, value))
        assert replies and "went wrong" not in replies[0].text, (action_id, value)
    replies = await app.bot.handle(Action(nora.address, "att.yes", "1:0"))
    assert "hasn't happened yet" in replies[0].text  # her own meeting, but still ahead
    replies = await app.bot.handle(Action(nora.address, "mtg.pick", f"{proposal}:0"))
    assert "already been answered" in replies[0].text
    assert await rows(app, "SELECT * FROM meetings") == before
    assert nora_id  # unchanged relationship, nothing else


async def test_meet_without_a_relationship_and_by_name(app: App) -> None:
    nora_id, _, _ = await nora_and_mia(app)
    await add_person(app, "solo", "mentee", timezone="Europe/Paris")
    solo = Chat(app, "solo")
    await solo.say("/meet")
    assert "don't have a mentoring relationship yet" in solo.text
    leo = await add_person(app, "leo", "mentee", timezone="Europe/London",
                           availability=TUE_THU_16_20)
    await match(app, leo, nora_id)
    nora = Chat(app, "nora")
    await nora.say("/meet @Leo")
    assert "I've offered Leo these times" in nora.text
    await nora.say("/meet someone else")
    assert "Who would you like to meet?" in nora.text


async def test_export_has_meetings_and_participants(app: App) -> None:
    await nora_and_mia(app)
    await confirmed_meeting(app)
    data = await collect(app.db)
    [meeting] = data["meetings"]
    assert meeting["status"] == "confirmed" and meeting["programme"] == "main"
    assert meeting["starts_at"] == "2027-01-14T16:00:00+00:00" and meeting["match_ids"] == [1]
    assert len(data["meeting_participants"]) == 2
    for table in ("checkins", "relationship_health", "relationship_surveys",
                  "relationship_decisions"):
        assert table in data
    assert from_iso(meeting["confirmed_at"]) >= MONDAY


def test_who_decides_whether_a_meeting_took_place() -> None:
    from bot.meetings.attendance import Answer, outcome

    def decide(*answers: tuple[int, int | None, str | None], group: bool = False) -> str | None:
        return outcome([Answer(*a) for a in answers], is_group=group, organiser_id=1)

    assert decide((1, 1, None), (2, None, None)) == "held"           # one yes is enough
    assert decide((1, 1, None), (2, 0, "other")) == "disputed"       # unless someone says no
    assert decide((1, None, None), (2, 0, "other")) == "not_held"    # a no alone
    assert decide((1, None, None), (2, None, None)) is None          # nobody said anything
    assert decide((1, 1, None), (2, 0, "me"), (3, 1, None), group=True) == "held"  # absent
    assert decide((1, 0, "other"), (2, 1, None), group=True) == "disputed"  # the mentor
    assert decide((1, 1, None), (3, 0, "cancelled"), group=True) == "disputed"
    assert decide((1, 0, "cancelled"), (2, 0, "me"), group=True) == "not_held"
