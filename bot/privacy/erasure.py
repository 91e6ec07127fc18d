"""Forgetting people (GDPR article 17): their rows, the references to them and every mention
of them, everywhere in the store, in the caller's transaction.

The rules, read from the schema (bot/store/schema_map.py; docs/privacy.md):
- The declared `ON DELETE` decides: `CASCADE` (or NOT NULL) = the row is the person's and is
  deleted, with its dependent rows; `SET NULL` (or nullable without CASCADE) = the row stays
  for statistics with the reference set to NULL. A table that refuses (an append-only
  trigger) loses the row instead.
- An address key in an `actor`/`…_by` text column becomes "forgotten"; rows keyed by their
  addresses are deleted.
- Every text, JSON and binary column is then searched for what identifies them (names,
  handles, platform ids, JSON keys such as "mentor_id": 12). An outbox message *about* them
  (naming them as a parameter, or carrying their id) is deleted — a pending one would be sent
  with a hole in it; a key or a file is deleted with its row; a mention inside someone's words
  is replaced by "forgotten". A name shared with someone who stays identifies nobody and is
  left alone, so that nobody else's messages are touched.
- Before anything is deleted, the rows are counted into `anonymous_counts`.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.admin.roster_retention import forget_rows as forget_roster_rows
from bot.onboarding.identities import Identity, identify, tokens
from bot.store.db import Tx
from bot.store.matching_changes import note_erased
from bot.store.schema_map import (
    NEVER_PERSONAL,
    PEOPLE,
    PERSON_COLUMN,
    Column,
    Schema,
    Table,
    chunks,
    like_escape,
    marks,
    quote,
)

log = logging.getLogger(__name__)

FORGOTTEN = "forgotten"
# Messages: a row about a forgotten person is deleted, never rewritten.
MESSAGE_TABLES = frozenset({"outbox"})
# Plumbing of the core: deleted with the person but not worth an anonymous count.
NOT_COUNTED = frozenset({"addresses", "conversations", "outbox", "retention_notices"})
_PAGE = 5000
_FEW_PATTERNS = 24  # up to this many, SQLite's LIKE picks candidate rows faster than Python
_JSON_ID = re.compile(r'"\w+"\s*:\s*"?(\d{1,12})\b')


@dataclass
class Erasure:
    """What an erasure did, in counts (logged; never names)."""

    people: int = 0
    deleted: int = 0
    anonymised: int = 0
    scrubbed: int = 0


async def erase(tx: Tx, schema: Schema, person_ids: Sequence[int]) -> Erasure:
    """Delete the people `person_ids` and their personal data everywhere, in this transaction.

    Ending their relationships and telling their partners is the caller's job (it needs the
    hooks and the outbox); this only makes the store forget.
    """
    identity = await identify(tx, person_ids)
    ids = identity.ids
    result = Erasure()
    if not ids:
        return result
    tx.checkpoint_after_commit()  # so that no copy stays in the file's free space or the WAL
    await note_erased(tx, ids)  # the matching index cannot see a row that is gone
    await _count_for_statistics(tx, schema, ids)
    # A coordinator's roster row that names them but was never linked (they joined without
    # the code) identifies them by columns of its own: found from their addresses, before
    # those go. Linked rows go with them through their foreign key.
    result.deleted += await forget_roster_rows(tx, ids)
    for ref in schema.person_refs:
        if ref.keeps_row:
            result.anonymised += await _set_null(tx, schema, ref.table, ref.column, ids)
        else:
            result.deleted += await _delete(tx, schema, ref.table, ref.column, ids)
    for table in schema.address_tables:
        for key in identity.address_keys:
            result.deleted += await tx.execute(
                f"DELETE FROM {quote(table)} WHERE platform = ? AND workspace = ? AND user_id = ?",
                key)
    for table, column in schema.actor_columns:
        for chunk in chunks(identity.actor_keys):
            result.anonymised += await _rewrite_or_delete(
                tx, schema, table, f"{quote(column)} IN ({marks(chunk)})", chunk,
                f"{quote(column)} = ?", [FORGOTTEN])
    result.people = await _delete(tx, schema, PEOPLE, "id", ids)
    result.scrubbed = await _scrub_texts(tx, schema, identity)
    return result


async def _count_for_statistics(tx: Tx, schema: Schema, ids: list[int]) -> None:
    programme_of: dict[int, int] = {}
    counts: dict[tuple[int, str, str], int] = {}
    for chunk in chunks(ids):
        for row in await tx.all(f"SELECT id, programme_id, role, status FROM people"
                                f" WHERE id IN ({marks(chunk)})", chunk):
            programme_of[row["id"]] = row["programme_id"]
            key = (row["programme_id"], PEOPLE, row["role"] or row["status"])
            counts[key] = counts.get(key, 0) + 1
    for ref in schema.person_refs:
        if ref.keeps_row or ref.table in NOT_COUNTED or ref.table == PEOPLE:
            continue
        status = "status" if "status" in schema.tables[ref.table].columns else "''"
        for chunk in chunks(ids):
            for row in await tx.all(
                    f"SELECT {quote(ref.column)} AS pid, {status} AS value, count(*) AS n"
                    f" FROM {quote(ref.table)} WHERE {quote(ref.column)} IN ({marks(chunk)})"
                    f" GROUP BY 1, 2", chunk):
                programme = programme_of.get(row["pid"])
                if programme is not None:
                    key = (programme, f"{ref.table}.{ref.column}", str(row["value"] or ""))
                    counts[key] = counts.get(key, 0) + row["n"]
    for (programme, metric, value), n in counts.items():
        await tx.execute(
            "INSERT INTO anonymous_counts (programme_id, metric, value, count)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (programme_id, metric, value)"
            " DO UPDATE SET count = count + excluded.count", (programme, metric, value, n))


async def _delete(tx: Tx, schema: Schema, table: str, column: str, values: Sequence[Any],
                  depth: int = 0) -> int:
    """Delete rows whose `column` is in `values`, handling dependent rows first so that no
    foreign key (even one without ON DELETE) blocks it, whatever its depth."""
    values = list(values)
    if not values or depth > 8:
        return 0
    deleted = 0
    for fk in schema.children(table):
        keys = await _column_values(tx, table, fk.parent_column, column, values)
        if not keys or (fk.table == table and fk.column == column):
            continue
        nullable = not schema.tables[fk.table].columns[fk.column].notnull
        if fk.on_delete == "SET NULL" or (fk.on_delete != "CASCADE" and nullable):
            await _set_null(tx, schema, fk.table, fk.column, keys)
        else:
            deleted += await _delete(tx, schema, fk.table, fk.column, keys, depth + 1)
    for chunk in chunks(values):
        deleted += await tx.execute(
            f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({marks(chunk)})", chunk)
    return deleted


async def _column_values(tx: Tx, table: str, wanted: str, column: str,
                         values: list[Any]) -> list[Any]:
    if wanted == column:
        return values
    found: list[Any] = []
    for chunk in chunks(values):
        found += [row[0] for row in await tx.all(
            f"SELECT DISTINCT {quote(wanted)} FROM {quote(table)}"
            f" WHERE {quote(column)} IN ({marks(chunk)}) AND {quote(wanted)} IS NOT NULL", chunk)]
    return found


async def _set_null(tx: Tx, schema: Schema, table: str, column: str,
                    values: Sequence[Any]) -> int:
    changed = 0
    for chunk in chunks(list(values)):
        changed += await _rewrite_or_delete(
            tx, schema, table, f"{quote(column)} IN ({marks(chunk)})", chunk,
            f"{quote(column)} = NULL", [])
    return changed


async def _rewrite_or_delete(tx: Tx, schema: Schema, table: str, where: str,
                             params: Sequence[Any], assignment: str,
                             values: Sequence[Any]) -> int:
    """UPDATE, or DELETE the rows when the table refuses (NOT NULL, an append-only trigger)."""
    try:
        return await tx.execute(f"UPDATE {quote(table)} SET {assignment} WHERE {where}",
                                (*values, *params))
    except sqlite3.IntegrityError:
        keys = [row[0] for row in await tx.all(
            f"SELECT rowid FROM {quote(table)} WHERE {where}", params)]
        return await _delete(tx, schema, table, "rowid", keys)


# --- free text, JSON and files -------------------------------------------------------------

# A value made only of these characters is an identifier ("mentor", "request.to_mentor"), not
# free text: names are never replaced inside it, so that a person called "mentor" on the
# console cannot rewrite every role in the store.
_IDENTIFIER = re.compile(r"^[\w.\-]*$")


async def _scrub_texts(tx: Tx, schema: Schema, identity: Identity) -> int:
    """Every text column of every table is searched; a cheap test picks the few values worth a
    closer look (SQLite's LIKE for one person, a word index for a retention sweep)."""
    words = identity.word_pattern()
    probes = _Probes.of(identity)
    changed = 0
    for table in schema.tables.values():
        columns = [c for c in table.columns.values()
                   if c.is_text and not c.name.endswith("_at")]  # times hold no names
        if table.name in NEVER_PERSONAL or not columns:
            continue
        if not table.has_rowid:
            log.warning("privacy.scrub_skipped", extra={"table": table.name})
            continue
        doomed: list[int] = []  # rows to delete, together: one statement, not one per row
        for row in await _candidate_rows(tx, table, columns, probes):
            for column in columns:
                if row["row_id"] not in doomed and probes.may_identify(row[column.name]):
                    changed += await _scrub_value(tx, table, column, row["row_id"],
                                                  row[column.name], words, identity, schema,
                                                  doomed)
        await _delete(tx, schema, table.name, "rowid", doomed)
    return changed


@dataclass
class _Probes:
    """A quick, generous test for "this value may identify them", refined by `_clean`."""

    phrases: dict[str, set[str]]   # first word -> names (casefolded) that start with it
    spellings: set[str]             # names as stored, and casefolded (for SQL's LIKE)
    ids: set[int]

    @classmethod
    def of(cls, identity: Identity) -> _Probes:
        names = [n for n in identity.names if not n.startswith("#")]
        names += [key[2] for key in identity.address_keys]
        phrases: dict[str, set[str]] = {}
        for name in names:
            words = tokens(name)
            if words:
                phrases.setdefault(words[0], set()).add(name.casefold())
        spellings = {n for n in names if n} | {n.casefold() for n in names if n}
        return cls(phrases, spellings, set(identity.ids))

    def may_identify(self, value: Any) -> bool:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "ignore")
        if not isinstance(value, str) or not value:
            return False
        if "#" in value:
            return True
        folded = value.casefold()
        for token in self.phrases.keys() & set(tokens(folded)):
            if any(phrase in folded for phrase in self.phrases[token]):
                return True
        return ('_id"' in value or '_by"' in value) and any(
            int(found) in self.ids for found in _JSON_ID.findall(value))

    def like_patterns(self) -> list[str]:
        # LIKE already ignores ASCII case: "Mia" and "mia" are one pattern.
        spellings = {s.lower() if s.isascii() else s for s in self.spellings}
        patterns = {"%#%"} | {f"%{like_escape(s)}%" for s in spellings}
        for person_id in self.ids:
            patterns |= {f'%": {person_id}%', f'%":{person_id}%', f'%": "{person_id}"%'}
        return sorted(patterns)


