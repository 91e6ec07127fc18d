"""Honest matching: /find never presents a weak pair as a match (the quality floor), every
suggestion says when both people are free (or that they are not, or that nobody knows),
and *More suggestions* ends with words and the waiting list, never with the same people."""

from __future__ import annotations

from bot.kernel.app import App
from bot.kernel.events import Action
from bot.mentoring.mentoring import A_MORE, A_REQUEST, A_SEND
from bot.mentoring.windows import A_JOIN_WAITING
from tests.conftest import Chat
from tests.people_factory import add_person
from tests.programme_ops import coordinators, programme_app

__all__ = ["programme_app"]  # the fixture, used by name

TUESDAY_EVENING = ((1, 18 * 60, 20 * 60),)


def names(chat: Chat) -> list[str]:
    return [r.text.split("*")[1] for r in chat.last if r.text.startswith("*")]


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


async def weak_mentor(app: App, handle: str = "paul") -> int:
    """A mentor who shares only a language with the mentees below: no topic, no common hour,
    the same experience, other goals (18/100 with the default weights)."""
    return await add_person(app, handle, "mentor", offered="cooking, gardening", seniority=2,
                            goals="Sourdough and tomatoes.", availability=((5, 600, 660),),
                            languages=("en", "fr"), capacity=2)


async def test_no_mentor_good_enough_is_said_plainly_and_the_waiting_list_offered(
        programme_app) -> None:
    app = await programme_app()
    coord, _ = await coordinators(app)
    await weak_mentor(app)
    await add_person(app, "mia", "mentee", sought="project management", seniority=2,
                     goals="Lead projects.")
    mia = Chat(app, "mia")
    await mia.say("/find")
    assert "Paul" not in mia.text  # below the floor: not presented as a match
    assert "none fits you well enough for me to suggest them right now" in mia.text
    assert [b.label for b in mia.buttons] == ["Join the waiting list"]
    await mia.press_label("Join the waiting list")
    assert "You are on the waiting list" in mia.text
    await coord.say("/admin waiting")
    assert "- Mia · since Jan 11, 2027 · /find found no mentor who fits well enough" \
        in coord.text

    await add_person(app, "nora", "mentor", offered="project management", seniority=4,
                     capacity=1)
    await mia.say("/find")  # a good mentor joined: shown, and still never Paul
    assert names(mia) == ["Nora"]
    assert "That's everyone who fits you right now." in mia.text
    assert "Join the waiting list" in [b.label for b in mia.buttons]


async def test_in_french_the_floor_and_the_end_of_the_list(programme_app) -> None:
    app = await programme_app()
    await weak_mentor(app)
    await add_person(app, "ana", "mentee", sought="project management", seniority=2,
                     language="fr", languages=("fr",), goals="Mener des projets.")
    ana = Chat(app, "ana")
    await ana.say("/find")
    assert "aucune ne vous correspond assez pour que je vous la propose" in ana.text
    assert "Paul" not in ana.text
    await ana.press_label("M'inscrire sur la liste d'attente")
    assert "Votre nom est sur la liste d'attente." in ana.text


async def test_more_suggestions_never_repeat_and_end_with_everyone(app: App) -> None:
    for n in range(7):
        await add_person(app, f"mentor{n}", "mentor", offered="project management",
                         seniority=3 + n % 2, capacity=2)
    await add_person(app, "mia", "mentee", sought="project management", seniority=2,
                     department="Sales")
    mia = Chat(app, "mia")
    await mia.say("/find")
    seen = names(mia)
    assert len(seen) == 3
    # Meanwhile a better mentor joins: paging by position would show page 1's third again.
    await add_person(app, "zoe", "mentor", offered="project management, public speaking",
                     seniority=4, capacity=3, department="Engineering")
    pages = 0
    while "More suggestions" in [b.label for b in mia.buttons] and pages < 10:
        await mia.press_label("More suggestions")
        page = names(mia)
        assert page and not set(page) & set(seen), (page, seen)  # nobody twice
        seen += page
        pages += 1
    assert sorted(seen) == sorted([f"Mentor{n}" for n in range(7)] + ["Zoe"])
    assert "That's everyone who fits you right now." in mia.text
    assert mia.buttons[-1].label == "Join the waiting list"
    # The last *More suggestions* pressed again (a stale button): words, nobody again.
    replies = await app.bot.handle(Action(mia.address, A_MORE, "6"))
    assert "That's everyone who fits you right now." in replies[0].text
    assert not [r for r in replies if r.text.startswith("*")]
    await mia.say("/find")  # a new /find starts afresh
    assert len(names(mia)) == 3


