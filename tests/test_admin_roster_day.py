"""A coordinator's roster on a busy day: the same file imported again after someone known
only by their e-mail joined, a path typed that led to no file, a file too large — each said
plainly, in English and in French, and nobody invited twice."""

from __future__ import annotations

from bot.kernel.app import App
from tests.conftest import Chat
from tests.programme_ops import coordinators, onboard, programme_app, send_file
from tests.test_roster_import import codes_of, plain

__all__ = ["programme_app"]  # the fixture, used by name

EMAIL_ONLY = b"""name,email,role,language
Jean Tremblay,Jean.Tremblay@example.org,mentor,fr
Zoe Roy,zoe@example.org,mentee,en
"""


async def roster_rows(app: App) -> list[dict]:
    async with app.db.read() as tx:
        return [dict(row) for row in await tx.all(
            "SELECT name, email, email_digest, status FROM roster_entries ORDER BY id")]


async def test_someone_known_by_email_who_joined_is_not_invited_again(programme_app) -> None:
    app = await programme_app()
    coord, coordo = await coordinators(app)
    await send_file(coord, "/admin import", "roster.csv", EMAIL_ONLY)
    await coord.press_label("Invite 2 people")
    codes = codes_of(next(r for r in coord.last if r.file is not None).file.content)
    jean = Chat(app, "jean")
    await jean.say(f"/start {codes['Jean Tremblay']}")
    await onboard(jean, lang="fr", role="mentor", invited=True)
    joined, waiting = await roster_rows(app)
    # Jean's row keeps no address, only a digest that cannot be read back.
    assert joined["status"] == "joined" and joined["email"] == "" and joined["name"] == ""
    assert len(joined["email_digest"]) == 64 and "example" not in joined["email_digest"]
    assert waiting["email_digest"] == ""  # Zoe has not joined: her row is as imported

    # The same file again, with Jean's address typed in another case: nobody new.
    again = EMAIL_ONLY.replace(b"Jean.Tremblay@", b"jean.tremblay@")
    await send_file(coord, "/admin import", "roster.csv", again)
    assert "*Roster checked: 0 people to invite.*" in coord.text
    assert "2 people are on the roster already" in coord.text
    assert "Everyone in this file is on the roster already: nothing to do." in coord.text
    assert [b for reply in coord.last for b in reply.buttons] == []
    await send_file(coordo, "/admin import", "liste.csv",
                    again + b"Paul Martin,paul@example.org,mentee,en\n")
    assert "*Liste vérifiée : 1 personne à inviter.*" in plain(coordo.text)
    assert "2 personnes figurent déjà sur la liste" in plain(coordo.text)
    assert len(await roster_rows(app)) == 2  # a preview invites nobody


async def test_a_path_that_led_to_no_file_is_said(programme_app) -> None:
    app = await programme_app()
    coord, coordo = await coordinators(app)
    await coord.say("/admin import /home/me/roster-final.csv")
    assert coord.text.startswith("I received no file “/home/me/roster-final.csv” (on the"
                                 " console: is the path right?")
    assert "Send the roster as a CSV file" in coord.text
    await coordo.say("/admin importer liste.csv")
    assert plain(coordo.text).startswith("Je n'ai reçu aucun fichier « liste.csv »")
    await coord.say("/admin import")  # no path at all: only how to send one
    assert coord.text.startswith("Send the roster as a CSV file")


async def test_a_file_too_large_is_a_problem_of_the_file_not_of_its_lines(
        programme_app) -> None:
    app = await programme_app()
    coord, coordo = await coordinators(app)
    rows = b"".join(b"Person %d,p%d@example.org,mentee,en\n" % (i, i) for i in range(5001))
    await send_file(coord, "/admin import", "big.csv", b"name,email,role,language\n" + rows)
    assert coord.text.splitlines() == [
        "*The roster has 1 problem:*",
        "- The file has more than 5000 lines; split it in several files.",
        "Nothing was imported. Fix the file and send it again."]
    await send_file(coordo, "/admin import", "big.csv", b"name,email,role,language\n" + rows)
    assert plain(coordo.text).endswith("Rien n'a été importé. Corrigez le fichier et envoyez-le"
                                       " de nouveau.")
    bad = b"name,email,role,language\nAda,ada@example,mentee,en\n"
    await send_file(coord, "/admin import", "bad.csv", bad)  # a bad line: fix the lines
    assert coord.text.endswith("Nothing was imported. Fix these lines in the spreadsheet and"
                               " send the file again.")
