"""/block: no suggestion, request, message or meeting between two people ever again; the
relationship between them ends and the other person is told it ended, never "blocked"."""

from __future__ import annotations

from typing import Any

from bot.kernel.app import App
from bot.kernel.domain_events import RelationshipEnded
from bot.kernel.events import Action
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import Inbox, match_id_of, matched_pair, person, tap

relay_app = fixtures.relay_app


async def test_block_ends_everything_between_two_people(relay_app: App) -> None:
    ended: list[RelationshipEnded] = []

    async def record(tx: Any, services: Any, event: RelationshipEnded) -> None:
        ended.append(event)

    relay_app.router.hooks.on(RelationshipEnded, record)
    inbox = Inbox(relay_app)
    mia_id, nora_id = await matched_pair(relay_app)
    match_id = await match_id_of(relay_app, mia_id)
    leo_id = await person(relay_app, "leo", "mentee")
    await person(relay_app, "omar", "mentor")
    leo, mia, nora = Chat(relay_app, "leo"), Chat(relay_app, "mia"), Chat(relay_app, "nora")
    await relay_app.bot.handle(Action(leo.address, "req.send", str(nora_id)))
    await inbox.deliver()

    # Nora blocks Leo, picked from the people around her.
    await nora.say("/block")
    assert "Who do you want to block?" in nora.text
    await tap(nora, "Block Leo")
    assert "Block Leo? Nothing will ever be possible between you again" in nora.text
    await tap(nora, "Yes, block Leo")
    assert "nothing will ever be possible between you and Leo" in nora.text
    received = await inbox.deliver()
    assert "request between you and Nora is closed" in received["leo"][0]
    assert "block" not in received["leo"][0].lower()
    await leo.say("/find")
    assert "*Omar*" in leo.text and "*Nora*" not in leo.text
    replies = await relay_app.bot.handle(Action(leo.address, "req.send", str(nora_id)))
    assert "can't take this request" in replies[0].text
    async with relay_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM requests WHERE mentee_id = ?"
                              " AND status = 'pending'", (leo_id,)) == 0

    # Mia blocks her own mentor by handle: the relationship ends, messages stop.
    await mia.say("/msg See you Tuesday")
    await inbox.deliver()
    await mia.say("/block @nora")
    await tap(mia, "Yes, block Nora")
    assert "Your relationship with them has ended" in mia.text
    assert ended == [RelationshipEnded(match_id=match_id, mentee_id=mia_id, mentor_id=nora_id,
                                       reason="blocked")]

    received = await inbox.deliver()
    assert "relationship with Mia has ended" in received["nora"][0]
    assert "block" not in received["nora"][0].lower()
    await mia.say("/msg Are you there?")
    assert "no mentoring relationship to write to" in mia.text
    await nora.say("/msg Mia?")
    assert "no mentoring relationship to write to" in nora.text
    # The Reply button under an old relayed message is dead too.
    replies = await relay_app.bot.handle(Action(nora.address, "relay.reply", str(match_id)))
    assert "can't pass on messages" in replies[0].text
    await mia.say("/find")
    assert "*Omar*" in mia.text and "*Nora*" not in mia.text
    replies = await relay_app.bot.handle(Action(mia.address, "req.send", str(nora_id)))
    assert "can't take this request" in replies[0].text


async def test_block_answers_politely_to_odd_requests(relay_app: App) -> None:
    await person(relay_app, "mia", "mentee")
    await person(relay_app, "otto", "mentor", programme="other")
    mia = Chat(relay_app, "mia")
    await mia.say("/block")
    assert "nobody to block among your relationships" in mia.text
    await mia.say("/block @nobody")
    assert "can't find “nobody”" in mia.text
    await mia.say("/block @otto")  # another programme
    assert "can't find “otto”" in mia.text
    await mia.say("/block @mia")
    assert "can't block yourself" in mia.text
    await mia.say("/block @" + "🙂" * 3000)
    assert "can't find" in mia.text
    await person(relay_app, "nora", "mentor")
    await mia.say("/block @nora")
    await tap(mia, "Cancel")
    assert "nobody has been blocked" in mia.text
    await mia.say("/block @nora")
    await tap(mia, "Yes, block Nora")
    await mia.say("/block @nora")
    assert "already blocked Nora" in mia.text
    async with relay_app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM blocks") == 1
