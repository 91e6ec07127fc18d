"""GDPR articles 15, 17 and 20: /mydata gives everything stored about a person as a JSON file;
/forget deletes it everywhere — tables added later included — and leaves anonymous counts;
/consent shows what was agreed and withdrawing it forgets."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.kernel.app import App
from bot.kernel.domain_events import RelationshipEnded
from bot.kernel.events import Action
from bot.store.schema_map import inspect
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import COORD, Inbox, match_id_of, matched_pair, person, tap

relay_app = fixtures.relay_app
safe_app = fixtures.safe_app

# Features added after this code was written: found by reading the schema, never by name.
LATER_TABLES = [
    "CREATE TABLE future_notes (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL,"
    " note TEXT NOT NULL, created_at TEXT)",
    "CREATE TABLE future_kudos (id INTEGER PRIMARY KEY, giver INTEGER REFERENCES people(id),"
    " receiver INTEGER NOT NULL REFERENCES people(id), words TEXT, payload TEXT)",
    "CREATE TABLE future_kudos_likes (id INTEGER PRIMARY KEY,"
    " kudos_id INTEGER NOT NULL REFERENCES future_kudos(id), likes INTEGER)",
    "CREATE TABLE future_ledger (id INTEGER PRIMARY KEY,"
    " person_id INTEGER REFERENCES people(id) ON DELETE SET NULL, amount INTEGER)",
    "CREATE TRIGGER future_ledger_append_only BEFORE UPDATE ON future_ledger"
    " BEGIN SELECT RAISE(ABORT, 'append-only'); END",
]


async def _rich_history(app: App, inbox: Inbox) -> dict[str, int]:
    """Mia (mentee) and Nora (mentor) talk through the bot, report each other, Mia was made a
    coordinator, Leo mentions Mia in his profile, and later features store things about her."""
    coord_id = await person(app, COORD, "mentor")
    mia_id, nora_id = await matched_pair(app)
    leo_id = await person(app, "leo", "mentee")
    mia, nora, coord = Chat(app, "mia"), Chat(app, "nora"), Chat(app, COORD)
    await nora.say("/msg Hi Mia! How did the interview go?")
    await mia.say("/msg Great, thanks Nora! My number is 06 12 34 56 78")  # held
    await mia.say("/msg I got the job 🎉")
    for reporter in (mia, nora):
        await reporter.say("/report")
        await tap(reporter, "My relationship with")
        await reporter.say("We don't get along.")
    await coord.say("/admin grant @mia")
    await mia.say("/admin reports")
    await mia.say("/learn")  # whatever the training feature stores when a lesson is opened
    lessons = [b for r in mia.last for b in r.buttons]
    if lessons:
        await app.bot.handle(Action(mia.address, lessons[0].action_id, lessons[0].value))
    await mia.say("/msg")  # a conversation left open: "what would you like to say?"
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET goals = ? WHERE id = ?",
                         ("I'd like to work with Mia on a project, she is great.", leo_id))
        for statement in LATER_TABLES:
            await tx.execute(statement)
        await tx.execute("INSERT INTO future_notes (person_id, note) VALUES (?, ?)",
                         (mia_id, "Mia prefers mornings"))
        await tx.execute(
            "INSERT INTO future_kudos (id, giver, receiver, words, payload) VALUES"
            " (1, ?, ?, 'Thanks Nora!', ?), (2, ?, ?, 'Well done Mia', '{}')",
            (mia_id, nora_id, json.dumps({"from_person_id": mia_id, "to": "Nora"}),
             nora_id, mia_id))
        await tx.execute("INSERT INTO future_kudos_likes (kudos_id, likes) VALUES (2, 3), (1, 1)")
        await tx.execute("INSERT INTO future_ledger (person_id, amount) VALUES (?, 5), (?, 7)",
                         (mia_id, nora_id))
    await inbox.deliver()
    return {"mia": mia_id, "nora": nora_id, "leo": leo_id, "coord": coord_id}


def _mentions(text: str, words: list[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE) for w in words)


def _json_ids(value: Any, keys: frozenset[str], person_id: int) -> bool:
    if isinstance(value, dict):
        return any(((k in keys or k.endswith("person_id")) and v == person_id)
                   or _json_ids(v, keys, person_id) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_ids(v, keys, person_id) for v in value)
    return False


async def _traces(app: App, person_id: int, words: list[str]) -> list[str]:
    """Every place in every table and column that still holds the person's id or name."""
    found = []
    async with app.db.read() as tx:
        schema = await inspect(tx)
        ref_columns = {(r.table, r.column) for r in schema.person_refs}
        for table in schema.tables.values():
            for row in await tx.all(f'SELECT * FROM "{table.name}"'):
                for column, value in dict(row).items():
                    if (table.name, column) in ref_columns and value == person_id:
                        found.append(f"{table.name}.{column} = id")
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "ignore")
                    if not isinstance(value, str):
                        continue
                    if _mentions(value, words):
                        found.append(f"{table.name}.{column}: {value[:80]!r}")
                    if value[:1] in "{[":
                        try:
                            data = json.loads(value)
                        except ValueError:
                            continue
                        if _json_ids(data, schema.person_keys, person_id):
                            found.append(f"{table.name}.{column} JSON id: {value[:80]!r}")
    return found


