"""Storage limitation: people inactive for `[privacy] retention_months` are warned a week
before, then forgotten by the daily job; coordinators and people in a relationship stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.kernel.app import App
from bot.kernel.clock import SimulatedClock
from bot.kernel.config import Config, ConfigError, load_config
from bot.kernel.domain_events import Onboarded
from bot.privacy.privacy import add_months, retention_months, schedule_retention
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import COORD, Inbox, matched_pair, person

safe_app = fixtures.safe_app


async def _handles(app: App) -> set[str]:
    async with app.db.read() as tx:
        return {row[0] for row in await tx.all("SELECT handle FROM people")}


async def test_inactive_people_are_warned_then_forgotten(safe_app: App) -> None:
    clock = safe_app.services.clock
    assert isinstance(clock, SimulatedClock)
    inbox = Inbox(safe_app)
    await person(safe_app, COORD, "mentor")
    await matched_pair(safe_app)                 # in a relationship: never swept
    await person(safe_app, "sam", "mentee")      # inactive, ignores the warning
    await person(safe_app, "lou", "mentee")      # inactive, presses "I'm still here"
    async with safe_app.db.transaction() as tx:
        await schedule_retention(tx, clock.now())
    await inbox.deliver()

    clock.advance(add_months(clock.now(), 24) - clock.now() - timedelta(days=6))
    received = await inbox.deliver()
    warned = {h for h, texts in received.items() if any("inactive for" in t for t in texts)}
    assert warned == {"sam", "lou"}  # not the coordinator, not the pair in a relationship
    lou = Chat(safe_app, "lou")
    inbox.give_buttons(lou)
    await lou.press_label("I'm still here")
    assert "your data is kept" in lou.text
    clock.advance(timedelta(days=1))
    received = await inbox.deliver()
    assert not any("inactive for" in t for texts in received.values() for t in texts)

    clock.advance(timedelta(days=7))
    await inbox.deliver()
    assert await _handles(safe_app) == {COORD, "mia", "nora", "lou"}
    async with safe_app.db.read() as tx:
        counts = await tx.value("SELECT count FROM anonymous_counts WHERE metric = 'people'")
        jobs = await tx.value("SELECT count(*) FROM outbox WHERE kind = 'job'"
                              " AND status = 'pending' AND idempotency_key LIKE 'privacy:%'")
    assert counts == 1 and jobs == 1             # tomorrow's run is already planned


async def test_coming_back_after_the_warning_cancels_it(safe_app: App) -> None:
    clock = safe_app.services.clock
    assert isinstance(clock, SimulatedClock)
    inbox = Inbox(safe_app)
    await person(safe_app, "sam", "mentee")
    async with safe_app.db.transaction() as tx:
        await schedule_retention(tx, clock.now())
    clock.advance(add_months(clock.now(), 24) - clock.now() - timedelta(days=6))
    assert "sam" in await inbox.deliver()
    sam = Chat(safe_app, "sam")
    await sam.say("/language fr")                # any change to the profile is activity
    clock.advance(timedelta(days=10))
    await inbox.deliver()
    assert await _handles(safe_app) == {"sam"}
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM retention_notices") == 0


def test_retention_setting_is_validated_by_the_config(tmp_path: Path) -> None:
    assert retention_months(Config()) == 24
    path = tmp_path / "config.toml"
    path.write_text("[privacy]\nretention_months = 6\n")
    assert retention_months(load_config(path, env={})) == 6
    for odd in ("-1", "'12'", "true"):
        path.write_text(f"[privacy]\nretention_months = {odd}\n")
        with pytest.raises(ConfigError, match=r":2: \[privacy\] retention_months"):
            load_config(path, env={})


def test_months_are_calendar_months() -> None:
    moment = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    assert add_months(moment, -1) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert add_months(moment, -24) == datetime(2024, 3, 31, 10, 0, tzinfo=UTC)
    assert add_months(moment, 11) == datetime(2027, 2, 28, 10, 0, tzinfo=UTC)


async def test_the_first_onboarding_plans_the_daily_run(safe_app: App) -> None:
    sam = await person(safe_app, "sam", "mentee")
    async with safe_app.db.transaction() as tx:
        for _ in range(2):  # idempotent: one row per day
            await safe_app.services.hooks.emit(tx, safe_app.services, Onboarded(person_id=sam))
    async with safe_app.db.read() as tx:
        rows = await tx.all("SELECT payload, due_at FROM outbox WHERE kind = 'job'"
                            " AND idempotency_key LIKE 'privacy:retention:%'")
    assert len(rows) == 1 and '"privacy_retention"' in rows[0]["payload"]
    assert rows[0]["due_at"][11:16] == "03:00"
