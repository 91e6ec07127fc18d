"""Issue 13: `/admin person` finds someone by console handle, Slack or Telegram username or
display name — case and accents ignored, with a choice when several match — and
`/admin audit` says whom an action was about and which values it changed."""

from __future__ import annotations

from bot.kernel import people
from bot.kernel.app import App
from bot.kernel.clock import to_iso
from bot.kernel.events import Address, Command
from tests.conftest import Chat
from tests.people_factory import add_person


async def someone(app: App, handle: str, name: str) -> int:
    """A console participant whose display name differs from the handle."""
    now = app.services.clock.now()
    async with app.db.transaction() as tx:
        pid = next(iter(app.services.programme_ids.values()))
        created = await people.create(tx, Address("console", "local", handle, name), pid, "en",
                                      now, handle=handle)
        await people.update(tx, created, now, status="active", role="mentee",
                            onboarded_at=to_iso(now), consent_at=to_iso(now),
                            topics_sought=["project-management"], languages=["en"],
                            timezone="Europe/Paris", availability=[[1, 1020, 1140]],
                            seniority=2, goals=f"{name} wants to grow.")
        return created.id


async def directory(app: App) -> None:
    await someone(app, "helene", "Hélène Côté")
    await someone(app, "mtremblay", "Marie Tremblay")
    await someone(app, "mroy", "Marie Roy")
    await add_person(app, "nora", "mentor", offered="project management", capacity=2)
    # A Slack and a Telegram participant, as their adapters hand them to the core.
    await app.bot.handle(Command(Address("slack", "T1", "U0JL", "Jo Lavoie",
                                         username="jlavoie"), "start"))
    await app.bot.handle(Command(Address("telegram", "9000", "4242", "Zoé Gagnon",
                                         username="zoe_g"), "start"))


async def test_admin_person_finds_by_handle_username_or_name(app: App) -> None:
    await directory(app)
    coord = Chat(app, "coord")
    for typed, title in [("@helene", "*Hélène Côté* (@helene)"),
                         ("HÉLÈNE", "*Hélène Côté* (@helene)"),
                         ("cote", "*Hélène Côté* (@helene)"),
                         ("Hélène Côté", "*Hélène Côté* (@helene)"),
                         ("@jlavoie", "*Jo Lavoie* (@jlavoie)"),
                         ("lavoie", "*Jo Lavoie* (@jlavoie)"),
                         ("@ZOE_G", "*Zoé Gagnon* (@zoe_g)"),
                         ("zoe gagnon", "*Zoé Gagnon* (@zoe_g)"),
                         ("marie tremblay", "*Marie Tremblay* (@mtremblay)")]:
        await coord.say(f"/admin person {typed}")
        assert coord.text.startswith(title), typed
    await coord.say("/admin person marie")
    assert coord.text == "Several people match “marie”. Which one?"
    assert [b.label for b in coord.buttons] == ["Marie Tremblay (@mtremblay)",
                                                "Marie Roy (@mroy)"]
    await coord.press_label("Marie Roy")
    assert coord.text.startswith("*Marie Roy* (@mroy)")
    await coord.say("/admin person nobody")
    assert "couldn't find anyone called “nobody”" in coord.text
    await coord.say("/admin match marie @nora")
    assert coord.text == ("Several people match “marie”: Marie Tremblay (@mtremblay) and"
                          " Marie Roy (@mroy). Write the @handle of the one you mean.")


async def test_the_choice_buttons_are_for_coordinators_of_this_programme(app: App) -> None:
    await directory(app)
    coord = Chat(app, "coord")
    await coord.say("/admin person marie")
    button = coord.buttons[0]
    mia = Chat(app, "helene")
    [reply] = await app.bot.handle(__import__("bot.kernel.events").kernel.events.Action(
        mia.address, button.action_id, button.value))
    assert "for the programme's coordinators" in reply.text


async def test_audit_names_the_target_and_the_values_changed(app: App) -> None:
    await directory(app)
    coord = Chat(app, "coord")
    await coord.say("/admin grant @jlavoie")
    await coord.say("/admin weights topics=4 department_mode=same")
    await coord.press_label("Apply")
    await coord.say("/admin match @mtremblay @nora")
    await coord.press_label("Confirm")
    await coord.say("/admin revoke lavoie")
    await coord.say("/admin audit")
    lines = coord.text.splitlines()
    assert any(line.endswith("· grant → Jo Lavoie (coordinator: no → yes)") for line in lines)
    assert any(line.endswith("· revoke → Jo Lavoie (coordinator: yes → no)") for line in lines)
    assert any("button admin.weights.apply (topics 3 → 4, department_mode diverse → same)"
               in line for line in lines)
    assert any(line.endswith("→ Marie Tremblay (mentor: none → Nora)") for line in lines)


def test_the_adapters_hand_over_the_platform_username() -> None:
    from telegram import User

    from adapters.slack.translate import address_from
    from adapters.telegram.translate import BotIdentity, address_of

    zoe = address_of(User(4242, "Zoé", False, last_name="Gagnon", username="zoe_g"),
                     BotIdentity(9000, "mentorbot"))
    assert (zoe.user_id, zoe.display_name, zoe.username) == ("4242", "Zoé Gagnon", "zoe_g")
    jo = address_from("T1", "U0JL", {"name": "jlavoie", "profile": {"display_name": "Jo"}})
    assert (jo.user_id, jo.display_name, jo.username) == ("U0JL", "Jo", "jlavoie")
