"""Seed the fictional demo programme (`--demo`) into an empty database."""

from __future__ import annotations

from bot.demo.demo_people import DemoPerson, demo_people
from bot.kernel import people
from bot.kernel.app import App
from bot.kernel.clock import to_iso
from bot.kernel.events import Address


async def seed_demo(app: App, seed: int = 2026) -> int:
    """Add the demo people to the first programme when it has nobody; returns how many."""
    programme_id = app.services.programme_ids[next(iter(app.config.programmes))]
    taxonomy = app.services.taxonomy
    now = app.services.clock.now()
    async with app.db.transaction() as tx:
        if await tx.value("SELECT count(*) FROM people WHERE programme_id = ?", (programme_id,)):
            return 0
        population = demo_people(seed)
        for demo in population:
            address = Address("console", "local", demo.handle, display_name=demo.display_name)
            person = await people.create(tx, address, programme_id, demo.language, now,
                                         handle=demo.handle)
            await people.update(tx, person, now, **_profile(demo, taxonomy), status="active",
                                consent_at=to_iso(now), onboarded_at=to_iso(now))
    return len(population)


DEMO_COORDINATOR = "coord"


async def demo_coordinator(app: App) -> str:
    """The demo's coordinator, so that a newcomer can try the coordinators' commands at once:
    `@coord` is granted the first programme when nobody coordinates it (neither the config
    nor a grant). Returns the handle, or "" when the programme has coordinators already."""
    code = next(iter(app.config.programmes))
    if app.config.programmes[code].coordinators:
        return ""
    programme_id = app.services.programme_ids[code]
    async with app.db.transaction() as tx:
        if await tx.value("SELECT count(*) FROM coordinators WHERE programme_id = ?",
                          (programme_id,)):
            return ""
        await tx.execute(
            "INSERT INTO coordinators (programme_id, platform, workspace, user_id, created_at,"
            " source) VALUES (?, 'console', 'local', ?, ?, 'grant')",
            (programme_id, DEMO_COORDINATOR, to_iso(app.services.clock.now())))
    return DEMO_COORDINATOR


def _profile(demo: DemoPerson, taxonomy: object) -> dict[str, object]:
    def topics(text: str) -> list[str]:
        return list(dict.fromkeys(m.id for m in taxonomy.normalise(text)))[:10] if text else []

    return {
        "role": demo.role,
        "topics_sought": topics(demo.topics_sought),
        "topics_offered": topics(demo.topics_offered),
        "goals": demo.goals,
        "languages": list(demo.languages),
        "timezone": demo.timezone,
        "availability": [list(slot) for slot in demo.availability],
        "seniority": demo.seniority,
        "department": demo.department,
        "capacity": demo.capacity,
        "reverse": demo.reverse,
    }
