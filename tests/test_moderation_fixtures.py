"""Shared set-up for the safety tests (moderation, relay, privacy): two programmes with their
coordinators, people made straight in the store, a pair matched through the real request and
accept buttons, and an inbox that delivers through the real dispatcher and console transport.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel import people
from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.config import Config, ProgrammeSettings
from bot.kernel.events import Action, Address, Reply
from tests.conftest import START, Chat, make_config
from tests.test_mentoring import Inbox as Inbox  # shared by the moderation tests

COORD = "coord"      # coordinator of "main" (config)
OTTO = "otto"        # coordinator of "other" (config)


def safety_config(tmp_path: Path, *, relay: bool = False) -> Config:
    config = make_config(tmp_path)
    config.programmes["main"].relay_mode = relay
    config.programmes["other"] = ProgrammeSettings(name="Other programme",
                                                   coordinators=[f"console:local:{OTTO}"])
    return config


@pytest.fixture
async def safe_app(tmp_path: Path) -> AsyncIterator[App]:
    application = await build_app(safety_config(tmp_path), SimulatedClock(START))
    yield application
    await application.close()


@pytest.fixture
async def relay_app(tmp_path: Path) -> AsyncIterator[App]:
    application = await build_app(safety_config(tmp_path, relay=True), SimulatedClock(START))
    yield application
    await application.close()


async def person(app: App, handle: str, role: str, *, programme: str = "main",
                 display_name: str = "", language: str = "en", capacity: int = 2) -> int:
    """A complete, consenting profile; mentors offer and mentees seek project management."""
    now = app.services.clock.now()
    address = Address("console", "local", handle, display_name=display_name or handle.title())
    async with app.db.transaction() as tx:
        created = await people.create(tx, address, app.services.programme_ids[programme],
                                      language, now, handle=handle)
        topics = ["project-management"]
        await people.update(
            tx, created, now, role=role, status="active", consent_at=to_iso(now),
            onboarded_at=to_iso(now), languages=["en", "fr"], timezone="Europe/Paris",
            topics_sought=topics if role in ("mentee", "both") else [],
            topics_offered=topics if role in ("mentor", "both") else [],
            goals=f"{display_name or handle.title()} wants to grow and help others grow.",
            availability=[[1, 1020, 1140]], seniority=3 if role == "mentee" else 4,
            capacity=capacity if role in ("mentor", "both") else 0)
        return created.id


async def matched_pair(app: App, mentee: str = "mia", mentor: str = "nora") -> tuple[int, int]:
    """Mentee asks (the request button), mentor accepts (the Accept button); returns ids."""
    mentee_id = await person(app, mentee, "mentee")
    mentor_id = await person(app, mentor, "mentor")
    await app.bot.handle(Action(Chat(app, mentee).address, "req.send", str(mentor_id)))
    async with app.db.read() as tx:
        request_id = await tx.value("SELECT id FROM requests WHERE mentee_id = ?", (mentee_id,))
    assert request_id, "the request was refused"
    await app.bot.handle(Action(Chat(app, mentor).address, "req.accept", str(request_id)))
    return mentee_id, mentor_id


async def match_id_of(app: App, mentee_id: int) -> int:
    async with app.db.read() as tx:
        return await tx.value("SELECT id FROM matches WHERE mentee_id = ? ORDER BY id DESC",
                              (mentee_id,))




async def tap(chat: Chat, fragment: str) -> list[Reply]:
    """Press the button whose label contains `fragment`, in any of the last replies."""
    for reply in chat.last:
        for button in (*reply.buttons, *reply.choices):
            if fragment.lower() in button.label.lower():
                return await chat._send(Action(chat.address, button.action_id, button.value))
    return await chat.press_label(fragment)


async def test_two_programmes_with_their_own_coordinators(safe_app: App) -> None:
    from bot.kernel.alerts import coordinators_of

    coord = await person(safe_app, COORD, "mentor")
    otto = await person(safe_app, OTTO, "mentor", programme="other")
    async with safe_app.db.read() as tx:
        ids = safe_app.services.programme_ids
        assert await coordinators_of(tx, safe_app.services, ids["main"]) == [coord]
        assert await coordinators_of(tx, safe_app.services, ids["other"]) == [otto]
