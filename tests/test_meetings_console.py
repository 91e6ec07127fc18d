"""The whole life of a relationship in a real `mentorbot console --clock simulated` process,
and a process killed with SIGKILL while reminders go out."""

from __future__ import annotations

import asyncio
import json
import math
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.kernel import outbox
from bot.kernel.app import SIMULATED_NOW_KEY, build_app, save_simulated_clock
from bot.kernel.clock import SimulatedClock, from_iso
from bot.kernel.config import load_config
from bot.kernel.dispatcher import FLUSH_EVERY
from bot.kernel.outbox import Outgoing
from tests.conftest import START, Chat
from tests.people_factory import add_person
from tests.test_meetings import TUE_THU_11_13, TUE_THU_16_20, Inbox, match

ROOT = Path(__file__).resolve().parent.parent
CONFIG = """\
[programmes.main]
name = "Console Programme"

[meetings]
video_link = "https://meet.example/{meeting_id}"
"""
_BUTTON = re.compile(r"^   \[(\d+)\] (.*)$")


def command(db: Path, config: Path, start: datetime = START) -> list[str]:
    return [sys.executable, "-m", "adapters.cli", "console", "--clock", "simulated",
            "--db", str(db), "--config", str(config), "--start", start.isoformat()]


class Session:
    """A running console driven line by line; `/time +0m` marks the end of each answer."""

    def __init__(self, db: Path, config: Path) -> None:
        self.db = db
        self.proc = subprocess.Popen(command(db, config), cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     encoding="utf-8", env={**os.environ, "PYTHONUTF8": "1"})
        self.lines: queue.Queue[str] = queue.Queue()
        self.transcript: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def send(self, *lines: str) -> str:
        assert self.proc.stdin is not None
        for line in (*lines, "/time +0m"):
            self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        clocks = sum(1 for line in lines if line.startswith("/time")) + 1
        chunk: list[str] = []
        while clocks:
            line = self.lines.get(timeout=60)
            chunk.append(line)
            clocks -= line.startswith("(clock:")
        self.transcript += chunk
        return "\n".join(chunk)

    def press(self, chunk: str, handle: str, label: str) -> str:
        """Press the last button of `handle` in `chunk` whose label matches `label`."""
        number, owner = None, None
        for line in chunk.splitlines():
            if line.startswith("→ @"):
                owner = line[3:].split(":", 1)[0]
            found = _BUTTON.match(line)
            if found and owner == handle and re.search(label, found.group(2)):
                number = found.group(1)
        assert number is not None, f"no button {label!r} for @{handle} in:\n{chunk}"
        return self.send(f"@{handle} #{number}")

    def now(self) -> datetime:
        """The console's simulated time (saved on every /time)."""
        return simulated_now(self.db)

    def advance_to(self, moment: datetime) -> str:
        minutes = math.ceil((moment - self.now()).total_seconds() / 60)
        assert minutes > 0
        step = f"+{minutes}m" if minutes <= 99999 else f"+{math.ceil(minutes / 60)}h"
        return self.send(f"/time {step}")

    def value(self, sql: str) -> object:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql).fetchone()[0]

    def close(self) -> tuple[int, str]:
        assert self.proc.stdin is not None and self.proc.stderr is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=60)
        return code, self.proc.stderr.read()


def simulated_now(db: Path) -> datetime:
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT value FROM meta WHERE key = ?",
                              (SIMULATED_NOW_KEY,)).fetchone()[0]
    return from_iso(stored)


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


async def _people(db: Path, config: Path) -> None:
    app = await build_app(load_config(config), SimulatedClock(START), db)
    try:
        await add_person(app, "nora", "mentor", offered="project management",
                         languages=("en", "fr"), timezone="America/Toronto",
                         availability=TUE_THU_11_13, capacity=2, seniority=4)
        await add_person(app, "mia", "mentee", sought="project management", language="fr",
                         languages=("fr", "en"), timezone="Europe/Paris",
                         availability=TUE_THU_16_20, seniority=2)
    finally:
        await app.close()


