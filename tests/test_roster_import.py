"""A coordinator imports a roster: bad lines are named (nothing half-imported), a good file is
previewed then applied, and invitees join with their codes, their answers filled in."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from bot.kernel.app import App
from bot.kernel.events import Action, Address
from tests.conftest import START_ARG, Chat
from tests.programme_ops import Deliveries, coordinators, onboard, programme_app, send_file
from tests.test_console import mentorbot

__all__ = ["programme_app"]  # the fixture, used by name

MIXED = """Nom;Prénom;Courriel;Identifiant;Rôle;Langue;Service;Ancienneté
Roy;Amélie;amelie@example.org;amelie;mentorée;français;Génie civil;2
Tremblay;Marc;marc@;marc;mentor;fr;;7
Smith;Jo;jo@example.org;jo;boss;en;;
Nguyen;Lan;;;mentor;en;;
""".encode("cp1252")  # Excel's "CSV" on a French Windows

GOOD = """name,email,handle,role,language,department,seniority
Amélie Roy,amelie@example.org,amelie,mentee,fr,Génie civil,2
Jo Smith,jo@example.org,jo,mentor,en,Finance,4
""".encode()


def plain(text: str) -> str:
    """French typography's no-break spaces read as spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


async def count(app: App, table: str) -> int:
    async with app.db.read() as tx:
        return await tx.value(f"SELECT count(*) FROM {table}")


async def test_bad_lines_are_named_in_french_and_nothing_is_imported(programme_app) -> None:
    app = await programme_app()
    _, coordo = await coordinators(app)
    await send_file(coordo, "/admin import", "liste.csv", MIXED)
    text = plain(coordo.text)
    assert "*La liste comporte 4 problèmes :*" in text
    assert "ligne 3 : « marc@ » n'est pas une adresse courriel." in text
    assert "ligne 3 : « 7 » n'est pas une ancienneté" in text
    assert "ligne 4 : « boss » n'est pas un rôle" in text
    assert "ligne 5 : ni courriel, ni identifiant Slack ou Telegram" in text
    assert "Rien n'a été importé." in text
    assert "ligne 2" not in text  # Amélie's line is right
    assert await count(app, "roster_entries") == 0 and await count(app, "roster_imports") == 0


async def test_bad_lines_are_named_in_english_and_nothing_is_imported(programme_app) -> None:
    app = await programme_app()
    coord, _ = await coordinators(app)
    await send_file(coord, "/admin import", "roster.csv", MIXED)
    assert "line 3: «marc@» is not an email address." in coord.text
    assert "line 4: «boss» is not a role: write mentee, mentor or both." in coord.text
    assert "Nothing was imported." in coord.text
    await send_file(coord, "/admin import", "roster.csv", b"name;email\nAna;ana@example.org\n")
    assert "missing: role, language" in coord.text
    await coord.say("/admin import")
    assert "Send the roster as a CSV file" in coord.text
    assert await count(app, "roster_entries") == 0


async def test_participants_cannot_import(programme_app) -> None:
    app = await programme_app()
    mia = Chat(app, "mia")
    await send_file(mia, "/admin import", "roster.csv", GOOD)
    assert "for the programme's coordinators" in mia.text
    assert await count(app, "roster_imports") == 0


def codes_of(reply_file: bytes) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(reply_file.decode("utf-8-sig")))
    return {row["name"]: row["code"] for row in rows}


async def apply_good_roster(app: App, coord: Chat) -> dict[str, str]:
    await send_file(coord, "/admin import", "roster.csv", GOOD)
    assert "*Roster checked: 2 people to invite.*" in coord.text
    assert "Mentees: 1 · mentors: 1 · both: 0" in coord.text
    assert await count(app, "roster_entries") == 0  # a preview changes nothing
    await coord.press_label("Invite 2 people")
    assert "*2 invitations created.*" in coord.text
    reply = next(r for r in coord.last if r.file is not None)
    assert reply.file.filename == "invitations.csv"
    codes = codes_of(reply.file.content)
    assert f"- Amélie Roy (mentee) · @amelie /start {codes['Amélie Roy']}" in coord.text
    return codes


