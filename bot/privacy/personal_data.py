"""Everything the store holds about a person, found by reading the schema, never by a list
of tables: what /mydata gives them (GDPR articles 15 and 20), when they were last active
(the retention sweep), and — re-exported here as the one entry point for other modules —
`inspect` (bot/store/schema_map.py) and `erase` (bot/privacy/erasure.py, article 17).
"""

from __future__ import annotations

import base64
import contextlib
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from bot.admin.roster_retention import rows_about as roster_rows_about
from bot.onboarding.identities import Identity, identify
from bot.privacy.erasure import Erasure, erase
from bot.store.db import Tx
from bot.store.schema_map import NEVER_PERSONAL, PEOPLE, Schema, chunks, inspect, marks, quote

__all__ = ["Erasure", "collect", "erase", "inspect", "last_activity"]

# Rows that the person they point at must not read (protects whoever reported them).
WITHHELD_FROM_SUBJECT = frozenset({("reports", "reported_id")})


# --- /mydata -------------------------------------------------------------------------------

async def collect(tx: Tx, schema: Schema, person_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row about the person: referencing them, their addresses' rows, the rows those
    belong to (a meeting of theirs), and dependent rows that belong to nobody else."""
    identity = await identify(tx, [person_id])
    found: dict[str, list[dict[str, Any]]] = {}
    person = await tx.all("SELECT * FROM people WHERE id = ?", (person_id,))
    found[PEOPLE] = [dict(row) for row in person]
    direct: dict[str, list[sqlite3.Row]] = {}
    for table in schema.tables.values():
        if table.name in NEVER_PERSONAL:
            continue
        where, params = _about(schema, table.name, person_id, identity)
        if where:
            direct[table.name] = await tx.all(
                f"SELECT * FROM {quote(table.name)} WHERE {where}", params)
    # A roster row naming them without being linked to them (bot/admin/roster_retention.py).
    direct.setdefault("roster_entries", [])
    direct["roster_entries"] = [*direct["roster_entries"], *await roster_rows_about(
        tx, [person_id])]
    related = await _related_rows(tx, schema, direct)
    for name, rows in [*direct.items(), *related.items()]:
        bucket = found.setdefault(name, [])
        for row in rows:
            record = dict(row)
            if record not in bucket:
                bucket.append(record)
    return {name: [_readable(r) for r in rows] for name, rows in sorted(found.items()) if rows}


def _about(schema: Schema, table: str, person_id: int,
           identity: Identity) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for ref in schema.refs_of(table):
        if (ref.table, ref.column) not in WITHHELD_FROM_SUBJECT:
            clauses.append(f"{quote(ref.column)} = ?")
            params.append(person_id)
    if table in schema.address_tables or table == "addresses":
        for key in identity.address_keys:
            clauses.append("(platform = ? AND workspace = ? AND user_id = ?)")
            params.extend(key)
    for actor_table, column in schema.actor_columns:
        if actor_table == table and identity.actor_keys:
            clauses.append(f"{quote(column)} IN ({marks(identity.actor_keys)})")
            params.extend(identity.actor_keys)
    return " OR ".join(clauses), params


async def _related_rows(tx: Tx, schema: Schema,
                        direct: dict[str, list[sqlite3.Row]]) -> dict[str, list[sqlite3.Row]]:
    related: dict[str, list[sqlite3.Row]] = {}
    for name, rows in direct.items():
        if not rows:
            continue
        for fk in schema.tables[name].foreign_keys:  # the rows they belong to
            if fk.parent in NEVER_PERSONAL or fk.parent == PEOPLE:
                continue
            keys = sorted({row[fk.column] for row in rows if row[fk.column] is not None})
            related.setdefault(fk.parent, []).extend(
                await _select_in(tx, fk.parent, fk.parent_column, keys))
        for fk in schema.children(name):  # dependent rows that belong to nobody else
            if schema.refs_of(fk.table) or fk.table in NEVER_PERSONAL:
                continue
            if fk.parent_column not in schema.tables[name].columns:
                continue
            keys = sorted({row[fk.parent_column] for row in rows
                           if row[fk.parent_column] is not None})
            related.setdefault(fk.table, []).extend(
                await _select_in(tx, fk.table, fk.column, keys))
    return related


async def _select_in(tx: Tx, table: str, column: str, keys: Sequence[Any]) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = []
    for chunk in chunks(list(keys)):
        rows += await tx.all(
            f"SELECT * FROM {quote(table)} WHERE {quote(column)} IN ({marks(chunk)})", chunk)
    return rows


def _readable(record: dict[str, Any]) -> dict[str, Any]:
    """JSON held in text columns becomes JSON; bytes become text (or base64)."""
    out: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                value = {"base64": base64.b64encode(value).decode("ascii")}
        if isinstance(value, str) and value[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[name] = value
    return out


# --- who has been active -------------------------------------------------------------------

# Times that are not something the person did: when a message is due, when a request would
# expire, when the bot claimed a row, when a notice was sent.
_NOT_ACTIVITY = frozenset({"due_at", "expires_at", "ends_at", "starts_at", "claimed_at",
                           "sent_at", "stale_at", "unreachable_at", "warned_at", "last_active"})
_NOT_ACTIVITY_TABLES = frozenset({"outbox", "outbox_files", "inbox", "retention_notices"})


async def last_activity(tx: Tx, schema: Schema) -> dict[int, str]:
    """The latest time (UTC ISO) in any row that references each person, by the `*_at`
    columns of every table (the people row's own included). Conservative: a row the bot
    wrote about someone (a scheduled nudge) counts too, so data is kept rather than lost."""
    latest: dict[int, str] = {}

    def note(person_id: Any, moment: Any) -> None:
        if isinstance(person_id, int) and isinstance(moment, str) and \
                moment > latest.get(person_id, ""):
            latest[person_id] = moment

    for table in schema.tables.values():
        if table.name in NEVER_PERSONAL or table.name in _NOT_ACTIVITY_TABLES:
            continue
        stamps = [c for c in table.columns if c.endswith("_at") and c not in _NOT_ACTIVITY]
        if not stamps:
            continue
        newest = "max(" + ", ".join(f"coalesce({quote(c)}, '')" for c in stamps) + ", '')"
        keys = ["id"] if table.name == PEOPLE else \
            [r.column for r in schema.refs_of(table.name)]
        for key in keys:
            for row in await tx.all(
                    f"SELECT {quote(key)} AS pid, max({newest}) AS at FROM {quote(table.name)}"
                    f" WHERE {quote(key)} IS NOT NULL GROUP BY 1"):
                note(row["pid"], row["at"])
    return latest