async def test_mydata_is_a_json_file_of_everything_about_me(relay_app: App) -> None:
    ids = await _rich_history(relay_app, Inbox(relay_app))
    mia = Chat(relay_app, "mia")
    await mia.say("/mydata")
    reply = mia.last[0]
    assert "everything I store about you" in reply.text
    assert reply.file is not None and reply.file.filename == "mydata.json"
    assert reply.file.mime_type == "application/json"
    data = json.loads(reply.file.content)["tables"]
    assert [row["id"] for row in data["people"]] == [ids["mia"]]  # nobody else's profile
    assert data["addresses"][0]["user_id"] == "mia"
    assert {row["body"] for row in data["relay_messages"]} >= {
        "Hi Mia! How did the interview go?", "I got the job 🎉"}
    assert [row["reporter_id"] for row in data["reports"]] == [ids["mia"]]  # not Nora's
    assert data["matches"][0]["mentor_id"] == ids["nora"]
    assert data["coordinators"][0]["user_id"] == "mia"
    assert any(row["actor"] == "console:local:mia" for row in data["audit_log"])
    assert data["future_notes"] == [{"id": 1, "person_id": ids["mia"],
                                     "note": "Mia prefers mornings", "created_at": None}]
    assert {row["id"] for row in data["future_kudos"]} == {1, 2}
    assert any(row["payload"] == {"key": "relay.incoming", "params": {
        "name": "Nora", "text": "Hi Mia! How did the interview go?"},
        "text": "", "buttons": row["payload"]["buttons"], "parts": []}
        for row in data["outbox"])  # JSON columns come back as JSON
    assert data["conversations"][0]["data"] == {"match_id": await match_id_of(relay_app,
                                                                              ids["mia"])}


async def test_forget_leaves_no_trace_and_keeps_anonymous_counts(relay_app: App) -> None:
    ended: list[RelationshipEnded] = []

    async def record(tx: Any, services: Any, event: RelationshipEnded) -> None:
        ended.append(event)

    relay_app.router.hooks.on(RelationshipEnded, record)
    inbox = Inbox(relay_app)
    ids = await _rich_history(relay_app, inbox)
    mia_words = ["Mia", "mia", "console:local:mia"]
    assert len(await _traces(relay_app, ids["mia"], mia_words)) > 30
    mia = Chat(relay_app, "mia")
    await mia.say("/forget")
    assert "Delete all your data?" in mia.text and "/mydata" in mia.text
    await tap(mia, "Yes, delete everything")
    assert "everything I stored about you has been deleted" in mia.text

    assert await _traces(relay_app, ids["mia"], mia_words) == []
    assert ended and ended[0].mentee_id == ids["mia"] and ended[0].reason == "forgotten"

    received = await inbox.deliver()
    assert "your mentee left the programme" in received["nora"][0]
    async with relay_app.db.read() as tx:
        counts = {(r["metric"], r["value"]): r["count"] for r in await tx.all(
            "SELECT * FROM anonymous_counts")}
        leo_goals = await tx.value("SELECT goals FROM people WHERE id = ?", (ids["leo"],))
        kept_report = await tx.one("SELECT * FROM reports")
        kudos = [dict(r) for r in await tx.all("SELECT id, giver, words FROM future_kudos")]
        likes = await tx.value("SELECT count(*) FROM future_kudos_likes")
        ledger = [tuple(r) for r in await tx.all("SELECT person_id, amount FROM future_ledger")]
        actors = {r[0] for r in await tx.all("SELECT actor FROM audit_log")}
        nora_active = await tx.value("SELECT status FROM people WHERE id = ?", (ids["nora"],))
    assert counts[("people", "mentee")] == 1
    assert counts[("matches.mentee_id", "ended")] == 1
    assert counts[("relay_messages.sender_id", "delivered")] == 1
    assert leo_goals == "I'd like to work with forgotten on a project, she is great."
    assert kept_report["reporter_id"] == ids["nora"] and kept_report["reported_id"] is None
    assert kudos == [{"id": 1, "giver": None, "words": "Thanks Nora!"}]  # hers to Nora stays
    assert likes == 1  # the likes of the deleted kudos went with it
    assert ledger == [(ids["nora"], 7)]  # append-only: her row could not be anonymised, so goes
    assert "forgotten" in actors and "console:local:mia" not in actors
    assert nora_active == "active"


