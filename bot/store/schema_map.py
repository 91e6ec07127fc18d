"""The live SQLite schema as data: tables, columns, foreign keys, and which columns refer to
a person. /mydata, /forget and the retention sweep read it instead of listing tables, so a
table another feature adds tomorrow is covered without touching them (docs/privacy.md).

A *person reference* is a foreign key to `people`, or a column named like one (`person_id`,
`…_person_id`, `mentee_id`, `mentor_id`, `…_by`) with an integer type. A text column named
`actor` or `…_by` holds an address key ("slack:T1:U1"). A table with `platform`, `workspace`
and `user_id` columns is keyed by an address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.db import Tx

PEOPLE = "people"
ADDRESS_COLUMNS = ("platform", "workspace", "user_id")
# Configuration and counts: nothing personal by construction.
NEVER_PERSONAL = frozenset({"programmes", "schema_migrations", "anonymous_counts",
                            "sqlite_sequence", "sqlite_stat1"})
PERSON_COLUMN = re.compile(r"^(?:.+_)?person_id$|^mentee_id$|^mentor_id$|^.+_by$")
_ACTOR_COLUMN = re.compile(r"^actor$|^.+_by$")
_NUMERIC_TYPE = re.compile(r"INT|REAL|FLOA|DOUB|NUMERIC|DECIMAL|BOOL", re.IGNORECASE)
_CHUNK = 500


def quote(identifier: str) -> str:
    """An SQL identifier, quoted (names come from sqlite_master, quoted all the same)."""
    return '"' + identifier.replace('"', '""') + '"'


def chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def like_escape(text: str) -> str:
    """`text` as a literal inside a LIKE pattern written with ESCAPE '\\'."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    notnull: bool

    @property
    def is_text(self) -> bool:
        """TEXT, JSON, BLOB or untyped: anything that can hold a name."""
        return not _NUMERIC_TYPE.search(self.type)

    @property
    def is_integer(self) -> bool:
        return "INT" in self.type.upper() or not self.type


@dataclass(frozen=True)
class ForeignKey:
    table: str          # the referencing (child) table
    column: str
    parent: str
    parent_column: str
    on_delete: str      # CASCADE | SET NULL | NO ACTION | RESTRICT | SET DEFAULT


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, Column]
    foreign_keys: tuple[ForeignKey, ...]
    unique_columns: frozenset[str]   # in the primary key or a unique index
    has_rowid: bool = True


@dataclass(frozen=True)
class PersonRef:
    table: str
    column: str
    on_delete: str      # from the foreign key; "" when found by its name only
    nullable: bool

    @property
    def keeps_row(self) -> bool:
        """The row outlives the person, anonymous (see the module docstring)."""
        return self.on_delete == "SET NULL" or (self.nullable and self.on_delete != "CASCADE")


@dataclass(frozen=True)
class Schema:
    tables: dict[str, Table]
    person_refs: tuple[PersonRef, ...]
    actor_columns: tuple[tuple[str, str], ...]
    address_tables: tuple[str, ...]     # keyed by an address, other than `addresses`
    person_keys: frozenset[str]          # every column name that holds a person id

    def children(self, table: str) -> list[ForeignKey]:
        return [fk for t in self.tables.values() for fk in t.foreign_keys if fk.parent == table]

    def refs_of(self, table: str) -> list[PersonRef]:
        return [ref for ref in self.person_refs if ref.table == table]