async def test_after_apply_invitees_join_with_their_codes_prefilled(programme_app) -> None:
    app = await programme_app()
    coord, _ = await coordinators(app)
    codes = await apply_good_roster(app, coord)

    amelie = Chat(app, "amelie")  # no locale: the roster says French
    await amelie.say(f"/start {codes['Amélie Roy']}")
    assert "Bienvenue dans *Programme Test*" in amelie.text
    assert "Anglais" not in amelie.text and "English" not in [b.label for b in amelie.buttons]
    assert "J'accepte" in [b.label for b in amelie.buttons]  # consent comes first
    await onboard(amelie, lang="fr", invited=True)
    assert "Votre profil est prêt, Amélie Roy" in amelie.text
    async with app.db.read() as tx:
        row = await tx.one("SELECT * FROM people WHERE handle = 'amelie'")
        entry = await tx.one("SELECT * FROM roster_entries WHERE person_id = ?", (row["id"],))
    assert (row["display_name"], row["role"], row["language"]) == ("Amélie Roy", "mentee", "fr")
    assert (row["department"], row["seniority"], row["status"]) == ("Génie civil", 2, "active")
    assert entry["status"] == "joined"
    # What the roster said moved into her profile; her row keeps no copy of who she is.
    assert [entry[c] for c in ("name", "email", "handle", "slack_id", "telegram",
                               "department", "seniority")] == ["", "", "", "", "", "", 0]

    jo = Chat(app, "jo")
    await jo.say(f"/start {codes['Jo Smith']}")
    assert "Welcome to *Programme Test*" in jo.text
    await jo.say("yes")
    assert "Which topics can you help with as a mentor?" in jo.text  # the role was known

    intruder = Chat(app, "zoe")
    await intruder.say(f"/start {codes['Amélie Roy']}")
    assert "This invitation code has been used already" in intruder.text

    await coord.say("/admin invitations")
    assert "*Invitations* · joined: 2 / 2" in coord.text
    assert "- Amélie Roy · joined on" in coord.text  # her name, from her profile
    await send_file(coord, "/admin import", "roster.csv", GOOD)  # the same file again
    assert "Everyone in this file is on the roster already: nothing to do." in coord.text


async def test_who_has_not_joined_and_a_reminder(programme_app) -> None:
    app = await programme_app()
    _, coordo = await coordinators(app)
    await send_file(coordo, "/admin import", "liste.csv", GOOD)
    await coordo.press_label("Inviter 2 personnes")
    codes = codes_of(next(r for r in coordo.last if r.file is not None).file.content)
    await Chat(app, "jo").say(f"/start {codes['Jo Smith']}")
    await coordo.say("/admin invitations")
    assert "*Invitations* · acceptées : 1 / 2" in plain(coordo.text)
    assert f"- Amélie Roy · invitation du 11 janv. 2027 · @amelie /start {codes['Amélie Roy']}" \
        in plain(coordo.text)
    await coordo.press_label("Relancer la personne")
    assert "1 personne ne peut être jointe que par vous" in plain(coordo.text)
    forwarded = next(r for r in coordo.last if r.file is not None).file
    assert list(codes_of(forwarded.content)) == ["Amélie Roy"]


