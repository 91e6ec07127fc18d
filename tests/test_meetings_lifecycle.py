"""A relationship over time: quiet weeks and the mentor's check-in, then the end — conclude
or extend, and the closing survey."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.kernel.app import App
from bot.kernel.domain_events import (
    CheckinAnswered,
    RelationshipEnded,
    RelationshipQuiet,
    SurveyAnswered,
)
from bot.kernel.events import Action
from bot.mentoring.lifecycle import add_months
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_meetings import (
    Inbox,
    advance,
    advance_to,
    app,  # noqa: F401  (the fixture)
    confirmed_meeting,
    hook_recorder,
    match,
    nora_and_mia,
    rows,
    texts,
)


async def test_quiet_weeks_prompt_repeat_then_at_risk(app: App) -> None:  # noqa: F811
    seen = hook_recorder(app, RelationshipQuiet, CheckinAnswered)
    nora_id, mia_id, match_id = await nora_and_mia(app)
    inbox = Inbox(app)
    await inbox.deliver()
    advance(app, timedelta(weeks=3, hours=6))  # 9:00 in Toronto: no check-in at night
    received = await inbox.deliver()
    assert list(received) == ["nora"]
    assert "How is it going with *Mia*? You were matched 3 weeks ago and you haven't had a" \
        " first meeting yet." in texts(received, "nora")
    ask = received["nora"][0]
    assert [b.label for b in ask.buttons] == [
        "Schedule a meeting", "All is well", "It's not working"]
    advance(app, timedelta(weeks=1))
    assert "A gentle reminder: how is it going with *Mia*?" in texts(await inbox.deliver(),
                                                                     "nora")
    assert await rows(app, "SELECT * FROM relationship_health") == []
    advance(app, timedelta(weeks=1))
    await inbox.deliver()
    [health] = await rows(app, "SELECT match_id, reason, at_risk_since FROM relationship_health")
    assert health["match_id"] == match_id and health["reason"] == "quiet"
    assert seen == [RelationshipQuiet(match_id=match_id, mentee_id=mia_id, mentor_id=nora_id,
                                      weeks=5)]
    nora = Chat(app, "nora")
    nora.buttons = list(ask.buttons)
    await nora.press_label("All is well")  # late, but welcome
    assert "Great to hear" in nora.text
    assert (await rows(app, "SELECT at_risk_since FROM relationship_health"))[0] == \
        {"at_risk_since": None}
    [checkin_id] = [r["id"] for r in await rows(app, "SELECT id FROM checkins")]
    # The check-in the button answers (it used to be left out: points then counted once a day).
    assert seen[-1] == CheckinAnswered(person_id=nora_id, match_id=match_id,
                                       checkin_id=checkin_id)
    [points] = await rows(app, "SELECT unique_key FROM points_ledger WHERE reason ="
                               " 'checkin_answered'")
    assert points["unique_key"].endswith(f".{checkin_id}")
    await nora.press_label("All is well")
    assert "already settled" in nora.text


async def test_a_meeting_keeps_the_relationship_from_being_quiet(app: App) -> None:  # noqa: F811
    await nora_and_mia(app)
    inbox, _, _ = await confirmed_meeting(app)  # Thursday 14 January
    advance_to(app, datetime(2027, 2, 2, 9, 0, tzinfo=UTC))  # three weeks after the match
    received = await inbox.deliver()
    assert all("How is it going" not in r.text for r in received.get("nora", []))
    advance_to(app, datetime(2027, 2, 4, 17, 0, tzinfo=UTC))  # three weeks after the meeting
    assert "You haven't met for 3 weeks" in texts(await inbox.deliver(), "nora")


async def test_schedule_from_the_check_in_and_struggling(app: App) -> None:  # noqa: F811
    nora_id, _, _ = await nora_and_mia(app)
    leo = await add_person(app, "leo", "mentee", timezone="Europe/London")
    leo_match = await match(app, leo, nora_id)
    inbox = Inbox(app)
    await inbox.deliver()
    advance(app, timedelta(weeks=3, hours=6))
    prompts = [r for r in (await inbox.deliver()).get("nora", []) if "How is it going" in r.text]
    # one unsolicited message a day (bot/kernel/delivery.py)
    advance(app, timedelta(days=1, hours=2))
    prompts += [r for r in (await inbox.deliver()).get("nora", [])
                if "How is it going" in r.text]
    assert len(prompts) == 2
    mia_prompt = next(r for r in prompts if "*Mia*" in r.text)
    leo_prompt = next(r for r in prompts if "*Leo*" in r.text)
    nora = Chat(app, "nora")
    nora.buttons = list(mia_prompt.buttons)
    await nora.press_label("Schedule a meeting")
    assert "I've offered Mia these times" in nora.text
    nora.buttons = list(leo_prompt.buttons)
    await nora.press_label("It's not working")
    assert "your mentoring with *Leo* isn't working" in nora.text
    assert await rows(app, "SELECT match_id, reason FROM relationship_health") == [
        {"match_id": leo_match, "reason": "struggling"}]


async def test_extend_when_both_agree_then_conclude_and_survey(app: App) -> None:  # noqa: F811
    seen = hook_recorder(app, RelationshipEnded, SurveyAnswered)
    nora_id = await add_person(app, "nora", "mentor", timezone="America/Toronto",
                               availability=((1, 660, 780),), capacity=2)
    mia_id = await add_person(app, "mia", "mentee", language="fr", timezone="Europe/Paris",
                              availability=((1, 960, 1200),))
    match_id = await match(app, mia_id, nora_id, months=1)  # ends 10 February 2027, 08:00 UTC
    inbox = Inbox(app)
    await inbox.deliver()
    advance(app, timedelta(days=16, hours=1))
    received = await inbox.deliver()
    assert "Votre relation de mentorat avec *Nora* se termine le 10 février 2027" in texts(
        received, "mia")
    assert "ends on February 10, 2027" in texts(received, "nora")
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    inbox.give_buttons(mia)
    inbox.give_buttons(nora)
    await mia.press_label("Prolonger de 3 mois")
    assert "si cette personne est d'accord aussi" in mia.text
    assert "Mia would like to continue your mentoring relationship for 3 more months" in \
        texts(await inbox.deliver(), "nora")
    await nora.press_label("Continue 3 more months")
    assert "now runs until May 10, 2027" in nora.text
    assert "se poursuit jusqu'au 10 mai 2027" in texts(await inbox.deliver(), "mia")

    advance_to(app, datetime(2027, 2, 11, 9, 0, tzinfo=UTC))  # the old end date has passed
    await inbox.deliver()
    assert (await rows(app, "SELECT status FROM matches"))[0]["status"] == "active"

    advance_to(app, datetime(2027, 4, 26, 9, 0, tzinfo=UTC))
    await inbox.deliver()
    inbox.give_buttons(mia)
    await mia.press_label("Conclure comme prévu")
    assert "se conclura comme prévu le 10 mai 2027" in mia.text
    assert "Mia would like to conclude as planned on May 10, 2027" in texts(
        await inbox.deliver(), "nora")
    # A meeting planned for after the end, to see it called off.
    await nora.say("/meet")
    await inbox.deliver()
    inbox.give_buttons(mia)
    await mia.press_label("Proposer un autre horaire")
    await mia.say("11 mai 17h")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Yes: Tue 11 May, 11:00")
    assert "Meeting confirmed" in nora.text
    await inbox.deliver()

    advance_to(app, datetime(2027, 5, 10, 9, 0, tzinfo=UTC))
    received = await inbox.deliver()
    assert "Votre relation de mentorat avec *Nora* est maintenant terminée" in texts(
        received, "mia")
    assert "is cancelled because the mentoring relationship has ended" in texts(received,
                                                                                "nora")
    advance(app, timedelta(hours=4))  # Nora's survey waits for the morning in Toronto
    assert "has now come to an end" in texts(await inbox.deliver(), "nora")
    [ended] = await rows(app, "SELECT status, end_reason FROM matches")
    assert ended == {"status": "ended", "end_reason": "completed"}
    assert seen == [RelationshipEnded(match_id=match_id, mentee_id=mia_id, mentor_id=nora_id,
                                      reason="completed")]
    inbox.give_buttons(mia)
    await mia.press_label("4")
    assert "Qu'en avez-vous retiré" in mia.text
    await mia.say("Plus de confiance pour mener une réunion 💪")
    await mia.press_label("Oui")
    assert "Merci\u202f! Vos réponses aident" in mia.text
    await mia.press_label("Oui")
    assert "déjà répondu" in mia.text
    inbox.give_buttons(nora)
    await nora.press_label("2")
    await nora.press_label("Skip")
    await nora.press_label("No")
    surveys = await rows(app, "SELECT person_id, satisfaction, benefits, would_recommend"
                              " FROM relationship_surveys ORDER BY person_id")
    assert surveys == [
        {"person_id": nora_id, "satisfaction": 2, "benefits": "", "would_recommend": 0},
        {"person_id": mia_id, "satisfaction": 4,
         "benefits": "Plus de confiance pour mener une réunion 💪", "would_recommend": 1}]
    assert [type(e) for e in seen].count(SurveyAnswered) == 2

    await mia.say("/meet")
    assert "pas encore de relation de mentorat" in mia.text
    forged = await app.bot.handle(Action(nora.address, "end.choice", f"{match_id}:extend"))
    assert "has ended" in forged[0].text


def test_months_are_added_as_people_count_them() -> None:
    assert add_months(datetime(2027, 1, 31, 9, tzinfo=UTC), 1) == datetime(2027, 2, 28, 9,
                                                                           tzinfo=UTC)
    assert add_months(datetime(2027, 11, 30, tzinfo=UTC), 3) == datetime(2028, 2, 29,
                                                                         tzinfo=UTC)
    assert add_months(datetime(2027, 5, 10, tzinfo=UTC), 3) == datetime(2027, 8, 10, tzinfo=UTC)


async def test_a_relationship_ended_by_a_coordinator_cancels_its_future_meetings(
        app: App) -> None:  # noqa: F811 (the fixture)
    """Not only the natural end: moderation's "end" (bot/mentoring/pair_actions.py) drops the
    planned meeting, its reminders and prompts too, through the relationship_ended hook."""
    from bot.mentoring.pair_actions import end_match

    await nora_and_mia(app)
    inbox, _mia, _nora = await confirmed_meeting(app)
    [match] = await rows(app, "SELECT * FROM matches")
    async with app.db.transaction() as tx:
        assert await end_match(tx, app.services, match, "moderation", app.services.clock.now())
    [meeting] = await rows(app, "SELECT status FROM meetings")
    assert meeting["status"] == "cancelled"
    received = await inbox.deliver()  # both are told, with a cancelling invitation
    assert any("METHOD:CANCEL" in (r.file.content.decode() if r.file else "")
               for r in received.get("mia", []))
    pending = await rows(app, "SELECT idempotency_key FROM outbox WHERE status = 'pending'"
                              " AND (idempotency_key LIKE 'meeting:%' OR idempotency_key LIKE"
                              " 'match:%')")
    assert pending == []  # no reminder, no after-meeting question, no check-in left
