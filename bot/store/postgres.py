"""The same store on PostgreSQL, through asyncpg: `[bot] database = "postgresql://…"`.

`PostgresDatabase` and `PgTx` answer the calls of `Database` and `Tx` (bot/store/db.py), so the
feature modules run unchanged: they write SQLite's SQL, translated once per statement by
bot/store/pg_sql.py, and read rows by name or by position (asyncpg's Record does both).

What stays as on SQLite, on purpose:
- One writer at a time, across every process sharing the database: each write transaction
  takes a transaction-level advisory lock first, as SQLite's `BEGIN IMMEDIATE` takes the file's
  write lock. The modules were written for that (read, decide, write, in one transaction),
  so no read-then-write can interleave with another process's.
- `read()` and `transaction()` share one connection in a process, behind one asyncio lock;
  `snapshot()` reads on a second connection (REPEATABLE READ, read only) that never waits.

What differs, on purpose: due work is shared. The dispatcher's claims and outcomes
(`transaction(exclusive=False)`) skip the writers' lock and run on a third connection: they
touch only outbox rows they lock themselves (`SELECT … FOR UPDATE SKIP LOCKED`), so any number
of processes send at once, and an event waiting for the writers' lock never holds back this
process's sending (docs/decisions.md).
- Parameters are coerced to the types PostgreSQL expects (SQLite's affinity: "12" compares
  equal to 12 in an INTEGER column), so a value read from a button stays usable as an id.
- A failed UPDATE (a NOT NULL column, the append-only points ledger) raises
  sqlite3.IntegrityError with the transaction still usable, as on SQLite: each UPDATE runs in
  a savepoint.

`?search_path=NAME` in the URL keeps the bot's tables in that schema (created if missing).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg

from bot.store import pg_sql
from bot.store.db import DatabaseError, _migration_files, _statements, newer_schema_problem

log = logging.getLogger(__name__)

# Any constant shared by every mentorbot process: the key of the writers' advisory lock.
WRITER_LOCK = 0x6D656E746F72  # "mentor"
CACHED_STATEMENTS = 1024
_STATUS_COUNT = re.compile(r"(\d+)$")


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


class _Connection:
    """One asyncpg connection and its prepared statements, with their parameter coercions."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self._prepared: OrderedDict[str, tuple[Any, list[Callable[[Any], Any]]]] = OrderedDict()

    async def prepare(self, sql: str) -> tuple[Any, list[Callable[[Any], Any]]]:
        found = self._prepared.get(sql)
        if found is not None:
            self._prepared.move_to_end(sql)
            return found
        statement = await _prepare(self.conn, sql)
        found = (statement, [_coercion(t.name) for t in statement.get_parameters()])
        self._prepared[sql] = found
        if len(self._prepared) > CACHED_STATEMENTS:
            self._prepared.popitem(last=False)
        return found

    def forget_statements(self) -> None:
        """After a schema change: prepared statements may no longer describe the tables."""
        self._prepared.clear()


