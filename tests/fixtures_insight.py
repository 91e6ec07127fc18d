"""A small programme with known meetings, ratings and surveys, for checking the coordinators'
figures against numbers computed by hand — and a second programme beside it, so that every
test can see that one programme's coordinators never see or touch the other's data.

The rows are written directly into the tables the meetings, lifecycle, check-in and
training modules own: reaching "held on 20 February, rated 4 by the mentee" through the
real flows takes a proposal, a pick, a clock jump and two answers per meeting, for eleven
meetings over four months. tests/test_admin_pairs.py runs one relationship through the real
flows (/admin match, /meet, the answers after the meeting, /admin end, the survey) and
checks that the same figures see it.

The hand computation (NOW = Monday 15 March 2027, 12:00 UTC; the 30-day window starts on
13 February, 12:00):

  relationships          mentee (department, stage, language, flags)    status
  m1 mia → nora          Sales, 2, en                                   active since 10 Jan
  m2 leo → nora          Sales, 1, fr                                   active since 1 Feb
  m3 ana → omar          Engineering, 2, fr                             ended 1 Mar (survey)
  m4 ben → omar          (no department), 4, en, wants reverse          active since 5 Mar

  meeting  start     relationship  outcome                  mentee answer
  g1       20 Jan    m1            held                     mia 5 (nora 4)
  g11      27 Jan    m1            held                     —
  g2       20 Feb    m1            held                     mia 4
  g3       1 Mar     m1            not held, mia absent     (a no-show)
  g4       10 Mar    m1+m2 circle  held                     mia 3, leo 5
  g5       15 Dec    m3            held                     ana 2
  g6       25 Feb    m3            not held, cancelled      (called off)
  g7       12 Mar    m4            unknown                  —
  g8       14 Mar    m2            confirmed, past          (awaiting answers)
  g9       20 Mar    m2            confirmed, future        (not counted)
  g10      10 Feb    m1            cancelled                (not counted)

  closing survey (m3): ana 4 and would recommend, omar 5 and would recommend.

  /admin stats: last 30 days g2, g3, g4, g6, g7, g8 → 2 held, 1 no-show, 1 called off,
  1 with no answer, 1 awaiting; attendance 2 / (2 + 1 + 1) = 50 %. Usefulness, everyone:
  5 + 4 + 4 + 3 + 5 + 2 = 23 over 6 → 3.8/5. Surveys (4 + 5) / 2 = 4.5/5, 100 % recommend.
  Time to first match: mia 5 days, leo 7, ana 10, ben 4 → median 6 days (4 matched).
  Requests: kim → nora sent 3 days ago, kim → omar 1 day ago → median 2 days, oldest 3.
  Lessons: smart-goals 3 views 2 likes, giving-feedback 2 views, active-listening 1 view
  1 like. At risk: m2 (struggling, since 8 March).

  Benefit (mentees' own answers, usefulness and survey pooled):
  m1 held 4, answers 5, 4, 3 (12 / 3) · m2 held 1, answer 5 · m3 held 1, answers 2 and 4
  (survey) · m4 held 0, no answer.
  Department: Sales 17/4 = 4.25 → 4.3 (2 pairs, 5 held, 2.5 per pair); Engineering 3
  (1 pair, 1 held); not given: no answers. Stage: 2 → 18/5 = 3.6; 1 → 5; 4 → none.
  Language: English 12/3 = 4; French 11/3 = 3.7. Format: group circle (m1, m2) 4.3;
  1:1 (m3) 3; reverse (m4) none. All mentees 23/6 = 3.8.
  Mentors: Nora 4.3 (4 answers, 2 mentees, 4 meetings held: g1, g11, g2, g4 once);
  Omar 3 (2 answers, 2 mentees, 1 held).
  Months since December: matches 1, 1, 1, 1; held 1 (g5), 2 (g1, g11), 1 (g2), 1 (g4).
  Attendance per month: Dec held 1; Jan held 2; Feb held 1, called off 1; Mar held 1,
  no-show 1, no answer 1, awaiting 1 → since December 5 held of 7 decided = 71 %.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.config import Config, ProgrammeSettings
from bot.store.db import Tx
from tests.conftest import make_config
from tests.people_factory import add_person

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
MAIN, OTHER = "main", "other"


def two_programmes(tmp_path: Path) -> Config:
    """`main` (coordinators @coord, and @coordfr who reads French) and `other` (@otto)."""
    config = make_config(tmp_path)
    config.programmes = {
        MAIN: ProgrammeSettings(name="Programme Test",
                                coordinators=["console:local:coord", "console:local:coordfr"]),
        OTHER: ProgrammeSettings(name="Other Programme", coordinators=["console:local:otto"]),
    }
    return config


async def app_at(tmp_path: Path, moment: datetime = NOW) -> App:
    return await build_app(two_programmes(tmp_path),
                           SimulatedClock(moment))


async def member(app: App, handle: str, role: str, programme: str = MAIN,
                 **profile: Any) -> int:
    """A complete, active profile in `programme` (tests/people_factory.add_person, moved)."""
    person_id = await add_person(app, handle, role, **profile)
    if programme != MAIN:
        async with app.db.transaction() as tx:
            await tx.execute("UPDATE people SET programme_id = ? WHERE id = ?",
                             (app.services.programme_ids[programme], person_id))
    return person_id


def day(month: int, day_of_month: int, hour: int = 12, year: int = 2027) -> datetime:
    return datetime(year, month, day_of_month, hour, 0, tzinfo=UTC)


async def relationship(tx: Tx, programme_id: int, mentee: int, mentor: int, started: datetime,
                       *, ended: datetime | None = None) -> int:
    return await tx.insert(
        "INSERT INTO matches (programme_id, mentee_id, mentor_id, source, status, score,"
        " started_at, ends_at, ended_at, end_reason) VALUES (?, ?, ?, 'request', ?, 0.5,"
        " ?, ?, ?, ?)",
        (programme_id, mentee, mentor, "ended" if ended else "active", to_iso(started),
         to_iso(started + timedelta(days=180)), to_iso(ended) if ended else None,
         "completed" if ended else None))


async def meeting(tx: Tx, programme_id: int, status: str, start: datetime,
                  people: list[tuple[int, int | None, str, dict[str, Any]]],
                  *, group: bool = False) -> int:
    """A meeting and its participants: (person, match, role, answers) each."""
    meeting_id = await tx.insert(
        "INSERT INTO meetings (programme_id, organiser_id, uid, status, is_group, starts_at,"
        " length_minutes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 45, ?, ?)",
        (programme_id, people[0][0], f"{uuid.uuid4()}@test", status, int(group), to_iso(start),
         to_iso(start - timedelta(days=7)), to_iso(start)))
    for person_id, match_id, role, answers in people:
        await tx.execute(
            "INSERT INTO meeting_participants (meeting_id, person_id, match_id, role, took_place,"
            " absence, usefulness) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (meeting_id, person_id, match_id, role, answers.get("took_place"),
             answers.get("absence"), answers.get("usefulness")))
    return meeting_id


def pair(mentee: int, mentor: int, match_id: int, mentee_answers: dict[str, Any] | None = None,
         mentor_answers: dict[str, Any] | None = None
         ) -> list[tuple[int, int | None, str, dict[str, Any]]]:
    return [(mentor, match_id, "mentor", mentor_answers or {}),
            (mentee, match_id, "mentee", mentee_answers or {})]


async def insight_programme(app: App) -> dict[str, int]:
    """The programme of the module docstring, plus a busy `other` programme; returns ids."""
    ids = {
        "coord": await member(app, "coord", "mentor", capacity=0, department="Programme"),
        "coordfr": await member(app, "coordfr", "mentor", capacity=0, language="fr"),
        "nora": await member(app, "nora", "mentor", offered="project management",
                             department="Engineering", seniority=4, capacity=3),
        "omar": await member(app, "omar", "mentor", offered="finance", languages=("en", "fr"),
                             department="Finance", seniority=5, capacity=3),
        "mia": await member(app, "mia", "mentee", sought="project management",
                            department="Sales", seniority=2),
        "leo": await member(app, "leo", "mentee", sought="project management", language="fr",
                            languages=("fr", "en"), department=" sales ", seniority=1),
        "ana": await member(app, "ana", "mentee", sought="finance", language="fr",
                            languages=("fr",), department="Engineering", seniority=2),
        "ben": await member(app, "ben", "mentee", sought="finance", seniority=4),
        "kim": await member(app, "kim", "mentee", sought="finance", department="Sales"),
        "otto": await member(app, "otto", "mentor", OTHER, capacity=0),
        "pia": await member(app, "pia", "mentee", OTHER, sought="finance"),
        "quinn": await member(app, "quinn", "mentor", OTHER, offered="finance", capacity=2),
    }
    main, other = app.services.programme_ids[MAIN], app.services.programme_ids[OTHER]
    i = ids
    async with app.db.transaction() as tx:
        for name, onboarded in (("mia", day(1, 5)), ("leo", day(1, 25)), ("ana", day(11, 21,
                                year=2026)), ("ben", day(3, 1)), ("kim", day(2, 20))):
            await tx.execute("UPDATE people SET onboarded_at = ?, reverse = ? WHERE id = ?",
                             (to_iso(onboarded), int(name == "ben"), i[name]))
        m1 = await relationship(tx, main, i["mia"], i["nora"], day(1, 10))
        m2 = await relationship(tx, main, i["leo"], i["nora"], day(2, 1))
        m3 = await relationship(tx, main, i["ana"], i["omar"], day(12, 1, year=2026),
                                ended=day(3, 1))
        m4 = await relationship(tx, main, i["ben"], i["omar"], day(3, 5))
        held, yes = "held", {"took_place": 1}
        await meeting(tx, main, held, day(1, 20), pair(i["mia"], i["nora"], m1,
                      {**yes, "usefulness": 5}, {**yes, "usefulness": 4}))
        await meeting(tx, main, held, day(1, 27), pair(i["mia"], i["nora"], m1, yes, yes))
        await meeting(tx, main, held, day(2, 20), pair(i["mia"], i["nora"], m1,
                      {**yes, "usefulness": 4}))
        await meeting(tx, main, "not_held", day(3, 1), pair(i["mia"], i["nora"], m1,
                      {"took_place": 0, "absence": "me"}))
        await meeting(tx, main, held, day(3, 10), [
            (i["nora"], None, "mentor", yes), (i["mia"], m1, "mentee", {**yes, "usefulness": 3}),
            (i["leo"], m2, "mentee", {**yes, "usefulness": 5})], group=True)
        await meeting(tx, main, held, day(12, 15, year=2026), pair(i["ana"], i["omar"], m3,
                      {**yes, "usefulness": 2}))
        await meeting(tx, main, "not_held", day(2, 25), pair(i["ana"], i["omar"], m3,
                      {"took_place": 0, "absence": "cancelled"}))
        await meeting(tx, main, "unknown", day(3, 12), pair(i["ben"], i["omar"], m4))
        await meeting(tx, main, "confirmed", day(3, 14), pair(i["leo"], i["nora"], m2))
        await meeting(tx, main, "confirmed", day(3, 20), pair(i["leo"], i["nora"], m2))
        await meeting(tx, main, "cancelled", day(2, 10), pair(i["mia"], i["nora"], m1))
        for person, score in (("ana", 4), ("omar", 5)):
            await tx.execute(
                "INSERT INTO relationship_surveys (match_id, person_id, satisfaction, benefits,"
                " would_recommend, asked_at, answered_at) VALUES (?, ?, ?, '', 1, ?, ?)",
                (m3, i[person], score, to_iso(day(3, 1)), to_iso(day(3, 2))))
        for mentor, sent in (("nora", day(3, 12)), ("omar", day(3, 14))):
            await tx.execute(
                "INSERT INTO requests (programme_id, mentee_id, mentor_id, created_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?)",
                (main, i["kim"], i[mentor], to_iso(sent), to_iso(sent + timedelta(days=7))))
        await tx.execute("INSERT INTO relationship_health (match_id, at_risk_since, reason,"
                         " updated_at) VALUES (?, ?, 'struggling', ?)",
                         (m2, to_iso(day(3, 8)), to_iso(day(3, 8))))
        events = [("smart-goals", "viewed", "mia"), ("smart-goals", "viewed", "leo"),
                  ("smart-goals", "viewed", "kim"), ("smart-goals", "useful", "mia"),
                  ("smart-goals", "useful", "leo"), ("giving-feedback", "viewed", "mia"),
                  ("giving-feedback", "viewed", "mia"), ("active-listening", "viewed", "ana"),
                  ("active-listening", "useful", "ana"), ("smart-goals", "read", "mia")]
        for lesson, kind, who in events:
            await tx.execute(
                "INSERT INTO lesson_events (programme_id, person_id, lesson_id, language, kind,"
                " created_at) VALUES (?, ?, ?, 'en', ?, ?)",
                (main, i[who], lesson, kind, to_iso(day(3, 3))))
        # The other programme: activity that must never show in `main`'s figures.
        m9 = await relationship(tx, other, i["pia"], i["quinn"], day(3, 1))
        await meeting(tx, other, held, day(3, 9), pair(i["pia"], i["quinn"], m9,
                      {**yes, "usefulness": 1}, {**yes, "usefulness": 1}))
        for _ in range(5):
            await tx.execute(
                "INSERT INTO lesson_events (programme_id, person_id, lesson_id, language, kind,"
                " created_at) VALUES (?, ?, 'active-listening', 'en', 'viewed', ?)",
                (other, i["pia"], to_iso(day(3, 3))))
    ids.update(m1=m1, m2=m2, m3=m3, m4=m4, m9=m9)
    return ids


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_info(data: bytes) -> tuple[int, int, dict[str, str]]:
    """(width, height, text chunks) of a PNG, after checking its signature, that every
    chunk's CRC is right and that it ends with IEND — a strict reading of the format."""
    import struct
    import zlib

    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    position, chunks, texts = 8, [], {}
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        chunks.append(kind)
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        position += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks
    width, height = struct.unpack(">II", data[16:24])
    return width, height, texts
