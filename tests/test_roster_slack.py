"""A coordinator on Slack shares the roster in their DM with the bot (real slack-bolt against
the local fake Slack): the file is fetched with the bot token, checked, previewed, applied;
the invitee with a Slack id gets the bot's message and starts from it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console import ConsoleTransport
from adapters.main import Process
from adapters.slack.pacing import Pacer
from bot.kernel.app import build_app
from bot.kernel.clock import SimulatedClock
from tests.conftest import START
from tests.slack_fake import TEAM, FakeSlack, dm_channel
from tests.test_slack import World, fake, payload, section_texts, slack_config

__all__ = ["fake"]  # the fixture, used by name

ROSTER = b"""name,email,slack_id,role,language
Sam Lee,sam@example.org,U0SAM,mentee,en
Jo Smith,jo@example.org,,mentor,en
"""


@pytest.fixture
async def world(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[World]:
    config = slack_config(tmp_path, fake.base + "/api")
    config.programmes["main"].coordinators = [f"slack:{TEAM}:U0COORD"]
    config.programmes["main"].slack_team = TEAM
    app = await build_app(config, SimulatedClock(START))
    process = Process(app)
    process.add_transport("console", ConsoleTransport(io.StringIO()))
    process.add_slack(pacer=Pacer(interval=0.01))
    await process.start()
    yield World(app, fake, process)
    await process.stop()
    await app.close()


def shared_file_event(world: World, user_id: str, name: str, content: bytes) -> dict:
    n = world.next_id()
    body = payload("event_message_im.json")
    body["event_id"] = f"EvF{n:07d}"
    body["event"].update(user=user_id, subtype="file_share", text="",
                         files=[world.fake.share(name, content)], channel=dm_channel(user_id),
                         ts=f"1700003000.{n:06d}", event_ts=f"1700003000.{n:06d}")
    body["event"].pop("blocks", None)
    return body


async def test_a_roster_shared_in_the_dm_is_imported_and_the_invitee_starts(world: World) -> None:
    coord = world.person("U0COORD", "Claire")
    sam = world.person("U0SAM", "Sam")
    status = await world.sender.event(shared_file_event(world, "U0COORD", "roster.csv", ROSTER))
    assert status == 200
    await world.process.drain()
    assert world.fake.calls_to("files-pri"), "the file was fetched"
    coord.last = coord.inbox
    assert "*Roster checked: 2 people to invite.*" in coord.text
    await coord.press("Invite 2 people")
    assert "*2 invitations created.*" in coord.text
    assert "1 person on Slack got their invitation from me directly." in coord.text
    assert any(f.get("filename") == "invitations.csv" or "invitations.csv" in str(f)
               for f in (c.params for c in world.fake.calls_to("files.completeUploadExternal")))
    await world.process.dispatcher.run_once()  # the invitation, through the outbox
    invitation = section_texts(sam.inbox[-1])
    assert "You are invited to join *Programme Test*" in invitation
    await sam.press("Start")
    assert "Welcome to *Programme Test*" in sam.text


async def test_a_participant_sharing_a_file_imports_nothing(world: World) -> None:
    mia = world.person("U0MIA", "Mia")
    await mia.say("hello")
    await world.sender.event(shared_file_event(world, "U0MIA", "roster.csv", ROSTER))
    await world.process.drain()
    async with world.app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM roster_imports") == 0
