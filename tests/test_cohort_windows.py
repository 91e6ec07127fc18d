"""Cohorts with application windows and a waiting list: newcomers outside a window wait and are
told when it opens; applicants are matched at the date; whoever is left waits, first in line,
and is told. Without windows, /find out of suggestions offers the waiting list."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.kernel.app import App
from bot.kernel.config import CohortSettings
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.programme_ops import Deliveries, coordinators, onboard, programme_app

__all__ = ["programme_app"]  # the fixture, used by name

WINTER = CohortSettings(name="Hiver 2027", opens="2027-01-13", closes="2027-01-20",
                        matching="2027-01-22")


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


async def advance_to(app: App, moment: datetime) -> None:
    clock = app.services.clock
    clock.advance(moment - clock.now())


async def windowed(programme_app) -> App:
    app = await programme_app(cohorts=[WINTER], timezone="America/Toronto")
    await add_person(app, "nora", "mentor", offered="project management, public speaking",
                     languages=("en", "fr"), capacity=1)
    await add_person(app, "omar", "mentor", offered="project management, finance",
                     languages=("en",), capacity=1)
    return app


async def test_a_window_opens_applicants_are_matched_and_the_rest_wait(programme_app) -> None:
    app = await windowed(programme_app)
    coord, _ = await coordinators(app)
    post = Deliveries(app)

    ana = Chat(app, "ana")  # Monday 11 January: the window opens on the 13th
    await onboard(ana, lang="fr")
    assert "Les candidatures pour la prochaine cohorte, *Hiver 2027*, ouvrent le 13 janvier " \
        "2027. Votre nom est sur la liste d'attente" in plain(ana.text)
    await ana.say("/find")
    assert "ouvrent le 13 janvier 2027" in ana.text and "Nora" not in ana.text

    await advance_to(app, datetime(2027, 1, 13, 6, 0, tzinfo=UTC))  # 01:00 in Montréal
    received = await post.deliver()
    assert "Les candidatures pour la cohorte *Hiver 2027* sont ouvertes jusqu'au 20 janvier " \
        "2027 ! Le jumelage a lieu le 22 janvier 2027." in plain(received["ana"][0])
    assert "Applications for *Hiver 2027* are open: 1 person on the waiting list has been " \
        "told." in received["coord"][0]
    post.give_buttons(ana)
    await ana.press_label("Je participe")
    assert "Votre place est réservée dans la cohorte *Hiver 2027*. Le jumelage a lieu le 22 " \
        "janvier 2027" in ana.text

    ben, kenji = Chat(app, "ben"), Chat(app, "kenji")
    await onboard(ben)  # during the window: an applicant at once
    assert "You are in the *Hiver 2027* cohort. Matching takes place on January 22, 2027" \
        in ben.text
    await onboard(kenji, languages="Japanese")  # nobody speaks his language
    await ben.say("/find")
    assert "Matching takes place on January 22, 2027" in ben.text
    await coord.say("/admin cohort-window")
    assert "*Hiver 2027*: applications January 13, 2027 – January 20, 2027, matching " \
        "January 22, 2027 · open · 3 applicants" in coord.text

    await advance_to(app, datetime(2027, 1, 22, 15, 0, tzinfo=UTC))  # 10:00 in Montréal
    received = await post.deliver()
    assert "*Nora*" in received["ana"][0] and "Bonne nouvelle" in received["ana"][0]
    assert any("*Omar*" in text for text in received["ben"])  # both introduced
    assert {"nora", "omar"} <= set(received)
    told = received["kenji"][0]
    assert "Matching for the *Hiver 2027* cohort is done, and I could not find you a mentor " \
        "this time" in told
    assert "I'll write to you as soon as the next cohort opens." in told
    assert "*Hiver 2027*: matching done, 2 pairs introduced. Applicants without a mentor, back " \
        "on the waiting list: 1" in received["coord"][0]

    await coord.say("/admin waiting")
    assert "*Waiting list* (1), longest wait first" in coord.text
    assert "- Kenji · since Jan 13, 2027 · not matched in the last cohort" in coord.text
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches WHERE source = 'cohort'") == 2
        statuses = dict(await tx.all(
            "SELECT p.handle, a.status FROM cohort_applications a JOIN people p"
            " ON p.id = a.person_id WHERE a.status != 'unmatched'"))
    assert statuses == {"ana": "matched", "ben": "matched", "kenji": "waiting"}


async def test_a_coordinator_opens_a_window_in_chat_in_french(programme_app) -> None:
    app = await programme_app(timezone="America/Toronto")
    await add_person(app, "nora", "mentor", offered="project management", capacity=1,
                     languages=("fr", "en"))
    _, coordo = await coordinators(app)
    await coordo.say("/admin cohort-window Printemps 2027 ouverture=2027-01-10 "
                     "fermeture=2027-01-09 jumelage=2027-01-30")
    assert "Les dates doivent se suivre dans cet ordre" in coordo.text
    await coordo.say("/admin cohort-window Printemps 2027 ouverture=2027-01-12 "
                     "fermeture=2027-01-19 jumelage=2027-01-21")
    assert "*Printemps 2027* : candidatures du 12 janvier 2027 au 19 janvier 2027, jumelage " \
        "le 21 janvier 2027 · prévue · 0 candidature" in plain(coordo.text)
    ana = Chat(app, "ana")
    await onboard(ana, lang="fr")
    assert "*Printemps 2027*, ouvrent le 12 janvier 2027" in plain(ana.text)
    await coordo.say("/admin cohort-window Printemps 2027 annuler")
    assert "La fenêtre « Printemps 2027 » est annulée" in plain(coordo.text)
    await ana.say("/find")
    assert "Nora" in ana.text  # no window any more: /find is open to her


async def test_out_of_suggestions_a_mentee_joins_the_waiting_list(programme_app) -> None:
    app = await programme_app()
    coord, _ = await coordinators(app)
    await add_person(app, "mia", "mentee", sought="project management")
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert "I couldn't find an available mentor" in mia.text
    await mia.press_label("Join the waiting list")
    assert "You are on the waiting list. The coordination team sees it" in mia.text
    await mia.press_label("Join the waiting list")
    assert "You have been on the waiting list since January 11, 2027." in mia.text
    await coord.say("/admin waiting")
    assert "- Mia · since Jan 11, 2027 · /find found no mentor" in coord.text

    omar_id = await add_person(app, "omar", "mentor", offered="project management", capacity=1)
    await mia.say("/find")  # the list does not hold her back where there are no windows
    await mia.press_label("Request")
    await mia.press_label("Send without a message")
    omar = Chat(app, "omar")
    async with app.db.read() as tx:
        request_id = await tx.value("SELECT id FROM requests WHERE mentor_id = ?", (omar_id,))
    from bot.kernel.events import Action

    await omar._send(Action(omar.address, "req.accept", str(request_id)))
    await coord.say("/admin waiting")
    assert "Nobody is on the waiting list." in coord.text  # matched: off the list


async def test_out_of_suggestions_in_french(programme_app) -> None:
    app = await programme_app()
    await add_person(app, "ana", "mentee", sought="project management", language="fr")
    ana = Chat(app, "ana")
    await ana.say("/find")
    await ana.press_label("M'inscrire sur la liste d'attente")
    assert "Votre nom est sur la liste d'attente." in ana.text
