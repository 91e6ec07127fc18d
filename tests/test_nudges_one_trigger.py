"""The nudges of one trigger share the person's days as nudges planned earlier do.

bot/training/nudges.py plans all the rules of a trigger from one read of the person's nudges and
writes them together: a rule planned first in the same call must take its day as a row
already in the outbox would (at most one unsolicited message a day in content/nudges.toml).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.kernel.app import App
from bot.kernel.clock import from_iso
from bot.kernel.domain_events import Onboarded
from tests.test_training import PARIS, pair
from tests.test_training_support import emit, next_day_at, rows, set_clock


async def planned(app: App, person_id: int) -> list[tuple[str, str]]:
    found = await rows(
        app, "SELECT n.lesson_id, o.due_at FROM nudges n JOIN outbox o"
        " ON o.idempotency_key = n.idempotency_key WHERE n.person_id = ? AND o.status ="
        " 'pending' ORDER BY o.due_at", (person_id,))
    return [(row["lesson_id"], from_iso(row["due_at"]).astimezone(ZoneInfo(PARIS))
             .strftime("%d %H:%M")) for row in found]


async def test_two_lessons_of_a_late_evening_onboarding_go_on_two_mornings(app: App) -> None:
    # 21:30 UTC is 22:30 in Paris in January: quiet hours until 08:00. The welcome lesson
    # ("now") waits for 08:00; the mentee's lesson ("the day after, at 10:00") would fall
    # on that same morning, so it takes the next free day.
    evening = next_day_at(app, 21).replace(minute=30)
    set_clock(app, evening)
    mentee_id, _ = await pair(app, mentee_lang="en")
    await emit(app, Onboarded(person_id=mentee_id))
    day = int(evening.astimezone(ZoneInfo(PARIS)).strftime("%d"))
    assert await planned(app, mentee_id) == [
        ("how-mentoring-works", f"{day + 1:02d} 08:00"),
        ("being-a-mentee", f"{day + 2:02d} 10:00")]


async def test_a_replayed_trigger_plans_nothing_twice(app: App) -> None:
    set_clock(app, next_day_at(app, 9))
    mentee_id, _ = await pair(app, mentee_lang="en")
    await emit(app, Onboarded(person_id=mentee_id))
    first = await planned(app, mentee_id)
    await emit(app, Onboarded(person_id=mentee_id))
    assert await planned(app, mentee_id) == first and len(first) == 2
