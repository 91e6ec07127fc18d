"""`/admin export` gives coordinators the `mentorbot export` files of their own programme,
and `/admin content reload` takes edited content into use (or says why it did not)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.admin import export
from bot.kernel.app import App
from tests.conftest import START, Chat
from tests.fixtures_insight import app_at, insight_programme, member
from tests.test_meetings import rows


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await app_at(tmp_path)
    yield application
    await application.close()


async def test_export_is_the_cli_schema_for_one_programme(app: App) -> None:
    ids = await insight_programme(app)
    coord = Chat(app, "coord")
    summary, as_json, as_zip = await coord.say("/admin export")
    assert summary.text.startswith(f"Export of Programme Test — tables: {len(export.TABLES)}, ")
    assert as_json.file is not None and as_zip.file is not None
    assert as_json.file.filename == "mentorbot-main-2027-03-15.json"
    document = json.loads(as_json.file.content)
    assert document["schema_version"] == export.SCHEMA_VERSION
    everything = await export.collect(app.db, "main")
    assert {k: v for k, v in document.items() if k in export.TABLES} == everything
    assert {p["programme"] for p in document["people"]} == {"main"}
    assert ids["pia"] not in {p["id"] for p in document["people"]}
    assert {m["id"] for m in document["matches"]} == {ids[m] for m in ("m1", "m2", "m3", "m4")}
    assert all(p["person_id"] != ids["pia"] for p in document["meeting_participants"])

    archive = zipfile.ZipFile(io.BytesIO(as_zip.file.content))
    assert sorted(archive.namelist()) == sorted(f"{name}.csv" for name in export.TABLES)
    tables = {name: list(csv.DictReader(io.StringIO(
        archive.read(f"{name}.csv").decode("utf-8-sig")))) for name in export.TABLES}
    for name, table in tables.items():  # the same rows, for people (tests/test_export_readable)
        assert len(table) == len(everything[name]), name
    circle = f"{ids['m1']}; {ids['m2']}"  # a list of ids, as the schema writes lists in CSV
    assert circle in {meeting["Relationships (IDs)"] for meeting in tables["meetings"]}
    people = tables["people"]
    assert {row["Handle"] for row in people} >= {"mia", "nora", "kim"}
    assert "pia" not in {row["Handle"] for row in people}
    [audited] = await rows(app, "SELECT action FROM audit_log WHERE action LIKE 'export %'")
    assert audited["action"].startswith("export json+csv: ")


async def test_export_one_format_and_in_french(app: App) -> None:
    await insight_programme(app)
    coordfr = Chat(app, "coordfr")
    replies = await coordfr.say("/admin export csv")
    assert len(replies) == 2 and replies[1].file is not None
    assert replies[1].file.filename.endswith("-csv.zip")
    assert "Ces fichiers contiennent des données personnelles" in replies[0].text
    replies = await coordfr.say("/admin export json")
    assert [r.file.filename.endswith(".json") for r in replies if r.file] == [True]
    await coordfr.say("/admin export xml")
    assert "Écrivez /admin export" in coordfr.text
    otto = Chat(app, "otto")
    _, as_json, _ = await otto.say("/admin export")
    assert as_json.file is not None
    document = json.loads(as_json.file.content)
    assert {p["handle"] for p in document["people"]} == {"otto", "pia", "quinn"}


@pytest.fixture
async def editable(tmp_path: Path) -> AsyncIterator[tuple[App, Path]]:
    """An app whose content directory is a copy the test may edit."""
    from bot.kernel.app import build_app
    from bot.kernel.clock import SimulatedClock
    from tests.fixtures_insight import two_programmes

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    config = two_programmes(tmp_path)
    config.bot.content_dir = str(content)
    application = await build_app(config, SimulatedClock(START))
    yield application, content
    await application.close()


async def test_content_reload_reports_lessons_and_swaps_topics_safely(
        editable: tuple[App, Path]) -> None:
    app, content = editable
    await member(app, "coord", "mentor", capacity=0)
    await member(app, "mia", "mentee", sought="python")
    coord = Chat(app, "coord")
    topics = content / "topics.toml"
    original = topics.read_text(encoding="utf-8")

    replies = await coord.say("/admin content reload")
    assert "Content reloaded — lessons: 20," in replies[0].text
    assert replies[-1].text == "Topics: 229 topics loaded; suggestions use them from now on."
    first = app.services.taxonomy

    # A new topic: taken into use (a fresh taxonomy and matchmaker, same weights).
    topics.write_text(original + '\n[[topic]]\nid = "beekeeping"\ncategory = "other"\n'
                      'en = "Beekeeping"\nfr = "Apiculture"\n', encoding="utf-8")
    weights = app.services.matchmaker.weights(1)
    replies = await coord.say("/admin content reload")
    assert "230 topics loaded" in replies[-1].text
    assert app.services.taxonomy is not first and "beekeeping" in app.services.taxonomy
    assert app.services.matchmaker.taxonomy is app.services.taxonomy
    assert app.services.matchmaker.weights(1) == weights

    # A broken file, then one that drops a topic Mia's profile uses: nothing changes.
    current = app.services.taxonomy
    topics.write_text("[[topic]\nid = ", encoding="utf-8")
    replies = await coord.say("/admin content reload")
    assert replies[-1].text.startswith("Topics: content/topics.toml doesn't load, so I kept")
    python = next(m.id for m in current.normalise("python"))
    kept = [block for block in original.split("[[topic]]")
            if f'id = "{python}"' not in block]
    topics.write_text("[[topic]]".join(kept), encoding="utf-8")
    replies = await coord.say("/admin content reload")
    assert "drops 1 topic that profiles still use: " + python in replies[-1].text
    assert app.services.taxonomy is current
    await coord.say("/admin content")
    assert "Write /admin content reload" in coord.text
