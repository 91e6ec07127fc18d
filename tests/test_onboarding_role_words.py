"""The role question answered in words: "mentore" (a woman mentor) never makes a mentor a
mentee; "mentoré(e)" / "mentorée" / "mentee" mean mentee; a bare "mentore", which could also
be "mentoré" typed without the accent, is asked back with one tap to answer."""

from __future__ import annotations

import pytest

from bot.kernel.app import App
from tests.conftest import Chat
from tests.test_onboarding import person


async def _at_role_question(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press_label("Français")
    await chat.press_label("J'accepte")
    assert "Quel rôle voulez-vous" in chat.text


@pytest.mark.parametrize(("typed", "role"), [
    ("mentor", "mentor"), ("Mentora", "mentor"), ("Mentor ou mentore", "mentor"),
    ("mentoré", "mentee"), ("Mentorée", "mentee"), ("mentoré(e)", "mentee"),
    ("mentoree", "mentee"), ("mentee", "mentee"), ("personne mentorée", "mentee"),
])
async def test_role_words(app: App, typed: str, role: str) -> None:
    chat = Chat(app, "camille")
    await _at_role_question(chat)
    await chat.say(typed)
    assert (await person(app, "camille"))["role"] == role


async def test_bare_mentore_is_asked_back_and_one_tap_answers(app: App) -> None:
    chat = Chat(app, "camille")
    await _at_role_question(chat)
    await chat.say("mentore")
    assert "Pour être sûr" in chat.text
    assert (await person(app, "camille"))["role"] is None  # nothing guessed
    await chat.press_label("Mentor ou mentore")
    assert (await person(app, "camille"))["role"] == "mentor"


async def test_bare_mentore_asked_back_can_mean_mentee(app: App) -> None:
    chat = Chat(app, "dominique")
    await _at_role_question(chat)
    await chat.say("Mentore")
    await chat.press_label("Personne mentorée")
    assert (await person(app, "dominique"))["role"] == "mentee"


@pytest.mark.parametrize(("typed", "role"), [
    ("je veux être mentor", "mentor"), ("Je souhaite devenir mentor", "mentor"),
    ("je veux accompagner des jeunes", "mentor"), ("Je cherche un mentor", "mentee"),
    ("je voudrais être mentorée", "mentee"), ("je veux être accompagnée", "mentee"),
    ("mentor et mentorée", "both"),
])
async def test_role_said_in_a_sentence_fr(app: App, typed: str, role: str) -> None:
    # "je veux être mentor" used to be refused: "Choisissez l'une des trois options".
    chat = Chat(app, "camille")
    await _at_role_question(chat)
    await chat.say(typed)
    assert (await person(app, "camille"))["role"] == role
    assert chat.text.startswith("Rôle\xa0: ")  # said back, since it was read from a sentence


@pytest.mark.parametrize(("typed", "role"), [
    ("I want to be a mentor", "mentor"), ("I'd like to help others", "mentor"),
    ("I'm looking for a mentor", "mentee"), ("I'd like to be mentored", "mentee"),
    ("both please", "both"),
])
async def test_role_said_in_a_sentence_en(app: App, typed: str, role: str) -> None:
    chat = Chat(app, "sam")
    await chat.say("/start")
    await chat.press_label("English")
    await chat.press_label("I agree")
    await chat.say(typed)
    assert (await person(app, "sam"))["role"] == role
    assert chat.text.startswith("Role: ")


async def test_a_sentence_with_a_bare_mentore_is_asked_back(app: App) -> None:
    chat = Chat(app, "camille")
    await _at_role_question(chat)
    await chat.say("je veux etre mentore")  # a woman mentor, or "mentorée" without accents
    assert "Pour être sûr" in chat.text
    assert (await person(app, "camille"))["role"] is None
