"""Micro-training as people live it: lessons arrive at the right stage, at a decent local
hour, in their language; reading, finishing, liking and answering count once."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.kernel import people
from bot.kernel.app import App
from bot.kernel.clock import from_iso
from bot.kernel.domain_events import (
    Matched,
    MeetingConfirmed,
    MeetingHeld,
    Onboarded,
    RelationshipEnded,
    RelationshipQuiet,
)
from bot.kernel.events import Action, Command
from bot.kernel.outbox import Outgoing
from bot.training import nudges
from bot.training.lessons import NudgeRule
from bot.training.nudges import MAX_SNOOZES
from bot.training.training import load_content
from tests.conftest import Chat
from tests.fixtures_insight import meeting
from tests.fixtures_insight import pair as meeting_pair
from tests.people_factory import add_person
from tests.test_training_support import (
    Inbox,
    emit,
    for_person,
    lesson_cards,
    lesson_of,
    lessons_of,
    make_match,
    next_day_at,
    rows,
    set_clock,
    value,
)

PARIS, TORONTO, TOKYO = "Europe/Paris", "America/Toronto", "Asia/Tokyo"

MENTEE_FR = [
    "@amelie /start", "#2", "#1", "#1", "gestion de projet, prise de parole",
    "Je veux devenir cheffe de projet d'ici un an.", "français, anglais", "Europe/Paris",
    "mardi 17h-19h, jeudi 12h-13h", "#2", "/skip",
]
MENTOR_EN = [
    "@bob /start", "#1", "#1", "#2", "project management, public speaking, python",
    "I have led software projects for fifteen years and enjoy coaching new leads.",
    "English, French", "America/Toronto", "Tue 5-7pm, Thu noon-1pm", "#4", "Engineering", "3",
]


async def pair(app: App, mentee_tz: str = PARIS, mentor_tz: str = TORONTO,
               mentee_lang: str = "fr", mentor_lang: str = "en") -> tuple[int, int]:
    mentee = await add_person(app, "amelie", "mentee", language=mentee_lang,
                              sought="project management", languages=("fr", "en"),
                              timezone=mentee_tz)
    mentor = await add_person(app, "bob", "mentor", language=mentor_lang,
                              offered="project management", languages=("en", "fr"),
                              timezone=mentor_tz, capacity=2, seniority=4)
    return mentee, mentor


def nudges_of(delivered: list, handle: str) -> list:
    return lesson_cards(for_person(delivered, handle))


# --- real flows: onboarding, request, match ---------------------------------------------------


async def test_onboarding_brings_the_welcome_lesson_then_the_role_lesson(app: App) -> None:
    # Noon in UTC: early afternoon in Paris, but 7 or 8 in the morning in Toronto.
    set_clock(app, next_day_at(app, 12))
    inbox = Inbox(app)
    got = await inbox.feed(*MENTEE_FR, *MENTOR_EN)
    amelie = nudges_of(got, "amelie")
    assert [lesson_of(d) for d in amelie] == ["how-mentoring-works"]
    assert amelie[0].text.startswith(
        "📘 Une courte leçon pour vous\xa0: *Comment fonctionne le mentorat ici* (3 minutes")
    assert [b.label for b in amelie[0].reply.buttons] == ["Ouvrir", "Plus tard"]
    if app.services.clock.now().astimezone(ZoneInfo(TORONTO)).hour < 8:
        assert nudges_of(got, "bob") == []  # quiet hours in Toronto: it waits for 08:00
    later = await inbox.run_for(timedelta(days=2))
    bob = nudges_of(got + later, "bob")
    assert [lesson_of(d) for d in bob] == ["how-mentoring-works", "mentor-role"]
    assert bob[0].text.startswith("📘 A short lesson for you: *How mentoring works here*")
    assert [b.label for b in bob[0].reply.buttons] == ["Open", "Not now"]
    assert 8 <= bob[0].local(TORONTO).hour < 21
    amelie += nudges_of(later, "amelie")
    assert [lesson_of(d) for d in amelie] == ["how-mentoring-works", "being-a-mentee"]
    # The day after, at the preferred hour of each one's own time zone.
    assert bob[1].local(TORONTO).hour == 10 and amelie[1].local(PARIS).hour == 10
    assert bob[1].local(TORONTO).date() > bob[0].local(TORONTO).date()
    assert "Tirer le meilleur parti de votre mentorat" in amelie[1].text
    assert await value(app, "SELECT sum(points) FROM points_ledger WHERE reason = 'onboarded'") \
        == 20


async def test_request_and_acceptance_earn_points_and_bring_match_lessons(app: App) -> None:
    set_clock(app, next_day_at(app, 14))  # 15-16h in Paris, 9-10h in Toronto
    mentee_id, mentor_id = await pair(app)
    inbox = Inbox(app)
    amelie, bob = Chat(app, "amelie"), Chat(app, "bob")
    await amelie.say("/find")
    await amelie.press_label("Bob")
    await amelie.press(1)  # send without a message
    request = for_person(await inbox.deliver(), "bob")[0]
    inbox.press(bob, request)
    await bob.press(1)  # accept
    assert await rows(app, "SELECT person_id, reason, points FROM points_ledger ORDER BY id") == [
        {"person_id": mentee_id, "reason": "request_sent", "points": 5},
        {"person_id": mentor_id, "reason": "request_accepted", "points": 10},
    ]
    # Until a first meeting, ordinary lessons leave one place a week for the card that
    # prepares it (bot/kernel/delivery.py): the third waits for the seven days after the first.
    got = await inbox.deliver() + await inbox.run_for(timedelta(days=8))
    assert lessons_of(got, "bob") == ["mentor-checklist", "confidentiality-boundaries",
                                      "cultures-time-zones"]
    assert lessons_of(got, "amelie") == ["smart-goals", "confidentiality-boundaries",
                                         "cultures-time-zones"]
    amelie_cards = nudges_of(got, "amelie")
    assert "*Des objectifs qui font vraiment avancer (SMART)*" in amelie_cards[0].text
    assert "*Confidentiality and boundaries*" in nudges_of(got, "bob")[1].text
    for person, zone in (("amelie", PARIS), ("bob", TORONTO)):
        cards = nudges_of(got, person)
        days = [d.local(zone).date() for d in cards]
        assert len(days) == len(set(days)), "at most one nudge a day"
        assert all(d.local(zone).hour == 10 for d in cards[1:])


async def test_tokyo_and_toronto_matched_at_once_each_get_their_own_morning(app: App) -> None:
    set_clock(app, next_day_at(app, 15))  # midnight in Tokyo, 10 or 11 in Toronto
    mentee_id, mentor_id = await pair(app, mentee_tz=TOKYO, mentor_tz=TORONTO,
                                      mentee_lang="en")
    inbox = Inbox(app)
    await make_match(app, mentee_id, mentor_id)
    got = await inbox.deliver() + await inbox.run_for(timedelta(days=9))
    tokyo, toronto = nudges_of(got, "amelie"), nudges_of(got, "bob")
    assert [lesson_of(d) for d in tokyo] == ["smart-goals", "confidentiality-boundaries",
                                            "cultures-time-zones"]
    assert [lesson_of(d) for d in toronto] == ["mentor-checklist", "confidentiality-boundaries",
                                              "cultures-time-zones"]
    # Delivered within the dispatcher's 15-minute tick after 10:00, local time, for each.
    assert all(d.local(TOKYO).hour == 10 and d.local(TOKYO).minute <= 15 for d in tokyo)
    assert all(d.local(TORONTO).hour == 10 and d.local(TORONTO).minute <= 15
               for d in toronto[1:])
    assert toronto[0].at - app.services.clock.now() < timedelta(days=-6)  # checklist at once
    assert tokyo[1].at != toronto[1].at  # same rule, matched at the same instant


# --- meetings (hooks the meetings module emits) ------------------------------------------------


async def test_first_meeting_and_follow_up_lessons_in_each_language(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, mentor_id = await pair(app)
    match_id = await make_match(app, mentee_id, mentor_id)
    inbox = Inbox(app)
    await inbox.run_for(timedelta(days=9))  # the "just matched" lessons, three in a week
    starts = next_day_at(app, 16, days=4)
    async with app.db.transaction() as tx:  # the meeting itself: a card checks it when due
        await meeting(tx, 1, "confirmed", starts, meeting_pair(mentee_id, mentor_id, match_id))
    await emit(app, MeetingConfirmed(meeting_id=1, match_id=match_id,
                                     starts_at=starts, number=1))
    before = await inbox.run_until(starts)
    assert lessons_of(before, "amelie") == ["first-meeting-mentee"]
    assert lessons_of(before, "bob") == ["first-meeting-mentor"]
    mentee_card, mentor_card = nudges_of(before, "amelie")[0], nudges_of(before, "bob")[0]
    assert "*Préparer votre première rencontre*" in mentee_card.text
    assert "*Your first meeting as a mentor" in mentor_card.text
    for card in (mentee_card, mentor_card):  # 48 hours before (within a dispatcher tick)
        assert timedelta(hours=47, minutes=45) <= starts - card.at <= timedelta(hours=48)

    await emit(app, MeetingHeld(meeting_id=1, match_id=match_id, mentee_id=mentee_id,
                                mentor_id=mentor_id, number=1))
    now = app.services.clock.now()
    after = await inbox.deliver() + await inbox.run_for(timedelta(days=6))
    badge = [d for d in for_person(after, "bob") if "New badge" in d.text]
    assert len(badge) == 1 and "🤝 New badge: *First meeting*!" in badge[0].text
    assert any("Nouveau badge\xa0: *Première rencontre*" in d.text
               for d in for_person(after, "amelie"))
    reflection = [d for d in for_person(after, "amelie") if "Comment s'est passée" in d.text]
    assert len(reflection) == 1 and reflection[0].at - now >= timedelta(hours=2)
    assert lessons_of(after, "amelie") == ["keeping-momentum"]
    assert lessons_of(after, "bob") == ["active-listening", "smart-goals"]
    assert await value(app, "SELECT count(*) FROM points_ledger WHERE reason = 'meeting_held'") \
        == 2

    # The second meeting brings its own lessons, and the reflection prompt again.
    await emit(app, MeetingHeld(meeting_id=2, match_id=match_id, mentee_id=mentee_id,
                                mentor_id=mentor_id, number=2))
    second = await inbox.run_for(timedelta(days=3))
    assert lessons_of(second, "amelie") == ["receiving-feedback"]
    assert lessons_of(second, "bob") == ["powerful-questions"]
    assert len([d for d in for_person(second, "bob") if "How did your meeting go" in d.text]) == 1


async def test_a_moved_first_meeting_moves_its_lesson(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, mentor_id = await pair(app)
    match_id = await make_match(app, mentee_id, mentor_id)
    first, moved = next_day_at(app, 16, days=5), next_day_at(app, 16, days=9)
    for starts in (first, moved):
        await emit(app, MeetingConfirmed(meeting_id=1, match_id=match_id,
                                         starts_at=starts, number=1))
    due = await rows(app, "SELECT o.due_at, o.status FROM nudges n JOIN outbox o"
                          " ON o.idempotency_key = n.idempotency_key"
                          " WHERE n.lesson_id = 'first-meeting-mentee'")
    assert len(due) == 1 and due[0]["status"] == "pending"
    assert from_iso(due[0]["due_at"]) == moved - timedelta(hours=48)


async def test_replayed_meeting_hook_counts_once_and_nudges_once(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, mentor_id = await pair(app)
    match_id = await make_match(app, mentee_id, mentor_id)
    held = {"meeting_id": 7, "match_id": match_id, "mentee_id": mentee_id,
            "mentor_id": mentor_id, "number": 1}
    await emit(app, MeetingHeld(**held))
    nudges_before = await value(app, "SELECT count(*) FROM outbox")
    await emit(app, MeetingHeld(**held))
    await emit(app, Matched(match_id=match_id, mentee_id=mentee_id, mentor_id=mentor_id,
                            source="cohort"))
    assert await value(app, "SELECT count(*) FROM outbox") == nudges_before
    assert await value(app, "SELECT count(*) FROM points_ledger") == 2
    assert await value(app, "SELECT count(*) FROM badges") == 2  # first meeting, each


async def test_ending_the_relationship_cancels_its_planned_nudges(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, mentor_id = await pair(app)
    match_id = await make_match(app, mentee_id, mentor_id)
    pending = "SELECT count(*) FROM outbox WHERE kind = 'nudge' AND status = 'pending'"
    assert await value(app, pending) > 0
    await emit(app, RelationshipEnded(match_id=match_id, mentee_id=mentee_id,
                                      mentor_id=mentor_id, reason="completed"))
    assert await value(app, pending) == 0


async def test_quiet_relationship_gets_its_lesson_then_the_prompt(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, mentor_id = await pair(app)
    match_id = await make_match(app, mentee_id, mentor_id)
    inbox = Inbox(app)
    await inbox.run_for(timedelta(days=9))  # the "just matched" lessons, three in a week
    quiet = {"match_id": match_id, "mentee_id": mentee_id, "mentor_id": mentor_id}
    await emit(app, RelationshipQuiet(weeks=3, **quiet))
    await emit(app, RelationshipQuiet(weeks=3, **quiet))  # replayed: no second nudge
    got = await inbox.run_for(timedelta(days=2))
    assert lessons_of(got, "amelie") == lessons_of(got, "bob") == ["stalled-relationship"]
    await emit(app, RelationshipQuiet(weeks=6, **quiet))
    got = await inbox.run_for(timedelta(days=2))
    [still_on] = for_person(got, "bob")
    assert still_on.text.startswith("For your mentoring with *Amelie*.\n\nYour mentoring has"
                                    " been quiet for a while. Is it still on?")
    assert [b.label for b in still_on.reply.buttons] == ["Plan a meeting", "It's not working"]
    assert for_person(got, "amelie")[0].text.startswith(
        "Pour votre mentorat avec *Bob*.\n\nVotre mentorat est au ralenti")


# --- reading, finishing, liking, answering -----------------------------------------------------


def app_lesson(app: App, lesson_id: str, lang: str = "en"):
    """The lesson as the bot's own library has it."""
    from bot.training.lessons import load_lessons

    found = load_lessons(app.config.content_path() / "lessons").get(lesson_id, lang)
    assert found is not None
    return found.lesson


