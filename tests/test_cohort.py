"""Cohort matching for coordinators: dry run with reasons, then apply and introduce."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.kernel.app import App
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.test_console import mentorbot
from tests.test_mentoring import Inbox


async def cohort_programme(app: App) -> None:
    await add_person(app, "coord", "mentor", offered="leadership", capacity=0)
    await add_person(app, "nora", "mentor", offered="project management, public speaking",
                     languages=("en", "fr"), seniority=4, capacity=1)
    await add_person(app, "omar", "mentor", offered="finance, project management",
                     languages=("en",), seniority=5, capacity=2)
    await add_person(app, "mia", "mentee", sought="project management, public speaking",
                     languages=("en",), seniority=2)
    await add_person(app, "leo", "mentee", sought="finance", languages=("en",), seniority=1)
    await add_person(app, "ana", "mentee", sought="public speaking", languages=("fr",),
                     seniority=2, language="fr")
    await add_person(app, "kenji", "mentee", sought="python", languages=("ja",))


async def test_dry_run_then_apply_introduces_every_pair(app: App) -> None:
    await cohort_programme(app)
    inbox = Inbox(app)
    coord = Chat(app, "coord")
    await coord.say("/match-cohort")
    text = coord.text
    assert "Cohort matching — dry run" in text
    assert "Pairs: 3 · mentees without a mentor before this run: 4 · mentors with room: 3" \
        in text
    assert "Kenji: No mentor speaks one of this person's languages." in text
    assert "greedy" in text
    assert "- Ana → Nora" in text  # the only French speaker
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches") == 0  # a dry run changes nothing
    await coord.press_label("Apply")
    assert "3 pairs created and introduced" in coord.text
    received = await inbox.deliver()
    assert set(received) == {"mia", "leo", "ana", "nora", "omar"}
    assert "le jumelage de cohorte du programme a réuni votre profil" in received["ana"][0]
    await coord.press_label("Apply")  # pressing the old preview again
    assert "changed since this preview" in coord.text
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches WHERE source = 'cohort'") == 3


async def test_cohort_and_weights_are_for_coordinators_only(app: App) -> None:
    from bot.kernel.events import Action

    await cohort_programme(app)
    mia = Chat(app, "mia")
    await mia.say("/match-cohort")
    assert "for the programme's coordinators" in mia.text
    replies = await app.bot.handle(Action(mia.address, "admin.cohort.apply", "total|abc"))
    assert "for the programme's coordinators" in replies[0].text
    replies = await app.bot.handle(Action(mia.address, "admin.weights.apply", "topics=9"))
    assert "for the programme's coordinators" in replies[0].text
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches") == 0
        refused = await tx.value("SELECT count(*) FROM audit_log WHERE allowed = 0")
    assert refused == 3


async def test_weights_preview_then_apply_changes_suggestions(app: App) -> None:
    await cohort_programme(app)
    coord = Chat(app, "coord")
    await coord.say("/admin weights")
    assert "Current matching weights: topics=3" in coord.text
    await coord.say("/admin weights topics=abc")
    assert "must be a number" in coord.text
    await coord.say("/admin weights colour=3")
    assert "Unknown criterion" in coord.text
    await coord.say("/admin weights topics=0 seniority=5 department_mode=indifferent")
    assert "Proposed weights: topics=0" in coord.text
    assert "would get a different first suggestion" in coord.text
    assert app.services.matchmaker.weights(1).topics == 3.0  # nothing applied yet
    await coord.press_label("Apply these weights")
    assert "Saved" in coord.text
    assert app.services.matchmaker.weights(1).seniority == 5.0
    async with app.db.read() as tx:
        stored = json.loads(await tx.value("SELECT value FROM programme_settings"))
    assert stored["topics"] == 0 and stored["department_mode"] == "indifferent"


def test_match_cli_dry_run_and_apply(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    seeded = mentorbot("console", "--demo", "--db", str(db), stdin="")
    assert "60 fictional people" in seeded.stdout
    dry = mentorbot("match", "--db", str(db))
    assert dry.returncode == 0, dry.stderr
    assert "Cohort matching — dry run" in dry.stdout and " → " in dry.stdout
    fair = mentorbot("match", "--db", str(db), "--mode", "fair", "--lang", "fr")
    assert "équité d'abord" in fair.stdout
    applied = mentorbot("match", "--db", str(db), "--apply")
    assert "pairs created and introduced" in applied.stdout
    exported = json.loads(mentorbot("export", "--db", str(db)).stdout)
    assert exported["people"]
    again = mentorbot("match", "--db", str(db))
    assert "Pairs: 0 ·" in again.stdout


def test_csv_export_after_meetings_and_matches(tmp_path: Path) -> None:
    """Lists of ids (meetings.match_ids) become text cells, as every other list."""
    from bot.admin.export import to_csv

    text = to_csv([{"id": 1, "match_ids": [3, 4], "slots": [[1, 60, 120]]}])
    assert text.splitlines() == ["id,match_ids,slots", "1,3; 4,1 60 120"]


async def test_the_report_writes_numbers_the_coordinators_way(app: App) -> None:
    await cohort_programme(app)
    coord = Chat(app, "coord")
    await coord.say("/language")
    await coord.press_label("Français")
    await coord.say("/match-cohort")
    assert re.search(r"Score total \d+,\d\d \(glouton\N{NO-BREAK SPACE}: \d+,\d\d, [+-]\d+(,\d)?"
                     r"\N{NO-BREAK SPACE}%\)", coord.text), coord.text
    assert re.search(r"leur choix numéro \d(,\d)?\.", coord.text), coord.text
    assert "." not in coord.text.split("Score total ")[1].split(" ")[0]


async def test_a_mentor_a_mentee_said_no_to_is_not_given_them_by_a_cohort_run(app: App) -> None:
    await cohort_programme(app)
    ana = Chat(app, "ana")  # Nora is the only mentor who speaks her language
    await ana.say("/find")
    await ana.press_label("Pas pour moi")
    coord = Chat(app, "coord")
    await coord.say("/match-cohort")
    assert "- Ana → Nora" not in coord.text
    assert "Ana:" in coord.text  # left unplaced, with a reason