def test_a_relationship_from_introduction_to_closing_survey(tmp_path: Path) -> None:
    db, config = tmp_path / "life.sqlite3", write_config(tmp_path)
    asyncio.run(_people(db, config))
    console = Session(db, config)
    try:
        found = console.send("@mia /find")
        sent = console.send(f"@mia #{_number(console, found, 'mia', 'Solliciter Nora')}")
        asked = console.press(sent, "mia", "Envoyer sans message")
        introduced = console.press(asked, "nora", "^Accept$")
        assert "Ready to plan your first meeting with *Mia*" in introduced

        proposed = console.press(introduced, "mia", "Planifier une rencontre")
        assert "J'ai proposé ces horaires à Nora" in proposed
        assert "*Mia* would like to meet you (45 minutes)" in proposed
        confirmed = console.press(proposed, "nora", r"^\w{3} \d{1,2} \w{3}, 11:00$")
        assert "Meeting confirmed with Mia" in confirmed
        assert "Rencontre confirmée avec Nora" in confirmed
        assert len(re.findall(r"\[file: .*mentoring-meeting-1(?:-2)?\.ics\]",
                              confirmed)) == 2  # both invitations, saved
        assert "https://meet.example/1" in confirmed

        start = from_iso(str(console.value("SELECT starts_at FROM meetings")))
        day_before = console.advance_to(start - timedelta(hours=24) + timedelta(minutes=2))
        assert "⏰ Reminder: your meeting with Mia is tomorrow" in day_before
        assert "⏰ Rappel\xa0: votre rencontre avec Nora a lieu demain" in day_before
        hour_before = console.advance_to(start - timedelta(minutes=58))
        assert "in 1 hour" in hour_before and "dans 1 heure" in hour_before
        after = console.advance_to(start + timedelta(hours=1))
        assert "Comment s'est passée votre rencontre avec Nora" in after
        assert "How did your meeting with Mia go? Did it take place?" in after

        rated = console.press(console.press(after, "mia", "^Oui$"), "mia", "^5$")
        assert "Quelque chose à noter" in rated
        assert "Merci" in console.send("@mia Nous avons fixé trois objectifs.")
        nora_rates = console.press(console.press(after, "nora", "Yes, it did"), "nora", "^4$")
        console.press(nora_rates, "nora", "Nothing to add")
        assert console.value("SELECT status FROM meetings") == "held"

        quiet = console.advance_to(start + timedelta(weeks=3, hours=2))
        assert "How is it going with *Mia*? You haven't met for 3 weeks." in quiet

        ends = from_iso(str(console.value("SELECT ends_at FROM matches")))
        near_end = console.advance_to(ends - timedelta(days=14) + timedelta(hours=1))
        assert "Your mentoring relationship with *Mia* ends on" in near_end
        assert "Votre relation de mentorat avec *Nora* se termine le" in near_end
        console.press(near_end, "mia", "Conclure comme prévu")
        console.press(near_end, "nora", "Conclude as planned")

        # 5:00 in Toronto at the end: Nora's survey waits for the end of her quiet hours.
        ended = console.advance_to(ends + timedelta(hours=4))
        assert "Votre relation de mentorat avec *Nora* est maintenant terminée" in ended
        assert "Your mentoring relationship with *Mia* has now come to an end" in ended
        benefits = console.press(ended, "mia", "^4$")
        assert "Qu'en avez-vous retiré" in benefits
        recommend = console.send("@mia Plus de confiance pour animer une réunion.")
        assert "Recommanderiez-vous le programme" in recommend
        assert "Merci\u202f! Vos réponses" in console.press(recommend, "mia", "^Oui$")
    finally:
        code, stderr = console.close()
    output = "\n".join(console.transcript)
    assert code == 0, stderr
    assert "Traceback" not in output + stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status, end_reason FROM matches").fetchone() == \
            ("ended", "completed")
        assert conn.execute("SELECT satisfaction, would_recommend FROM relationship_surveys"
                            " WHERE answered_at IS NOT NULL").fetchall() == [(4, 1)]


def _number(console: Session, chunk: str, handle: str, label: str) -> str:
    owner, number = None, None
    for line in chunk.splitlines():
        if line.startswith("→ @"):
            owner = line[3:].split(":", 1)[0]
        found = _BUTTON.match(line)
        if found and owner == handle and label in found.group(2):
            number = found.group(1)
    assert number is not None, chunk
    return number


# --- a crash while reminders go out ----------------------------------------------------------

REMINDERS = 1500
PADDING = "·" * 150  # long lines, so that the output pipe fills up and the process blocks


# The hours this scenario once failed at, when the clock came from the wall: from Monday
# 16:00 to Tuesday 04:00 UTC the first time offered is under 24 hours away, so it has no
# 24-hour reminder and the jump to it was negative (`/time +-213m`).
KILL_STARTS = {
    "monday-morning": START,                                       # Mon 09:00 UTC
    "before-midnight": datetime(2027, 1, 11, 23, 55, tzinfo=UTC),  # first time 16 h away
    "tuesday-night": datetime(2027, 1, 12, 3, 0, tzinfo=UTC),      # first time 13 h away
    "thursday-evening": datetime(2027, 1, 14, 21, 30, tzinfo=UTC),  # next times next week
}


