"""Coordinators only: every admin command checks the immutable id and is audited."""

from __future__ import annotations

from bot.kernel.app import App
from bot.kernel.events import Address, Command
from tests.conftest import Chat
from tests.people_factory import add_person


async def test_non_coordinator_is_refused_and_audited(app: App) -> None:
    await add_person(app, "mallory", "mentee", sought="python")
    mallory = Chat(app, "mallory")
    for args in ["", "help", "audit", "grant @mallory", "nonsense", "x" * 3000]:
        await mallory.say(f"/admin {args}".strip())
        assert "for the programme's coordinators" in mallory.text
    async with app.db.read() as tx:
        rows = await tx.all("SELECT actor, allowed FROM audit_log")
        granted = await tx.value("SELECT count(*) FROM coordinators WHERE source = 'grant'")
    assert len(rows) == 6 and all(r["allowed"] == 0 for r in rows)
    assert all(r["actor"] == "console:local:mallory" for r in rows)
    assert granted == 0


async def test_display_name_cannot_impersonate_a_coordinator(app: App) -> None:
    await add_person(app, "coord", "mentor", offered="python", capacity=1)
    impostor = Address("slack", "T1", "U999", display_name="coord")
    replies = await app.bot.handle(Command(impostor, "admin", "audit"))
    assert "for the programme's coordinators" in replies[0].text


async def test_coordinator_grants_revokes_and_reads_audit(app: App) -> None:
    await add_person(app, "coord", "mentor", offered="python", capacity=1)
    await add_person(app, "rita", "mentor", offered="finance", capacity=1)
    coord, rita = Chat(app, "coord"), Chat(app, "rita")
    await coord.say("/admin")
    assert "Coordinator commands" in coord.text and "/admin grant" in coord.text
    await rita.say("/admin audit")
    assert "for the programme's coordinators" in rita.text
    await coord.say("/admin grant @rita")
    assert "Rita is now a coordinator" in coord.text
    await rita.say("/admin audit")
    assert "Recent admin actions" in rita.text and "(refused)" in rita.text
    await coord.say("/admin revoke @rita")
    await rita.say("/admin help")
    assert "for the programme's coordinators" in rita.text
    await coord.say("/admin grant @nobody")
    assert "couldn't find anyone" in coord.text
    await coord.say("/admin frobnicate")
    assert "don't know the admin command" in coord.text