async def _candidate_rows(tx: Tx, table: Table, columns: list[Column],
                          probes: _Probes) -> list[sqlite3.Row]:
    selected = ", ".join(quote(c.name) for c in columns)
    patterns = probes.like_patterns()
    if len(patterns) > _FEW_PATTERNS:  # a sweep: one pass in Python beats hundreds of LIKEs
        return await _scan_rows(tx, table, selected, columns, probes)
    where = " OR ".join(f"CAST({quote(c.name)} AS TEXT) LIKE ? ESCAPE '\\'"
                        for c in columns for _ in patterns)
    return await tx.all(f"SELECT rowid AS row_id, {selected} FROM {quote(table.name)}"
                        f" WHERE {where}", patterns * len(columns))


async def _scan_rows(tx: Tx, table: Table, selected: str, columns: list[Column],
                     probes: _Probes) -> list[sqlite3.Row]:
    """Page through the whole table, keeping the rows one of whose values may identify."""
    found: list[sqlite3.Row] = []
    last = -(2 ** 63)
    while True:
        page = await tx.all(f"SELECT rowid AS row_id, {selected} FROM {quote(table.name)}"
                            f" WHERE rowid > ? ORDER BY rowid LIMIT {_PAGE}", (last,))
        found += [row for row in page if any(probes.may_identify(row[c.name]) for c in columns)]
        if len(page) < _PAGE:
            return found
        last = page[-1]["row_id"]


