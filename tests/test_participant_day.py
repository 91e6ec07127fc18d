"""What participants ran into when living a mentoring relationship from both sides in the
console, in French (Québec) and English: each test is one thing a person hit, told as they
lived it, and what they read now."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock
from bot.kernel.config import ProgrammeSettings
from tests.conftest import START, Chat, make_config
from tests.people_factory import add_person
from tests.test_mentoring import Inbox, mia_has_asked_nora

NB = "\xa0"
NB_THIN = "\u202f"


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


async def amelie_has_asked_karim_setup(app: App) -> None:
    """Karim (Paris) mentors; Amélie (Montréal) looks for help in project management."""
    await add_person(app, "karim", "mentor", language="fr", languages=("fr", "en"),
                     offered="gestion de projet, prise de parole", timezone="Europe/Paris",
                     seniority=4, capacity=2)
    await add_person(app, "amelie", "mentee", language="fr", languages=("fr",),
                     sought="gestion de projet", timezone="America/Toronto", seniority=2)


async def amelie_has_asked_karim(app: App) -> tuple[Inbox, Chat, Chat]:
    """Amélie (Montréal) has asked Karim (Paris) to be her mentor, in French."""
    await amelie_has_asked_karim_setup(app)
    inbox = Inbox(app)
    amelie, karim = Chat(app, "amelie"), Chat(app, "karim")
    await amelie.say("/find")
    await amelie.press_label("Solliciter Karim")
    await amelie.press_label("Envoyer sans message")
    await inbox.deliver()
    return inbox, amelie, karim


async def test_a_mentee_answers_the_mentor_s_question_by_just_typing_fr(app: App) -> None:
    inbox, amelie, karim = await amelie_has_asked_karim(app)
    inbox.give_buttons(karim)
    await karim.press_label("Demander des précisions")
    await karim.say("Sur quel projet travaillez-vous en ce moment ?")
    received = await inbox.deliver()
    assert "Écrivez simplement votre réponse ici" in received["amelie"][0]
    # She types her answer without pressing *Répondre* first: it is her answer.
    await amelie.say("La migration de notre outil de paie.")
    assert "Votre réponse est partie chez Karim." in amelie.text
    received = await inbox.deliver()
    assert f"Amelie a répondu à votre question{NB}: «{NB}La migration de notre outil de paie." \
        in received["karim"][0]
    inbox.give_buttons(karim)
    await karim.press_label("Accepter")
    assert "Vous accompagnez désormais *Amelie*" in karim.text


async def test_a_mentee_answers_the_mentor_s_question_by_just_typing_en(app: App) -> None:
    inbox, mia, nora = await mia_has_asked_nora(app)
    inbox.give_buttons(nora)
    await nora.press_label("Ask for more info")
    await nora.say("What's your current role exactly?")
    received = await inbox.deliver()
    assert "Just type your answer here" in received["mia"][0]
    await mia.say("I'm a support lead for the EMEA region.")
    assert "Your answer is on its way to Nora." in mia.text
    received = await inbox.deliver()
    assert "Mia answered your question: “I'm a support lead for the EMEA region.”" \
        in received["nora"][0]


async def test_a_mentee_busy_with_something_else_keeps_it(app: App) -> None:
    # Editing her profile when the question arrives: what she types still answers the
    # profile question; the *Answer* button remains for the mentor's.
    inbox, mia, nora = await mia_has_asked_nora(app)
    await mia.say("/profile")
    await mia.press_label("time zone")
    inbox.give_buttons(nora)
    await nora.press_label("Ask for more info")
    await nora.say("Which project are you working on?")
    await inbox.deliver()
    await mia.say("London")
    assert "Time zone: Europe/London" in mia.text
    inbox.give_buttons(mia)
    await mia.press_label("Answer")
    await mia.say("A CRM migration.")
    assert "Your answer is on its way to Nora." in mia.text


async def test_availability_answered_with_a_date_or_a_shrug_fr(app: App) -> None:
    await add_person(app, "lea", "mentee", language="fr", languages=("fr",))
    lea = Chat(app, "lea")
    await lea.say("/profile")
    await lea.press_label("disponibilités")
    await lea.say("demain 14h")
    assert "Je cherche vos disponibilités habituelles, d'une semaine à l'autre" in lea.text
    await lea.say("n'importe quand")
    assert "vous êtes plutôt flexible" in lea.text and "«\xa0n\xa0»" not in lea.text
    await lea.say("le week-end")
    assert f"Pour «{NB}week-end{NB}», à quelles heures" in lea.text
    await lea.say("lun-ven 18h-20h")
    assert f"Disponibilités{NB}: lun.–ven. 18{NB}h – 20{NB}h" in lea.text


async def test_availability_answered_with_a_date_or_a_shrug_en(app: App) -> None:
    await add_person(app, "sam", "mentee", language="en", languages=("en",))
    sam = Chat(app, "sam")
    await sam.say("/profile")
    await sam.press_label("availability")
    await sam.say("tomorrow at 2pm")
    assert "I'm asking when you are usually free, week after week" in sam.text
    await sam.say("whenever")
    assert "Noted, you're flexible!" in sam.text
    await sam.say("weekdays 12-1pm, tue evening")
    assert "Availability: Mon–Fri 12:00–13:00, Tue 18:00–21:00" in sam.text


async def test_a_mentor_pauses_and_looks_at_their_relationships_fr(app: App) -> None:
    await add_person(app, "karim", "mentor", language="fr", languages=("fr",), capacity=2)
    karim = Chat(app, "karim")
    await karim.say("/mentors")  # used to send a mentor to /find a mentor
    assert "Vous n'accompagnez personne en ce moment" in karim.text and "/find" not in karim.text
    await karim.say("/pause")  # used to say "J'ai clos 0 demande en attente pour vous"
    assert karim.text == (f"Vous êtes en pause{NB}: personne ne peut vous envoyer de nouvelle "
                          "demande, et vos relations en cours continuent. Tapez /resume quand "
                          "vous voudrez reprendre.")
    await karim.say("/mentors")
    assert "vous êtes en pause" in karim.text and "/resume" in karim.text
    await karim.say("/meet")  # was "Si vous cherchez de l'accompagnement, tapez /find"
    assert "Vous n'accompagnez personne en ce moment" in karim.text and "/find" not in karim.text


async def test_a_mentor_pauses_and_looks_at_their_relationships_en(app: App) -> None:
    await add_person(app, "nora", "mentor", language="en", capacity=2)
    nora = Chat(app, "nora")
    await nora.say("/mentors")
    assert "You aren't mentoring anyone right now" in nora.text and "/find" not in nora.text
    await nora.say("/pause")
    assert "0 pending" not in nora.text and "your current relationships go on" in nora.text
    await nora.say("/meet")
    assert "You aren't mentoring anyone right now" in nora.text and "/find" not in nora.text


async def test_a_mentee_who_wants_a_break_is_told_about_notifications(app: App) -> None:
    await add_person(app, "lea", "mentee", language="fr", languages=("fr",))
    await add_person(app, "sam", "mentee", language="en")
    lea, sam = Chat(app, "lea"), Chat(app, "sam")
    await lea.say("/pause")
    assert "/notifications off" in lea.text
    await sam.say("/pause")
    assert "type /notifications off" in sam.text


async def test_meetings_list_and_cancel_read_right_in_both_languages(app: App) -> None:
    from tests.test_meetings import Inbox as MeetingInbox
    from tests.test_meetings import nora_and_mia

    await nora_and_mia(app)  # Nora (English, Toronto) mentors Mia (French, Paris)
    inbox = MeetingInbox(app)
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/meet")
    await inbox.deliver()
    inbox.give_buttons(nora)
    await nora.press_label("Tue 12 Jan")
    await inbox.deliver()
    await nora.say("/meetings")
    assert nora.text.startswith("*Upcoming meetings* (Toronto time)\n")  # was "times in …"
    await mia.say("/meetings")
    assert mia.text.startswith("*Rencontres à venir* (heure de Paris)\n")  # "heures en heure"
    await mia.press_label("Annuler")
    # "Je les préviendrai" spoke of Nora as "them", in French.
    assert mia.text.endswith("Je m'occupe de prévenir Nora.")
    await mia.press_label("Oui")
    assert "est annulée\u202f; j'ai transmis l'information à Nora." in mia.text
    assert "informés" not in mia.text


async def test_a_mentee_s_profile_says_goals_a_mentor_s_says_about(app: App) -> None:
    await add_person(app, "amelie", "mentee", language="fr", languages=("fr",),
                     goals="Devenir cheffe d'équipe d'ici un an.")
    await add_person(app, "karim", "mentor", language="fr", languages=("fr",), capacity=1,
                     goals="J'ai dirigé des équipes pendant quinze ans.")
    await add_person(app, "sam", "mentee", goals="Move from support into product.")
    amelie, karim, sam = Chat(app, "amelie"), Chat(app, "karim"), Chat(app, "sam")
    await amelie.say("/profile")
    assert f"Objectifs{NB}: Devenir cheffe d'équipe d'ici un an." in amelie.text
    assert "Présentation" not in amelie.text
    await amelie.press_label("Modifier\xa0: objectifs")
    assert "qu'aimeriez-vous accomplir" in amelie.text
    await karim.say("/profile")
    assert f"Présentation{NB}: J'ai dirigé des équipes" in karim.text
    await sam.say("/profile")
    assert "Goals: Move from support into product." in sam.text and "About:" not in sam.text
    assert any(b.label.endswith(": goals") for b in sam.buttons)


async def test_a_mistyped_command_is_never_taken_for_forget(app: App) -> None:
    await add_person(app, "lea", "mentee", language="fr", languages=("fr",))
    await add_person(app, "sam", "mentee")
    lea, sam = Chat(app, "lea"), Chat(app, "sam")
    await lea.say("/foo")  # "Vouliez-vous dire /forget ?" — the command that deletes everything
    assert "/forget" not in lea.text and "Tapez /help" in lea.text
    await lea.say("/fnid")
    assert lea.text.endswith("Vouliez-vous dire /find\u202f?")
    await lea.say("/désabonner")  # a plain word for a command, typed as one
    assert "Vouliez-vous dire /notifications" in lea.text
    await sam.say("/fo")
    assert "/forget" not in sam.text and "Type /help" in sam.text
    await sam.say("/unsubscribe")
    assert "Did you mean /notifications?" in sam.text


async def test_a_programme_with_the_default_name_is_named_in_each_language(
        tmp_path: Path) -> None:
    # The demo (and any config that keeps the default) welcomed French speakers to
    # "*Mentoring programme*".
    config = make_config(tmp_path)
    config.programmes = {"main": ProgrammeSettings()}
    app = await build_app(config, SimulatedClock(START))
    try:
        amelie, sam = Chat(app, "amelie"), Chat(app, "sam")
        await amelie.say("/start")
        await amelie.press_label("Français")
        assert "Bienvenue dans *Programme de mentorat*" in amelie.text
        await sam.say("/start")
        await sam.press_label("English")
        assert "Welcome to *Mentoring programme*!" in sam.text
    finally:
        await app.close()


async def test_a_report_typed_straight_after_report_reaches_the_coordinators(app: App) -> None:
    from tests.test_meetings import nora_and_mia

    await nora_and_mia(app)  # Nora (English) mentors Mia (French): one relationship each
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/report")
    assert f"Que s'est-il passé avec Nora{NB_THIN}?" in mia.text
    # She types at once instead of pressing « Ma relation avec Nora »: it was lost.
    await mia.say("Elle ne répond jamais à mes messages.")
    assert "L'équipe de coordination est informée" in mia.text
    await nora.say("/report")
    assert "What happened with Mia? Type it in a few words" in nora.text
    await nora.say("Mia cancelled three meetings at the last minute.")
    assert "coordinators have been alerted" in nora.text
    async with app.db.read() as tx:
        reasons = [r["reason"] for r in await tx.all("SELECT reason FROM reports ORDER BY id")]
    assert reasons == ["Elle ne répond jamais à mes messages.",
                       "Mia cancelled three meetings at the last minute."]


async def test_skip_typed_does_what_the_skip_button_does(app: App) -> None:
    from tests.test_meetings import nora_and_mia

    await nora_and_mia(app)  # Nora (English) mentors Mia (French)
    mia = Chat(app, "mia")
    await mia.say("/end")
    await mia.press_label("Terminer la relation")
    assert "appuyez sur *Passer*" in mia.text
    await mia.say("/skip")  # was "Il n'y a pas de question à passer pour le moment."
    assert "C'est fait\xa0: votre relation avec Nora a pris fin" in mia.text

    await add_person(app, "omar", "mentor", offered="project management", capacity=2,
                     languages=("en",))
    await add_person(app, "sam", "mentee", sought="project management", languages=("en",))
    sam = Chat(app, "sam")
    await sam.say("/find")
    await sam.press_label("Request Omar")
    assert "press the button to send without a message" in sam.text
    await sam.say("/skip")
    assert "Your request is on its way to Omar" in sam.text


async def test_shared_languages_are_listed_with_the_reader_s_own_first(app: App) -> None:
    await add_person(app, "karim", "mentor", language="fr", languages=("fr", "en", "ar"),
                     offered="gestion de projet", capacity=2)
    await add_person(app, "amelie", "mentee", language="fr", languages=("fr", "en"),
                     sought="gestion de projet")
    await add_person(app, "sam", "mentee", language="en", languages=("en", "fr"),
                     sought="project management")
    amelie, sam = Chat(app, "amelie"), Chat(app, "sam")
    await amelie.say("/find")
    assert f"Parle vos langues{NB}: français et anglais" in amelie.text  # was "anglais et …"
    await sam.say("/find")
    assert "Speaks your languages: English and French" in sam.text


async def test_a_lesson_put_off_comes_back_at_a_french_time(app: App) -> None:
    await add_person(app, "amelie", "mentee", language="fr", languages=("fr",))
    await add_person(app, "sam", "mentee")
    amelie, sam = Chat(app, "amelie"), Chat(app, "sam")
    await amelie.say("/learn 1")
    await amelie.press_label("plus tard")
    assert f"je vous la renverrai demain à 10{NB}h." in amelie.text  # was "à 10:00"
    await sam.say("/learn 1")
    await sam.press_label("later")
    assert "I'll send it again tomorrow at 10:00." in sam.text


async def test_career_stage_and_capacity_typed_in_words(app: App) -> None:
    await add_person(app, "paul", "mentor", language="fr", languages=("fr",), capacity=1)
    await add_person(app, "nora", "mentor", capacity=1)
    paul, nora = Chat(app, "paul"), Chat(app, "nora")
    await paul.say("/profile")
    await paul.press_label("parcours")
    await paul.say("plus de 10 ans")  # was "Choisissez l'une des options"
    assert f"Parcours{NB}: Plus de 10 ans d'expérience" in paul.text
    await paul.say("/profile")
    await paul.press_label("capacité")
    await paul.say("deux personnes")
    await paul.say("/profile")
    assert f"Personnes mentorées en même temps{NB}: 2" in paul.text
    await nora.say("/profile")
    await nora.press_label("career")
    await nora.say("I'm a student")
    assert "Student or apprentice" in nora.text
    await nora.say("/profile")
    await nora.press_label("capacity")
    await nora.say("three at most")
    await nora.say("/profile")
    assert "Mentees at once: 3" in nora.text


async def test_a_meeting_time_pressed_after_the_relationship_ended(app: App) -> None:
    from tests.test_meetings import Inbox as MeetingInbox
    from tests.test_meetings import nora_and_mia

    await nora_and_mia(app)
    inbox = MeetingInbox(app)
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/meet")
    await inbox.deliver()
    inbox.give_buttons(nora)
    times = list(nora.buttons)
    await mia.say("/end")
    await mia.press_label("Terminer la relation")
    await mia.press_label("Passer")
    nora.buttons = times
    await nora.press_label("Tue 12 Jan")  # the times offered before Mia ended it
    assert nora.text == ("This mentoring relationship has ended, so there's no meeting to "
                         "plan any more.")


async def test_a_request_note_too_long_says_how_long_and_that_nothing_left(app: App) -> None:
    await amelie_has_asked_karim_setup(app)
    amelie = Chat(app, "amelie")
    await amelie.say("/find")
    await amelie.press_label("Solliciter Karim")
    await amelie.say("Bonjour Karim ! " + "J'aimerais progresser en prise de parole. " * 60)
    assert f"Votre message fait 2\u202f535 caractères, et je ne peux en transmettre que 500 au " \
           f"maximum{NB}: rien n'est encore parti." in amelie.text
    await amelie.say("Bonjour Karim ! J'aimerais progresser en prise de parole.")
    assert "Votre demande est partie chez Karim." in amelie.text


async def test_a_paused_mentor_is_not_told_their_place_is_free(app: App) -> None:
    inbox, amelie, karim = await amelie_has_asked_karim(app)
    inbox.give_buttons(karim)
    await karim.press_label("Accepter")
    await karim.say("/pause")
    await inbox.deliver()
    await amelie.say("/end")
    await amelie.press_label("Terminer la relation")
    await amelie.say("/skip")
    told = (await inbox.deliver())["karim"][0]
    assert "Amelie a mis fin à votre relation de mentorat." in told
    assert "Votre place est de nouveau libre" not in told
    assert f"Vous êtes en pause{NB}: tapez /resume" in told


async def test_an_account_in_america_montreal_reads_heure_de_montreal(app: App) -> None:
    gab = Chat(app, "gab", locale="fr-CA", timezone="America/Montreal")
    await gab.say("Bonjour!")
    await gab.press_label("Français")
    await gab.say("oui")
    await gab.say("je cherche une mentore")
    await gab.say("marketing numérique, réseautage")
    await gab.say("Je veux changer de domaine et me bâtir un réseau.")
    await gab.say("français")
    assert "Votre compte indique *America/Montreal*" in gab.text
    await gab.press_label("Garder")
    # It read "America/Toronto (Toronto, UTC-05:00)", the account's city lost.
    assert f"Fuseau horaire{NB}: America/Toronto (Montréal, UTC-05:00)." in gab.text
    async with app.db.read() as tx:
        row = await tx.one("SELECT timezone, timezone_place FROM people WHERE handle = 'gab'")
    assert (row["timezone"], row["timezone_place"]) == ("America/Toronto", "Montréal")


async def test_find_says_which_requests_are_still_waiting(app: App) -> None:
    _inbox, amelie, _karim = await amelie_has_asked_karim(app)
    await add_person(app, "lina", "mentor", language="fr", languages=("fr",),
                     offered="gestion de projet", capacity=1)
    await amelie.say("/find")  # Karim is not listed again: she is told why
    assert amelie.text.startswith(f"En attente de réponse{NB}: Karim. Vous pouvez solliciter")
    assert "*Karim*" not in amelie.text and "*Lina*" in amelie.text
    _inbox, mia, _nora = await mia_has_asked_nora_again(app)
    await mia.say("/find")
    assert mia.text.startswith("Waiting for an answer: Nora. You can ask others meanwhile.")


async def mia_has_asked_nora_again(app: App) -> tuple[Inbox, Chat, Chat]:
    await add_person(app, "nora", "mentor", offered="project management", capacity=1)
    await add_person(app, "omar", "mentor", offered="project management", capacity=1)
    await add_person(app, "mia", "mentee", sought="project management")
    inbox, mia, nora = Inbox(app), Chat(app, "mia"), Chat(app, "nora")
    await mia.say("/find")
    await mia.press_label("Request Nora")
    await mia.press_label("Send without a message")
    return inbox, mia, nora


async def test_a_mentor_answers_a_check_in_in_words(app: App) -> None:
    from datetime import timedelta

    from tests.test_meetings import Inbox as MeetingInbox
    from tests.test_meetings import advance, match, nora_and_mia

    karim = await add_person(app, "karim", "mentor", language="fr", languages=("fr",),
                             timezone="Europe/Paris", capacity=2)
    amelie = await add_person(app, "amelie", "mentee", language="fr", languages=("fr",),
                              timezone="America/Toronto")
    await match(app, amelie, karim)
    await nora_and_mia(app)  # Nora (English, Toronto) mentors Mia
    inbox = MeetingInbox(app)
    await inbox.deliver()
    advance(app, timedelta(weeks=3, hours=6))
    received = await inbox.deliver()
    assert "Comment ça se passe avec *Amelie*" in "\n".join(r.text for r in received["karim"])
    assert "How is it going with *Mia*" in "\n".join(r.text for r in received["nora"])
    karim_chat, nora_chat = Chat(app, "karim"), Chat(app, "nora")
    # Typed instead of pressed: "Je ne suis pas sûr de comprendre" before.
    await karim_chat.say("Ça va bien, merci !")
    assert karim_chat.text == ("Bonne nouvelle\u202f! Je reviendrai vers vous dans quelques "
                               "semaines.")
    await nora_chat.say("yes, let's schedule it")
    assert "I've offered Mia these times" in nora_chat.text
    async with app.db.read() as tx:
        answers = [r["answer"] for r in await tx.all("SELECT answer FROM checkins ORDER BY id")]
    assert sorted(answers) == ["fine", "schedule"]


async def test_did_the_meeting_take_place_answered_in_words(app: App) -> None:
    from tests.test_meetings import advance_to, confirmed_meeting, nora_and_mia

    await nora_and_mia(app)
    inbox, _, _ = await confirmed_meeting(app)  # Thursday 14 January, Nora in English
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await mia.say("oui")  # before the question: not an answer to anything yet
    assert "Je ne suis pas sûr de comprendre" in mia.text
    advance_to(app, datetime(2027, 1, 14, 17, 0, tzinfo=UTC))
    received = await inbox.deliver()
    assert "A-t-elle eu lieu" in "\n".join(r.text for r in received["mia"])
    await mia.say("Oui, c'était très bien !")  # was "Je ne suis pas sûr de comprendre"
    assert mia.text.startswith("Tant mieux\u202f! À quel point vous a-t-elle été utile")
    await mia.say("4")  # typed, not pressed
    assert "Quelque chose à noter sur cette rencontre" in mia.text
    await nora.say("no, it was cancelled")
    assert nora.text == "Sorry to hear that. What happened?"
    async with app.db.read() as tx:
        answers = {r["person_id"]: r["took_place"] for r in await tx.all(
            "SELECT person_id, took_place FROM meeting_participants")}
    assert sorted(answers.values(), key=str) == [1, None]  # Nora's waits for her reason
    async with app.db.read() as tx:
        assert await tx.value("SELECT max(usefulness) FROM meeting_participants") == 4


async def test_help_typed_in_the_middle_of_a_question(app: App) -> None:
    zoe, sam = Chat(app, "zoe"), Chat(app, "sam")
    await zoe.say("/start")
    await zoe.press_label("Français")
    await zoe.press_label("J'accepte")
    await zoe.press_label("Personne mentorée")
    await zoe.say("aide")  # was "Je n'ai trouvé aucun sujet dans ce message"
    assert zoe.text.startswith("Je vous ai posé une question (voir mon dernier message)")
    await zoe.say("marketing")  # the question is still open
    assert f"C'est noté{NB}: Marketing." in zoe.text
    await sam.say("/start")
    await sam.press_label("English")
    await sam.press_label("I agree")
    await sam.press_label("Mentee")
    await sam.say("?")
    assert sam.text.startswith("I've asked you a question (see my last message)")


async def test_the_closing_survey_answered_by_typing(app: App) -> None:
    from datetime import timedelta

    from tests.test_meetings import advance

    inbox, amelie, karim = await amelie_has_asked_karim(app)
    inbox.give_buttons(karim)
    await karim.press_label("Accepter")
    await inbox.deliver()
    await amelie.say("/end")
    await amelie.press_label("Terminer la relation")
    await amelie.say("/skip")
    await inbox.deliver()
    await amelie.say("4")  # the survey waits for her morning: not an answer to anything yet
    assert "Je ne suis pas sûr de comprendre" in amelie.text
    advance(app, timedelta(days=1, hours=5))  # 9:00 in Montréal the next day
    await inbox.deliver()  # the survey reaches both
    await amelie.say("4")  # was "Je ne suis pas sûr de comprendre"
    assert amelie.text.startswith("Qu'en avez-vous retiré")
    await amelie.say("J'ai pris confiance pour parler en réunion.")
    assert "Recommanderiez-vous le programme" in amelie.text
    await amelie.say("oui, sans hésiter")
    assert amelie.text.startswith("Merci\u202f! Vos réponses aident")
    await karim.say("5/5")
    assert karim.text.startswith("Qu'en avez-vous retiré")
    async with app.db.read() as tx:
        rows = await tx.all("SELECT satisfaction, would_recommend FROM relationship_surveys"
                            " ORDER BY person_id")
    assert sorted((r["satisfaction"], r["would_recommend"]) for r in rows) == \
        [(4, 1), (5, None)]


async def test_thanks_gets_a_kind_answer_not_a_shrug(app: App) -> None:
    await add_person(app, "amelie", "mentee", language="fr", languages=("fr",))
    await add_person(app, "sam", "mentee")
    amelie, sam = Chat(app, "amelie"), Chat(app, "sam")
    for said in ("merci", "Merci beaucoup !", "👍", "🙏🙏", "ok"):
        await amelie.say(said)  # was "Je ne suis pas sûr de comprendre"
        assert amelie.text.startswith("Avec plaisir\u202f!"), said
    await amelie.say("😡")
    assert "Je ne suis pas sûr de comprendre" in amelie.text
    await sam.say("thanks!")
    assert sam.text.startswith("You're welcome!")
