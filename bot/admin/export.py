"""`mentorbot export`: the programme's data as JSON or CSV, with a documented schema.

The schema lives in docs/export-schema.md; each table here is a query whose columns are
that schema. JSON is for programs and keeps the schema exactly. The CSV files are for people
opening them in a spreadsheet (`readable_csv`): column names in words (FR or EN), a name
beside each person's id, times in UTC and in the programme's own zone, yes/no, availability
as "Tue 17:00-19:00", lists joined with "; ", and UTF-8 with a byte-order mark so that
Excel shows accents right.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from bot.kernel.clock import from_iso
from bot.kernel.roles import participant_sql
from bot.store.db import Database, Tx

if TYPE_CHECKING:
    from bot.kernel.i18n import Catalogue

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ExportTable:
    name: str
    sql: str
    json_columns: tuple[str, ...] = ()


TABLES: dict[str, ExportTable] = {
    "people": ExportTable(
        "people",
        "SELECT p.id, pr.code AS programme, p.display_name, p.handle, p.language, p.status,"
        " p.consent_at, p.role, p.topics_sought, p.topics_offered, p.goals, p.languages,"
        " p.timezone, p.availability, p.seniority, p.department, p.capacity, p.paused,"
        " p.reverse, p.manager_id, p.created_at, p.onboarded_at,"
        " (SELECT json_group_array(a.platform || ':' || a.workspace || ':' || a.user_id)"
        "  FROM addresses a WHERE a.person_id = p.id) AS addresses"
        " FROM people p JOIN programmes pr ON pr.id = p.programme_id"
        f" WHERE (:programme IS NULL OR pr.code = :programme) AND {participant_sql('p')}"
        " ORDER BY p.id",
        ("topics_sought", "topics_offered", "languages", "availability", "addresses"),
    ),
}


def register_table(table: ExportTable) -> None:
    """Feature modules add their tables (requests, meetings, ...) to the export."""
    TABLES[table.name] = table


async def collect(db: Database, programme: str | None = None,
                  tables: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    names = tables or list(TABLES)
    async with db.read() as tx:
        return {name: await rows(tx, TABLES[name], programme) for name in names}


async def rows(tx: Tx, table: ExportTable, programme: str | None) -> list[dict[str, Any]]:
    """One table's rows, inside a read session or transaction the caller already holds."""
    records = []
    for row in await tx.all(table.sql, {"programme": programme}):
        record = dict(row)
        for column in table.json_columns:
            if record.get(column) is not None:
                record[column] = json.loads(record[column])
        records.append(record)
    return records


def to_json(data: dict[str, list[dict[str, Any]]], exported_at: datetime) -> str:
    document = {"schema_version": SCHEMA_VERSION,
                "exported_at": exported_at.isoformat(timespec="seconds"), **data}
    return json.dumps(document, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """One table as CSV; lists are joined with "; ", slots as "day start-end"."""
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(_cell(v)) if not isinstance(v, list) else
                         " ".join(str(x) for x in v) for v in value)
    return value




# --- CSV for people ----------------------------------------------------------------------------

BOM = "\ufeff"   # Excel reads a CSV file as UTF-8 only when it starts with this mark
# Columns holding a person's id: a column of names follows each of them.
PERSON_COLUMNS = frozenset({"person_id", "mentee_id", "mentor_id", "organiser_id",
                            "cancelled_by", "awarded_by", "manager_id"})
YES_NO_COLUMNS = frozenset({"paused", "reverse", "is_group", "attending", "took_place",
                            "useful", "quiz_right", "would_recommend"})


def is_time(column: str) -> bool:
    return column.endswith("_at") or column == "at_risk_since"


@dataclass(frozen=True)
class CsvStyle:
    """How a person will read the CSV: the language of its words, the zone of its local
    times (no local column when UTC), and the names of the people its ids stand for."""

    lang: str = "en"
    zone: str = "UTC"
    names: Mapping[int, str] = field(default_factory=dict)


async def person_names(tx: Tx, programme: str | None = None) -> dict[int, str]:
    """Person id → name (display name, else handle), for the CSV's name columns."""
    rows = await tx.all(
        "SELECT p.id, coalesce(nullif(p.display_name, ''), nullif(p.handle, ''), '#' || p.id)"
        " FROM people p JOIN programmes pr ON pr.id = p.programme_id"
        " WHERE :programme IS NULL OR pr.code = :programme", {"programme": programme})
    return {row[0]: row[1] for row in rows}


def readable_csv(rows: list[dict[str, Any]], catalogue: Catalogue, style: CsvStyle,
                 *, bom: bool = True) -> str:
    """One table as a person reads it (an empty table is an empty file)."""
    if not rows:
        return ""
    try:
        zone = ZoneInfo(style.zone) if style.zone and style.zone != "UTC" else None
    except (KeyError, ValueError):
        zone = None
    days = get_day_names("abbreviated", locale=style.lang)
    header: list[str] = []
    for column in rows[0]:
        label = _label(catalogue, style.lang, column)
        if is_time(column):
            header.append(f"{label} (UTC)")
            if zone is not None:
                header.append(f"{label} ({style.zone})")
        else:
            header.append(label)
        if column in PERSON_COLUMNS:
            header.append(catalogue.text(style.lang, f"csv.name.{column}"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    yes, no = catalogue.text(style.lang, "csv.yes"), catalogue.text(style.lang, "csv.no")
    for row in rows:
        cells: list[Any] = []
        for column, value in row.items():
            if is_time(column):
                cells.append(value or "")
                if zone is not None:
                    cells.append(_local(value, zone))
            elif column in YES_NO_COLUMNS and value in (0, 1):
                cells.append(yes if value else no)
            elif column == "availability" and isinstance(value, list):
                cells.append("; ".join(_slot(slot, days) for slot in value))
            else:
                cells.append("" if value is None else _cell(value))
            if column in PERSON_COLUMNS:
                cells.append(style.names.get(value, "") if isinstance(value, int) else "")
        writer.writerow(cells)
    return (BOM if bom else "") + out.getvalue()


def _label(catalogue: Catalogue, lang: str, column: str) -> str:
    key = f"csv.column.{column}"
    if catalogue.has(key):
        return catalogue.text(lang, key)
    words = column.replace("_", " ").strip()  # a column added later, not yet named
    return words[:1].upper() + words[1:]


def _local(value: Any, zone: ZoneInfo) -> str:
    """An ISO 8601 local time, to the minute: "2027-03-15 08:00"."""
    if not value:
        return ""
    try:
        return from_iso(str(value)).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)


def _slot(slot: Any, days: Mapping[int, str]) -> str:
    """[1, 1020, 1140] → "Tue 17:00-19:00" (weekday 0 = Monday, minutes since midnight)."""
    try:
        day, start, end = (int(part) for part in slot)
    except (TypeError, ValueError):
        return str(_cell(slot))
    return f"{days.get(day, day)} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
