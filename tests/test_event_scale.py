"""What keeps every event fast in a large programme (issue 12), as people see it: the
coordinators' figures never hold the write lock others wait for, and cancelling one
request's or meeting's messages touches exactly those messages.

Speed itself is measured by bench/bench_events.py, never here."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.kernel import outbox
from bot.kernel.app import App
from bot.kernel.clock import to_iso
from bot.kernel.outbox import Outgoing
from bot.store.db import Database
from tests.conftest import Chat
from tests.fixtures_insight import app_at, member

LIVENESS = 30  # seconds: only turns a deadlock into a failure, never measures speed


async def test_a_snapshot_reads_the_last_commit_while_a_write_is_open(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "s.sqlite3")
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('seen', 'committed')")
    async with db.transaction() as tx:
        await tx.execute("UPDATE meta SET value = 'uncommitted' WHERE key = 'seen'")

        async def look() -> str:
            async with db.snapshot() as snapshot:
                return await snapshot.value("SELECT value FROM meta WHERE key = 'seen'")

        # The write transaction is still open: a snapshot neither waits for it nor sees it.
        assert await asyncio.wait_for(look(), LIVENESS) == "committed"
    async with db.snapshot() as snapshot:
        assert await snapshot.value("SELECT value FROM meta WHERE key = 'seen'") == "uncommitted"
    await db.close()


async def test_a_participant_is_answered_while_the_coordinators_figures_are_read(
        tmp_path: Path) -> None:
    app = await app_at(tmp_path)
    try:
        await member(app, "coord", "mentor", offered="leadership", capacity=1)
        await member(app, "maya", "mentee", sought="public speaking")
        maya, coord = Chat(app, "maya"), Chat(app, "coord")
        async with app.db.snapshot():  # a long report in progress holds the snapshot
            # Maya's event needs the write lock only: it is answered at once.
            await asyncio.wait_for(maya.say("/help"), LIVENESS)
            assert "/find" in maya.text
            report = asyncio.create_task(coord.say("/admin stats"))
            await asyncio.sleep(0)
        await asyncio.wait_for(report, LIVENESS)  # the report waited for its turn to read
        assert "Programme Test" in coord.text
    finally:
        await app.close()


async def _keys(app: App, *keys: str) -> None:
    now = app.services.clock.now()
    async with app.db.transaction() as tx:
        for key in keys:
            await outbox.enqueue(tx, None, Outgoing(key="common.error"),
                                 due_at=now + timedelta(days=1), key=key)


async def _pending(app: App) -> set[str]:
    async with app.db.read() as tx:
        rows = await tx.all("SELECT idempotency_key FROM outbox WHERE status = 'pending'"
                            " AND kind = 'message'")
    return {row[0] for row in rows}


async def test_cancelling_one_requests_messages_leaves_every_other_message(
        tmp_path: Path) -> None:
    app = await app_at(tmp_path)
    try:
        await _keys(app, "request:1:to-mentor", "request:1:reminder", "request:1:expire",
                    "request:10:reminder", "request:1;x", "request:1", "REQUEST:1:reminder",
                    "relay:é:1", "relay:é:2", "relay:éa:1", "x\U0010ffff:1", "x\U0010ffff")
        async with app.db.transaction() as tx:
            assert await outbox.cancel(tx, "request:1:") == 3
            assert await outbox.cancel(tx, "relay:é:") == 2
            assert await outbox.cancel(tx, "x\U0010ffff:") == 1
        # Keys are matched exactly, case included: another request's, a longer id's or a
        # key that only looks alike stay planned.
        assert await _pending(app) == {"request:10:reminder", "request:1;x", "request:1",
                                       "REQUEST:1:reminder", "relay:éa:1", "x\U0010ffff"}
    finally:
        await app.close()


def test_after_prefix_is_the_first_text_past_every_key_with_that_prefix() -> None:
    assert outbox.after_prefix("request:1:") == "request:1;"
    assert outbox.after_prefix("a\U0010ffff") == "b"
    assert outbox.after_prefix("\ud7ff") == "\ue000"
    assert outbox.after_prefix("") is None
    assert outbox.after_prefix("\U0010ffff") is None


async def test_median_wait_of_an_odd_number_of_pending_requests(tmp_path: Path) -> None:
    app = await app_at(tmp_path)
    try:
        now = app.services.clock.now()
        await member(app, "coord", "mentor", offered="leadership", capacity=1)
        mentor = await member(app, "omar", "mentor", offered="public speaking", capacity=3)
        ids = [await member(app, f"mentee{n}", "mentee", sought="public speaking")
               for n in range(3)]
        async with app.db.transaction() as tx:
            for days, mentee in zip((1, 2, 6), ids, strict=True):
                await tx.execute(
                    "INSERT INTO requests (programme_id, mentee_id, mentor_id, created_at,"
                    " expires_at) VALUES (1, ?, ?, ?, ?)",
                    (mentee, mentor, to_iso(now - timedelta(days=days)),
                     to_iso(now + timedelta(days=3))))
        coord = Chat(app, "coord")
        await coord.say("/admin stats")
        assert "median wait 2 days" in coord.text
        assert "oldest 6 days" in coord.text
    finally:
        await app.close()


async def test_time_to_first_match_follows_each_mentees_first_relationship(
        tmp_path: Path) -> None:
    """The wait is kept up to date as relationships come and go (migration 018's triggers):
    a second relationship changes nothing; when a mentor leaves with their relationships,
    the mentee's next one is their first."""
    app = await app_at(tmp_path)
    try:
        now = app.services.clock.now()
        await member(app, "coord", "mentor", offered="leadership", capacity=1)
        omar = await member(app, "omar", "mentor", offered="public speaking", capacity=3)
        lea = await member(app, "lea", "mentor", offered="public speaking", capacity=3)
        ana = await member(app, "ana", "mentee", sought="public speaking")
        ben = await member(app, "ben", "mentee", sought="public speaking")
        async with app.db.transaction() as tx:
            for mentee, mentor, days in ((ana, omar, 2), (ben, lea, 4), (ana, lea, 10)):
                await tx.execute(
                    "INSERT INTO matches (programme_id, mentee_id, mentor_id, source, status,"
                    " started_at) VALUES (1, ?, ?, 'manual', 'ended', ?)",
                    (mentee, mentor, to_iso(now + timedelta(days=days))))
        coord = Chat(app, "coord")
        await coord.say("/admin stats")
        assert "median 3 days (2 mentees matched)" in coord.text
        async with app.db.transaction() as tx:  # Omar leaves: his relationships go with him
            await tx.execute("DELETE FROM people WHERE id = ?", (omar,))
        await coord.say("/admin stats")
        assert "median 7 days (2 mentees matched)" in coord.text
        async with app.db.transaction() as tx:  # and Ben's only relationship is undone
            await tx.execute("DELETE FROM matches WHERE mentee_id = ?", (ben,))
        await coord.say("/admin stats")
        assert "median 10 days (1 mentee matched)" in coord.text
    finally:
        await app.close()