async def open_card(inbox: Inbox, chat: Chat) -> str:
    """Wait for the next lesson card of `chat`'s person and open it; returns the card text."""
    for _ in range(20):
        cards = nudges_of(await inbox.run_for(timedelta(hours=12)), chat.address.user_id)
        if cards:
            inbox.press(chat, cards[0])
            await chat.press(1)
            return cards[0].text
    raise AssertionError("no lesson card arrived")


async def test_open_read_done_useful_and_quiz_count_once(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, _ = await pair(app, mentee_lang="en")
    inbox = Inbox(app)
    amelie = Chat(app, "amelie")
    await emit(app, Onboarded(person_id=mentee_id))
    card = await open_card(inbox, amelie)
    assert "How mentoring works here" in card
    assert amelie.last[0].text.startswith("📘 *How mentoring works here* · 3 min read")
    assert all(len(reply.text) <= 2800 for reply in amelie.last)
    lesson_end = list(amelie.buttons)
    assert [b.label for b in lesson_end] == ["I've read it", "Exercise done ✅", "Useful 👍",
                                             "Remind me later"]
    # The end says what each button means (it asked "Was it useful?" above "Read", "Done").
    assert "Press *I've read it*, or *Exercise done* once you've tried" in amelie.text
    await amelie.press_label("Useful")
    await amelie.press_label("Useful")
    assert "Thanks!" in amelie.text
    await amelie.press_label("Done")
    assert "Marked as done. Nice work! (+5 points)" in amelie.text
    assert "A quick question to finish:" in amelie.text
    quiz = list(amelie.buttons)
    amelie.buttons = lesson_end
    await amelie.press_label("Done")
    assert "already finished" in amelie.text and "(+5" not in amelie.text
    assert "A quick question" in amelie.text  # still unanswered: offered again
    lesson = app_lesson(app, "how-mentoring-works")
    amelie.buttons = quiz
    await amelie.press(lesson.quiz.answer + 1)
    assert amelie.text.startswith("✅ Right!") and "(+3 points)" in amelie.text
    await amelie.press(lesson.quiz.answer + 1)
    assert "already answered" in amelie.text
    await amelie.press(1 if lesson.quiz.answer else 2)
    assert "already answered" in amelie.text
    kinds = [e["kind"] for e in await rows(app, "SELECT kind FROM lesson_events ORDER BY id")]
    assert kinds == ["viewed", "useful", "done", "quiz_right"]
    assert await rows(app, "SELECT reason, points FROM points_ledger WHERE person_id = ?"
                           " ORDER BY id", (mentee_id,)) == [
        {"reason": "onboarded", "points": 10}, {"reason": "lesson_completed", "points": 5},
        {"reason": "quiz_right", "points": 3}]


async def test_a_wrong_answer_shows_the_right_one_and_earns_nothing(app: App) -> None:
    await pair(app)
    amelie = Chat(app, "amelie")
    await amelie.say("/learn smart-goals")
    await amelie.press_label("Lu")
    assert "leçon lue" in amelie.text and "Une petite question" in amelie.text
    lesson = app_lesson(app, "smart-goals", "fr")
    wrong = 1 if lesson.quiz.answer else 2
    await amelie.press(wrong)
    assert amelie.text.startswith("Pas tout à fait\xa0: la bonne réponse était «\xa0"
                                  + lesson.quiz.choices[lesson.quiz.answer])
    assert await value(app, "SELECT count(*) FROM points_ledger") == 0
    assert await value(app, "SELECT quiz_right FROM lesson_progress") == 0


async def test_not_now_comes_back_tomorrow_at_most_three_times(app: App) -> None:
    set_clock(app, next_day_at(app, 15))
    await pair(app, mentee_lang="en")
    inbox = Inbox(app)
    amelie = Chat(app, "amelie")
    await amelie.say("/learn reverse-mentoring")  # opened, no time to read it now
    async def put_off() -> None:  # "Remind me later" under the lesson, "Not now" on a card
        labels = " ".join(b.label for b in amelie.buttons)
        await amelie.press_label("Remind me later" if "Remind me later" in labels else "Not now")

    for snooze in range(1, MAX_SNOOZES + 1):
        await put_off()
        assert "send it again tomorrow at 10:00" in amelie.text
        await put_off()  # pressed twice: planned once
        assert "tomorrow at 10:00" in amelie.text
        again = nudges_of(await inbox.run_for(timedelta(days=1)), "amelie")
        assert [lesson_of(d) for d in again] == ["reverse-mentoring"], snooze
        assert again[0].local(PARIS).hour == 10
        inbox.press(amelie, again[0])
    await put_off()
    assert "put this lesson off 3 times" in amelie.text and "won't send it again" in amelie.text
    assert nudges_of(await inbox.run_for(timedelta(days=2)), "amelie") == []
    assert await value(app, "SELECT snoozes FROM lesson_progress") == MAX_SNOOZES
    assert await value(app, "SELECT count(*) FROM lesson_events WHERE kind = 'snoozed'") == 3


async def test_a_snooze_waits_for_a_free_day(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, _ = await pair(app, mentee_lang="en")
    inbox = Inbox(app)
    amelie = Chat(app, "amelie")
    await emit(app, Onboarded(person_id=mentee_id))  # being-a-mentee is due tomorrow
    card = nudges_of(await inbox.deliver(), "amelie")[0]
    inbox.press(amelie, card)
    await amelie.press_label("Not now")
    assert "send it again on " in amelie.text and "at 10:00" in amelie.text
    got = nudges_of(await inbox.run_for(timedelta(days=3)), "amelie")
    assert [lesson_of(d) for d in got] == ["being-a-mentee", "how-mentoring-works"]
    assert got[1].local(PARIS).date() - got[0].local(PARIS).date() == timedelta(days=1)


async def test_learn_lists_the_audience_lessons_and_opens_any(app: App) -> None:
    await pair(app)
    amelie, bob = Chat(app, "amelie"), Chat(app, "bob")
    await amelie.say("/learn")
    listing = amelie.text
    assert "Vos micro-leçons" in listing and "Pour bien démarrer" in listing
    assert "nouvelle" in listing and "Leçons terminées\xa0: 0 sur" in listing
    assert "Votre rôle de mentor" not in listing  # a mentor's lesson
    await amelie.press(1)
    assert amelie.last[0].text.startswith("📘 *")
    assert "Appuyez sur *J'ai lu*, ou sur *Exercice fait* une fois" in amelie.text
    await amelie.press_label("Utile")
    await amelie.press_label("Exercice fait")
    await amelie.say("/learn")
    assert "terminée · 👍" in amelie.text and "Leçons terminées\xa0: 1 sur" in amelie.text
    await bob.say("/learn smart-goals")
    assert "SMART" in bob.last[0].text
    await bob.say("/learn no-such-lesson")
    assert "can't find that lesson" in bob.text


async def test_every_lesson_opens_in_messages_under_the_chat_limits(app: App) -> None:
    await add_person(app, "eve", "both", language="en")
    await add_person(app, "eloise", "both", language="fr")
    for handle in ("eve", "eloise"):
        chat = Chat(app, handle)
        await chat.say("/learn")
        count = len(chat.buttons)
        assert count >= 15
        for number in range(1, count + 1):
            await chat.say(f"/learn {number}")
            assert chat.last and all(0 < len(r.text) <= 2800 for r in chat.last)
            assert "**" not in "".join(r.text for r in chat.last)  # chat markup, not Markdown


async def test_forged_and_stale_lesson_buttons_get_a_polite_answer(app: App) -> None:
    await pair(app, mentee_lang="en")
    amelie = Chat(app, "amelie")
    for action in ("lesson.open", "lesson.done", "lesson.read", "lesson.useful",
                   "lesson.snooze", "learn.open"):
        for forged in ("", "../../etc/passwd", "x" * 150, "😀", "SMART-GOALS", "a:b",
                       "smart-goals\x00"):
            replies = await app.bot.handle(Action(amelie.address, action, forged))
            assert replies and "Sorry" not in replies[0].text
    for forged in ("smart-goals:9", "smart-goals:-1", "smart-goals:", "mentor-role:0",
                   "nope:1", "1" * 199):
        replies = await app.bot.handle(Action(amelie.address, "lesson.quiz", forged))
        assert replies and "no longer valid" in replies[0].text
    assert await value(app, "SELECT count(*) FROM lesson_progress WHERE quiz_choice IS NOT NULL") \
        == 0
    for junk in ("😀", "0", "-1", "999", "x" * 3000, "smart goals", "\x1b[31mred", "../lessons"):
        replies = await app.bot.handle(Command(amelie.address, "learn", junk))
        assert replies and ("can't find that lesson" in replies[0].text
                            or "too long" in replies[0].text), junk
    newcomer = Chat(app, "zed")
    await newcomer.say("/learn")
    assert "need a profile first" in newcomer.text


async def test_a_failing_subscriber_never_undoes_the_change_that_emitted(
        app: App, monkeypatch) -> None:
    async def broken(*args: object, **kwargs: object) -> list[str]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(nudges, "schedule", broken)
    mentee_id, mentor_id = await pair(app)
    match_id = await make_match(app, mentee_id, mentor_id)
    await emit(app, MeetingHeld(meeting_id=3, match_id=match_id, mentee_id=mentee_id,
                                mentor_id=mentor_id, number=1))
    assert await value(app, "SELECT status FROM matches WHERE id = ?", (match_id,)) == "active"
    # What the subscriber wrote before failing (a held meeting, points) was undone with it.
    for table in ("nudges", "held_meetings", "points_ledger", "badges"):
        assert await value(app, f"SELECT count(*) FROM {table}") == 0, table


async def test_a_nudge_speaks_the_language_of_the_moment_it_is_sent(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, _ = await pair(app, mentee_lang="en")
    inbox = Inbox(app)
    await emit(app, Onboarded(person_id=mentee_id))
    assert lessons_of(await inbox.deliver(), "amelie") == ["how-mentoring-works"]
    await Chat(app, "amelie").say("/language fr")  # before tomorrow's lesson goes out
    card = nudges_of(await inbox.run_for(timedelta(days=1)), "amelie")[0]
    assert card.text.startswith("📘 Une courte leçon pour vous\xa0: *Tirer le meilleur parti")
    assert [b.label for b in card.reply.buttons] == ["Ouvrir", "Plus tard"]


async def test_a_first_meeting_lesson_takes_an_earlier_free_day_rather_than_come_late(
        app: App) -> None:
    set_clock(app, next_day_at(app, 6))  # 07:00 or 08:00 in Paris
    mentee_id, _ = await pair(app)
    plan = load_content(app.config.content_path()).plan
    now = app.services.clock.now()
    async with app.db.transaction() as tx:
        person = await people.get(tx, mentee_id)
        target = nudges.Target(person, "mentee", 1)
        taken = [NudgeRule("matched", "mentee", None, "still_on", timedelta(days=d))
                 for d in (1, 2, 3)]  # tomorrow and the two days after are taken
        await nudges.schedule(tx, plan, target, taken, now, now, lambda rule: Outgoing(key="x"))
        starts = (now + timedelta(days=3)).replace(hour=17)
        first = NudgeRule("before_first_meeting", "mentee", None, "plan_last_meeting",
                          hours_before=48)
        await nudges.schedule(tx, plan, target, [first], starts, now,
                              lambda rule: Outgoing(key="y"), deadline=starts)
    due = await rows(app, "SELECT o.due_at FROM nudges n JOIN outbox o"
                          " ON o.idempotency_key = n.idempotency_key ORDER BY o.due_at")
    local_days = [from_iso(row["due_at"]).astimezone(ZoneInfo(PARIS)).date() for row in due]
    assert len(local_days) == 4 and len(set(local_days)) == 4
    assert local_days[0] == now.astimezone(ZoneInfo(PARIS)).date()  # today, before the others
    assert all(from_iso(row["due_at"]) < starts for row in due)


async def test_a_silence_reported_late_still_brings_what_it_has_earned(app: App) -> None:
    # The check-ins module reports a quiet relationship once its question went unanswered:
    # by then it may be four weeks, not exactly the plan's three.
    set_clock(app, next_day_at(app, 9))
    mentee_id, mentor_id = await pair(app)
    match_id = await make_match(app, mentee_id, mentor_id)
    inbox = Inbox(app)
    await inbox.run_for(timedelta(days=9))  # the "just matched" lessons, three in a week
    quiet = {"match_id": match_id, "mentee_id": mentee_id, "mentor_id": mentor_id}
    await emit(app, RelationshipQuiet(weeks=4, **quiet))
    got = await inbox.run_for(timedelta(days=1))
    assert lessons_of(got, "bob") == ["stalled-relationship"]
    assert not any("still on" in d.text for d in for_person(got, "bob"))
    await emit(app, RelationshipQuiet(weeks=8, **quiet))
    got = await inbox.run_for(timedelta(days=1))
    assert lessons_of(got, "bob") == []  # that spell's lesson was sent already
    assert ["Is it still on?" in d.text for d in for_person(got, "bob")] == [True]
    # A meeting, then a new spell of silence: its prompt comes again, but not a lesson the
    # mentor was already sent.
    await emit(app, MeetingHeld(meeting_id=1, match_id=match_id, mentee_id=mentee_id,
                                mentor_id=mentor_id, number=1))
    await inbox.run_for(timedelta(days=6))
    await emit(app, RelationshipQuiet(weeks=6, **quiet))
    got = await inbox.run_for(timedelta(days=1))
    assert lessons_of(got, "bob") == []
    assert ["Is it still on?" in d.text for d in for_person(got, "bob")] == [True]