async def test_forged_values_on_the_find_buttons_are_answered_politely(app: App) -> None:
    await add_person(app, "nora", "mentor", offered="project management", capacity=1)
    await add_person(app, "mia", "mentee", sought="project management")
    mia = Chat(app, "mia")
    await mia.say("/find")
    for value in ("abc", "-1", "99999999999999", "²", "31", "3:1,2,x", "2:1,2,3", "3:-4",
                  "3:" + ",".join(["1"] * 40)):
        replies = await app.bot.handle(Action(mia.address, A_MORE, value))
        assert replies[0].text.startswith("That button is no longer valid"), value
    # Ids of people who are not mentors of the programme (or nobody): nothing breaks.
    replies = await app.bot.handle(Action(mia.address, A_MORE, "3:99999,0,1"))
    assert "That's everyone who fits you right now." in replies[0].text
    replies = await app.bot.handle(Action(mia.address, A_JOIN_WAITING, "floor'; DROP TABLE"))
    assert "You are on the waiting list" in replies[0].text
    async with app.db.read() as tx:
        assert await tx.value("SELECT reason FROM cohort_applications") == "no_more_suggestions"


async def test_every_card_says_when_both_are_free_in_the_mentees_time(app: App) -> None:
    # Mia is in Toronto; Nora in Paris is free Wednesday 00:00-02:00, Mia's Tuesday evening.
    await add_person(app, "nora", "mentor", offered="project management", capacity=1,
                     timezone="Europe/Paris", availability=((2, 0, 120),))
    await add_person(app, "omar", "mentor", offered="project management", capacity=1,
                     timezone="Europe/Paris", availability=((5, 600, 720),))
    await add_person(app, "quinn", "mentor", offered="project management", capacity=1,
                     availability=())
    await add_person(app, "mia", "mentee", sought="project management",
                     timezone="America/Toronto", availability=TUESDAY_EVENING)
    mia = Chat(app, "mia")
    await mia.say("/find")
    cards = {r.text.split("*")[1]: r.text for r in mia.last if r.text.startswith("*")}
    assert "You are both free on Tuesday evenings (your time): 2 hours a week in common" \
        in cards["Nora"]
    assert "You have no free time in common, from what you both entered" in cards["Omar"]
    assert "When you are both free is unknown: this mentor hasn't given their free times" \
        in cards["Quinn"]


async def test_common_times_in_french_with_plurals(app: App) -> None:
    # Ana in Montréal: free Tuesday 18-19 and every weekday 12-13 with Nora (also Montréal).
    weekdays = tuple((day, 12 * 60, 13 * 60) for day in range(5))
    await add_person(app, "nora", "mentor", offered="project management", capacity=1,
                     timezone="America/Toronto", availability=((1, 18 * 60, 19 * 60),
                                                               *weekdays))
    await add_person(app, "ana", "mentee", sought="project management", language="fr",
                     languages=("fr", "en"), timezone="America/Toronto",
                     availability=((1, 18 * 60, 21 * 60), *weekdays))
    ana = Chat(app, "ana")
    await ana.say("/find")
    assert "Vous êtes libres en même temps en semaine le midi et le mardi soir (à votre " \
        "heure) : 6 heures par semaine en commun" in plain(ana.text)


