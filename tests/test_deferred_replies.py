"""A reply Slack asks us to send later (a 429, then a 429 again after the SDK's own wait) is
queued in the outbox and delivered by the dispatcher once the wait is over: in order, exactly
once, with its buttons still working. (Telegram: tests/test_deferred_replies_telegram.py.)
"""

from __future__ import annotations

from datetime import timedelta

from bot.kernel.clock import to_iso
from tests.test_slack import (  # noqa: F401  (fixtures)
    MIA,
    NORA,
    Person,
    World,
    controls,
    fake,
    section_texts,
    slack_person,
    world,
)

QUEUED = "SELECT idempotency_key, due_at, status FROM outbox WHERE idempotency_key LIKE 'reply:%'"


async def test_a_reply_slack_refuses_twice_is_queued_then_sent_once(
        world: World) -> None:  # noqa: F811
    await slack_person(world.app, world.fake, MIA, "mia", "mentee", sought="public speaking")
    await slack_person(world.app, world.fake, NORA, "nora", "mentor", offered="public speaking",
                       capacity=1)
    mia = Person(world, MIA)
    clock = world.app.services.clock
    asked_at = clock.now()

    # The first answer and the SDK's retry are both refused; the second says "in 30 s".
    world.fake.rate_limit("chat.postMessage", 1, 30)
    find = mia.command_fields("find")
    assert await world.sender.command(find) == 200
    await world.process.drain()
    assert mia.inbox == []  # nothing shown yet...
    queued = await world.rows(QUEUED + " ORDER BY id")
    assert len(queued) >= 2  # ...but nothing lost: the list and each mentor's card
    assert {row["status"] for row in queued} == {"pending"}
    assert {row["due_at"] for row in queued} == {to_iso(asked_at + timedelta(seconds=30))}

    # Slack retries the slash command (same trigger id): nothing is queued twice.
    assert await world.sender.command(find, retry=1) == 200
    await world.process.drain()
    assert len(await world.rows(QUEUED)) == len(queued)
    assert mia.inbox == []

    clock.advance(timedelta(seconds=30))
    await world.process.drain()
    delivered = mia.inbox
    assert len(delivered) == len(queued)  # every reply, once
    assert "mentors who match you best" in section_texts(delivered[0])  # in their order
    card = next(m for m in delivered if section_texts(m).startswith("*Nora*"))
    assert [e["text"]["text"] for e in controls(card)] == ["Request Nora", "Not for me"]
    assert {row["status"] for row in await world.rows(QUEUED)} == {"sent"}

    await world.process.drain()  # the dispatcher has nothing left to send
    assert len(mia.inbox) == len(queued)
    await mia.press("Request Nora")  # the queued buttons work like the originals
    assert "add a short message" in mia.text