async def test_a_forgotten_person_starts_again_as_a_newcomer(safe_app: App) -> None:
    await matched_pair(safe_app)
    mia = Chat(safe_app, "mia")
    await mia.say("/forget")
    await tap(mia, "Yes, delete everything")
    await mia.say("/profile")
    assert "Mentee" not in mia.text
    await mia.say("/mentors")
    assert "You need a profile first" in mia.text


async def test_a_namesake_keeps_their_messages(safe_app: App) -> None:
    inbox = Inbox(safe_app)
    await person(safe_app, "mia", "mentee")
    namesake = await person(safe_app, "miad", "mentee", display_name="Mia Dupont")
    nora_id = await person(safe_app, "nora", "mentor")
    await safe_app.bot.handle(Action(Chat(safe_app, "miad").address, "req.send", str(nora_id)))
    mia = Chat(safe_app, "mia")
    await mia.say("/forget")
    await tap(mia, "Yes, delete everything")
    received = await inbox.deliver()
    assert "*Mia Dupont* would like you as their mentor" in received["nora"][0]
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT display_name FROM people WHERE id = ?",
                              (namesake,)) == "Mia Dupont"


async def test_forget_asks_first_and_refuses_forged_buttons(safe_app: App) -> None:
    mia_id, nora_id = await matched_pair(safe_app)
    mia, nora = Chat(safe_app, "mia"), Chat(safe_app, "nora")
    await mia.say("/forget")
    await tap(mia, "No, keep my data")
    assert "nothing has been deleted" in mia.text
    for value in [str(nora_id), "", "abc", "-1", "9" * 40, "🙂", "x" * 10_000]:
        replies = await safe_app.bot.handle(Action(mia.address, "privacy.forget", value))
        assert "not valid any more" in replies[0].text or "no longer valid" in replies[0].text
    replies = await safe_app.bot.handle(Action(nora.address, "privacy.forget", str(mia_id)))
    assert "not valid any more" in replies[0].text
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM people") == 2
        assert await tx.value("SELECT status FROM matches") == "active"


async def test_consent_shows_what_was_agreed_and_withdrawing_forgets(safe_app: App) -> None:
    mia_id, _ = await matched_pair(safe_app)
    mia = Chat(safe_app, "mia")
    await mia.say("/consent")
    assert "Your consent" in mia.text and "You agreed on" in mia.text
    assert "24 months" in mia.text
    await tap(mia, "Withdraw my consent")
    assert "Withdraw your consent?" in mia.text
    await tap(mia, "Yes, delete everything")
    assert "has been deleted" in mia.text
    async with safe_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM people WHERE id = ?", (mia_id,)) == 0
    await mia.say("/consent")
    assert "haven't agreed" in mia.text
    fr = Chat(safe_app, "lea", locale="fr")
    await fr.say("/consent")
    assert "Vous n'avez pas accepté" in fr.text
