"""Create complete profiles straight in the store (for scenarios that start after onboarding)."""

from __future__ import annotations

from bot.kernel import people
from bot.kernel.app import App
from bot.kernel.clock import to_iso
from tests.conftest import who


async def add_person(app: App, handle: str, role: str, *, language: str = "en",
                     sought: str = "", offered: str = "", goals: str = "",
                     languages: tuple[str, ...] = ("en",), timezone: str = "Europe/Paris",
                     availability: tuple[tuple[int, int, int], ...] = ((1, 1020, 1140),),
                     seniority: int = 3, department: str = "", capacity: int = 0) -> int:
    taxonomy = app.services.taxonomy
    now = app.services.clock.now()
    async with app.db.transaction() as tx:
        programme_id = next(iter(app.services.programme_ids.values()))
        person = await people.create(tx, who(handle), programme_id, language, now, handle=handle)
        await people.update(
            tx, person, now, role=role, status="active", consent_at=to_iso(now),
            onboarded_at=to_iso(now),
            topics_sought=[m.id for m in taxonomy.normalise(sought)] if sought else [],
            topics_offered=[m.id for m in taxonomy.normalise(offered)] if offered else [],
            goals=goals or f"{handle} wants to grow and to help others grow.",
            languages=list(languages), timezone=timezone,
            availability=[list(s) for s in availability], seniority=seniority,
            department=department, capacity=capacity)
        return person.id
