"""The right messages, at the right pace (issue 13): a new pair tried in French and English
as new users would — at most one unsolicited message a local day, at most three lessons a
week, no card that no longer fits the stage, every relationship message naming the
relationship; "it's not working" stops the prompts and tells the coordinators; conflicting
answers about a meeting alert them once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.admin import figures
from bot.kernel.app import App
from bot.kernel.clock import from_iso
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_meetings import TUE_THU_11_13, TUE_THU_16_20, match
from tests.test_training_support import (
    Delivered,
    Inbox,
    for_person,
    lesson_cards,
    lesson_of,
    next_day_at,
    rows,
    set_clock,
    value,
)

PARIS, TORONTO, LONDON, MONTREAL = ("Europe/Paris", "America/Toronto", "Europe/London",
                                    "America/Montreal")
MENTEE_FR = [
    "@amelie /start", "#2", "#1", "#1", "gestion de projet, prise de parole",
    "Je veux devenir cheffe de projet d'ici un an.", "français, anglais", "Europe/Paris",
    "mardi 17h-19h, jeudi 17h-19h", "#2", "/skip",
]
MENTOR_EN = [
    "@bob /start", "#1", "#1", "#2", "project management, public speaking, python",
    "I have led software projects for fifteen years and enjoy coaching new leads.",
    "English, French", "America/Toronto", "Tue 11am-1pm, Thu 11am-1pm", "#4", "Engineering",
    "3",
]
ONBOARDING_LESSONS = {"how-mentoring-works", "being-a-mentee", "mentor-role"}
QUIET_START, QUIET_END = 21, 8


async def unsolicited(app: App, person_id: int) -> list[tuple[datetime, bool]]:
    """What the bot sent this person unasked (lessons, prompts, check-ins, surveys): when,
    and whether it was a lesson card."""
    found = await rows(app, "SELECT o.sent_at, n.lesson_id FROM outbox o LEFT JOIN nudges n"
                            " ON n.idempotency_key = o.idempotency_key WHERE o.person_id = ?"
                            " AND o.status = 'sent' AND o.kind IN ('nudge', 'checkin', 'survey')"
                            " ORDER BY o.sent_at", (person_id,))
    return [(from_iso(r["sent_at"]), r["lesson_id"] is not None) for r in found]


def local_days(sent: list[tuple[datetime, bool]], zone: str) -> list[date]:
    return [at.astimezone(ZoneInfo(zone)).date() for at, _ in sent]


def most_lessons_in_a_week(sent: list[tuple[datetime, bool]], zone: str) -> int:
    """The largest number of lesson cards in any 7 consecutive local days."""
    days = [at.astimezone(ZoneInfo(zone)).date() for at, lesson in sent if lesson]
    return max((sum(1 for d in days if first <= d < first + timedelta(days=7)) for first in days),
               default=0)


def quiet(delivered: Delivered, zone: str) -> bool:
    hour = delivered.local(zone).hour
    return hour >= QUIET_START or hour < QUIET_END


async def person_id(app: App, handle: str) -> int:
    return await value(app, "SELECT id FROM people WHERE handle = ?", (handle,))


async def coordinator(app: App) -> Chat:
    """The programme's coordinator (console:local:coord in the test config) says hello once,
    so that the bot knows where to reach them."""
    coord = Chat(app, "coord")
    await coord.say("hello")
    return coord


# --- 1. a new pair over three weeks --------------------------------------------------------


async def test_a_new_pair_over_three_weeks_gets_a_gentle_pace_and_cards_that_fit(
        app: App) -> None:
    set_clock(app, next_day_at(app, 14))  # 15:00 in Paris, 9:00 in Toronto
    inbox = Inbox(app)
    got = await inbox.feed(*MENTEE_FR, *MENTOR_EN)
    amelie, bob = Chat(app, "amelie"), Chat(app, "bob")
    await amelie.say("/find")
    await amelie.press_label("Bob")
    await amelie.press(1)  # no message
    got += await inbox.deliver()
    inbox.press(bob, [d for d in for_person(got, "bob") if "mentor" in d.text][-1])
    await bob.press_label("Accept")
    matched_at = app.services.clock.now()
    got += await inbox.run_for(timedelta(days=2))
    await amelie.say("/meet")
    got += await inbox.deliver()
    inbox.press(bob, [d for d in for_person(got, "bob") if "would like to meet" in d.text][-1])
    await bob.press(1)  # the first time offered: Tuesday 19 January, 11:00 in Toronto
    assert "Meeting confirmed with Amelie" in bob.text
    [meeting] = await rows(app, "SELECT starts_at FROM meetings")
    meeting_start = from_iso(meeting["starts_at"])
    got += await inbox.run_until(meeting_start + timedelta(hours=1, minutes=30))
    for chat, yes, handle in ((amelie, "Oui", "amelie"), (bob, "Yes, it did", "bob")):
        inbox.press(chat, [d for d in for_person(got, handle) if "Did it take place" in d.text
                           or "A-t-elle eu lieu" in d.text][-1])
        await chat.press_label(yes)
        await chat.press_label("4")
    got += await inbox.run_until(matched_at + timedelta(weeks=3))

    for handle, zone, partner in (("amelie", PARIS, "Bob"), ("bob", TORONTO, "Amelie")):
        sent = await unsolicited(app, await person_id(app, handle))
        assert len(sent) >= 5, "lessons and prompts still come"
        days = local_days(sent, zone)
        assert [d for d, n in Counter(days).items() if n > 1] == [], \
            f"{handle}: two unsolicited messages on one day"
        assert most_lessons_in_a_week(sent, zone) <= 3
        cards = lesson_cards(for_person(got, handle))
        assert not any(quiet(card, zone) for card in cards)
        # Nothing written for before a match once matched, nor before a first meeting after it.
        assert not [c for c in cards if lesson_of(c) == "mentor-role" and c.at > matched_at]
        first_meeting = [c for c in cards if lesson_of(c).startswith("first-meeting")]
        assert len(first_meeting) == 1 and first_meeting[0].at < meeting_start  # room kept
        # Every card about the relationship names it.
        about_pair = [c for c in cards if c.at > matched_at
                      and lesson_of(c) not in ONBOARDING_LESSONS]
        assert about_pair and all(f"*{partner}*" in c.text for c in about_pair)
    french = [c.text for c in lesson_cards(for_person(got, "amelie")) if c.at > matched_at
              and lesson_of(c) not in ONBOARDING_LESSONS]
    assert "Pour votre mentorat avec *Bob*" in french[0]
    english = [c.text for c in lesson_cards(for_person(got, "bob")) if c.at > matched_at]
    assert "For your mentoring with *Amelie*" in english[0]


# --- 2. one unsolicited message a day, whatever its source ------------------------------------


@pytest.mark.parametrize("lang, ask, not_met", [
    ("en", "How is it going with *{name}*?", "you haven't had a first meeting yet"),
    ("fr", "Comment ça se passe avec *{name}*", "aucune rencontre n'a encore eu lieu"),
])
async def test_a_mentor_with_two_mentees_gets_one_check_in_a_day_never_at_night(
        app: App, lang: str, ask: str, not_met: str) -> None:
    nora = await add_person(app, "nora", "mentor", language=lang, timezone=TORONTO,
                            languages=("en", "fr"), availability=TUE_THU_11_13, capacity=3)
    mia = await add_person(app, "mia", "mentee", language="fr", timezone=PARIS,
                           languages=("fr", "en"), availability=TUE_THU_16_20)
    leo = await add_person(app, "leo", "mentee", timezone=LONDON, availability=TUE_THU_16_20)
    await match(app, mia, nora)
    await match(app, leo, nora)
    inbox = Inbox(app)
    # Matched at 4:00 in Toronto: three weeks later, still night there.
    got = await inbox.run_for(timedelta(weeks=3, days=2))
    asks = [d for d in for_person(got, "nora") if d.text.startswith(ask.format(name="Mia"))
            or d.text.startswith(ask.format(name="Leo"))]
    assert len(asks) == 2
    assert {"*Mia*" in asks[0].text, "*Mia*" in asks[1].text} == {True, False}
    assert asks[0].local(TORONTO).date() != asks[1].local(TORONTO).date()
    assert not any(quiet(d, TORONTO) for d in asks)
    assert all(not_met in d.text for d in asks)  # never "since your last meeting"
    sent = await unsolicited(app, nora)
    assert [d for d, n in Counter(local_days(sent, TORONTO)).items() if n > 1] == []


# --- 3. cards that no longer fit are not sent -------------------------------------------------


@pytest.mark.parametrize("lang, cancelled_by", [("en", "nora"), ("fr", "mia")])
async def test_a_cancelled_first_meeting_brings_no_first_meeting_card(
        app: App, lang: str, cancelled_by: str) -> None:
    set_clock(app, datetime(2027, 1, 11, 14, 0, tzinfo=UTC))
    nora = await add_person(app, "nora", "mentor", language=lang, timezone=TORONTO,
                            languages=("en", "fr"), availability=TUE_THU_11_13, capacity=3)
    mia = await add_person(app, "mia", "mentee", language="fr", timezone=PARIS,
                           languages=("fr", "en"), availability=TUE_THU_16_20)
    await match(app, mia, nora)
    inbox = Inbox(app)
    await inbox.deliver()
    mia_chat, nora_chat = Chat(app, "mia"), Chat(app, "nora")
    await mia_chat.say("/meet")
    got = await inbox.deliver()
    inbox.press(nora_chat, [d for d in for_person(got, "nora") if d.reply.buttons][-1])
    await nora_chat.press(3)  # Tuesday 19 January: far enough for a card two days before
    planned = await value(app, "SELECT count(*) FROM nudges WHERE lesson_id LIKE 'first-meeting%'")
    assert planned == 2
    chat = {"nora": nora_chat, "mia": mia_chat}[cancelled_by]
    await chat.say("/meetings")
    await chat.press(2)  # Cancel
    await chat.press(1)  # Yes, cancel it
    got = await inbox.run_for(timedelta(days=9))
    cards = [lesson_of(c) for c in lesson_cards(got)]
    assert cards and not [c for c in cards if c.startswith("first-meeting")]


# --- 4. "it's not working" ---------------------------------------------------------------------


async def nora_mia_and_coordinator(app: App, nora_lang: str = "en"
                                   ) -> tuple[Inbox, Chat, int, int, int]:
    coord = await coordinator(app)
    nora = await add_person(app, "nora", "mentor", language=nora_lang, timezone=TORONTO,
                            languages=("en", "fr"), availability=TUE_THU_11_13, capacity=3)
    mia = await add_person(app, "mia", "mentee", language="fr", timezone=PARIS,
                           languages=("fr", "en"), availability=TUE_THU_16_20)
    match_id = await match(app, mia, nora)
    inbox = Inbox(app)
    await inbox.deliver()
    return inbox, coord, nora, mia, match_id


def prompts_about_the_pair(got: list[Delivered]) -> list[Delivered]:
    words = ("How is it going", "Comment ça se passe", "gentle reminder", "Petit rappel",
             "still on", "toujours d'actualité", "When things go quiet",
             "Quand le binôme s'essouffle")
    return [d for d in got if any(w in d.text for w in words)]


async def test_its_not_working_button_stops_the_prompts_and_alerts_the_coordinators(
        app: App) -> None:
    inbox, _, _, _, match_id = await nora_mia_and_coordinator(app)
    got = await inbox.run_for(timedelta(weeks=3, days=1))
    [ask] = [d for d in for_person(got, "nora") if "How is it going with *Mia*" in d.text]
    nora = Chat(app, "nora")
    inbox.press(nora, ask)
    await nora.press_label("It's not working")
    assert "your mentoring with *Mia*" in nora.text
    assert "coordinators" in nora.text and "won't send you more check-ins" in nora.text
    alerts = for_person(await inbox.deliver(), "coord")
    assert len(alerts) == 1
    assert "Nora" in alerts[0].text and "Mia" in alerts[0].text
    assert "isn't working" in alerts[0].text
    later = await inbox.run_for(timedelta(weeks=8))
    assert prompts_about_the_pair(later) == []
    assert for_person(later, "coord") == []
    await nora.press_label("It's not working")  # again: told, but no second alert
    assert "already" in nora.text
    assert for_person(await inbox.deliver(), "coord") == []
    [health] = await rows(app, "SELECT reason FROM relationship_health WHERE match_id = ?",
                          (match_id,))
    assert health["reason"] == "struggling"


@pytest.mark.parametrize("typed", ["ça ne marche pas", "Honnêtement, ça ne fonctionne pas."])
async def test_typing_ca_ne_marche_pas_after_a_check_in_does_the_same(
        app: App, typed: str) -> None:
    inbox, _, _, _, _ = await nora_mia_and_coordinator(app, nora_lang="fr")
    nora = Chat(app, "nora")
    await nora.say("le lien vidéo ne marche pas")  # out of the blue: not about the pair
    assert "coordination" not in nora.text
    got = await inbox.run_for(timedelta(weeks=3, days=1))
    assert for_person(got, "coord") == []
    assert [d for d in for_person(got, "nora") if "Comment ça se passe avec *Mia*" in d.text]
    await nora.say(typed)
    assert "votre mentorat avec *Mia*" in nora.text and "l'équipe de coordination" in nora.text
    [alert] = for_person(await inbox.deliver(), "coord")
    assert "Nora" in alert.text and "Mia" in alert.text
    assert prompts_about_the_pair(await inbox.run_for(timedelta(weeks=8))) == []


async def test_the_mentee_says_its_not_working_on_the_quiet_relationship_card(
        app: App) -> None:
    inbox, _, _, _, _ = await nora_mia_and_coordinator(app)
    got = await inbox.run_for(timedelta(weeks=6))  # Nora never answers her check-ins
    cards = [d for d in for_person(got, "mia") if "Quand le binôme s'essouffle" in d.text]
    assert len(cards) == 1 and "Pour votre mentorat avec *Nora*" in cards[0].text
    mia = Chat(app, "mia")
    inbox.press(mia, cards[0])
    await mia.press_label("Ça ne fonctionne pas")
    assert "votre mentorat avec *Nora*" in mia.text
    [alert] = for_person(await inbox.deliver(), "coord")
    assert "Mia" in alert.text and "Nora" in alert.text
    assert prompts_about_the_pair(await inbox.run_for(timedelta(weeks=8))) == []


# --- 5. conflicting answers about a meeting ---------------------------------------------------


@pytest.mark.parametrize("no_side", ["nora", "mia"])
async def test_conflicting_attendance_answers_alert_once_and_do_not_count_as_held(
        app: App, no_side: str) -> None:
    set_clock(app, datetime(2027, 1, 11, 14, 0, tzinfo=UTC))
    inbox, _, _, _, _ = await nora_mia_and_coordinator(app)
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/meet")
    got = await inbox.deliver()
    inbox.press(nora, [d for d in for_person(got, "nora") if d.reply.buttons][-1])
    await nora.press(1)
    [meeting] = await rows(app, "SELECT id, starts_at FROM meetings")
    got = await inbox.run_until(from_iso(meeting["starts_at"]) + timedelta(hours=1))
    for chat in (mia, nora):
        inbox.press(chat, [d for d in for_person(got, chat.address.user_id)
                           if "A-t-elle eu lieu" in d.text or "Did it take place" in d.text][-1])
    yes, no = (mia, nora) if no_side == "nora" else (nora, mia)
    await yes.press_label("Oui" if yes is mia else "Yes, it did")
    await no.press_label("Non" if no is mia else "No")
    await no.press_label("L'autre personne" if no is mia else "The other person didn't come")
    [status] = await rows(app, "SELECT status FROM meetings")
    assert status["status"] == "disputed"
    alerts = for_person(await inbox.deliver(), "coord")
    assert len(alerts) == 1
    assert "Nora" in alerts[0].text and "Mia" in alerts[0].text
    assert "disputed" in alerts[0].text
    # Pressing again, and the three days after which a meeting is settled: no second alert.
    await no.press_label("L'autre personne" if no is mia else "The other person didn't come")
    assert for_person(await inbox.run_for(timedelta(days=4)), "coord") == []
    async with app.db.read() as tx:
        seen = await figures.attendance(tx, 1, datetime(2027, 1, 1, tzinfo=UTC),
                                        datetime(2027, 3, 1, tzinfo=UTC))
    assert seen.held == 0
    await nora.say("/meetings")
    assert "disputed" in nora.text


async def test_no_check_in_once_the_end_question_was_asked(app: App) -> None:
    nora = await add_person(app, "nora", "mentor", timezone=TORONTO, languages=("en", "fr"),
                            availability=TUE_THU_11_13, capacity=3)
    mia = await add_person(app, "mia", "mentee", language="fr", timezone=PARIS,
                           languages=("fr", "en"), availability=TUE_THU_16_20)
    await match(app, mia, nora, months=1)  # ends in 30 days; quiet for 3 weeks by day 21
    got = await Inbox(app).run_for(timedelta(days=29))
    assert [d for d in for_person(got, "nora") if "ends on" in d.text]  # conclude or extend?
    assert prompts_about_the_pair(got) == []
