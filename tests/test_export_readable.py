"""Issue 13: the CSV export reads right in a spreadsheet (Excel is common in Québec offices):
UTF-8 with a byte-order mark, column names in words in the coordinator's language, names
beside ids, times in UTC and in local time, yes/no, availability in words, lists joined with
"; " — while the JSON document keeps the schema exactly."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel.app import App
from tests.conftest import Chat
from tests.fixtures_insight import app_at, insight_programme
from tests.test_console import mentorbot


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


def read_zip(content: bytes) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    tables = {}
    for name in archive.namelist():
        raw = archive.read(name)
        assert not raw or raw.startswith("\ufeff".encode()), name   # the mark Excel needs
        tables[name] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return tables


async def test_a_french_coordinator_gets_csv_in_words_names_and_local_times(app: App) -> None:
    ids = await insight_programme(app)
    coordfr = Chat(app, "coordfr")
    _, as_zip = await coordfr.say("/admin export csv")
    tables = read_zip(as_zip.file.content)

    header, *rows = tables["matches.csv"]
    assert header[:6] == ["ID", "Programme", "Personne mentorée (ID)", "Personne mentorée",
                          "Mentor ou mentore (ID)", "Mentor ou mentore"]
    assert "Début (UTC)" in header and "Début (Europe/Paris)" in header
    first = dict(zip(header, next(r for r in rows if r[0] == str(ids["m1"])), strict=True))
    assert first["Personne mentorée"] == "Mia" and first["Mentor ou mentore"] == "Nora"
    assert first["Début (UTC)"] == "2027-01-10T12:00:00+00:00"
    assert first["Début (Europe/Paris)"] == "2027-01-10 13:00"

    header, *rows = tables["people.csv"]
    assert header[:4] == ["ID", "Programme", "Nom", "Identifiant"]
    leo = dict(zip(header, next(r for r in rows if r[3] == "leo"), strict=True))
    assert leo["Disponibilités"] == "mar. 17:00-19:00"
    assert leo["Langues parlées"] == "fr; en" and leo["En pause"] == "non"
    assert leo["Création (Europe/Paris)"] == "2027-03-15 13:00"

    header, *rows = tables["meetings.csv"]
    assert "Relations (ID)" in header and "Organisation par" in header
    circle = dict(zip(header, next(r for r in rows if ";" in r[header.index("Relations (ID)")]),
                      strict=True))
    assert circle["Relations (ID)"] == f"{ids['m1']}; {ids['m2']}"
    assert circle["Rencontre de groupe"] == "oui"


async def test_json_is_unchanged_by_the_readable_csv(app: App) -> None:
    await insight_programme(app)
    coord = Chat(app, "coord")
    _, as_json, as_zip = await coord.say("/admin export")
    people = json.loads(as_json.file.content)["people"]
    assert list(people[0])[:4] == ["id", "programme", "display_name", "handle"]
    assert people[0]["availability"] == [[1, 1020, 1140]]
    header = read_zip(as_zip.file.content)["people.csv"][0]
    assert header[:4] == ["ID", "Programme", "Name", "Handle"]


def test_cli_csv_files_for_excel(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    seeded = mentorbot("console", "--demo", "--db", str(db), stdin="")
    assert seeded.returncode == 0, seeded.stderr
    out = tmp_path / "csv"
    done = mentorbot("export", "--db", str(db), "--format", "csv", "--out", str(out),
                     "--lang", "fr", "--timezone", "America/Montreal")
    assert done.returncode == 0, done.stderr
    raw = (out / "people.csv").read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:4] == ["ID", "Programme", "Nom", "Identifiant"]
    assert "Création (UTC)" in header and "Création (America/Montreal)" in header
    assert any("é" in row[2] for row in rows)        # accents survive (Québec names)
    stdout = mentorbot("export", "--db", str(db), "--format", "csv", "--table", "people")
    assert stdout.stdout.startswith("ID,Programme,Name,Handle,")   # English by default
