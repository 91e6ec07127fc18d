"""What participants ran into when living a mentoring relationship from both sides in the
console, in French (Québec) and English: each test is one thing a person hit, told as they
lived it, and what they read now."""

from __future__ import annotations

from bot.kernel.app import App
from tests.conftest import Chat
from tests.people_factory import add_person

NB = "\xa0"


async def zone_of(app: App, handle: str) -> str:
    async with app.db.read() as tx:
        return await tx.value("SELECT timezone FROM people WHERE handle = ?", (handle,))


async def test_heure_de_l_est_offers_montreal_s_zone_not_easter_island(app: App) -> None:
    await add_person(app, "lea", "mentee", language="fr", languages=("fr",),
                     timezone="Europe/Paris")
    lea = Chat(app, "lea")
    await lea.say("/profile")
    await lea.press_label("fuseau")
    await lea.say("heure de l'Est")
    labels = [b.label for b in lea.buttons]
    assert labels[0] == "America/Toronto (Toronto, UTC-05:00)"
    assert not any("Easter" in label for label in labels)
    await lea.press(1)
    assert f"Fuseau horaire{NB}: America/Toronto" in lea.text
    assert await zone_of(app, "lea") == "America/Toronto"


async def test_eastern_time_offers_toronto_and_new_york(app: App) -> None:
    await add_person(app, "sam", "mentee", language="en", languages=("en",),
                     timezone="Europe/London")
    sam = Chat(app, "sam")
    await sam.say("/profile")
    await sam.press_label("time zone")
    await sam.say("eastern time")
    assert "did you mean one of these time zones" in sam.text
    labels = [b.label for b in sam.buttons]
    assert labels == ["America/Toronto (Toronto, UTC-05:00)",
                      "America/New_York (New York, UTC-05:00)"]
    await sam.press(2)
    assert "Time zone: America/New_York" in sam.text
    assert await zone_of(app, "sam") == "America/New_York"