class PgTx:
    """A handle on the open transaction (or read session) of a `PostgresDatabase`."""

    dialect = "postgresql"

    def __init__(self, db: PostgresDatabase, connection: _Connection) -> None:
        self._db = db
        self._connection = connection
        self.wants_checkpoint = False
        self._savepoints = 0

    def checkpoint_after_commit(self) -> None:
        """SQLite's WAL needs a checkpoint after an erasure; PostgreSQL's VACUUM is its own."""
        self.wants_checkpoint = True

    async def _run(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> tuple[Any, list]:
        if _ROWID.search(sql):
            sql = await self._db.with_row_keys(self, sql)
        statement = pg_sql.translate(sql)
        prepared, coercions = await self._connection.prepare(statement.sql)
        args = _arguments(statement, params)
        if len(args) != len(coercions):
            raise sqlite3.ProgrammingError(
                f"{len(coercions)} parameters expected, {len(args)} given")
        return prepared, [c(a) if a is not None else None for c, a in zip(coercions, args,
                                                                             strict=True)]

    async def _fetch(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> tuple[list, str]:
        if not _is_update(sql):
            prepared, args = await self._run(sql, params)
            try:
                rows = await prepared.fetch(*args)
            except asyncpg.IntegrityConstraintViolationError as exc:
                raise sqlite3.IntegrityError(str(exc)) from exc
            return rows, prepared.get_statusmsg() or ""
        # An UPDATE may be refused (NOT NULL, a trigger) and the caller go on, as on SQLite.
        self._savepoints += 1
        name = f"mentorbot_{self._savepoints}"
        conn = self._connection.conn
        await conn.execute(f"SAVEPOINT {name}")
        try:
            prepared, args = await self._run(sql, params)
            rows = await prepared.fetch(*args)
        except asyncpg.IntegrityConstraintViolationError as exc:
            await conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise sqlite3.IntegrityError(str(exc)) from exc
        except BaseException:
            await conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        finally:
            await conn.execute(f"RELEASE SAVEPOINT {name}")
        return rows, prepared.get_statusmsg() or ""

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        if pg_sql.DDL.match(sql) and not params:  # a table added at run time (tests, tools)
            await self._connection.conn.execute(pg_sql.ddl(sql))
            self._connection.forget_statements()
            self._db.forget_tables()
            return -1
        _, status = await self._fetch(sql, params)
        found = _STATUS_COUNT.search(status)
        if found is None or status.startswith("SELECT"):
            return -1  # as sqlite3's rowcount for a statement that changes nothing
        return int(found.group(1))

    async def insert(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one INSERT; returns the new row's id (0 when nothing was inserted)."""
        statement = pg_sql.translate(sql)
        key = await self._db.row_id_of(self, statement.table)
        if key and not statement.returns:
            sql = f"{sql.rstrip().rstrip(';')} RETURNING {key}"
        rows, _ = await self._fetch(sql, params)
        return int(rows[0][0]) if rows and (key or statement.returns) else 0

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for many rows, sent together (asyncpg pipelines them)."""
        if _ROWID.search(sql):
            sql = await self._db.with_row_keys(self, sql)
        statement = pg_sql.translate(sql)
        prepared, coercions = await self._connection.prepare(statement.sql)
        arguments = [[c(a) if a is not None else None for c, a in zip(
            coercions, _arguments(statement, row), strict=True)] for row in rows]
        if not arguments:
            return
        try:
            await prepared.executemany(arguments)
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise sqlite3.IntegrityError(str(exc)) from exc

    async def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        rows, _ = await self._fetch(sql, params)
        return rows[0] if rows else None

    async def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        rows, _ = await self._fetch(sql, params)
        return rows

    async def value(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.one(sql, params)
        return None if row is None else row[0]


class PostgresDatabase:
    """The bot's store in one PostgreSQL database (or schema), shared by its processes."""

    dialect = "postgresql"
    skip_locked = " FOR UPDATE SKIP LOCKED"  # claims skip rows another process is claiming

    def __init__(self, url: str, writer: _Connection) -> None:
        self.path = url  # the name Database uses; may hold a password: never log it
        self._writer = writer
        self._lock = asyncio.Lock()
        self._snapshot: _Connection | None = None
        self._snapshot_lock = asyncio.Lock()
        self._claims: _Connection | None = None  # opened by the first claim
        self._claims_lock = asyncio.Lock()
        self.row_ids: dict[str, str] = {}  # table -> its identity column (for insert())
        self._row_keys: dict[str, str] = {}  # table -> what SQLite's rowid means there
        self._row_ids_stale = False

    @classmethod
    async def open(cls, url: str) -> PostgresDatabase:
        """Connect and migrate. A database that cannot be used raises DatabaseError."""
        writer = await _connect(url)
        db = cls(url, writer)
        try:
            await db.migrate()
            await db._read_row_ids()
        except BaseException as exc:
            await writer.conn.close()
            if isinstance(exc, asyncpg.PostgresError | OSError):
                raise DatabaseError(f"database {safe_url(url)}: {exc}") from exc
            raise
        return db

    async def close(self) -> None:
        async with self._snapshot_lock:
            if self._snapshot is not None:
                await self._snapshot.conn.close()
                self._snapshot = None
        async with self._claims_lock:
            if self._claims is not None:
                await self._claims.conn.close()
                self._claims = None
        async with self._lock:
            await self._writer.conn.close()

    @asynccontextmanager
    async def transaction(self, *, exclusive: bool = True) -> AsyncIterator[PgTx]:
        """A write transaction: everything inside commits together or not at all; one writer
        at a time across every process of this database (as SQLite's BEGIN IMMEDIATE).

        `exclusive=False`: no writers' lock, on a connection of its own, for statements that
        touch only rows they lock themselves (the outbox's claims with SKIP LOCKED, and the
        outcomes of rows this process claimed). Never for a read-decide-write of the domain."""
        if not exclusive:
            async with self._row_locked() as tx:
                yield tx
            return
        async with self._lock:
            conn = await self._writer_connection()
            try:
                # One round trip: BEGIN, then wait for the writers' lock.
                await conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITER_LOCK})")
                yield PgTx(self, self._writer)
            except BaseException:
                if not conn.is_closed() and conn.is_in_transaction():
                    await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    @asynccontextmanager
    async def _row_locked(self) -> AsyncIterator[PgTx]:
        async with self._claims_lock:
            if self._claims is None or self._claims.conn.is_closed():
                self._claims = await _connect(self.path, create_schema=False)
            conn = self._claims.conn
            try:
                await conn.execute("BEGIN")
                yield PgTx(self, self._claims)
            except BaseException:
                if not conn.is_closed() and conn.is_in_transaction():
                    await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[PgTx]:
        """A consistent read that never interleaves with this process's writes."""
        async with self._lock:
            conn = await self._writer_connection()
            await conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield PgTx(self, self._writer)
            finally:
                if not conn.is_closed():
                    await conn.execute("COMMIT")

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[PgTx]:
        """A consistent read on a second connection, for heavy reads: never waits for the
        writer nor makes it wait."""
        async with self._snapshot_lock:
            if self._snapshot is None or self._snapshot.conn.is_closed():
                self._snapshot = await _connect(self.path, create_schema=False)
            conn = self._snapshot.conn
            await conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield PgTx(self, self._snapshot)
            finally:
                if not conn.is_closed():
                    await conn.execute("COMMIT")

    async def _writer_connection(self) -> asyncpg.Connection:
        """The writer's connection, opened again if the server closed it (a restart, a
        fail-over): the event in hand then runs on the new one; one that was in a transaction
        when it broke failed whole, as any transaction the server did not commit."""
        if self._writer.conn.is_closed():
            log.warning("db.reconnected")
            self._writer = await _connect(self.path, create_schema=False)
        return self._writer.conn

    async def migrate(self) -> list[int]:
        """Apply the numbered migrations this database has not seen: the SQLite file in
        PostgreSQL's types (pg_sql.ddl), then its `.postgres.sql` file if there is one (what
        SQLite and PostgreSQL say differently, such as triggers)."""
        applied: list[int] = []
        conn = self._writer.conn
        async with self.transaction():
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                               "(version BIGINT PRIMARY KEY, name TEXT NOT NULL)")
            done = {row[0] for row in await conn.fetch("SELECT version FROM schema_migrations")}
            newer = newer_schema_problem(safe_url(self.path), done)
            if newer:
                raise DatabaseError(newer)
            extras = _postgres_files()
            for version, name, sql in _migration_files():
                if version in done:
                    continue
                for statement in _statements(sql):
                    if version in extras and pg_sql.TRIGGER.match(statement):
                        continue  # its .postgres.sql file says every trigger in PostgreSQL's words
                    try:
                        translated = pg_sql.ddl(statement)
                    except ValueError as exc:
                        raise DatabaseError(f"migration {name}: {exc}") from exc
                    await conn.execute(translated)
                if version in extras:
                    await conn.execute(extras[version])
                await conn.execute("INSERT INTO schema_migrations (version, name) "
                                   "VALUES ($1, $2)", version, name)
                applied.append(version)
        if applied:
            self._writer.forget_statements()
            log.info("db.migrated", extra={"versions": applied})
        return applied

    async def backup(self, target: str | Path) -> None:
        """A consistent copy with pg_dump (custom format, for pg_restore): the bot's schema
        when the URL names one, else the whole database."""
        schema = _search_path(self.path)
        only = [f"--schema={schema}"] if schema else []
        process = await asyncio.create_subprocess_exec(
            "pg_dump", "--format=custom", f"--file={target}", *only,
            _without_search_path(self.path),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, errors = await process.communicate()
        if process.returncode:
            raise DatabaseError(f"pg_dump failed: {errors.decode(errors='replace').strip()}")

    async def _read_row_ids(self) -> None:
        async with self.read() as tx:
            self.row_ids = await _identities(tx)

    def forget_tables(self) -> None:
        self._row_keys = {}
        self._row_ids_stale = True

    async def row_id_of(self, tx: PgTx, table: str) -> str | None:
        if self._row_ids_stale:
            self._row_ids_stale = False
            self.row_ids = await _identities(tx)
        return self.row_ids.get(table)

    async def with_row_keys(self, tx: PgTx, sql: str) -> str:
        """SQLite's `rowid` (bot/privacy/erasure.py pages and deletes rows by it) as the primary
        key of the one table the statement reads: the column itself, or its columns as one text
        value. Both order in byte order ("C"), so that paging by `rowid > ?` is sound."""
        tables = {name.lower() for name in _TABLES.findall(sql)}
        if len(tables) != 1:
            raise sqlite3.OperationalError("rowid needs a statement on one table")
        table = tables.pop()
        if table not in self._row_keys:
            self._row_keys = await _primary_keys(tx)
        key = self._row_keys.get(table)
        if key is None:
            raise sqlite3.OperationalError(f"table {table} has no primary key (no rowid)")
        return _ROWID.sub(key, sql)


_AMBIGUOUS = re.compile(r"parameter \$(\d+)")
_GUESSES = ("text", "bigint", "double precision", "bytea")


async def _prepare(conn: asyncpg.Connection, sql: str) -> Any:
    """Prepare `sql`. PostgreSQL cannot type a parameter used only in `? IS NULL` (as in
    `(:programme IS NULL OR code = :programme)`): that use is then cast to the type its other
    uses give the parameter, found by trying the few types our tables have."""
    try:
        return await _prepare_once(conn, sql)
    except asyncpg.AmbiguousParameterError as exc:
        found = _AMBIGUOUS.search(str(exc))
        if found is None:
            raise
        number = found.group(1)
        bare = re.compile(r"\$" + number + r"(?!\d)(?=\s+IS\s+(?:NOT\s+)?NULL)", re.I)
        if not bare.search(sql):
            raise
        for guess in _GUESSES:
            try:
                return await _prepare(conn, bare.sub(f"${number}::{guess}", sql))
            except asyncpg.DatatypeMismatchError:
                continue
        raise


async def _prepare_once(conn: asyncpg.Connection, sql: str) -> Any:
    """Prepare in a savepoint: a refused statement must not abort the caller's transaction
    (it is prepared once per connection, so the savepoint costs once too)."""
    if not conn.is_in_transaction():
        return await conn.prepare(sql)
    await conn.execute("SAVEPOINT mentorbot_prepare")
    try:
        statement = await conn.prepare(sql)
    except asyncpg.PostgresError as exc:
        exc.add_note(f"statement as PostgreSQL read it: {sql}")
        await conn.execute("ROLLBACK TO SAVEPOINT mentorbot_prepare")
        raise
    except BaseException:
        await conn.execute("ROLLBACK TO SAVEPOINT mentorbot_prepare")
        raise
    finally:
        await conn.execute("RELEASE SAVEPOINT mentorbot_prepare")
    return statement


_ROWID = re.compile(r'"rowid"|\browid\b', re.I)
_TABLES = re.compile(r'\b(?:FROM|UPDATE|INTO|JOIN)\s+"?(\w+)"?', re.I)


async def _identities(tx: PgTx) -> dict[str, str]:
    rows = await tx.all(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'")
    return {row["table_name"]: row["column_name"] for row in rows}


async def _primary_keys(tx: PgTx) -> dict[str, str]:
    columns: dict[str, list[tuple[str, str]]] = {}
    for row in await tx.all(
            "SELECT t.relname AS table_name, a.attname AS column_name,"
            " format_type(a.atttypid, NULL) AS type"
            " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indisprimary ORDER BY t.relname, array_position(i.indkey::int2[], a.attnum)"):
        columns.setdefault(row["table_name"], []).append((row["column_name"], row["type"]))
    keys = {}
    for table, key in columns.items():
        if len(key) == 1 and key[0][1] in ("bigint", "integer", "smallint"):
            keys[table] = _quote(key[0][0])
        elif len(key) == 1:
            keys[table] = f'({_quote(key[0][0])}::text COLLATE "C")'
        else:
            listed = ", ".join(_quote(name) for name, _ in key)
            keys[table] = f'(json_build_array({listed})::text COLLATE "C")'
    return keys


async def _connect(url: str, *, create_schema: bool = True) -> _Connection:
    schema = _search_path(url)
    try:
        if schema and create_schema:
            setup = await asyncpg.connect(_without_search_path(url))
            try:
                await setup.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
            finally:
                await setup.close()
        conn = await asyncpg.connect(url, statement_cache_size=0)
    except (asyncpg.PostgresError, OSError) as exc:
        raise DatabaseError(f"database {safe_url(url)} cannot be opened ({exc})") from exc
    await conn.set_type_codec("numeric", encoder=str, decoder=_number, schema="pg_catalog",
                              format="text")
    return _Connection(conn)


def _search_path(url: str) -> str:
    values = parse_qs(urlsplit(url).query).get("search_path", [])
    return values[0].split(",")[0].strip() if values else ""


def _without_search_path(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("search_path="))
    return parts._replace(query=query).geturl()


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _postgres_files() -> dict[int, str]:
    files = {}
    for entry in resources.files("bot.migrations").iterdir():
        if entry.name.endswith(".postgres.sql"):
            files[int(entry.name.split("_", 1)[0])] = entry.read_text(encoding="utf-8")
    return files


def _number(text: str) -> int | float:
    """numeric (sum() and avg() of integers) as SQLite gives it: an int when whole."""
    if "." in text or "e" in text.lower() or text in ("NaN", "Infinity", "-Infinity"):
        value = float(text)
        return value
    return int(text)


def _is_update(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "UPDATE"


def _arguments(statement: pg_sql.Statement, params: Sequence[Any] | dict[str, Any]) -> list:
    if isinstance(params, dict):
        try:
            return [params[name] for name in statement.names]
        except KeyError as exc:
            raise sqlite3.ProgrammingError(f"no value for parameter :{exc.args[0]}") from exc
    return list(params)


def _coercion(type_name: str) -> Callable[[Any], Any]:
    """How a Python value becomes what PostgreSQL expects for a parameter of this type, as
    SQLite's type affinity would have stored or compared it."""
    if type_name in ("int2", "int4", "int8"):
        return _to_int
    if type_name in ("float4", "float8", "numeric"):
        return _to_float
    if type_name == "bytea":
        return lambda v: v.encode() if isinstance(v, str) else v
    if type_name == "bool":
        return bool
    if type_name in ("text", "varchar", "bpchar", "name", "unknown", "json"):
        return _to_text
    return lambda v: v


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise sqlite3.DataError(f"not an integer: {value[:20]!r}") from None
    return value


def _to_float(value: Any) -> Any:
    if isinstance(value, int | str):
        return float(value)
    return value


def _to_text(value: Any) -> Any:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat(" ") if isinstance(value, datetime) else value.isoformat()
    return value
