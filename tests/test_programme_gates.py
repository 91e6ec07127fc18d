"""What a programme asks before matching: a coordinator's approval of new mentors, the code of
conduct, a lesson read first. Each story in English and in French."""

from __future__ import annotations

import json
from pathlib import Path

from bot.admin.export import collect
from bot.kernel.app import App
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.programme_ops import Deliveries, coordinators, onboard, programme_app

__all__ = ["programme_app"]  # the fixture, used by name


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def card_names(chat: Chat) -> list[str]:
    return [r.text.split("*")[1] for r in chat.last if r.text.startswith("*")]


# --- mentor approval ------------------------------------------------------------------------

async def test_a_pending_mentor_is_never_suggested_until_approved(programme_app) -> None:
    app = await programme_app(mentor_approval=True)
    coord, _ = await coordinators(app)
    await add_person(app, "mia", "mentee", sought="project management")
    mia, nora = Chat(app, "mia"), Chat(app, "nora")
    await onboard(nora, role="mentor")
    assert "The coordination team looks at every new mentor profile" in nora.text
    post = Deliveries(app)
    alert = (await post.deliver())["coord"][0]
    assert "*A new mentor is waiting for your approval* (1 in all)" in alert
    assert "Topics: Project management and Public speaking" in alert

    await mia.say("/find")
    assert card_names(mia) == []
    assert "I couldn't find an available mentor" in mia.text
    await coord.say("/admin cohort")
    assert "Pairs: 0" in coord.text  # nor placed by cohort matching

    post.give_buttons(coord)
    await coord.press_label("Approve")
    assert "Nora is approved" in coord.text
    assert "has approved your mentor profile" in (await post.deliver())["nora"][0]
    await mia.say("/find")
    assert card_names(mia) == ["Nora"]
    await coord.press_label("Approve")  # the alert's button, pressed again
    assert "Nora is approved already." in coord.text


async def test_a_declined_mentor_is_told_politely_in_french(programme_app) -> None:
    app = await programme_app(mentor_approval=True)
    _, coordo = await coordinators(app)
    await add_person(app, "mia", "mentee", sought="project management")
    lea = Chat(app, "lea")
    await onboard(lea, lang="fr", role="both")
    assert "L'équipe de coordination examine chaque nouveau profil de mentorat" in lea.text
    await coordo.say("/admin pending")
    assert "*Profil de mentorat en attente d'approbation* (1)" in coordo.text
    await coordo.say("/admin decline @lea Pas de place ce trimestre.")
    assert "Le profil de Lea est refusé" in coordo.text
    told = (await Deliveries(app).deliver())["lea"][0]
    assert "ne peut pas retenir votre profil de mentorat cette fois-ci" in told
    assert "Pas de place ce trimestre." in told
    assert "chercher vous-même un mentor ou une mentore avec /find" in told  # also a mentee
    await Chat(app, "mia").say("/find")
    assert "Lea" not in Chat(app, "mia").text
    async with app.db.read() as tx:
        assert await tx.value("SELECT details FROM audit_log WHERE action = 'decline'") == \
            "mentor approval: pending → declined"


async def test_switching_approval_on_holds_newcomers_not_the_mentors_already_active(
        programme_app) -> None:
    app = await programme_app()
    await add_person(app, "omar", "mentor", offered="project management", capacity=2)
    await add_person(app, "mia", "mentee", sought="project management")
    await app.close()
    app = await programme_app(mentor_approval=True)  # the same database, restarted
    nora = Chat(app, "nora")
    await onboard(nora, role="mentor")  # a newcomer waits for the coordinators
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert card_names(mia) == ["Omar"]


# --- code of conduct ------------------------------------------------------------------------

async def test_declining_the_code_of_conduct_stops_politely_in_french(programme_app) -> None:
    app = await programme_app(code_of_conduct="conduct")
    zoe = Chat(app, "zoe")
    await zoe.say("/start")
    await zoe.say("français")
    await zoe.press_label("J'accepte")  # consent
    assert "*Notre code de conduite*" in zoe.text
    assert "*Respect* : traiter" in plain(zoe.text)  # the file's **bold**, as chat bold
    await zoe.press_label("Je refuse")
    assert "La participation au programme demande d'accepter son code de conduite" in zoe.text
    assert zoe.buttons == [] or all(b.label != "Je refuse" for b in zoe.last[-1].buttons)
    await zoe.say("/find")
    assert "Vous n'avez pas accepté le code de conduite" in zoe.text
    async with app.db.read() as tx:
        person = await tx.one("SELECT * FROM people WHERE handle = 'zoe'")
        answer = await tx.one("SELECT * FROM conduct_answers WHERE person_id = ?", (person["id"],))
    assert person["status"] != "active" and person["role"] is None  # stopped before the role
    assert (answer["decision"], answer["version"], answer["language"]) == \
        ("declined", "2027-01", "fr")
    await zoe.say("/start")
    assert "*Notre code de conduite*" in zoe.text  # asked again, not skipped


CODE_V1 = """+++
version = "{version}"
title = "{title}"
+++
Be kind. **No harassment.** Keep what you hear to yourself.
"""


def write_code(folder: Path, version: str) -> str:
    for lang, title in (("en", "House rules"), ("fr", "Règles de la maison")):
        (folder / f"code.{lang}.md").write_text(CODE_V1.format(version=version, title=title),
                                                 encoding="utf-8")
    return str(folder / "code")


