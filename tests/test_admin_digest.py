"""The coordinators' Monday note (`/admin digest on`): what slowly piles up (mentees waiting
for weeks, requests that expired unanswered, relationships gone quiet, reports still open)
reaches them once a week in their language, with the command that shows it — and nothing on
a quiet week, nor before a coordinator turns it on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.kernel.app import App
from tests.conftest import Chat
from tests.fixtures_insight import app_at, insight_programme
from tests.programme_ops import Deliveries, coordinators, programme_app
from tests.test_meetings import rows

__all__ = ["programme_app"]  # the fixture, used by name


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)  # Monday 15 March 2027, 12:00 UTC
    yield application
    await application.close()


async def test_monday_note_in_each_coordinators_language(app: App) -> None:
    await insight_programme(app)  # Kim and Ana wait for weeks; Leo & Nora are at risk
    coord, coordfr = Chat(app, "coord"), Chat(app, "coordfr", locale="fr-CA")
    await coord.say("/admin digest")
    assert coord.text.startswith("The Monday note is off. /admin digest on sends you")
    await coordfr.say("/admin bilan on")
    assert coordfr.text.startswith("C'est fait\u00a0: toute l'équipe de coordination du"
                                   " programme reçoit la note du lundi, la première le 22 mars"
                                   " 2027, 10\u00a0h")  # her own zone: Paris
    post = Deliveries(app)
    await post.deliver()
    app.services.clock.advance(timedelta(days=6, hours=20))  # Monday 22nd, 08:00: not yet
    assert "coord" not in await post.deliver()
    app.services.clock.advance(timedelta(hours=1))
    received = await post.deliver()
    assert received["coord"] == [
        "*What needs you this week*\n"
        "- 2 mentees have been waiting for a mentor for more than a week: /admin unmatched,"
        " or /admin cohort\n"
        "- 1 relationship is at risk: /admin pairs\n"
        "Everything at once: /admin stats\n"]
    assert received["coordfr"][0].startswith(
        "*Ce qui vous attend cette semaine*\n- 2 personnes mentorées attendent un binôme depuis"
        " plus d'une semaine\u00a0: /admin unmatched, ou /admin cohort\n- 1 binôme est en"
        " difficulté\u00a0: /admin pairs\n")
    assert all(not name.startswith(("kim", "ana", "nora")) for name in received)  # staff only
    app.services.clock.advance(timedelta(hours=2))  # the same Monday: once
    assert "coord" not in await post.deliver()
    jobs = await rows(app, "SELECT due_at FROM outbox WHERE kind = 'job' AND status = 'pending'"
                           " AND idempotency_key LIKE 'digest:%'")
    assert [job["due_at"][:16] for job in jobs] == ["2027-03-29T09:00", "2027-03-29T09:00"]


async def test_reports_new_mentors_and_expired_requests_are_counted(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    await coord.say("/admin digest on")
    async with app.db.transaction() as tx:
        kim = await tx.value("SELECT id FROM people WHERE handle = 'kim'")
        await tx.execute("INSERT INTO reports (programme_id, reporter_id, reason, created_at)"
                         " VALUES (1, ?, 'x', '2027-03-16T10:00:00+00:00')", (kim,))
        await tx.execute("INSERT INTO mentor_approvals (person_id, programme_id, requested_at)"
                         " VALUES (?, 1, '2027-03-16T10:00:00+00:00')", (kim,))
        await tx.execute("UPDATE requests SET status = 'expired', answered_at ="
                         " '2027-03-19T10:00:00+00:00'")
    post = Deliveries(app)
    app.services.clock.advance(timedelta(days=7))
    [note] = (await post.deliver())["coord"]
    assert "- 1 report is open: /admin reports\n" in note
    assert "- 1 new mentor is waiting for your approval: /admin pending\n" in note
    assert ("- 2 requests expired this week without an answer (each mentee was offered someone"
            " else): /admin unmatched\n") in note
    await coord.say("/admin digest now")  # the same, at once
    assert coord.text.startswith("*What needs you this week*\n- 1 report is open")


async def test_no_note_until_a_coordinator_turns_it_on_nor_after_off(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    await coord.say("/admin help")
    post = Deliveries(app)
    app.services.clock.advance(timedelta(days=7))
    assert "coord" not in await post.deliver()  # off by default
    await coord.say("/admin digest on")
    await coord.say("/admin digest off")
    assert coord.text == "Done: no more Monday note. /admin digest on brings it back."
    app.services.clock.advance(timedelta(days=7))
    assert "coord" not in await post.deliver()
    await coord.say("/admin digest maybe")
    assert coord.text.startswith("Write /admin digest on, /admin digest off")
    actions = await rows(app, "SELECT details FROM audit_log WHERE action = 'digest'"
                              " AND details <> '' ORDER BY id")
    assert [a["details"] for a in actions] == ["digest: off → on", "digest: on → off"]


async def test_a_quiet_week_sends_nothing_and_the_programmes_hour_is_kept(
        programme_app) -> None:
    app = await programme_app(timezone="America/Toronto")
    coord, _ = await coordinators(app)  # known to the bot: a note would reach them
    await coord.say("/admin digest on")
    post = Deliveries(app)
    app.services.clock.advance(timedelta(days=14))
    assert "coord" not in await post.deliver()  # nobody waits, nothing is open: no note
    await coord.say("/admin digest now")
    assert coord.text.startswith("Nothing needs you right now")
    jobs = await rows(app, "SELECT due_at FROM outbox WHERE kind = 'job' AND status = 'pending'"
                           " AND idempotency_key LIKE 'digest:%'")
    # Monday 09:00 in Toronto is 14:00 UTC (standard time in January).
    assert [datetime.fromisoformat(job["due_at"]) for job in jobs] == [
        datetime(2027, 1, 25, 14, 0, tzinfo=UTC)]
