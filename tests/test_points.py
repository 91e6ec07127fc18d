"""Points, badges, the leaderboard and recognition: counted once, shown only to whom it may
concern, and configured by coordinators in content/points.toml."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.admin.admin import AdminRegistry
from bot.kernel.app import App
from bot.kernel.domain_events import (
    CheckinAnswered,
    MeetingHeld,
    MeetingRated,
    Onboarded,
    RequestSent,
    SurveyAnswered,
)
from bot.kernel.router import Router
from bot.training import training
from bot.training.points import DEFAULT_BADGES, DEFAULT_POINTS, REASONS, load_points_rules
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_domain_events import sample
from tests.test_training_support import Inbox, emit, for_person, make_match, rows, value

CONTENT = Path(__file__).resolve().parent.parent / "content"


# --- content/points.toml --------------------------------------------------------------------


def test_the_shipped_rules_load_and_cover_every_reason() -> None:
    rules, problems = load_points_rules(CONTENT / "points.toml")
    assert problems == []
    assert set(rules.points) == set(REASONS) == set(DEFAULT_POINTS)
    assert rules.for_reason("meeting_held") == 20 and rules.for_reason("quiz_right") == 3
    ids = [badge.id for badge in rules.badges]
    assert {"first-meeting", "five-meetings", "good-start", "well-rated-mentor"} <= set(ids)
    rated = rules.badge("well-rated-mentor")
    assert rated is not None and rated.min_average == 4.5 and rated.min_meetings == 3
    assert rules.badge("good-start").name("fr") == "Bon départ"


def test_a_broken_rule_keeps_its_default_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "points.toml"
    path.write_text(
        "[points]\n"
        "meeting_held = 50\n"
        "quiz_right = \"three\"\n"
        "lesson_completed = -4\n"
        "coffee = 2\n"
        "\n"
        "[[badge]]\n"
        "id = \"ten\"\n"
        "name = { en = \"Ten meetings\", fr = \"Dix rencontres\" }\n"
        "rule = \"meetings_held\"\n"
        "at_least = 10\n"
        "\n"
        "[[badge]]\n"
        "id = \"Bad Id\"\n"
        "rule = \"meetings_held\"\n"
        "\n"
        "[[badge]]\n"
        "id = \"odd\"\n"
        "name = { en = \"Odd\", fr = \"Bizarre\" }\n"
        "rule = \"stage_lessons\"\n"
        "stage = \"lunch\"\n"
        "\n"
        "[[badge]]\n"
        "id = \"ten\"\n"
        "name = { en = \"Again\", fr = \"Encore\" }\n"
        "rule = \"mentor_rating\"\n"
        "min_average = 7\n",
        encoding="utf-8")
    rules, problems = load_points_rules(path)
    assert rules.for_reason("meeting_held") == 50
    assert rules.for_reason("quiz_right") == DEFAULT_POINTS["quiz_right"]
    assert rules.for_reason("lesson_completed") == DEFAULT_POINTS["lesson_completed"]
    assert [badge.id for badge in rules.badges] == ["ten"]
    found = {(p.line, p.key.rsplit(".", 1)[1]) for p in problems}
    assert found == {(3, "not_integer"), (4, "out_of_range"), (5, "unknown_field"),
                     (14, "bad_id"), (21, "not_one_of"), (27, "out_of_range")}
    assert "points.quiz_right must be a whole number" in str(
        next(p for p in problems if p.line == 3))


@pytest.mark.parametrize("text", ["", "[points\n", "badge = 3\n", "[points]\nonboarded = true\n",
                                  "\x00\x01", "[[badge]]\n" * 3, "points = [1, 2]\n"])
def test_any_text_loads_to_defaults_or_problems_never_an_exception(tmp_path: Path,
                                                                  text: str) -> None:
    path = tmp_path / "points.toml"
    path.write_text(text, encoding="utf-8")
    rules, problems = load_points_rules(path)
    assert set(rules.points) == set(DEFAULT_POINTS)
    assert all(problem.key.startswith("lessons.problems.") for problem in problems)


def test_a_missing_file_is_reported_and_defaults_apply(tmp_path: Path) -> None:
    rules, problems = load_points_rules(tmp_path / "points.toml")
    assert rules.badges == DEFAULT_BADGES and len(problems) == 1
    assert problems[0].key == "lessons.problems.missing_file"


# --- the ledger ---------------------------------------------------------------------------------


async def test_the_ledger_is_append_only(app: App) -> None:
    mentee = await add_person(app, "mia", "mentee")
    await emit(app, Onboarded(person_id=mentee))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        async with app.db.transaction() as tx:
            await tx.execute("UPDATE points_ledger SET points = 1000")
    assert await value(app, "SELECT points FROM points_ledger") == 10


async def test_replayed_hooks_never_count_twice(app: App) -> None:
    mentee = await add_person(app, "mia", "mentee", sought="project management")
    mentor = await add_person(app, "nora", "mentor", offered="project management",
                              capacity=2)
    match_id = await make_match(app, mentee, mentor)
    for _ in range(2):
        await emit(app, Onboarded(person_id=mentee))
        await emit(app, RequestSent(request_id=1, mentee_id=mentee, mentor_id=mentor))
        await emit(app, RequestSent(request_id=2, mentee_id=mentee, mentor_id=mentor))
        await emit(app, CheckinAnswered(person_id=mentee, match_id=match_id, checkin_id=4))
        await emit(app, SurveyAnswered(person_id=mentee, match_id=match_id))
    ledger = await rows(app, "SELECT reason, points FROM points_ledger ORDER BY id")
    assert ledger == [{"reason": "onboarded", "points": 10},
                      {"reason": "request_sent", "points": 5},
                      {"reason": "checkin_answered", "points": 5},
                      {"reason": "survey_answered", "points": 5}]
    await emit(app, CheckinAnswered(person_id=mentee, match_id=match_id, checkin_id=5))
    assert await value(app, "SELECT count(*) FROM points_ledger") == 5


async def test_events_about_nobody_give_nothing(app: App) -> None:
    router = Router()  # this feature's handlers only, whatever else is registered
    training.register(router, AdminRegistry())
    queued = await rows(app, "SELECT * FROM outbox")  # the start-up's own jobs
    for kind in router.hooks.handled():
        async with app.db.transaction() as tx:  # every id points at nobody
            await router.hooks.emit(tx, app.services, sample(kind))
    assert await value(app, "SELECT count(*) FROM points_ledger") == 0
    assert await rows(app, "SELECT * FROM outbox") == queued




# --- badges ------------------------------------------------------------------------------------


async def test_five_meetings_earn_both_meeting_badges_once(app: App) -> None:
    mentee = await add_person(app, "mia", "mentee", sought="project management")
    mentor = await add_person(app, "nora", "mentor", offered="project management", capacity=2)
    match_id = await make_match(app, mentee, mentor)
    for number in range(1, 7):
        await emit(app, MeetingHeld(meeting_id=number, match_id=match_id, mentee_id=mentee,
                                    mentor_id=mentor, number=number))
    held = await rows(app, "SELECT badge FROM badges WHERE person_id = ? ORDER BY id", (mentee,))
    assert [row["badge"] for row in held] == ["first-meeting", "five-meetings"]
    announced = await value(app, "SELECT count(*) FROM outbox WHERE person_id = ?"
                                 " AND idempotency_key LIKE 'badge.%'", (mentor,))
    assert announced == 2


async def test_a_mentor_rated_well_over_three_meetings_gets_the_badge(app: App) -> None:
    mentee = await add_person(app, "mia", "mentee", sought="project management")
    mentor = await add_person(app, "nora", "mentor", offered="project management", capacity=2)
    match_id = await make_match(app, mentee, mentor)
    for meeting, rating in ((1, 5), (2, 4)):
        await emit(app, MeetingHeld(meeting_id=meeting, match_id=match_id, mentee_id=mentee,
                                    mentor_id=mentor, number=meeting))
        await emit(app, MeetingRated(meeting_id=meeting, match_id=match_id, person_id=mentee,
                                     rating=rating))
    await emit(app, MeetingRated(meeting_id=2, match_id=match_id, person_id=mentor,
                                 rating=1))  # a mentor cannot rate themselves
    assert await value(app, "SELECT count(*) FROM badges WHERE badge = 'well-rated-mentor'") == 0
    await emit(app, MeetingHeld(meeting_id=3, match_id=match_id, mentee_id=mentee,
                                mentor_id=mentor, number=3))
    await emit(app, MeetingRated(meeting_id=3, match_id=match_id, person_id=mentee,
                                 rating=5))  # (5 + 4 + 5) / 3 = 4.67
    assert await rows(app, "SELECT person_id FROM badges WHERE badge = 'well-rated-mentor'") == [
        {"person_id": mentor}]


async def test_a_mentor_rated_below_the_bar_gets_no_badge(app: App) -> None:
    mentee = await add_person(app, "mia", "mentee", sought="project management")
    mentor = await add_person(app, "nora", "mentor", offered="project management", capacity=2)
    match_id = await make_match(app, mentee, mentor)
    for meeting, rating in ((1, 5), (2, 4), (3, 4), (4, 9)):
        await emit(app, MeetingHeld(meeting_id=meeting, match_id=match_id, mentee_id=mentee,
                                    mentor_id=mentor, number=meeting))
        await emit(app, MeetingRated(meeting_id=meeting, match_id=match_id, person_id=mentee,
                                     rating=rating))
    assert await value(app, "SELECT count(*) FROM mentor_ratings") == 3  # 9 is not a rating
    assert await value(app, "SELECT count(*) FROM badges WHERE badge = 'well-rated-mentor'") == 0


async def test_finishing_every_onboarding_lesson_earns_a_good_start(app: App) -> None:
    await add_person(app, "mia", "mentee", language="fr")
    inbox = Inbox(app)
    mia = Chat(app, "mia")
    for lesson_id in ("how-mentoring-works", "being-a-mentee"):
        await mia.say(f"/learn {lesson_id}")
        await mia.press_label("Exercice fait")
    got = for_person(await inbox.deliver(), "mia")
    assert [d.text for d in got] == [
        "🌱 Nouveau badge\xa0: *Bon départ*\u202f! Tapez /points pour voir vos badges et vos"
        " points."]
    await mia.say("/points")
    text = mia.text
    assert text.startswith("*Vous avez 10 points*")
    assert "🌱 Bon départ · " in text
    assert "+5 · Leçon terminée\xa0: Tirer le meilleur parti de votre mentorat" in text
    assert "Vous ne figurez pas au classement" in text


async def test_points_with_nothing_yet_explain_how_to_earn(app: App) -> None:
    await add_person(app, "mia", "mentee")
    mia = Chat(app, "mia")
    await mia.say("/points")
    assert "no points yet" in mia.text and "/learn" in mia.text


# --- recognition ---------------------------------------------------------------------------------


async def test_a_coordinator_recognises_a_mentor(app: App) -> None:
    await add_person(app, "coord", "mentor")
    nora_id = await add_person(app, "nora", "mentor", language="fr")
    inbox = Inbox(app)
    coord, nora, mia = Chat(app, "coord"), Chat(app, "nora"), Chat(app, "mia")
    await coord.say("/admin recognise @nora Merci d'avoir accueilli trois mentorés 🙏")
    assert "Nora gets your message and a recognition badge" in coord.text
    got = for_person(await inbox.deliver(), "nora")
    assert len(got) == 1 and "Coord tient à vous remercier" in got[0].text
    assert "«\xa0Merci d'avoir accueilli trois mentorés 🙏\xa0»" in got[0].text
    await nora.say("/points")
    assert "🎖️ Reconnaissance de l'équipe de coordination" in nora.text
    assert "+10 · Reconnaissance de l'équipe de coordination" in nora.text
    await coord.say("/admin recognize @nora Encore merci")  # the US spelling works too
    assert await value(app, "SELECT count(*) FROM badges WHERE person_id = ?", (nora_id,)) == 2

    await add_person(app, "mia", "mentee")
    await mia.say("/admin recognise @mia I am great")
    assert "for the programme's coordinators" in mia.text
    assert await value(app, "SELECT count(*) FROM badges") == 2
    for args, expected in (("", "Write /admin recognise"), ("@nora", "Write /admin recognise"),
                           ("@nobody Thanks", "couldn't find anyone"),
                           ("@coord Thanks me", "can't recognise yourself"),
                           ("@nora " + "x" * 400, "under 300 characters")):
        await coord.say(f"/admin recognise {args}")
        assert expected in coord.text, args
    audit = await rows(app, "SELECT action, allowed FROM audit_log ORDER BY id")
    assert {"action": "recognise", "allowed": 0} in audit


# --- the leaderboard ----------------------------------------------------------------------------


async def test_the_leaderboard_only_ever_shows_people_who_opted_in(app: App) -> None:
    ids = {}
    for handle, role in (("ana", "mentee"), ("ben", "mentor"), ("cy", "mentee"),
                         ("dee", "mentor")):
        ids[handle] = await add_person(app, handle, role)
        await emit(app, Onboarded(person_id=ids[handle]))
    await emit(app, RequestSent(request_id=1, mentee_id=ids["cy"], mentor_id=ids["ben"]))
    ana, ben, cy, dee = (Chat(app, h) for h in ("ana", "ben", "cy", "dee"))
    await ana.say("/leaderboard")
    assert "Nobody is on the leaderboard yet" in ana.text
    await ben.say("/leaderboard on")
    assert "You now appear on the leaderboard of Programme Test" in ben.text
    await ana.say("/leaderboard oui")
    await cy.say("/leaderboard")
    assert "1. Ben · 10 points" in cy.text and "1. Ana · 10 points" in cy.text
    assert "Cy" not in cy.text and "Dee" not in cy.text  # cy has the most points, not opted in
    assert "You don't appear on the leaderboard" in cy.text
    await ben.say("/leaderboard off")
    await dee.say("/leaderboard")
    assert "Ben" not in dee.text and "Ana" in dee.text
    for junk in ("maybe", "on off", "😀" * 50, "x" * 3000):
        await dee.say(f"/leaderboard {junk}")
        assert "/leaderboard on to appear" in dee.text
    assert not await value(app, "SELECT opted_in FROM leaderboard_optin WHERE person_id = ?",
                           (ids["dee"],))


async def test_a_suspended_or_other_programme_person_is_never_listed(app: App) -> None:
    ana = await add_person(app, "ana", "mentee")
    await add_person(app, "ben", "mentor")
    await emit(app, Onboarded(person_id=ana))
    for handle in ("ana", "ben"):
        await Chat(app, handle).say("/leaderboard on")
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET status = 'suspended' WHERE id = ?", (ana,))
    ben = Chat(app, "ben")
    await ben.say("/leaderboard")
    assert "Ana" not in ben.text and "*1. Ben · 0 points*" in ben.text


async def _meeting_with_usefulness(app: App, meeting_id: int, match_id: int, mentee: int,
                                   mentor: int, usefulness: int) -> None:
    """A held meeting as the meetings module stores it, with the mentee's 1-5 usefulness."""
    now = "2026-01-01T10:00:00+00:00"
    async with app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO meetings (id, programme_id, uid, status, length_minutes, created_at,"
            " updated_at) VALUES (?, 1, ?, 'held', 45, ?, ?)", (meeting_id, f"m{meeting_id}",
                                                                 now, now))
        for person, role, rating in ((mentee, "mentee", usefulness), (mentor, "mentor", 5)):
            await tx.execute(
                "INSERT INTO meeting_participants (meeting_id, person_id, match_id, role,"
                " took_place, usefulness) VALUES (?, ?, ?, ?, 1, ?)",
                (meeting_id, person, match_id, role, rating))