async def test_the_mentor_reads_the_common_time_in_their_own_week(app: App) -> None:
    from tests.test_mentoring import Inbox

    await add_person(app, "nora", "mentor", offered="project management", capacity=1,
                     timezone="Europe/Paris", availability=((2, 0, 120),), language="fr",
                     languages=("fr", "en"))
    await add_person(app, "mia", "mentee", sought="project management",
                     timezone="America/Toronto", availability=TUESDAY_EVENING)
    mia = Chat(app, "mia")
    await mia.say("/find")
    await mia.press_label("Request Nora")
    await mia.press_label("Send without a message")
    received = await Inbox(app).deliver()
    # Mia's Tuesday 18:00-20:00 in Toronto is Nora's Wednesday 00:00-02:00 in Paris.
    assert "Vous êtes libres en même temps le mercredi avant 6 h (à votre heure) : 2 heures " \
        "par semaine en commun" in plain(received["nora"][0])


async def test_a_request_for_a_mentor_under_the_floor_is_refused_politely(
        programme_app) -> None:
    """Paul was never offered to Mia (under the floor); a Request or Send button naming him
    (forged, or from before the floor was raised) sends him nothing."""
    app = await programme_app()
    paul = await weak_mentor(app)
    await add_person(app, "mia", "mentee", sought="project management", seniority=2,
                     goals="Lead projects.")
    await add_person(app, "ana", "mentee", sought="project management", seniority=2,
                     language="fr", languages=("fr",), goals="Mener des projets.")
    mia, ana = Chat(app, "mia"), Chat(app, "ana")
    for action in (A_REQUEST, A_SEND):
        replies = await app.bot.handle(Action(mia.address, action, str(paul)))
        assert replies[0].text == ("Sorry, Paul doesn't fit what you are looking for well "
                                   "enough for me to pass on a request. Type /find to see the "
                                   "mentors who do.")
    replies = await app.bot.handle(Action(ana.address, A_REQUEST, str(paul)))
    assert replies[0].text.startswith("Désolé, Paul ne correspond pas assez")
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM requests") == 0


async def test_a_coordinators_match_preview_says_when_both_are_free(programme_app) -> None:
    """/admin match shows the common time in the mentee's week, naming whose week it is, or
    that there is none, or who has not said; and warns of a pair /find would not offer."""
    app = await programme_app()
    coord, coordo = await coordinators(app)
    await add_person(app, "nora", "mentor", offered="project management", capacity=2,
                     timezone="Europe/Paris", availability=((2, 0, 120),))
    await add_person(app, "omar", "mentor", offered="project management", capacity=2,
                     timezone="Europe/Paris", availability=((5, 600, 720),))
    await add_person(app, "quinn", "mentor", offered="project management", capacity=2,
                     availability=())
    await weak_mentor(app)
    await add_person(app, "mia", "mentee", sought="project management", seniority=2,
                     timezone="America/Toronto", availability=TUESDAY_EVENING,
                     goals="Lead projects.")
    await coord.say("/admin match @mia @nora")
    assert "- Both free on Tuesday evenings (Mia's time): 2 hours a week in common" \
        in coord.text
    assert "quality floor" not in coord.text
    await coordo.say("/admin match @mia @nora")
    assert "- Les deux sont disponibles le mardi soir (heure de Mia) : 2 heures par " \
        "semaine en commun" in plain(coordo.text)
    await coord.say("/admin match @mia @omar")
    assert "- No free time in common, from what both entered" in coord.text
    await coord.say("/admin match @mia @quinn")
    assert "- When both are free is unknown: Quinn gave no free times" in coord.text
    await coord.say("/admin match @mia @paul")
    assert ("Below the programme's quality floor (25/100): /find would not suggest this "
            "pair. You can still match them.") in coord.text
    assert [b.label for b in coord.buttons] == ["Confirm the match"]  # the choice is theirs
