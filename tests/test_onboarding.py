"""Onboarding as a person lives it: every step, both languages, /back /skip /cancel, edits."""

from __future__ import annotations

import json

from bot.kernel.app import App
from bot.store.state import get_conversation
from tests.conftest import Chat


async def person(app: App, handle: str) -> dict:
    async with app.db.read() as tx:
        row = await tx.one("SELECT * FROM people WHERE handle = ?", (handle,))
    return dict(row) if row else {}


async def step_of(app: App, handle: str) -> str | None:
    async with app.db.read() as tx:
        pid = await tx.value("SELECT id FROM people WHERE handle = ?", (handle,))
        conv = await get_conversation(tx, pid)
    return conv.step if conv else None


async def onboard_mentee_fr(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press_label("Français")
    assert "Bienvenue" in chat.text
    await chat.press_label("J'accepte")
    assert "mentoré" in chat.text
    await chat.press_label("Mentoré")
    await chat.say("gestion de projet, prise de parole en public")
    assert "Gestion de projet" in chat.text or "gestion de projet" in chat.text.lower()
    await chat.say("Je voudrais préparer ma reconversion vers la gestion de projet.")
    await chat.say("français, anglais")
    await chat.say("Montréal")
    if chat.buttons and "Toronto" in " ".join(b.label for b in chat.buttons):
        await chat.press_label("Toronto")
    await chat.say("mardi 17h-19h, jeudi 12h-13h")
    assert "soit environ 3\xa0h par semaine" in chat.text
    await chat.press(3)
    await chat.say("Ressources humaines")
    assert "Votre profil est prêt" in chat.text


async def test_mentee_onboards_in_french(app: App) -> None:
    chat = Chat(app, "amelie")
    await onboard_mentee_fr(chat)
    row = await person(app, "amelie")
    assert row["status"] == "active" and row["language"] == "fr" and row["role"] == "mentee"
    assert "project-management" in json.loads(row["topics_sought"])
    assert json.loads(row["languages"]) == ["fr", "en"]
    assert row["timezone"] == "America/Toronto"
    assert json.loads(row["availability"]) == [[1, 1020, 1140], [3, 720, 780]]
    assert row["seniority"] == 3 and row["department"] == "Ressources humaines"
    assert row["capacity"] == 0 and row["consent_at"]
    assert await step_of(app, "amelie") is None


async def test_mentor_onboards_in_english_with_skip(app: App) -> None:
    chat = Chat(app, "bob", locale="en-GB", timezone="Europe/London")
    await chat.say("hello")  # a newcomer's first words start onboarding
    await chat.press_label("English")
    await chat.press_label("I agree")
    await chat.press_label("Mentor —")
    assert "Which topics can you help with" in chat.text
    await chat.say("Python, leadership, negotiation")
    await chat.say("Twenty years in software; I like helping people grow into leads.")
    await chat.say("English")
    assert "Your account says *Europe/London*" in chat.text
    await chat.press_label("Use Europe/London")
    await chat.say("Tue 5-7pm, Thu noon-1pm")
    await chat.press_label("Senior")
    await chat.say("/skip")
    assert "Skipped" in chat.text
    await chat.say("2")
    assert "Your profile is ready" in chat.text
    row = await person(app, "bob")
    assert row["role"] == "mentor" and row["capacity"] == 2 and row["department"] == ""
    assert row["timezone"] == "Europe/London" and row["seniority"] == 4


async def test_no_consent_no_profile(app: App) -> None:
    chat = Chat(app, "carl")
    await chat.say("/start")
    await chat.press_label("English")
    await chat.press_label("No thanks")
    assert "I have not created a profile" in chat.text
    row = await person(app, "carl")
    assert row["status"] == "no_consent" and row["consent_at"] is None
    await chat.say("/profile")
    assert "/start" in chat.text
    await chat.say("/start")  # changing one's mind works
    assert "Which language" in chat.text


async def test_back_skip_cancel_and_resume(app: App) -> None:
    chat = Chat(app, "dina")
    await chat.say("/start")
    await chat.press_label("English")
    await chat.press_label("I agree")
    await chat.press_label("Both")
    await chat.say("/skip")
    assert "can't be skipped" in chat.text
    await chat.say("UX design")
    await chat.say("/back")
    assert "What would you like help with" in chat.text
    await chat.say("UX design, product management")
    assert await step_of(app, "dina") == "topics_offered"
    await chat.say("/cancel")
    assert "type /start" in chat.text
    assert await step_of(app, "dina") is None
    await chat.say("/start")
    assert "Welcome back" in chat.text and "Which topics can you help with" in chat.text


async def test_every_step_rejects_bad_input_politely(app: App) -> None:
    chat = Chat(app, "eve")
    await chat.say("/start")
    bad_inputs = ["", " ", "x" * 10_000, "🙂🙃🙂", "\x00\x07\x1b[31m", "'; DROP TABLE people;--",
                  "<b>bold</b> *stars* _under_"]
    seen_steps = []
    answers = {
        "language": "English", "consent": "yes", "role": "both",
        "topics_sought": "public speaking", "topics_offered": "python",
        "goals": "Learn to speak with confidence in meetings.", "languages": "English",
        "timezone": "Europe/Paris", "availability": "Mon 12-13",
        "seniority": "2", "department": "Finance", "capacity": "1",
    }
    while (step := await step_of(app, "eve")) is not None:
        seen_steps.append(step)
        for bad in bad_inputs:
            replies = await chat.say(bad)
            assert replies, f"no answer at step {step} for {bad[:20]!r}"
            assert all(r.text and "Traceback" not in r.text for r in replies)
            assert "went wrong" not in chat.text, (step, bad[:20])
            if step not in ("goals", "department", "topics_sought", "topics_offered"):
                assert await step_of(app, "eve") == step, (step, bad[:20])
            else:  # free text (free topic tags too): may be accepted; go back to the step
                while await step_of(app, "eve") != step:
                    await chat.say("/back")
        await chat.say(answers[step])
    assert seen_steps == list(answers)
    row = await person(app, "eve")
    assert row["status"] == "active" and row["goals"].startswith("Learn to speak")
    assert row["department"] == "Finance"


async def test_stale_and_forged_buttons(app: App) -> None:
    from bot.kernel.events import Action

    chat = Chat(app, "fay")
    await chat.say("/start")
    language_buttons = list(chat.buttons)
    await chat.press_label("English")
    chat.buttons = language_buttons
    await chat.press(1)  # the language button again, out of order
    assert "belongs to an earlier question" in chat.text
    assert "Do you agree?" in chat.text
    for action_id, value in [("onb", "consent|maybe"), ("onb", "role|admin"),
                             ("nope", "x"), ("onb", "consent|" + "y" * 5000),
                             ("profile.edit", "status"), ("onb", "")]:
        replies = await app.bot.handle(Action(chat.address, action_id, value))
        assert replies and "went wrong" not in replies[0].text
    row = await person(app, "fay")
    assert row["consent_at"] is None and row["role"] is None


async def test_profile_shows_and_edits_a_field(app: App) -> None:
    chat = Chat(app, "gus")
    await onboard_mentee_fr(chat)
    await chat.say("/profile")
    assert "Votre profil" in chat.text and "Gestion de projet" in chat.text
    await chat.press_label("fuseau")
    await chat.say("Europe/Paris")
    assert "C'est enregistré" in chat.text and "Europe/Paris" in chat.text
    assert (await person(app, "gus"))["timezone"] == "Europe/Paris"
    await chat.say("/profile")
    await chat.press_label("rôle")
    await chat.press_label("Les deux")  # a mentee becoming a mentor needs the mentor answers
    assert "Sur quels sujets pouvez-vous accompagner" in chat.text
    await chat.say("Excel, finance")
    assert "Combien de personnes" in chat.text


async def test_language_command_and_help(app: App) -> None:
    chat = Chat(app, "hal", locale="fr-CA")
    await chat.say("/help")
    assert "Voici ce que je sais faire" in chat.text  # locale from the platform
    await chat.say("/language en")
    assert "I'll speak English" in chat.text
    await chat.say("/help")
    assert "/profile" in chat.text and "Here is what I can do" in chat.text
    await chat.say("/profil")  # the French alias
    await chat.say("/proflie")
    assert "Did you mean /profile?" in chat.text
    await chat.say("/" + "z" * 300)
    assert "don't know the command" in chat.text
    await chat.say("what is this?")  # a newcomer's words start onboarding
    assert "Which language" in chat.text


async def test_active_person_gets_a_hint_for_free_text(app: App) -> None:
    chat = Chat(app, "ian")
    await onboard_mentee_fr(chat)
    await chat.say("bonjour, ça marche comment ?")
    assert "/help" in chat.text and "Je ne suis pas sûr" in chat.text


async def test_same_event_twice_has_one_effect(app: App) -> None:
    chat = Chat(app, "ivy")
    await chat.say("/start", event_id="ev-1")
    await chat.press_label("English")
    first = await chat.say("/cancel", event_id="ev-2")
    again = await chat.say("/cancel", event_id="ev-2")
    assert first and again == []
    replies = await chat.say("/start", event_id="ev-1")
    assert replies == []  # the retried /start is ignored, not a second onboarding start
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM people WHERE handle = 'ivy'") == 1
        assert await tx.value("SELECT count(*) FROM inbox") == 2