async def inspect(tx: Tx) -> Schema:
    """Read the live schema; cheap (a few PRAGMAs per table, or four catalogue queries on
    PostgreSQL), so read it when needed."""
    if getattr(tx, "dialect", "sqlite") == "postgresql":
        tables = await _postgres_tables(tx)
    else:
        names = [row[0] for row in await tx.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name")]
        without_rowid = {row["name"] for row in await tx.all("PRAGMA table_list") if row["wr"]}
        tables = {name: await _table(tx, name, name not in without_rowid) for name in names}
    refs: list[PersonRef] = []
    actors: list[tuple[str, str]] = []
    for table in tables.values():
        by_fk = {fk.column: fk for fk in table.foreign_keys if fk.parent == PEOPLE}
        for column in table.columns.values():
            fk = by_fk.get(column.name)
            if table.name == PEOPLE and column.name == "id":
                continue
            if fk is not None:
                refs.append(PersonRef(table.name, column.name, fk.on_delete, not column.notnull))
            elif PERSON_COLUMN.match(column.name) and column.is_integer:
                refs.append(PersonRef(table.name, column.name, "", not column.notnull))
            elif _ACTOR_COLUMN.match(column.name) and column.is_text:
                actors.append((table.name, column.name))
    address_tables = tuple(
        t.name for t in tables.values()
        if t.name != "addresses" and set(ADDRESS_COLUMNS) <= set(t.columns))
    keys = frozenset(r.column for r in refs) | {"person_id", "mentee_id", "mentor_id"}
    return Schema(tables, tuple(refs), tuple(actors), address_tables, keys)


async def _table(tx: Tx, name: str, has_rowid: bool) -> Table:
    columns = {row["name"]: Column(row["name"], row["type"] or "", bool(row["notnull"]))
               for row in await tx.all(f"PRAGMA table_info({quote(name)})")}
    unique = {row["name"] for row in await tx.all(f"PRAGMA table_info({quote(name)})")
              if row["pk"]}
    for index in await tx.all(f"PRAGMA index_list({quote(name)})"):
        if index["unique"]:
            unique |= {row["name"] for row in
                       await tx.all(f"PRAGMA index_info({quote(index['name'])})") if row["name"]}
    fks = []
    for row in await tx.all(f"PRAGMA foreign_key_list({quote(name)})"):
        parent_column = row["to"] or await _primary_key(tx, row["table"])
        fks.append(ForeignKey(name, row["from"], row["table"], parent_column,
                              (row["on_delete"] or "NO ACTION").upper()))
    return Table(name, columns, tuple(fks), frozenset(unique), has_rowid)


async def _primary_key(tx: Tx, table: str) -> str:
    for row in await tx.all(f"PRAGMA table_info({quote(table)})"):
        if row["pk"]:
            return row["name"]
    return "rowid"


# PostgreSQL: the same facts from its catalogue, in the words of SQLite's PRAGMAs. A table has
# a "rowid" there when it has a primary key (bot/store/postgres.py reads `rowid` as that key).
_ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL",
              "d": "SET DEFAULT"}


async def _postgres_tables(tx: Tx) -> dict[str, Table]:
    columns: dict[str, dict[str, Column]] = {}
    for row in await tx.all(
            "SELECT c.table_name, c.column_name, upper(c.data_type) AS type, c.is_nullable"
            " FROM information_schema.columns c JOIN information_schema.tables t"
            " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
            " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
            " ORDER BY c.table_name, c.ordinal_position"):
        columns.setdefault(row["table_name"], {})[row["column_name"]] = Column(
            row["column_name"], row["type"], row["is_nullable"] == "NO")
    unique: dict[str, set[str]] = {}
    keyed: set[str] = set()
    for row in await tx.all(
            "SELECT t.relname AS table_name, a.attname AS column_name, i.indisprimary"
            " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indisunique"):
        unique.setdefault(row["table_name"], set()).add(row["column_name"])
        if row["indisprimary"]:
            keyed.add(row["table_name"])
    fks: dict[str, list[ForeignKey]] = {}
    for row in await tx.all(
            "SELECT t.relname AS table_name, a.attname AS column_name, p.relname AS parent,"
            " pa.attname AS parent_column, c.confdeltype::text AS on_delete"
            " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()"
            " JOIN pg_class p ON p.oid = c.confrelid"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]"
            " WHERE c.contype = 'f' ORDER BY c.conname"):
        fks.setdefault(row["table_name"], []).append(ForeignKey(
            row["table_name"], row["column_name"], row["parent"], row["parent_column"],
            _ON_DELETE.get(row["on_delete"], "NO ACTION")))
    return {name: Table(name, columns[name], tuple(fks.get(name, ())),
                        frozenset(unique.get(name, ())), name in keyed)
            for name in sorted(columns)}
