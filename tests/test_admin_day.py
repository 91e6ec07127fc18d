"""A coordinator's working day as a new coordinator types it, in English and in French: the
commands grouped the way a day uses them, one command in detail, French names for every
command, typos in commands and names answered with the closest one, names in the wrong order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel.app import App
from bot.kernel.events import Action
from tests.conftest import Chat
from tests.fixtures_insight import app_at, member


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


def staff(app: App) -> tuple[Chat, Chat]:
    """@coord reads English, @coordfr French (both coordinators of the programme)."""
    return Chat(app, "coord"), Chat(app, "coordfr", locale="fr-CA")


async def audit_actions(app: App) -> list[tuple[str, str, int]]:
    async with app.db.read() as tx:
        return [(row["actor"], row["action"], row["allowed"]) for row in await tx.all(
            "SELECT actor, action, allowed FROM audit_log ORDER BY id")]


async def test_help_is_grouped_by_the_day_and_lists_every_command_once(app: App) -> None:
    coord, coordfr = staff(app)
    await coord.say("/admin help")
    text = coord.text
    headings = ["*Every day: the figures, and who is waiting*", "*Matching*",
                "*Inviting people and writing to them*", "*Reports and safety*",
                "*Data, settings and the team*"]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)
    # The morning's commands come first, the settings last.
    assert text.index("/admin stats —") < text.index("/admin match @mentee") \
        < text.index("/admin broadcast <") < text.index("/admin reports —") \
        < text.index("/admin export [")
    commands = [line.split()[1] for line in text.splitlines() if line.startswith("/admin ")]
    assert len(commands) == len(set(commands)) and {"waiting", "import", "case"} <= set(commands)
    assert "e.g. /admin help match" in text
    await coordfr.say("/admin help")
    assert "*Au quotidien\u00a0: les chiffres, et qui attend*" in coordfr.text
    assert "*Signalements et sécurité*" in coordfr.text
    assert "/admin aide, /admin statistiques, /admin personne, /admin jumeler" in coordfr.text


async def test_one_command_in_detail_with_an_example_and_its_french_name(app: App) -> None:
    coord, coordfr = staff(app)
    await coord.say("/admin help match")
    assert coord.text.splitlines() == [
        "/admin match @mentee @mentor — match two people by hand (score and reasons first,"
        " then confirm)",
        "Example: /admin match @mia @nora — the mentee first, then the mentor",
        "French name: /admin jumeler"]
    await coord.say("/admin help exprot")  # a typo in the topic too
    assert coord.text.startswith("/admin export [json|csv]")
    await coord.say("/admin help nothing-like-it")
    assert coord.text == "There is no admin command “nothing-like-it”. /admin help lists them all."
    await coordfr.say("/admin aide jumeler")
    assert coordfr.text.splitlines()[1:] == [
        "Exemple\u00a0: /admin match @mia @nora — la personne mentorée d'abord, puis le mentor"
        " ou la mentore",
        "Nom français\u00a0: /admin jumeler"]


async def test_french_names_run_the_command(app: App) -> None:
    await member(app, "mia", "mentee")
    _, coordfr = staff(app)
    await coordfr.say("/admin statistiques")
    assert coordfr.text.startswith("*Statistiques du programme — Programme Test*")
    await coordfr.say("/admin Personne @mia")  # any case
    assert coordfr.text.startswith("*Mia* (@mia) — vue de l'équipe de coordination")
    await coordfr.say("/admin attente")
    assert coordfr.text == "Personne n'est sur la liste d'attente."
    actions = [action for actor, action, _ in await audit_actions(app)]
    assert actions == ["stats", "person", "waiting"]  # audited under the command's own name


async def test_a_mistyped_command_suggests_the_closest_with_a_button(app: App) -> None:
    await member(app, "mia", "mentee")
    coord, coordfr = staff(app)
    await coord.say("/admin persn @mia")
    assert coord.text == "I don't know the admin command “persn”. Did you mean /admin person @mia?"
    assert [b.label for b in coord.buttons] == ["Run /admin person @mia"]
    await coord.press(1)
    assert coord.text.startswith("*Mia* (@mia) — coordinators' view")
    await coord.say("/admin stat")
    assert "Did you mean /admin stats?" in coord.text
    await coord.say("/admin zzz")
    assert coord.text == "I don't know the admin command “zzz”. Type /admin help for the list."
    await coordfr.say("/admin statistique")  # one letter short of the French name: the same
    assert coordfr.text.startswith("*Statistiques du programme")
    await coordfr.say("/admin exprter csv")
    assert coordfr.text == ("Je ne connais pas la commande d'administration «\u00a0exprter\u00a0»."
                            " Vouliez-vous dire /admin export csv\u202f?")
    assert [b.label for b in coordfr.buttons] == ["Lancer /admin export csv"]


async def test_the_suggestion_button_is_checked_like_the_command(app: App) -> None:
    await member(app, "mia", "mentee")
    mia = Chat(app, "mia")
    await mia.say("/admin persn @mia")  # a participant: refused, no suggestion
    assert mia.text.startswith("Sorry, this command is for the programme's coordinators.")
    # A forged press of the suggestion button runs nothing for a participant...
    await mia._send(Action(mia.address, "admin.suggested", "export json"))
    assert mia.text.startswith("Sorry, this command is for the programme's coordinators.")
    assert mia.last[0].file is None
    # ...and for a coordinator it is no more than typing the line (checked and audited).
    otto = Chat(app, "otto")  # coordinator of the other programme
    await otto._send(Action(otto.address, "admin.suggested", "person @mia"))
    assert otto.text == "I couldn't find anyone called “@mia” in your programme."
    assert ("console:local:mia", "button admin.suggested", 0) in await audit_actions(app)


async def test_a_mistyped_name_offers_the_closest_people(app: App) -> None:
    await member(app, "niamh.gallagher", "mentee")
    await member(app, "marcus", "mentor", capacity=2)
    coord, coordfr = staff(app)
    await coord.say("/admin person @niamh.galager")
    assert coord.text == ("Nobody is called “@niamh.galager” in your programme. Did you mean one"
                          " of these people?")
    assert [b.label for b in coord.buttons] == ["Niamh.Gallagher (@niamh.gallagher)"]
    await coord.press(1)
    assert coord.text.startswith("*Niamh.Gallagher* (@niamh.gallagher) — coordinators' view")
    await coord.say("/admin match @niamh.galager @marcus")
    assert coord.text == ("I couldn't find anyone called “@niamh.galager” in your programme.\n"
                          "Did you mean Niamh.Gallagher (@niamh.gallagher)?")
    await coord.say("/admin match @marcus @niamh.galager")  # only the name not found
    assert coord.text.splitlines() == [
        "I couldn't find anyone called “@niamh.galager” in your programme.",
        "Did you mean Niamh.Gallagher (@niamh.gallagher)?"]
    await coordfr.say("/admin grant @niamh.galager")
    assert coordfr.text.splitlines()[1] == ("Vouliez-vous dire Niamh.Gallagher"
                                            " (@niamh.gallagher)\u202f?")
    await coordfr.say("/admin person gallager")  # a last name, misspelt
    assert coordfr.text.startswith("Personne ne s'appelle «\u00a0gallager\u00a0» dans votre")
    await coord.say("/admin person @zq")  # nothing close: no guess
    assert coord.text == "I couldn't find anyone called “@zq” in your programme."


async def test_match_with_the_mentor_named_first_reads_them_the_other_way(app: App) -> None:
    await member(app, "mia", "mentee", sought="project management", seniority=2)
    await member(app, "nora", "mentor", offered="project management", seniority=4, capacity=1)
    coord, coordfr = staff(app)
    await coord.say("/admin match @nora @mia")
    lines = coord.text.splitlines()
    assert lines[0] == ("(The mentor was named first: I read Mia as the mentee and Nora as the"
                        " mentor.)")
    assert lines[1] == "*Match Mia with Nora?*"
    # Reasons about the mentee, not "you": the coordinator is neither of them.
    assert "- Speaks the mentee's language: English" in lines
    assert "- 2 levels more experienced than the mentee" in lines
    assert not any("your" in line or " you" in line for line in lines[2:-1])
    await coord.press_label("Confirm")
    assert coord.text == "Done: Mia and Nora are now matched and have been introduced."
    await coordfr.say("/admin end @nora @mia")
    await coordfr.say("/admin jumeler @nora @mia")
    assert coordfr.text.startswith("(Les noms étaient dans l'autre ordre\u00a0: Mia est la"
                                   " personne mentorée, Nora accompagne.)\n*Former le binôme")
    assert "- Parle la langue de la personne mentorée\u00a0: anglais" in coordfr.text
    assert "vous" not in coordfr.text.split("\n", 2)[2].rsplit("\n", 1)[0]


async def test_the_cohort_dry_run_speaks_of_the_mentee(app: App) -> None:
    await member(app, "mia", "mentee", languages=("en",), sought="knitting")
    await member(app, "nora", "mentor", languages=("en",), capacity=1, seniority=5)
    app.services.config.matching.quality_floor = 0
    coord, coordfr = staff(app)
    await coord.say("/admin cohort")
    assert "- Mia → Nora · " in coord.text and "your" not in coord.text
    await coordfr.say("/admin cohorte")
    assert "- Mia → Nora · " in coordfr.text and " vous" not in coordfr.text.split("\n\n")[1]


async def named_member(app: App, handle: str, name: str, role: str, **profile) -> int:
    person_id = await member(app, handle, role, **profile)
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET display_name = ? WHERE id = ?", (name, person_id))
    return person_id


async def test_lists_give_the_handle_that_match_and_end_take(app: App) -> None:
    await named_member(app, "niamh.g", "Niamh Gallagher", "mentee", sought="finance")
    await named_member(app, "marcus.d", "Marcus Delgado", "mentor", offered="finance",
                       capacity=2)
    await member(app, "kim", "mentee")  # "Kim" is her handle already: not repeated
    coord, coordfr = staff(app)
    await coord.say("/admin unmatched")
    assert "- Niamh Gallagher (@niamh.g) · waiting for less than an hour" in coord.text
    assert "- Kim · waiting" in coord.text
    niamh = Chat(app, "niamh.g")
    await niamh.say("/find")
    await niamh.press_label("Request Marcus")
    await niamh.press_label("Send without a message")
    await coord.say("/admin requests")
    assert "- Niamh Gallagher (@niamh.g) → Marcus Delgado (@marcus.d) · sent" in coord.text
    await coord.say("/admin match @niamh.g @marcus.d")
    await coord.press_label("Confirm")
    await coordfr.say("/admin pairs")
    assert coordfr.text.splitlines()[1] == (
        "- Niamh Gallagher (@niamh.g) et Marcus Delgado (@marcus.d) · depuis le 15 mars 2027"
        " · aucune rencontre tenue pour l'instant")  # not "0 rencontre tenue" before it


async def test_times_read_in_the_programmes_zone_when_the_coordinator_has_none(
        app: App) -> None:
    app.services.config.programmes["main"].timezone = "America/Toronto"
    coord, coordfr = staff(app)
    await coord.say("/admin stats")
    await coord.say("/admin audit")  # 12:00 UTC is 08:00 in Toronto (daylight time)
    assert coord.text.splitlines()[1] == "- Mar 15, 2027, 08:00 · Coord · audit"
    await coordfr.say("/admin audit")
    assert coordfr.text.splitlines()[1] == "- 15 mars 2027, 8\u00a0h · Coordfr · audit"
    await named_member(app, "nina", "Nina", "mentee", timezone="Europe/Paris")
    own = Chat(app, "coord", timezone="Europe/Paris")  # a zone of their own wins
    await own.say("/admin audit")
    assert own.text.splitlines()[1].startswith("- Mar 15, 2027, 13:00 · Coord")


async def test_cohort_window_dates_written_as_people_write_them(app: App) -> None:
    coord, coordfr = staff(app)
    await coordfr.say("/admin fenetre Printemps ouverture=1er avril fermeture=14 avril"
                      " jumelage=16 avril 14h")
    assert coordfr.text.startswith("Enregistré")
    assert "candidatures du 1 avril 2027 au 14 avril 2027, jumelage le 16 avril 2027, 14\u00a0h" \
        in coordfr.text
    await coord.say('/admin cohort-window Summer opens=June 1 closes=06/14/2027'
                    ' matching="Jun 16 2027 9:30am"')
    assert ("applications June 1, 2027 – June 14, 2027, matching June 16, 2027,"
            " 09:30") in coord.text
    await coordfr.say("/admin cohort-window Été ouverture=16/06/2027 fermeture=30/06/2027"
                      " jumelage=2 juillet")  # day first, in French
    assert "du 16 juin 2027 au 30 juin 2027, jumelage le 2 juillet 2027" in coordfr.text
    await coord.say("/admin cohort-window Old opens=yesterday closes=April 2 matching=April 3")
    assert coord.text.startswith("«yesterday»: I can't read that as a date to come.")
    await coordfr.say("/admin cohort-window Été annuler")  # nobody applied: nobody was told
    assert coordfr.text == ("La fenêtre «\u00a0Été\u00a0» est annulée\u202f; personne n'y avait"
                            " encore posé sa candidature.")


async def test_a_forged_weights_button_without_values_saves_nothing(app: App) -> None:
    coord = Chat(app, "coord")
    await coord._send(Action(coord.address, "admin.weights.apply", ""))
    assert coord.text == "That button is no longer valid. Type /help to see what you can do."
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM programme_settings") == 0


async def test_end_with_one_name_says_how_to_end(app: App) -> None:
    await member(app, "mia", "mentee")
    coord, coordfr = staff(app)
    await coord.say("/admin end @mia")
    assert coord.text.startswith("Name both people of the relationship: /admin end @mentee"
                                 " @mentor [reason]")
    await coordfr.say("/admin terminer @mia")
    assert coordfr.text.startswith("Nommez les deux personnes du binôme\u00a0: /admin end")
    await coord.say("/admin match @mia")  # the match usage is unchanged
    assert coord.text.startswith("Name the mentee, then the mentor")


async def test_stats_name_statuses_without_gender_in_french(app: App) -> None:
    await member(app, "mia", "mentee")
    _, coordfr = staff(app)
    await coordfr.say("/admin stats")
    assert "- Personnes mentorées\u00a0: 1 (en activité\u00a0: 1)" in coordfr.text


async def test_the_first_of_the_month_reads_1er_in_french(app: App) -> None:
    from tests.fixtures_insight import day, relationship

    mia = await member(app, "mia", "mentee")
    nora = await member(app, "nora", "mentor", capacity=1)
    async with app.db.transaction() as tx:
        await relationship(tx, app.services.programme_ids["main"], mia, nora, day(2, 1))
    coord, coordfr = staff(app)
    await coordfr.say("/admin pairs")
    assert "- Mia et Nora · depuis le 1er février 2027 · " in coordfr.text
    await coord.say("/admin pairs")
    assert "- Mia & Nora · since February 1, 2027 · " in coord.text


async def test_people_named_by_their_full_names(app: App) -> None:
    await named_member(app, "niamh.g", "Niamh Gallagher", "mentee", sought="finance")
    await named_member(app, "marcus.d", "Marcus Delgado", "mentor", offered="finance",
                       capacity=2)
    coord, coordfr = staff(app)
    # It used to read "niamh" and "gallagher" as the two people: "Niamh Gallagher and Niamh
    # Gallagher can't be matched".
    await coord.say("/admin match niamh gallagher marcus delgado")
    assert coord.text.startswith("*Match Niamh Gallagher with Marcus Delgado?*")
    await coord.press_label("Confirm")
    await coordfr.say("/admin end niamh gallagher marcus delgado plus le temps")
    assert coordfr.text.startswith("Le binôme de Niamh Gallagher et Marcus Delgado est terminé")
    async with app.db.read() as tx:
        assert await tx.value("SELECT end_reason FROM matches") == "coordinator: plus le temps"
    await coord.say("/admin match niamh niamh")
    assert coord.text.startswith("You named Niamh Gallagher twice.")
    await coordfr.say("/admin jumeler niamh niamh")
    assert coordfr.text.startswith("Vous avez nommé Niamh Gallagher deux fois.")
    await coord.say("/admin @niamh.g")  # a handle alone: who is it?
    assert coord.text.startswith("*Niamh Gallagher* (@niamh.g) — coordinators' view")


async def test_a_coordinator_who_forgets_or_mistypes_admin_is_offered_the_admin_command(
        app: App) -> None:
    await member(app, "mia", "mentee")
    coord, coordfr = staff(app)
    await coord.say("/admn stats")
    assert coord.text == "I don't know the command /admn. Did you mean /admin stats?"
    await coord.press_label("Run /admin stats")
    assert coord.text.startswith("*Programme statistics")
    await coord.say("/stats")
    assert coord.text == "I don't know the command /stats. Did you mean /admin stats?"
    await coordfr.say("/personne @mia")
    assert coordfr.text == ("Je ne connais pas la commande /personne. Vouliez-vous dire"
                            " /admin person @mia\u202f?")
    await coord.say("/xyz")  # nothing close: the usual answer
    assert coord.text == "I don't know the command /xyz. Type /help to see what I can do."
    mia = Chat(app, "mia")  # a participant is never offered an admin command
    await mia.say("/stats")
    assert mia.text == "I don't know the command /stats. Did you mean /start?"
    await mia.say("/admn stats")
    assert "admin" not in mia.text


async def test_an_insight_question_with_a_typo_is_still_answered(app: App) -> None:
    coord, coordfr = staff(app)
    await coord.say("/admin insight attendence")
    assert coord.text.startswith("*Attendance*")
    await coordfr.say("/admin insight présense")
    assert coordfr.text.startswith("*Présence*")
    await coord.say("/admin insight everything")
    assert coord.text.startswith("Which question?")
