"""Issue 13: a new version of the code of conduct holds people back from matching until they
accept it — not only asked at their next message, but out of suggestions, cohort matching
and requests meanwhile. As a coordinator would do it: change the files, restart."""

from __future__ import annotations

from pathlib import Path

from bot.kernel.events import Action
from tests.conftest import Chat
from tests.programme_ops import Deliveries, coordinators, onboard, programme_app
from tests.test_programme_gates import card_names, write_code

__all__ = ["programme_app"]  # the fixture, used by name


async def test_a_new_version_after_a_restart_holds_until_accepted(
        programme_app, tmp_path: Path) -> None:
    code = write_code(tmp_path, "2027-01")
    app = await programme_app(code_of_conduct=code)
    await coordinators(app)
    for handle, role in (("omar", "mentor"), ("lea", "mentee"), ("mia", "mentee")):
        await onboard(Chat(app, handle), role=role, conduct="I accept")
    lea = Chat(app, "lea")
    await lea.say("/find")
    assert card_names(lea) == ["Omar"]
    await lea.press_label("Request Omar")
    await lea.press_label("Send without a message")
    assert "Your request is on its way to Omar" in lea.text
    await app.close()

    write_code(tmp_path, "2027-09")  # the coordinators publish a new version, restart
    app = await programme_app(code_of_conduct=code)
    coord, _ = await coordinators(app)
    mia, omar, lea = Chat(app, "mia"), Chat(app, "omar"), Chat(app, "lea")
    await mia.say("/find")
    assert "The programme's code of conduct has changed" in mia.text
    await mia.press_label("I accept")
    await mia.say("/find")
    assert card_names(mia) == []  # Omar has not accepted it yet: not suggested
    await coord.say("/admin cohort")
    assert "Pairs: 0" in coord.text  # nor placed by cohort matching

    post = Deliveries(app)
    await post.deliver()
    await omar.say("/mentors")
    assert "The programme's code of conduct has changed" in omar.text
    await omar.press_label("I accept")
    await mia.say("/find")
    assert card_names(mia) == ["Omar"]

    # Lea's request dates from the old code; she has not accepted the new one.
    async with app.db.read() as tx:
        request_id = await tx.value("SELECT id FROM requests WHERE status = 'pending'")
    await omar._send(Action(omar.address, "req.accept", str(request_id)))  # the request's
    assert "Lea has not accepted the programme's new code of conduct yet" in omar.text
    told = (await post.deliver())["lea"]
    assert any("Omar would like to accept your request" in text for text in told)
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches") == 0
    await lea.say("/mentors")
    await lea.press_label("I accept")
    await omar._send(Action(omar.address, "req.accept", str(request_id)))
    async with app.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM matches") == 1


async def test_a_file_changed_while_running_holds_at_once(programme_app, tmp_path: Path) -> None:
    """No restart: the first interaction after the change recomputes the programme's holds,
    so a mentor who says nothing is out of suggestions all the same."""
    code = write_code(tmp_path, "1")
    app = await programme_app(code_of_conduct=code)
    await onboard(Chat(app, "omar"), role="mentor", conduct="I accept")
    mia = Chat(app, "mia")
    await onboard(mia, conduct="I accept")
    await mia.say("/find")
    assert card_names(mia) == ["Omar"]
    write_code(tmp_path, "2")
    await mia.say("/find")
    await mia.press_label("I accept")
    await mia.say("/find")
    assert card_names(mia) == []
