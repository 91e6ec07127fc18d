"""Issue 13: what a coordinator's roster says about people (names, e-mails, platform ids) does
not outlive its use. An unused invitation expires after `[privacy] invitation_days` with the
person created only to receive it on Slack; a row naming someone who joined without the code
is in their /mydata and goes with their /forget (joining itself: tests/test_roster_import.py)."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.kernel.app import App
from bot.kernel.events import Action, Address, Command, Reply
from tests.conftest import Chat
from tests.programme_ops import Deliveries, coordinators, programme_app, send_file

__all__ = ["programme_app"]  # the fixture, used by name

ROSTER = b"""name,email,slack_id,handle,role,language
Sam Lee,sam@example.org,U0SAM1,,mentee,en
Ana Silva,ana@example.org,,,mentee,fr
Jo Smith,jo@example.org,,jo,mentor,en
"""


async def everything_about(app: App, *needles: str) -> list[str]:
    """Which of `needles` is still anywhere in the people, address and roster tables, or in
    a message still to be sent."""
    async with app.db.read() as tx:
        rows = await tx.all("SELECT * FROM roster_entries")
        rows += await tx.all("SELECT * FROM people")
        rows += await tx.all("SELECT * FROM addresses")
        rows += await tx.all("SELECT * FROM outbox WHERE status = 'pending'")
    text = json.dumps([dict(r) for r in rows], ensure_ascii=False, default=str)
    return [needle for needle in needles if needle in text]


async def test_unused_invitations_expire_with_the_slack_invitee(programme_app) -> None:
    app = await programme_app(slack_team="T1")
    coord, _ = await coordinators(app)
    await send_file(coord, "/admin import", "roster.csv", ROSTER)
    await coord.press_label("Invite 3 people")
    codes = {line.split(" /start ")[1] for line in coord.text.splitlines() if "@jo" in line}
    post = Deliveries(app)
    assert "You are invited" in (await post.deliver())["U0SAM1"][0]
    await Chat(app, "jo").say(f"/start {codes.pop()}")  # Jo joins; Sam and Ana never do

    app.services.clock.advance(timedelta(days=89))
    await post.deliver()
    assert await everything_about(app, "Sam Lee", "ana@example.org", "U0SAM1") == \
        ["Sam Lee", "ana@example.org", "U0SAM1"]  # still of use: within the 90 days

    app.services.clock.advance(timedelta(days=2))
    await post.deliver()
    assert await everything_about(app, "Sam Lee", "sam@example.org", "Ana Silva",
                                  "ana@example.org", "U0SAM1") == []
    await coord.say("/admin invitations")
    assert "*Invitations* · joined: 1 / 1" in coord.text
    assert "- Jo Smith · joined on" in coord.text  # his row stays; the name is his profile's
    async with app.db.read() as tx:
        jobs = await tx.value("SELECT count(*) FROM outbox WHERE kind = 'job' AND status ="
                              " 'pending' AND idempotency_key LIKE 'roster:retention:%'")
    assert jobs == 1  # tomorrow's run is planned


async def test_a_reminder_keeps_an_invitation_for_another_period(programme_app) -> None:
    app = await programme_app()
    coord, _ = await coordinators(app)
    await send_file(coord, "/admin import", "roster.csv", ROSTER)
    await coord.press_label("Invite 3 people")
    post = Deliveries(app)
    app.services.clock.advance(timedelta(days=80))
    await coord.say("/admin invitations")
    await coord.press_label("Remind the 3 people")
    app.services.clock.advance(timedelta(days=20))  # 100 days after the invitation
    await post.deliver()
    assert await everything_about(app, "ana@example.org") == ["ana@example.org"]
    app.services.clock.advance(timedelta(days=71))
    await post.deliver()
    assert await everything_about(app, "ana@example.org", "Ana Silva") == []


async def test_a_preview_never_applied_is_deleted_the_next_day(programme_app) -> None:
    app = await programme_app()
    coord, _ = await coordinators(app)
    await send_file(coord, "/admin import", "roster.csv", ROSTER)
    assert "*Roster checked: 3 people to invite.*" in coord.text  # and never applied
    app.services.clock.advance(timedelta(days=2))
    await Deliveries(app).deliver()
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM roster_imports") == 0


def files_of(replies: list[Reply]) -> list[bytes]:
    return [r.file.content for r in replies if r.file is not None]


async def test_a_row_about_someone_who_joined_without_the_code(programme_app) -> None:
    """Zoé is on the roster by her Telegram username, and starts without her code."""
    app = await programme_app()
    coord, _ = await coordinators(app)
    await send_file(coord, "/admin import", "roster.csv",
                    b"name,email,telegram,role,language\n"
                    b"Zoe Gagnon,zoe@example.org,@zoe_g,mentee,en\n")
    await coord.press_label("Invite 1 person")
    zoe = Address("telegram", "9000", "4242", "Zoé G", username="zoe_g")
    await app.bot.handle(Command(zoe, "start"))

    replies = await app.bot.handle(Command(zoe, "mydata"))
    mine = json.loads(files_of(replies)[0])["tables"]
    assert [(r["name"], r["email"]) for r in mine["roster_entries"]] == \
        [("Zoe Gagnon", "zoe@example.org")]

    asked = await app.bot.handle(Command(zoe, "forget"))
    yes = next(b for r in asked for b in r.buttons if b.label == "Yes, delete everything")
    await app.bot.handle(Action(zoe, yes.action_id, yes.value))
    assert await everything_about(app, "zoe@example.org", "Zoe Gagnon", "zoe_g") == []
    # Someone else's /mydata never shows it.
    other = await app.bot.handle(Command(Address("telegram", "9000", "77", "Lou",
                                                 username="lou"), "mydata"))
    assert "roster_entries" not in json.loads(files_of(other)[0])["tables"]
