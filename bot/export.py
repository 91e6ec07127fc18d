"""`mentorbot export`: the programme's data as JSON or CSV, with a documented schema.

The schema lives in docs/export-schema.md; each table here is a query whose columns are
that schema. JSON lists stay lists in JSON and become `;`-joined text in CSV.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.roles import participant_sql
from bot.store.db import Database, Tx

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


