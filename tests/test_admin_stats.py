"""`/admin stats` and `/admin insight` on a programme whose figures were computed by hand
(tests/fixtures_insight.py explains every number), in English and in French."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.admin.charts import DATA_KEY
from bot.kernel.app import App
from tests.conftest import Chat
from tests.fixtures_insight import app_at, insight_programme, png_info


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


async def test_stats_in_english_match_the_hand_computed_programme(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    await coord.say("/admin stats")
    assert coord.text.split("\n") == [
        "*Programme statistics — Programme Test*",
        "*People*: 9",
        "- Mentors: 4 (active 4)",
        "- Mentees: 5 (active 5)",
        "*Requests* — pending: 2 · median wait 2 days · oldest 3 days",
        "*Relationships* — active: 3 · paused: 0 · at risk: 1",
        "*Meetings, last 30 days*: 2 held · 1 no-show · 1 called off · 1 with no answer"
        " · 1 awaiting answers · attendance 50%",
        "*Satisfaction*: after meetings 3.8/5 (6 answers) · closing surveys 4.5/5 (2 answers)"
        " · 100% would recommend the programme",
        "*Time from sign-up to first match*: median 6 days (4 mentees matched)",
        "*Most viewed lessons*: Setting goals that actually move (SMART) (3), Giving feedback"
        " that helps (2), and Active listening: hearing what isn't said (1)",
        "*Most liked lessons*: Setting goals that actually move (SMART) (2) and Active"
        " listening: hearing what isn't said (1)",
        "*Relationship at risk* (1)",
        "- Leo & Nora — since March 8, 2027: not working, says the mentor",
        "Charts: /admin insight · lists: /admin pairs, /admin unmatched, /admin requests",
        "The same, every Monday morning: /admin digest on",  # until it is on
    ]
    await coord.say("/admin digest on")
    await coord.say("/admin stats")
    assert coord.text.split("\n")[-1].startswith("Charts: /admin insight")


async def test_stats_in_french_use_french_numbers_and_words(app: App) -> None:
    await insight_programme(app)
    coordfr = Chat(app, "coordfr")
    await coordfr.say("/admin stats")
    text = coordfr.text
    assert "*Statistiques du programme — Programme Test*" in text
    assert "- Personnes mentorées\xa0: 5 (en activité\xa0: 5)" in text
    assert "attente médiane\xa0: 2 jours · la plus ancienne\xa0: 3 jours" in text
    assert "taux de présence 50\xa0%" in text
    assert "après les rencontres 3,8/5 (6 réponses) · questionnaires de fin 4,5/5 (2 réponses)" \
        " · 100\xa0% recommanderaient le programme" in text
    assert "Des objectifs qui font vraiment avancer (SMART) (3)" in text
    assert "- Leo et Nora — depuis le 8 mars 2027\xa0: ça ne fonctionne pas, selon la personne" \
        " qui accompagne" in text


async def test_insight_answers_five_questions_each_with_a_png_chart(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    replies = await coord.say("/admin insight")
    assert len(replies) == 5
    charts = {}
    for reply in replies:
        assert reply.file is not None and reply.file.mime_type == "image/png"
        assert reply.file.filename.startswith("insight-") \
            and reply.file.filename.endswith("-2027-03-15.png")
        width, height, texts = png_info(reply.file.content)
        assert 600 <= width <= 2000 and 400 <= height <= 1600
        charts[reply.file.filename.split("-")[1]] = json.loads(texts[DATA_KEY])
    assert set(charts) == {"benefit", "attendance", "mentors", "content", "months"}
    benefit, attendance, mentors, content, months = (r.text for r in replies)

    assert "All mentees: 3.8/5 (6 answers)." in benefit
    for line in ("- Sales: 4.3/5 (4 answers) · 2 pairs · 5 meetings held (2.5 per pair)",
                 "- Engineering: 3/5 (2 answers) · 1 pair · 1 meeting held (1 per pair)",
                 "- Not given: no answers yet · 1 pair · 0 meetings held (0 per pair)",
                 "- Student or apprentice: 5/5 (1 answer) · 1 pair · 1 meeting held",
                 "- Early career (0–3 years): 3.6/5 (5 answers) · 2 pairs · 5 meetings held",
                 "- English: 4/5 (3 answers) · 2 pairs · 4 meetings held",
                 "- French: 3.7/5 (3 answers) · 2 pairs · 2 meetings held",
                 "- Group circle: 4.3/5 (4 answers) · 2 pairs · 5 meetings held",
                 "- 1:1: 3/5 (2 answers)", "- Reverse mentoring: no answers yet"):
        assert line in benefit, line
    panels = {p["title"]: p for p in charts["benefit"]["panels"]}
    assert panels["Department"]["categories"] == ["Sales", "Engineering", "Not given"]
    assert panels["Department"]["series"] == {
        "Average rating from mentees (1–5)": [4.25, 3.0, 0.0]}
    assert panels["Language"]["categories"] == ["English", "French"]
    assert panels["Format"]["series"]["Average rating from mentees (1–5)"] == [4.25, 3.0, 0.0]

    assert "Last 30 days: 2 held · 1 no-show · 1 called off · 1 with no answer · 1 awaiting" \
           " answers · attendance 50%." in attendance
    assert "Since Dec 2026: 5 held · 1 no-show · 1 called off · 1 with no answer · 1 awaiting" \
           " answers · attendance 71%." in attendance
    [panel] = charts["attendance"]["panels"]
    assert panel["categories"] == ["Dec 2026", "Jan 2027", "Feb 2027", "Mar 2027"]
    assert panel["series"] == {"Held": [1, 2, 1, 1], "No-show": [0, 0, 0, 1],
                               "Called off": [0, 0, 1, 0], "No answer": [0, 0, 0, 1],
                               "Awaiting answers": [0, 0, 0, 1]}

    assert mentors.split("\n")[1:] == [
        "- Nora: 4.3/5 (4 answers) · 2 mentees · 4 meetings held",
        "- Omar: 3/5 (2 answers) · 2 mentees · 1 meeting held"]
    assert charts["mentors"]["panels"][0]["categories"] == ["Nora", "Omar"]

    assert content.split("\n")[1:] == [
        "- Setting goals that actually move (SMART): 3 views · 2 likes (67%)",
        "- Giving feedback that helps: 2 views · 0 likes (0%)",
        "- Active listening: hearing what isn't said: 1 view · 1 like (100%)"]
    assert charts["content"]["panels"][0]["series"] == {"Views": [3, 2, 1], "Likes": [2, 0, 1]}

    assert "Since Dec 2026: 4 matches made, 5 meetings held." in months
    assert "This month so far: 1 match made, 1 meeting held." in months
    assert charts["months"]["panels"][0]["series"] == {"Matches made": [1, 1, 1, 1],
                                                       "Meetings held": [1, 2, 1, 1]}


async def test_chart_numbers_are_the_stats_numbers(app: App) -> None:
    """The same queries feed both: what /admin stats says is what the charts draw."""
    await insight_programme(app)
    coord = Chat(app, "coord")
    await coord.say("/admin stats")
    stats = coord.text
    [content] = await coord.say("/admin insight content")
    [attendance] = await coord.say("/admin insight attendance")
    assert content.file is not None and attendance.file is not None
    drawn = json.loads(png_info(content.file.content)[2][DATA_KEY])["panels"][0]
    for series, heading in (("Views", "*Most viewed lessons*"), ("Likes", "*Most liked lessons*")):
        line = stats.split(heading)[1].split("\n")[0]
        drawn_counts = zip(drawn["categories"], drawn["series"][series], strict=True)
        shown = [(title, count) for title, count in drawn_counts if count]
        assert shown and all(f"{title} ({count})" in line for title, count in shown)
    # The stats' 30-day figures are the insight's, word for word.
    detail = stats.split("*Meetings, last 30 days*: ")[1].split("\n")[0]
    assert f"Last 30 days: {detail}." in attendance.text
    march = json.loads(png_info(attendance.file.content)[2][DATA_KEY])["panels"][0]
    assert march["series"]["No-show"][-1] == 1 and "1 no-show" in detail


async def test_insight_in_french_and_one_question_at_a_time(app: App) -> None:
    await insight_programme(app)
    coordfr = Chat(app, "coordfr")
    [reply] = await coordfr.say("/admin insight présence")
    assert "30 derniers jours\xa0: 2 tenues · 1 absence · 1 annulée au dernier moment" in reply.text
    assert reply.file is not None
    drawn = json.loads(png_info(reply.file.content)[2][DATA_KEY])
    assert drawn["title"] == "Rencontres selon leur issue, par mois"
    assert drawn["panels"][0]["categories"] == ["déc. 2026", "janv. 2027", "févr. 2027",
                                                "mars 2027"]
    [reply] = await coordfr.say("/admin insight benefit")
    assert "- Sales\xa0: 4,3/5 (4 réponses) · 2 binômes · 5 rencontres tenues (2,5 par binôme)" \
        in reply.text
    await coordfr.say("/admin insight météo")
    assert "Quelle question\u202f?" in coordfr.text and "benefit, attendance" in coordfr.text


async def test_each_programme_sees_only_its_own_figures(app: App) -> None:
    await insight_programme(app)
    otto = Chat(app, "otto")
    await otto.say("/admin stats")
    assert "*Programme statistics — Other Programme*" in otto.text
    assert "*People*: 3" in otto.text
    assert "after meetings 1/5 (2 answers)" in otto.text
    assert "*Requests*: none pending" in otto.text
    replies = await otto.say("/admin insight")
    assert "- Quinn: 1/5 (1 answer)" in replies[2].text
    assert "Nora" not in "\n".join(r.text for r in replies)


async def test_an_empty_programme_has_words_and_no_charts(app: App) -> None:
    from tests.fixtures_insight import member

    await member(app, "coord", "mentor", capacity=0)
    coord = Chat(app, "coord")
    await coord.say("/admin stats")
    assert "*Meetings, last 30 days*: none" in coord.text
    assert "*Most viewed lessons*: none yet" in coord.text
    replies = await coord.say("/admin insight")
    assert len(replies) == 5 and all(r.file is None for r in replies)
    assert "No relationship yet" in replies[0].text
