"""Issue 13: a coordinator listed in the config (or granted in chat) works at once, with no
participant profile, gets a coordinator's /start and /help, and never counts as a participant
— in the figures, matching, cohorts, broadcasts or unmatched lists — unless they also choose
to take part, in which case they count like anyone else."""

from __future__ import annotations

from bot.kernel.app import App
from tests.conftest import Chat
from tests.people_factory import add_person


async def test_a_config_coordinator_runs_admin_commands_at_once_without_a_profile(
        app: App) -> None:
    coord = Chat(app, "coord")
    await coord.say("/admin stats")
    assert "Programme statistics — Programme Test" in coord.text
    assert "agree" not in coord.text.casefold()      # no consent question
    await coord.say("/admin help")
    assert "Coordinator commands" in coord.text and "/admin stats" in coord.text
    await coord.say("/admin audit")
    assert "Recent admin actions" in coord.text and "(refused)" not in coord.text


async def test_start_and_help_speak_to_a_coordinator_in_their_language(app: App) -> None:
    coord = Chat(app, "coord")
    await coord.say("/start")
    assert "You are a coordinator of Programme Test" in coord.text
    assert "/admin help" in coord.text
    assert "language" not in coord.text.casefold().split("/admin")[0]  # no onboarding question
    assert [b.label for b in coord.buttons] == ["Also take part as a mentor or mentee"]
    await coord.say("hello")                                # free text: the same welcome
    assert "You are a coordinator of Programme Test" in coord.text
    await coord.say("/help")
    assert coord.text.startswith("*You are a coordinator of Programme Test.*")
    assert "/admin stats" in coord.text and "/admin broadcast" in coord.text
    assert "/find" not in coord.text                        # participant commands need a profile

    coordfr = Chat(app, "coord", locale="fr")
    await coordfr.say("/language fr")
    await coordfr.say("/start")
    assert "Vous faites partie de l'équipe de coordination de Programme Test" in coordfr.text
    assert "/admin help" in coordfr.text
    await coordfr.say("/aide")
    assert "/admin stats" in coordfr.text


async def test_a_coordinator_without_profile_is_in_no_figure_list_or_audience(app: App) -> None:
    await add_person(app, "mia", "mentee", sought="python")
    await add_person(app, "nora", "mentor", offered="python", capacity=2)
    coord = Chat(app, "coord")
    await coord.say("/start")
    sam = Chat(app, "sam")           # a participant who has only said hello
    await sam.say("hello")
    await coord.say("/admin grant @sam")
    assert "Sam is now a coordinator" in coord.text

    await coord.say("/admin stats")
    assert "*People*: 2" in coord.text                      # Mia and Nora only
    assert "new" not in coord.text.split("*Requests*")[0]
    await coord.say("/admin broadcast status:new Welcome!")
    assert "Nobody fits this audience" in coord.text
    await coord.say("/admin unmatched")
    assert "Mia" in coord.text and "Coord" not in coord.text and "Sam" not in coord.text
    await coord.say("/admin cohort")
    assert "Mia → Nora" in coord.text
    assert "mentees without a mentor before this run: 1" in coord.text
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert "Nora" in mia.text and "Coord" not in mia.text and "Sam" not in mia.text
    await coord.say("/admin export json")
    people = __import__("json").loads(coord.last[1].file.content)["people"]
    assert sorted(p["handle"] for p in people) == ["mia", "nora"]


async def test_a_coordinator_who_also_takes_part_counts_as_a_participant(app: App) -> None:
    coord = Chat(app, "coord")
    await coord.say("/start")
    await coord.press_label("Also take part")
    assert "language" in coord.text.casefold()              # onboarding starts
    await coord.press_label("English")
    await coord.press_label("I agree")
    await coord.press_label("Mentor —")
    await coord.say("/admin stats")                          # not yet: onboarding unfinished
    assert "*People*: 0" in coord.text
    await coord.say("/start")                               # resumes onboarding
    assert "coordinator of" not in coord.text and "Which topics" in coord.text
    await coord.say("Python, leadership")
    await coord.say("Twenty years in software; I like helping people grow into leads.")
    await coord.say("English")
    await coord.say("Europe/Paris")
    await coord.say("Tue 5-7pm")
    await coord.press_label("Senior")
    await coord.say("/skip")
    await coord.say("2")
    assert "Your profile is ready" in coord.text
    await coord.say("/admin stats")
    assert "*People*: 1" in coord.text and "Mentors: 1 (active 1)" in coord.text
    await coord.say("/help")                                 # a participant's help, and a hint
    assert "/find" in coord.text and "/admin help" in coord.text