async def _scrub_value(tx: Tx, table: Table, column: Column, rowid: int, value: Any,
                       words: re.Pattern[str] | None, identity: Identity, schema: Schema,
                       doomed: list[int]) -> int:
    """Rewrite one value without what identifies the person, or mark its row in `doomed`: a
    file, a key, or a message about them cannot be rewritten safely."""
    if isinstance(value, bytes):
        text = value.decode("utf-8", "ignore")
        if _clean(text, words, identity, schema)[0] != text:
            doomed.append(rowid)
            return 1
        return 0
    if not isinstance(value, str):
        return 0
    cleaned, about_them = _clean(value, words, identity, schema)
    if cleaned == value:
        return 0
    if column.name in table.unique_columns or (table.name in MESSAGE_TABLES and about_them):
        doomed.append(rowid)
        return 1
    return await _rewrite_or_delete(tx, schema, table.name, "rowid = ?", [rowid],
                                    f"{quote(column.name)} = ?", [cleaned])


def _clean(text: str, words: re.Pattern[str] | None, identity: Identity,
           schema: Schema) -> tuple[str, bool]:
    """The text without what identifies the person (JSON stays valid JSON), and whether it
    was *about* them (names them as a whole value, or carries their id)."""
    about: list[bool] = []
    if text[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except ValueError:
            pass
        else:
            cleaned = _clean_json(data, words, identity, schema, about)
            return (text if cleaned == data else json.dumps(cleaned, ensure_ascii=False),
                    any(about))
    if text.strip().casefold() in identity.exact and not _IDENTIFIER.match(text):
        return FORGOTTEN, True
    return _clean_words(text, words), False


def _clean_words(text: str, words: re.Pattern[str] | None) -> str:
    if words is None or _IDENTIFIER.match(text):
        return text
    return words.sub(FORGOTTEN, text)


def _clean_json(data: Any, words: re.Pattern[str] | None, identity: Identity,
                schema: Schema, about: list[bool]) -> Any:
    if isinstance(data, dict):
        cleaned: dict[str, Any] = {}
        for key, value in data.items():
            if _is_person_key(key, value, identity, schema):
                about.append(True)
                cleaned[key] = None
            else:
                cleaned[key] = _clean_json(value, words, identity, schema, about)
        return cleaned
    if isinstance(data, list):
        return [_clean_json(item, words, identity, schema, about) for item in data]
    if isinstance(data, str):
        if data.strip().casefold() in identity.exact:
            about.append(True)
            return FORGOTTEN
        return _clean_words(data, words)
    return data


def _is_person_key(key: str, value: Any, identity: Identity, schema: Schema) -> bool:
    if key not in schema.person_keys and not PERSON_COLUMN.match(key):
        return False
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value in identity.ids
    return (isinstance(value, str) and value.isascii() and value.isdigit()
            and int(value) in identity.ids)