async def test_a_slack_invitee_gets_a_message_and_starts_from_it(programme_app) -> None:
    app = await programme_app(slack_team="T1")
    coord, _ = await coordinators(app)
    roster = b"name,slack_id,role,language\nSam Lee,U0SAM1,mentee,en\nLou,U0LOU2,mentor,fr\n"
    await send_file(coord, "/admin import", "roster.csv", roster)
    await coord.press_label("Invite 2 people")
    assert "2 people on Slack got their invitation from me directly." in coord.text
    assert "- Sam Lee (mentee) · invited by message on Slack" in coord.text
    received = await Deliveries(app).deliver()
    assert received["U0SAM1"][0].startswith("Hello Sam Lee! You are invited to join "
                                            "*Programme Test*")
    assert "Voici votre invitation à *Programme Test*" in received["U0LOU2"][0]
    sam = Address("slack", "T1", "U0SAM1", display_name="sam")
    async with app.db.read() as tx:
        code = await tx.value("SELECT code FROM roster_entries WHERE slack_id = 'U0SAM1'")
        # Before Sam answers, the bot knows only where to write and in which language: the
        # roster's name is not copied into a person nobody asked for consent.
        known = await tx.one("SELECT p.display_name, p.handle, a.display_name AS seen,"
                             " p.consent_at FROM people p JOIN addresses a"
                             " ON a.person_id = p.id WHERE a.user_id = 'U0SAM1'")
    assert tuple(known) == ("", "", "", None)
    replies = await app.bot.handle(Action(sam, "invite.start", code))
    assert "Welcome to *Programme Test*" in replies[0].text
    assert "Do you agree?" in replies[-1].text
    async with app.db.read() as tx:
        assert await tx.value("SELECT status FROM roster_entries WHERE code = ?", (code,)) \
            == "joined"


ROSTER_FILE = """name,email,handle,role,language,department,seniority
Amélie Roy,amelie@example.org,amelie,mentee,fr,Génie civil,2
Jo Smith,jo@example.org,jo,mentor,en,Finance,4
"""

CONFIG = """[bot]
database = "{db}"

[programmes.main]
name = "Mentorat Québec"
coordinators = ["console:local:coord"]
"""


def test_console_import_then_join_with_the_code(tmp_path: Path) -> None:
    """The console takes `/admin import roster.csv`; a later session joins with a code."""
    db = tmp_path / "roster.sqlite3"
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(db=db.as_posix()), encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER_FILE, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(ROSTER_FILE.replace("jo@example.org", "jo@"), encoding="utf-8")
    first = mentorbot("console", "--config", str(config), "--clock", "simulated", "--start",
                      START_ARG, stdin=f"@coord /admin import {bad}\n"
                      "@coord /admin import roster.csv\n#1\n", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "- line 3: «jo@» is not an email address." in first.stdout
    assert "*2 invitations created.*" in first.stdout
    written = tmp_path / "roster-files" / "invitations.csv"  # the console saves files
    assert f"[file: {written}]" in first.stdout
    assert set(codes_of(written.read_bytes())) == {"Amélie Roy", "Jo Smith"}
    code = re.search(r"@amelie /start ([A-Z0-9]{8})", first.stdout).group(1)
    second = mentorbot("console", "--config", str(config), "--clock", "simulated", "--start",
                       START_ARG, stdin=f"@amelie /start {code}\n", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "→ @amelie: Bienvenue dans *Mentorat Québec*" in second.stdout
    assert "[1] J'accepte" in second.stdout


def test_command_line_import_dry_run_then_apply(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    roster = tmp_path / "roster.csv"
    roster.write_bytes(MIXED)
    refused = mentorbot("import", "--db", str(db), "--programme", "main", "--lang", "fr",
                        str(roster))
    assert refused.returncode == 1
    assert "ligne 4 : « boss » n'est pas un rôle" in plain(refused.stdout)
    assert "Rien n'a été importé." in refused.stdout
    roster.write_text(ROSTER_FILE, encoding="utf-8")
    dry = mentorbot("import", "--db", str(db), "--programme", "main", str(roster))
    assert dry.returncode == 0, dry.stderr
    assert "*Roster checked: 2 people to invite.*" in dry.stdout
    assert "Run the same command with --apply" in dry.stdout
    out = tmp_path / "codes.csv"
    applied = mentorbot("import", "--db", str(db), "--programme", "main", str(roster),
                        "--apply", "--out", str(out))
    assert applied.returncode == 0, applied.stderr
    assert re.search(r"- Jo Smith \(mentor\) · @jo /start [A-Z0-9]{8}", applied.stdout)
    assert set(codes_of(out.read_bytes())) == {"Amélie Roy", "Jo Smith"}
    again = mentorbot("import", "--db", str(db), "--programme", "main", str(roster))
    assert "2 people are on the roster already" in again.stdout