async def _meeting_and_reminders(db: Path, config: Path, now: datetime) -> datetime:
    """A real confirmed meeting, and many more reminders due with its 24-hour ones."""
    clock = SimulatedClock(now)
    app = await build_app(load_config(config), clock, db)
    try:
        nora = await add_person(app, "nora", "mentor", timezone="America/Toronto",
                                availability=TUE_THU_11_13, capacity=2)
        mia = await add_person(app, "mia", "mentee", language="fr", timezone="Europe/Paris",
                               availability=TUE_THU_16_20)
        await match(app, mia, nora)
        inbox = Inbox(app)
        await inbox.deliver()
        await Chat(app, "mia").say("/meet")
        await inbox.deliver()
        nora_chat = Chat(app, "nora")
        inbox.give_buttons(nora_chat)
        async with app.db.read() as tx:
            offered = [from_iso(slot) for slot in json.loads(await tx.value(
                "SELECT slots FROM meeting_proposals WHERE status = 'pending'"))]
        # Nora takes the first time with a 24-hour reminder still to come.
        await nora_chat.press(next(n for n, slot in enumerate(offered, start=1)
                                   if slot - now > timedelta(hours=24)))
        await inbox.deliver()
        async with app.db.read() as tx:
            start = from_iso(await tx.value("SELECT starts_at FROM meetings"))
        due = start - timedelta(hours=24)
        async with app.db.transaction() as tx:
            for n in range(REMINDERS):
                await outbox.enqueue(tx, mia, Outgoing(text=f"Rappel {n:04d} {PADDING} ✓"),
                                     due_at=due, key=f"meeting:load:{n}:remind:24h",
                                     kind="reminder")
        await save_simulated_clock(app.db, clock)
        return start
    finally:
        await app.close()


@pytest.mark.parametrize("now", KILL_STARTS.values(), ids=KILL_STARTS.keys())
def test_killed_while_reminders_go_out_then_restarted(tmp_path: Path, now: datetime) -> None:
    db, config = tmp_path / "kill.sqlite3", write_config(tmp_path)
    start = asyncio.run(_meeting_and_reminders(db, config, now))
    proc = subprocess.Popen(command(db, config, now), cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", env={**os.environ, "PYTHONUTF8": "1"})
    assert proc.stdin is not None and proc.stdout is not None
    assert simulated_now(db) == now
    minutes = math.ceil((start - timedelta(hours=24) - now).total_seconds() / 60) + 5
    proc.stdin.write(f"/time +{minutes}m\n")
    proc.stdin.flush()
    _wait_until_blocked(db)  # nobody reads its output: it blocks writing, mid-batch
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    first_run = proc.stdout.read()
    with sqlite3.connect(db) as conn:
        window = {row[0] for row in conn.execute(
            "SELECT payload FROM outbox WHERE status = 'sending'")}
    assert window, "the process should have died with rows in flight"

    # The console saves its clock at every hourly step: the same command again goes on from
    # the hour reached (never back to --start) and the /time again reaches past the reminders.
    reached = simulated_now(db)
    assert reached > now
    restarted = subprocess.run(command(db, config, now), input=f"/time +{minutes}m\n",
                               capture_output=True, text=True,
                               encoding="utf-8", cwd=ROOT, timeout=120,
                               env={**os.environ, "PYTHONUTF8": "1"})
    assert restarted.returncode == 0, restarted.stderr
    assert f"already at {reached:%Y-%m-%d %H:%M} UTC, after --start" in restarted.stderr
    delivered = Counter(re.findall(r"Rappel (\d{4}) ·+ ✓", first_run + restarted.stdout))
    assert sorted(delivered) == [f"{n:04d}" for n in range(REMINDERS)]  # every one
    repeated = {n for n, times in delivered.items() if times > 1}
    in_window = {re.search(r"Rappel (\d{4})", text).group(1) for text in window}  # type: ignore[union-attr]
    assert repeated <= in_window  # none twice outside the documented crash window
    assert len(repeated) <= FLUSH_EVERY + 1  # unflushed ones and the one being sent
    assert all(times <= 2 for times in delivered.values())
    real = first_run + restarted.stdout
    assert real.count("⏰ Reminder: your meeting with Mia is tomorrow") == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
                            " AND kind = 'reminder' AND due_at <= ?",
                            ((start - timedelta(hours=23)).isoformat(),)).fetchone()[0] == 0


def _wait_until_blocked(db: Path) -> None:
    """Until rows are claimed and no more get marked sent for a while."""
    last, still, deadline = -1, 0.0, time.monotonic() + 60
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            sent, sending = conn.execute(
                "SELECT count(*) FILTER (WHERE status = 'sent'),"
                " count(*) FILTER (WHERE status = 'sending') FROM outbox").fetchone()
        if sending and sent == last:
            still += 0.25
            if still >= 1.5:
                return
        else:
            last, still = sent, 0.0
        time.sleep(0.25)
    raise AssertionError("the console never blocked")