async def test_accepted_code_is_in_mydata_and_a_new_version_is_asked_again(
        programme_app, tmp_path: Path) -> None:
    app = await programme_app(code_of_conduct=write_code(tmp_path, "1"))
    await add_person(app, "omar", "mentor", offered="project management", capacity=2)
    mia = Chat(app, "mia")
    await onboard(mia, conduct="I accept")
    assert "Your profile is ready" in mia.text
    await mia.say("/mydata")
    export = next(r.file for r in mia.last if r.file is not None)
    answers = json.loads(export.content)["tables"]["conduct_answers"]
    assert [(a["version"], a["decision"]) for a in answers] == [("1", "accepted")]

    write_code(tmp_path, "2")  # the coordinators publish a new version
    await mia.say("/find")
    assert "The programme's code of conduct has changed" in mia.text
    assert "*House rules*" in mia.text and card_names(mia) == []
    await mia.say("/mydata")  # still open to them
    assert any(r.file is not None for r in mia.last)
    await mia.say("/find")
    await mia.press_label("I accept")
    assert "Thank you for accepting the code of conduct. You can carry on" in mia.text
    await mia.say("/find")
    assert card_names(mia) == []  # Omar has not accepted this version: not suggested
    omar = Chat(app, "omar")
    await omar.say("/mentors")
    assert "The programme's code of conduct has changed" in omar.text
    await omar.press_label("I accept")
    await mia.say("/find")
    assert card_names(mia) == ["Omar"]
    async with app.db.read() as tx:
        versions = [r[0] for r in await tx.all(
            "SELECT version FROM conduct_answers WHERE person_id ="
            " (SELECT id FROM people WHERE handle = 'mia') ORDER BY id")]
    assert versions == ["1", "2"]
    exported = await collect(app.db, "main", ["conduct_answers"])  # mentorbot export
    assert [(a["version"], a["decision"]) for a in exported["conduct_answers"]] == \
        [("1", "accepted"), ("2", "accepted"), ("2", "accepted")]  # Mia's two, Omar's


# --- a required lesson ---------------------------------------------------------------------

async def test_find_waits_for_the_required_lesson(programme_app) -> None:
    app = await programme_app(required_lessons=["how-mentoring-works"])
    nora = Chat(app, "nora")
    await onboard(nora, role="mentor")
    assert "please read *How mentoring works here* (3 min read)" in nora.text
    await add_person(app, "mia", "mentee", sought="project management")
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert "Before looking for a mentor, please read *How mentoring works here*" in mia.text
    assert card_names(mia) == []
    await mia.press_label("Open: How mentoring works here")
    assert "*How mentoring works here*" in mia.text
    await mia.press_label("Read")
    post = Deliveries(app)  # one dispatcher: it holds the sending lease
    assert "You're all set: type /find" in (await post.deliver())["mia"][0]
    await mia.say("/find")
    assert card_names(mia) == []  # Nora has not read it yet: not suggested
    await nora.say("/learn how-mentoring-works")
    await nora.press_label("Done")
    assert "You're all set: mentees can find you" in (await post.deliver())["nora"][0]
    await mia.say("/find")
    assert card_names(mia) == ["Nora"]


async def test_find_waits_for_the_required_lesson_in_french(programme_app) -> None:
    app = await programme_app(required_lessons=["how-mentoring-works"])
    await add_person(app, "omar", "mentor", offered="project management", capacity=2,
                     languages=("fr", "en"))
    await add_person(app, "ana", "mentee", sought="project management", language="fr",
                     languages=("fr",))
    ana = Chat(app, "ana")
    await ana.say("/find")
    assert "Avant de chercher un mentor ou une mentore, lisez *Comment fonctionne le mentorat " \
        "ici*" in ana.text
    await ana.press_label("Comment fonctionne")
    await ana.press_label("Lu")
    await ana.say("/find")
    assert card_names(ana) == ["Omar"]


async def test_a_mentee_cannot_request_before_the_required_lesson(programme_app) -> None:
    app: App = await programme_app(required_lessons=["how-mentoring-works"])
    omar_id = await add_person(app, "omar", "mentor", offered="project management", capacity=2)
    await add_person(app, "mia", "mentee", sought="project management")
    from bot.kernel.events import Action

    mia = Chat(app, "mia")
    replies = await app.bot.handle(Action(mia.address, "req.new", str(omar_id)))
    assert "Before looking for a mentor, please read" in replies[0].text
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM requests") == 0


async def test_a_lesson_required_later_holds_back_who_has_not_read_it(programme_app) -> None:
    app = await programme_app()
    await add_person(app, "omar", "mentor", offered="project management", capacity=2)
    await add_person(app, "mia", "mentee", sought="project management")
    await app.close()
    app = await programme_app(required_lessons=["how-mentoring-works"])  # restarted
    mia, omar = Chat(app, "mia"), Chat(app, "omar")
    await mia.say("/learn how-mentoring-works")
    await mia.press_label("Read")
    await mia.say("/find")
    assert card_names(mia) == []  # Omar joined before the rule and has not read it
    await omar.say("/learn how-mentoring-works")
    await omar.press_label("Read")
    await mia.say("/find")
    assert card_names(mia) == ["Omar"]