async def test_mentees_usefulness_ratings_in_the_meetings_module_count(app: App) -> None:
    if not await value(app, "SELECT 1 FROM sqlite_master WHERE name = 'meeting_participants'"):
        pytest.skip("the meetings module's tables are not there")
    mentee = await add_person(app, "mia", "mentee", sought="project management")
    mentor = await add_person(app, "nora", "mentor", offered="project management", capacity=2)
    match_id = await make_match(app, mentee, mentor)
    for meeting, usefulness in ((1, 5), (2, 4)):
        await _meeting_with_usefulness(app, meeting, match_id, mentee, mentor, usefulness)
        await emit(app, MeetingHeld(meeting_id=meeting, match_id=match_id,
                                    mentee_id=mentee, mentor_id=mentor, number=meeting))
    await _meeting_with_usefulness(app, 3, match_id, mentee, mentor, 5)
    assert await value(app, "SELECT count(*) FROM badges WHERE badge = 'well-rated-mentor'") == 0
    # The rating came after the meeting was held: the module says so with MeetingRated.

    await emit(app, MeetingRated(meeting_id=3, match_id=match_id, person_id=mentee,
                                 rating=5))
    await emit(app, MeetingRated(meeting_id=3, match_id=match_id, person_id=mentor,
                                 rating=1))  # only the mentee's rating is about the mentor
    assert await rows(app, "SELECT person_id FROM badges WHERE badge = 'well-rated-mentor'") == [
        {"person_id": mentor}]
    assert await value(app, "SELECT count(*) FROM mentor_ratings") == 1


async def test_forgetting_someone_named_like_a_lesson_leaves_others_points_alone(
        app: App) -> None:
    from bot.privacy import personal_data

    smart = await add_person(app, "smart", "mentee")
    mia = await add_person(app, "mia", "mentee")
    await emit(app, Onboarded(person_id=smart))
    miachat = Chat(app, "mia")
    await miachat.say("/learn smart-goals")
    await miachat.press_label("Done")
    before = await rows(app, "SELECT * FROM points_ledger WHERE person_id = ?", (mia,))
    async with app.db.transaction() as tx:
        await personal_data.erase(tx, await personal_data.inspect(tx), [smart])
    assert await rows(app, "SELECT * FROM points_ledger WHERE person_id = ?", (mia,)) == before
    assert before and before[0]["ref"] == "lesson.smart-goals"
    assert await value(app, "SELECT count(*) FROM points_ledger WHERE person_id = ?",
                       (smart,)) == 0
