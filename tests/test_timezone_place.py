"""The city a person typed for their time zone is the one they read back: someone in
Montréal sees "heure de Montréal", not the zone's own city "heure de Toronto"."""

from __future__ import annotations

from bot.kernel.app import App
from bot.meetings.meeting_time import zone_name
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_meetings import TUE_THU_11_13, TUE_THU_16_20, Inbox, match, texts

NB = "\xa0"


async def place_of(app: App, handle: str) -> tuple[str, str]:
    async with app.db.read() as tx:
        row = await tx.one("SELECT timezone, timezone_place FROM people WHERE handle = ?",
                           (handle,))
    return row["timezone"], row["timezone_place"]


async def type_timezone(chat: Chat, text: str) -> None:
    await chat.say("/profile")
    await chat.press_label("fuseau")
    await chat.say(text)


async def test_montreal_typed_is_kept_and_shown_in_the_profile(app: App) -> None:
    await add_person(app, "lea", "mentor", language="fr", languages=("fr",),
                     timezone="Europe/Paris", capacity=2)
    lea = Chat(app, "lea")
    await type_timezone(lea, "montreal")  # one city, one zone: taken at once, and shown back
    assert f"Fuseau horaire{NB}: America/Toronto (Montréal, UTC-05:00)." in lea.text
    assert await place_of(app, "lea") == ("America/Toronto", "Montréal")

    await type_timezone(lea, "montrael")  # a typo is offered, not taken
    assert lea.buttons[0].label == "America/Toronto (Montréal, UTC-05:00)"
    await lea.press(1)
    assert f"Fuseau horaire{NB}: America/Toronto (Montréal, UTC-05:00)." in lea.text
    assert await place_of(app, "lea") == ("America/Toronto", "Montréal")

    await type_timezone(lea, "America/Toronto")  # a zone name: no city of her own any more
    assert await place_of(app, "lea") == ("America/Toronto", "")


async def test_a_meeting_proposal_says_heure_de_montreal(app: App) -> None:
    nora = await add_person(app, "nora", "mentor", language="fr", languages=("fr", "en"),
                            offered="project management", timezone="Europe/Paris",
                            availability=TUE_THU_11_13, capacity=3)
    mia = await add_person(app, "mia", "mentee", language="fr", languages=("fr",),
                           sought="project management", timezone="Europe/Paris",
                           availability=TUE_THU_16_20)
    nora_chat = Chat(app, "nora")
    await type_timezone(nora_chat, "Montréal")
    await match(app, mia, nora)
    inbox = Inbox(app)
    await inbox.deliver()

    await Chat(app, "mia").say("/meet")
    proposal = texts(await inbox.deliver(), "nora")
    assert "(en heure de Montréal)" in proposal
    assert "Toronto" not in proposal

    inbox.give_buttons(nora_chat)
    await nora_chat.press_label("jeu. 14 janv.")
    assert f"Rencontre confirmée avec Mia{NB}: jeudi 14 janvier 2027, 11\xa0h – 11\xa0h\xa045 " \
           "(heure de Montréal)" in nora_chat.text
    received = texts(await inbox.deliver(), "mia")
    assert "(heure de Paris)" in received  # Mia typed nothing: her zone's own city


async def test_french_elides_de_before_a_vowel(app: App) -> None:
    catalogue = app.services.catalogue
    assert zone_name(catalogue, "America/Toronto", "fr", place="Ottawa") == "heure d'Ottawa"
    assert zone_name(catalogue, "Europe/London", "fr", place="Édimbourg") == "heure d'Édimbourg"
    assert zone_name(catalogue, "America/Halifax", "fr") == "heure de Halifax"
    assert zone_name(catalogue, "America/Toronto", "en", place="Ottawa") == "Ottawa time"


async def test_a_request_tells_the_mentor_the_city_the_mentee_typed(app: App) -> None:
    await add_person(app, "nora", "mentor", language="fr", languages=("fr", "en"),
                     offered="project management", timezone="Europe/Paris",
                     availability=TUE_THU_11_13, capacity=3)
    await add_person(app, "mia", "mentee", language="fr", languages=("fr",),
                     sought="project management", timezone="Europe/Paris",
                     availability=TUE_THU_16_20)
    mia = Chat(app, "mia")
    await type_timezone(mia, "Montréal")
    inbox = Inbox(app)
    await mia.say("/find")
    await mia.press_label("Solliciter Nora")
    await mia.press_label("Envoyer sans message")
    request = texts(await inbox.deliver(), "nora")
    assert f"fuseau horaire{NB}: heure de Montréal" in request
    assert "America/Toronto" not in request
