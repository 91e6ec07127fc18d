"""Cohort matching keeps to the quality floor and says why someone was left out; a
coordinator's own cohort run includes the mentees who applied in a window or wait on the
waiting list."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.kernel.app import App
from bot.kernel.config import CohortSettings
from bot.kernel.events import Action
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.programme_ops import coordinators, onboard, programme_app

__all__ = ["programme_app"]  # the fixture, used by name


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


async def floor_programme(app: App) -> None:
    await add_person(app, "nora", "mentor", offered="project management", seniority=4,
                     languages=("en", "fr"), capacity=3)
    await add_person(app, "mia", "mentee", sought="project management", seniority=2)
    # Leo shares only a language with Nora: no topic, no common hour, the same experience.
    await add_person(app, "leo", "mentee", sought="cooking", seniority=4,
                     goals="Sourdough and tomatoes.", availability=((5, 600, 660),))


async def test_a_pair_under_the_floor_is_left_unmatched_and_the_report_says_why(
        programme_app) -> None:
    app = await programme_app()
    await floor_programme(app)
    coord, coordo = await coordinators(app)
    await coord.say("/admin cohort")
    text = coord.text
    assert "- Mia → Nora" in text and "Leo → Nora" not in text
    assert "Quality floor: 25/100 ([matching] quality_floor); 1 mentee has no mentor who " \
        "reaches it." in text
    assert "- Leo: No mentor good enough: the best possible pair scores 17.6/100, below the " \
        "quality floor of 25/100" in text
    await coordo.say("/admin cohort")
    assert "Aucun mentor ni aucune mentore ne convient assez : la meilleure paire possible " \
        "obtient 17.6/100, sous le seuil de qualité de 25/100" in plain(coordo.text)
    await coord.press_label("Apply")
    assert "Done: 1 pair created and introduced." in coord.text
    async with app.db.read() as tx:
        pairs = await tx.all("SELECT e.handle, o.handle FROM matches m JOIN people e"
                             " ON e.id = m.mentee_id JOIN people o ON o.id = m.mentor_id")
    assert [tuple(row) for row in pairs] == [("mia", "nora")]


async def test_with_the_floor_at_zero_everyone_placeable_is_placed(programme_app) -> None:
    app = await programme_app()
    app.services.config.matching.quality_floor = 0.0
    await floor_programme(app)
    coord, _ = await coordinators(app)
    await coord.say("/admin cohort")
    assert "- Leo → Nora" in coord.text and "Quality floor" not in coord.text


WINTER = CohortSettings(name="Hiver 2027", opens="2027-01-13", closes="2027-01-20",
                        matching="2027-01-22")


async def test_a_manual_cohort_run_includes_the_window_applicants_and_the_waiting_list(
        programme_app) -> None:
    app = await programme_app(cohorts=[WINTER], timezone="America/Toronto")
    await add_person(app, "nora", "mentor", offered="project management, public speaking",
                     languages=("en", "fr"), capacity=1)
    await add_person(app, "omar", "mentor", offered="project management, finance",
                     languages=("en",), capacity=1)
    coord, coordo = await coordinators(app)
    ana = Chat(app, "ana")
    await onboard(ana, lang="fr")  # before the window: on the waiting list
    clock = app.services.clock
    clock.advance(datetime(2027, 1, 14, 15, 0, tzinfo=UTC) - clock.now())
    ben = Chat(app, "ben")
    await onboard(ben)  # during the window: an applicant
    assert "You are in the *Hiver 2027* cohort" in ben.text

    # The coordinators do not wait for the matching date.
    await coord.say("/admin cohort")
    assert "Included: 2 mentees who applied in a cohort window or wait on the waiting list." \
        in coord.text
    assert "Pairs: 2 · mentees without a mentor before this run: 2" in coord.text
    await coordo.say("/admin cohort")
    assert "2 personnes mentorées incluses, candidates dans une fenêtre de cohorte ou sur la " \
        "liste d'attente." in coordo.text
    await coord.press_label("Apply")
    assert "Done: 2 pairs created and introduced." in coord.text
    async with app.db.read() as tx:
        statuses = dict(await tx.all(
            "SELECT p.handle, a.status FROM cohort_applications a JOIN people p"
            " ON p.id = a.person_id"))
    assert statuses == {"ana": "matched", "ben": "matched"}  # off the list and the window
    await coord.say("/admin waiting")
    assert "Nobody is on the waiting list." in coord.text
    # A forged apply value is refused politely, nothing more is created.
    replies = await app.bot.handle(Action(coord.address, "admin.cohort.apply", "total|forged"))
    assert "changed since this preview" in replies[0].text
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches") == 2
