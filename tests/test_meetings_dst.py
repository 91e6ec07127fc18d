"""Clock changes: a weekly 11:00 in Toronto stays 11:00 in Toronto, whatever Paris does, in
the times offered, the confirmation, the invitation and the reminders (both 2027 changes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.kernel.app import App
from bot.text.slots import free_starts, weekly_intervals
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_meetings import (
    TUE_THU_11_13,
    Inbox,
    advance_to,
    app_at,
    event_of,
    match,
    texts,
)

WEEKDAYS_9_21 = tuple((day, 540, 1260) for day in range(5))


def test_a_weekly_slot_keeps_its_local_time_across_the_change() -> None:
    march = weekly_intervals([(1, 1020, 1080)], "America/Montreal",
                             datetime(2027, 3, 8, tzinfo=UTC), datetime(2027, 3, 20, tzinfo=UTC))
    assert march == [(datetime(2027, 3, 9, 22, tzinfo=UTC), datetime(2027, 3, 9, 23, tzinfo=UTC)),
                     (datetime(2027, 3, 16, 21, tzinfo=UTC), datetime(2027, 3, 16, 22, tzinfo=UTC))]
    paris = weekly_intervals([(6, 60, 240)], "Europe/Paris",  # the night of the change
                             datetime(2027, 10, 30, tzinfo=UTC), datetime(2027, 11, 1, tzinfo=UTC))
    assert paris == [(datetime(2027, 10, 30, 23, 0, tzinfo=UTC),
                      datetime(2027, 10, 31, 3, 0, tzinfo=UTC))]  # 4 real hours: 2:00 twice


def test_free_times_are_spread_and_avoid_busy_ones() -> None:
    after = datetime(2027, 1, 11, 8, tzinfo=UTC)
    people = [("America/Toronto", TUE_THU_11_13), ("Europe/Paris", WEEKDAYS_9_21)]
    busy = [(datetime(2027, 1, 12, 16, tzinfo=UTC), datetime(2027, 1, 12, 17, tzinfo=UTC))]
    starts = free_starts(people, busy, after, after + timedelta(days=14), 45)
    assert starts == [datetime(2027, 1, 12, 17, tzinfo=UTC), datetime(2027, 1, 14, 16, tzinfo=UTC),
                      datetime(2027, 1, 19, 16, tzinfo=UTC)]
    one_day = free_starts(people, [], after, after + timedelta(days=2), 45, count=3)
    assert one_day == [datetime(2027, 1, 12, 16, tzinfo=UTC),
                       datetime(2027, 1, 12, 16, 45, tzinfo=UTC)]
    assert free_starts(people, [], after, after, 45) == []
    assert free_starts([("Not/AZone", [(9, 0, 5000), "junk"])], [], after,  # type: ignore[list-item]
                       after + timedelta(days=7), 45) == []


@pytest.fixture
async def spring(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path, datetime(2027, 3, 8, 12, 0, tzinfo=UTC))
    yield application
    await application.close()


@pytest.fixture
async def autumn(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path, datetime(2027, 10, 27, 12, 0, tzinfo=UTC))
    yield application
    await application.close()


async def toronto_and_paris(app: App) -> tuple[Inbox, Chat, Chat]:
    nora = await add_person(app, "nora", "mentor", timezone="America/Toronto",
                            availability=TUE_THU_11_13, capacity=2)
    mia = await add_person(app, "mia", "mentee", language="fr", timezone="Europe/Paris",
                           availability=WEEKDAYS_9_21)
    await match(app, mia, nora)
    inbox = Inbox(app)
    await inbox.deliver()
    return inbox, Chat(app, "mia"), Chat(app, "nora")


async def test_spring_2027_toronto_changes_first(spring: App) -> None:
    inbox, mia, nora = await toronto_and_paris(spring)
    await mia.say("/meet")
    assert "mardi 9 mars 2027, 17\xa0h – 17\xa0h\xa045" in mia.text
    assert "jeudi 11 mars 2027, 17\xa0h – 17\xa0h\xa045" in mia.text
    # Toronto has changed, Paris not
    assert "mardi 16 mars 2027, 16\xa0h – 16\xa0h\xa045" in mia.text
    await inbox.deliver()
    inbox.give_buttons(nora)
    assert [b.label for b in nora.buttons][:3] == ["Tue 9 Mar, 11:00", "Thu 11 Mar, 11:00",
                                                   "Tue 16 Mar, 11:00"]
    await nora.press_label("Tue 16 Mar")
    assert "Tuesday, March 16, 2027, 11:00–11:45 (Toronto time)" in nora.text
    assert event_of(nora.last[0])["DTSTART"].dt == datetime(2027, 3, 16, 15, 0, tzinfo=UTC)
    await inbox.deliver()
    advance_to(spring, datetime(2027, 3, 15, 15, 1, tzinfo=UTC))  # exactly 24 real hours before
    received = await inbox.deliver()
    assert "Tuesday, March 16, 2027, 11:00–11:45 (Toronto time)" in texts(received, "nora")
    assert "mardi 16 mars 2027, 16\xa0h – 16\xa0h\xa045 (heure de Paris)" in texts(received, "mia")


async def test_autumn_2027_a_meeting_booked_before_both_changes(autumn: App) -> None:
    inbox, mia, nora = await toronto_and_paris(autumn)
    await mia.say("/meet")
    assert "jeudi 28 octobre 2027, 17\xa0h" in mia.text      # both still on summer time
    assert "mardi 2 novembre 2027, 16\xa0h" in mia.text      # Paris changed on 31 October
    await inbox.deliver()
    inbox.give_buttons(nora)
    assert [b.label for b in nora.buttons][:3] == ["Thu 28 Oct, 11:00", "Tue 2 Nov, 11:00",
                                                   "Thu 4 Nov, 11:00"]
    await nora.press_label("Propose another time")
    await nora.say("2027-11-07 01:30")  # Toronto's clocks go back: 1:30 happens twice
    assert "the clocks change" in nora.text
    assert [b.label for b in nora.buttons] == ["01:30 (UTC-04:00)", "01:30 (UTC-05:00)"]
    await nora.say("2027-11-09 11:00")  # after both changes
    assert "Tuesday, November 9, 2027, 11:00–11:45 (Toronto time)" in nora.text
    received = await inbox.deliver()
    assert "mardi 9 novembre 2027, 17\xa0h – 17\xa0h\xa045 (heure de Paris)" \
        in texts(received, "mia")
    inbox.give_buttons(mia)
    await mia.press_label("Oui")
    assert event_of(mia.last[0])["DTSTART"].dt == datetime(2027, 11, 9, 16, 0, tzinfo=UTC)
    await inbox.deliver()
    advance_to(autumn, datetime(2027, 11, 8, 16, 1, tzinfo=UTC))
    received = await inbox.deliver()
    assert "Tuesday, November 9, 2027, 11:00–11:45 (Toronto time)" in texts(received, "nora")
    assert "mardi 9 novembre 2027, 17\xa0h – 17\xa0h\xa045 (heure de Paris)" \
        in texts(received, "mia")
