"""Issue 13: a Slack or Telegram display name or @username that changes is followed. The
adapters hand the current names with every event (tests/test_slack.py and test_telegram.py
check that); the core refreshes what it stored when they differ, so `/admin person @new`
finds the person, and writes nothing when they are the same."""

from __future__ import annotations

from datetime import timedelta

from bot.kernel.app import App
from bot.kernel.events import Address, Command
from tests.conftest import Chat


def telegram(name: str, username: str) -> Address:
    return Address("telegram", "9000", "4242", name, username=username)


async def stored(app: App) -> tuple[str, str, str, str, str]:
    async with app.db.read() as tx:
        row = await tx.one(
            "SELECT p.display_name, p.handle, p.updated_at, a.display_name AS a_name,"
            " a.username FROM people p JOIN addresses a ON a.person_id = p.id"
            " WHERE a.user_id = '4242'")
    return (row["display_name"], row["handle"], row["a_name"], row["username"],
            row["updated_at"])


async def test_a_changed_telegram_username_and_name_are_followed(app: App) -> None:
    await app.bot.handle(Command(telegram("Zoé Gagnon", "zoe_g"), "start"))
    coord = Chat(app, "coord")
    await coord.say("/admin person @zoe_g")
    assert coord.text.startswith("*Zoé Gagnon* (@zoe_g)")

    # Zoé renames herself on Telegram, then writes to the bot.
    await app.bot.handle(Command(telegram("Zoé Gagnon-Roy", "zoe_gr"), "help"))
    await coord.say("/admin person @zoe_gr")
    assert coord.text.startswith("*Zoé Gagnon-Roy* (@zoe_gr)")
    await coord.say("/admin person @zoe_g")  # found by her name's words, not as @zoe_g
    assert "(@zoe_g)" not in coord.text
    await coord.say("/admin person gagnon-roy")
    assert coord.text.startswith("*Zoé Gagnon-Roy* (@zoe_gr)")


async def test_unchanged_names_write_nothing(app: App) -> None:
    await app.bot.handle(Command(telegram("Zoé Gagnon", "zoe_g"), "start"))
    before = await stored(app)
    app.services.clock.advance(timedelta(hours=5))
    await app.bot.handle(Command(telegram("Zoé Gagnon", "zoe_g"), "help"))
    assert await stored(app) == before  # not even the time of the last change


async def test_a_name_the_platform_did_not_give_is_not_erased(app: App) -> None:
    """Slack's users.info failed: the adapter hands an address without names."""
    await app.bot.handle(Command(Address("slack", "T1", "U0JL", "Jo Lavoie",
                                         username="jlavoie"), "start"))
    await app.bot.handle(Command(Address("slack", "T1", "U0JL"), "help"))
    coord = Chat(app, "coord")
    await coord.say("/admin person @jlavoie")
    assert coord.text.startswith("*Jo Lavoie* (@jlavoie)")


async def test_a_username_removed_on_telegram_is_removed_here(app: App) -> None:
    await app.bot.handle(Command(telegram("Zoé Gagnon", "zoe_g"), "start"))
    await app.bot.handle(Command(telegram("Zoé Gagnon", ""), "help"))
    name, handle, _, username, _ = await stored(app)
    assert (name, handle, username) == ("Zoé Gagnon", "", "")
