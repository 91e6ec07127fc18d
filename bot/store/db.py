"""The SQLite connection, its transactions and its migrations.

Rules from shared/DESIGN.md ("Reliability rules"): WAL and a busy timeout; `isolation_level=None`
so that sqlite3 opens no implicit transaction; `BEGIN IMMEDIATE` for every write transaction
(a deferred read-then-write fails at once with SQLITE_BUSY); one `asyncio.Lock` per connection
from BEGIN to COMMIT, because aiosqlite serves every coroutine on one thread and two
coroutines must never interleave inside one transaction.

Inside a transaction, statements run straight on the sqlite3 connection from the event loop's
thread: the lock already makes the connection ours from BEGIN to COMMIT, and an indexed
lookup takes a few microseconds where a round trip to aiosqlite's thread takes 50-200.
BEGIN IMMEDIATE and COMMIT too, unless another process holds the write lock (the wait for it
goes through aiosqlite); checkpoints are done aside (CHECKPOINT_EVERY). A long transaction
hands the loop over every `YIELD_SECONDS` (others' HTTP requests are acknowledged meanwhile;
their events wait for the lock as always).
Heavy reads use `snapshot()`: a second connection on a thread of its own, one trip there and
back per statement.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
YIELD_SECONDS = 0.02
# SQLite's automatic checkpoint runs inside the COMMIT that fills the WAL past 1,000 pages:
# copying them and two flushes to disk took 20-40 ms (up to half a second) on one event in a
# hundred. It is off. After every CHECKPOINT_EVERY write transactions a PASSIVE checkpoint
# copies the WAL on the reader's thread while writers go on. The WAL starts over at the first
# write after a checkpoint that nothing was written during, which a pause gives; should a
# stream of writes leave no pause, once the WAL is past WAL_RESET_PAGES it is copied again
# while writers go on, each round copying only what the last one let through, until a round
# finds fewer than HELD_COPY_PAGES new: those few are copied with writers held (60-90 ms
# at 100k people, not the 0.4-0.5 s the whole remainder took) and the next write starts over.
# SQLite flushes the database file only when a checkpoint copies the WAL to its very end,
# which under writes means the held one: it then flushed every page the rounds had copied
# (450 ms seen at 100k people). The rounds' pages are flushed before writers are held.
CHECKPOINT_EVERY = 200
WAL_RESET_PAGES = 20_000
HELD_COPY_PAGES = 500
CATCH_UP_ROUNDS = 8  # writers faster than the copy: hold them after this many rounds anyway
CACHED_STATEMENTS = 512  # the code base has a few hundred distinct statements
INLINE_ROWS = 50  # executemany on the loop's thread up to this many rows


class DatabaseError(Exception):
    """The database file cannot be used; the message names it, says why and what to do."""


class Tx:
    """A handle on the open transaction (or read session) of a `Database`."""

    def __init__(self, conn: aiosqlite.Connection, raw: sqlite3.Connection | None = None) -> None:
        self._conn = conn
        self.wants_checkpoint = False
        self._raw = raw  # the same connection, usable from the loop's thread
        self._yield_at = time.perf_counter() + YIELD_SECONDS

    def checkpoint_after_commit(self) -> None:
        """Once this transaction commits, checkpoint the WAL into the database file and empty
        it: what was deleted (with secure_delete on) is then gone from both files."""
        self.wants_checkpoint = True

    async def _inline(self) -> sqlite3.Connection | None:
        if self._raw is not None and time.perf_counter() >= self._yield_at:
            await asyncio.sleep(0)  # let the loop serve others, the lock stays ours
            self._yield_at = time.perf_counter() + YIELD_SECONDS
        return self._raw

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        if raw := await self._inline():
            inline = raw.execute(sql, params)
            try:
                return inline.rowcount
            finally:
                inline.close()
        cursor = await self._conn.execute(sql, params)
        try:
            return cursor.rowcount
        finally:
            await cursor.close()

    async def insert(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one INSERT; returns the new row's id."""
        if raw := await self._inline():
            inline = raw.execute(sql, params)
            try:
                return inline.lastrowid or 0
            finally:
                inline.close()
        cursor = await self._conn.execute(sql, params)
        try:
            return cursor.lastrowid or 0
        finally:
            await cursor.close()

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for many rows: on the loop's thread too, like `execute`, when they
        are few (a trigger's nudges); hundreds (the dispatcher's outcomes) go to aiosqlite's
        thread, so as not to hold the loop."""
        rows = list(rows)
        if len(rows) <= INLINE_ROWS and (raw := await self._inline()):
            raw.executemany(sql, rows).close()
            return
        await self._conn.executemany(sql, rows)

    async def one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        if raw := await self._inline():
            inline = raw.execute(sql, params)
            try:
                return inline.fetchone()
            finally:
                inline.close()
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        if raw := await self._inline():
            inline = raw.execute(sql, params)
            try:
                return inline.fetchall()
            finally:
                inline.close()
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def value(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.one(sql, params)
        return None if row is None else row[0]


class Database:
    """One connection to one SQLite file, shared by every coroutine of the process."""

    # Claims of due outbox rows need no row locks here: one process dispatches (a lease, see
    # bot/kernel/dispatcher.py) and SQLite has one writer. PostgreSQL's store says otherwise.
    skip_locked = ""

    def __init__(self, conn: aiosqlite.Connection, path: str,
                 wal_reset_pages: int = WAL_RESET_PAGES) -> None:
        self._conn = conn
        self.wal_reset_pages = wal_reset_pages
        self._lock = asyncio.Lock()
        self.path = path
        self._raw: sqlite3.Connection | None = None  # set by open()
        self._snapshot: _Reader | None = None  # opened by the first snapshot()
        self._snapshot_lock = asyncio.Lock()
        self._commits = 0
        self._checkpointing: asyncio.Task[None] | None = None
        self._checkpointer: _Reader | None = None  # its own connection: snapshots never wait
        # A descriptor of the database file, only to flush it (`_flush_copied`). Closed
        # last: closing any descriptor of the file drops the process's SQLite locks on it.
        self._flush_fd: int | None = None

    @classmethod
    async def open(cls, path: str | Path, *, wal_reset_pages: int = WAL_RESET_PAGES) -> Database:
        """Open (creating it if needed) and migrate. A file that cannot be used raises
        DatabaseError saying which and why, with the connection (and its thread) closed.
        `wal_reset_pages` bounds the WAL under writes that never pause (CHECKPOINT_EVERY)."""
        path = str(path)
        if path != ":memory:":
            _prepare_folder(path)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None, check_same_thread=False,
                                           cached_statements=CACHED_STATEMENTS)
        except sqlite3.Error as exc:
            raise DatabaseError(describe(path, exc)) from exc
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA wal_autocheckpoint = 0")  # see CHECKPOINT_EVERY
            # Deleted rows are overwritten with zeros, not left in free space (/forget).
            await conn.execute("PRAGMA secure_delete = ON")
            db = cls(conn, path, wal_reset_pages)
            db._raw = _raw_connection(conn)
            await db.migrate()
        except BaseException as exc:
            await conn.close()
            if isinstance(exc, sqlite3.Error):
                raise DatabaseError(describe(path, exc)) from exc
            raise
        return db

    async def close(self) -> None:
        if self._checkpointing is not None:
            await self._checkpointing
        if self._checkpointer is not None:
            await self._checkpointer.close()
            self._checkpointer = None
        async with self._snapshot_lock:
            if self._snapshot is not None:
                await self._snapshot.close()
                self._snapshot = None
        async with self._lock:
            await self._conn.close()
        if self._flush_fd is not None:
            os.close(self._flush_fd)
            self._flush_fd = None

    @asynccontextmanager
    async def transaction(self, *, exclusive: bool = True) -> AsyncIterator[Tx]:
        """A write transaction: everything inside commits together or not at all.

        `exclusive=False` is for statements that touch only rows they lock themselves (the
        outbox's claims and outcomes): PostgreSQL then lets several processes run them at
        once; SQLite has one writer whatever is asked."""
        async with self._lock:
            await self._begin_immediate()
            tx = Tx(self._conn, self._raw)
            try:
                yield tx
            except BaseException:
                await self._end("ROLLBACK")
                raise
            else:
                await self._end("COMMIT")
                if tx.wants_checkpoint:
                    await self._checkpoint()
                self._count_commit()

    async def _begin(self, sql: str) -> None:
        """BEGIN (a read) on the loop's thread: it takes no lock and cannot wait."""
        if self._raw is None:
            await self._conn.execute(sql)
            return
        self._heal(self._raw)
        self._raw.execute(sql)

    @staticmethod
    def _heal(raw: sqlite3.Connection) -> None:
        # A caller cancelled while its BEGIN was on aiosqlite's thread may have left the
        # connection in a transaction nobody will end: end it before the next one.
        if raw.in_transaction:
            log.warning("db.abandoned_transaction")
            raw.execute("ROLLBACK")

    async def _begin_immediate(self) -> None:
        """BEGIN IMMEDIATE on the loop's thread when no other process holds the write lock
        (this one's writers queue on self._lock); else wait for it with the busy timeout on
        aiosqlite's thread, never on the loop's."""
        raw = self._raw
        if raw is not None:
            self._heal(raw)
            raw.execute("PRAGMA busy_timeout = 0")
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_BUSY) != sqlite3.SQLITE_BUSY:
                    raise
            finally:
                raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self._conn.execute("BEGIN IMMEDIATE")

    async def _end(self, sql: str) -> None:
        """COMMIT or ROLLBACK: on the loop's thread too, since with the automatic checkpoint
        off (CHECKPOINT_EVERY) a commit in WAL only appends to the log."""
        if self._raw is not None:
            self._raw.execute(sql)
        else:
            await self._conn.execute(sql)

    def _count_commit(self) -> None:
        self._commits += 1
        if (self._commits >= CHECKPOINT_EVERY and self._checkpointing is None
                and self.path != ":memory:"):
            self._commits = 0
            self._checkpointing = asyncio.ensure_future(self._checkpoint_aside())

    async def _checkpoint_passive(self) -> sqlite3.Row | None:
        """(busy, pages in the WAL, pages copied), on a connection and thread of its own (a
        first copy after a burst of writes can take seconds: no snapshot waits for it)."""
        if self._checkpointer is None:
            self._checkpointer = _Reader(self.path)
        return await self._checkpointer.run(_fetch_one, "PRAGMA wal_checkpoint(PASSIVE)", ())

    async def _checkpoint_aside(self) -> None:
        """Copy the WAL into the database on the reader's thread (PASSIVE: it takes no lock
        a writer needs), so that no event's COMMIT does it; see CHECKPOINT_EVERY."""
        try:
            done = await self._checkpoint_passive()
            if done is not None and done[1] > self.wal_reset_pages:
                await self._catch_up(done[1])
        except sqlite3.Error as exc:
            log.warning("db.checkpoint_failed", extra={"error": type(exc).__name__})
        finally:
            self._checkpointing = None

    async def _catch_up(self, pages: int) -> None:
        """Copy the WAL until a round finds few new pages, then those with writers held, so
        that the next write starts the WAL over; `pages` is what the first round saw."""
        for _ in range(CATCH_UP_ROUNDS):
            done = await self._checkpoint_passive()
            if done is None:
                return
            written_meanwhile, pages = done[1] - pages, done[1]
            if written_meanwhile < HELD_COPY_PAGES:
                break
        await self._flush_copied()
        async with self._lock:
            await self._checkpoint_passive()

    async def _flush_copied(self) -> None:
        """Flush the pages the rounds copied into the database file to disk, writers going
        on, so that the held checkpoint's own flush has only its few pages to write."""
        if self._checkpointer is None:
            return
        try:
            if self._flush_fd is None:
                self._flush_fd = os.open(self.path, os.O_RDWR)  # Windows flushes writable ones
            await self._checkpointer.run(_flush_file, "", self._flush_fd)
        except OSError as exc:  # the held checkpoint flushes them anyway, only slower
            log.warning("db.flush_failed", extra={"error": type(exc).__name__})

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A consistent read (deferred transaction) that never interleaves with a write."""
        async with self._lock:
            await self._begin("BEGIN")
            try:
                yield Tx(self._conn, self._raw)
            finally:
                await self._end("COMMIT")

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        """A consistent read on a second connection, for heavy reads (the coordinators'
        figures): in WAL it sees the last commit, never waits for the writer nor makes it
        wait, and its statements run on the reader's own thread, off the event loop. An
        in-memory database has no second connection: `read()` then."""
        if self.path == ":memory:":
            async with self.read() as tx:
                yield tx
            return
        async with self._snapshot_lock:
            if self._snapshot is None:
                self._snapshot = _Reader(self.path)
            await self._snapshot.run(_statement, "BEGIN", ())
            try:
                yield _ReaderTx(self._snapshot)
            finally:
                await self._snapshot.run(_statement, "COMMIT", ())

    async def migrate(self) -> list[int]:
        """Apply the numbered SQL files of bot/migrations that this database has not seen."""
        applied: list[int] = []
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
            )
            done = {row[0] for row in await tx.all("SELECT version FROM schema_migrations")}
            newer = newer_schema_problem(self.path, done)
            if newer:
                raise DatabaseError(newer)
            for version, name, sql in _migration_files():
                if version in done:
                    continue
                for statement in _statements(sql):
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name)
                )
                applied.append(version)
            # Always a write, so that a read-only file is refused now, not at the first event.
            await tx.execute(f"PRAGMA user_version = {newest_schema()}")
        if applied:
            log.info("db.migrated", extra={"versions": applied})
        return applied

    async def backup(self, target: str | Path) -> None:
        """Copy the live database with SQLite's online backup API (never a file copy)."""
        async with self._lock:
            dest = await aiosqlite.connect(str(target))
            try:
                await self._conn.backup(dest)
            finally:
                await dest.close()

    async def _checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate it (called under the lock, after
        a COMMIT that asked for it). With secure_delete, the pages copied hold zeros where
        the deleted rows were, and the WAL keeps no older copy of them."""
        try:
            async with self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                row = await cursor.fetchone()
        except sqlite3.Error as exc:
            log.warning("db.checkpoint_failed", extra={"error": type(exc).__name__})
            return
        if row is not None and row[0]:
            # A reader of another process kept part of the WAL; the next checkpoint ends it.
            log.warning("db.checkpoint_incomplete", extra={"wal_pages": row[1],
                                                           "copied": row[2]})


def newest_schema() -> int:
    """The highest migration this code knows."""
    return max(version for version, _, _ in _migration_files())


def newer_schema_problem(path: str, versions: Iterable[int]) -> str:
    found, newest = max(versions, default=0), newest_schema()
    if found <= newest:
        return ""
    return (f"database {path} was created by a newer mentorbot (schema {found} > {newest}); "
            "run that version, or restore a backup made before it")


def describe(path: str, error: sqlite3.Error) -> str:
    """What an SQLite error at open time means for the person starting the bot."""
    name = getattr(error, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        return (f"database {path} is not a SQLite database ({error}); point [bot] database "
                "at the bot's own file")
    if name.startswith("SQLITE_CORRUPT"):
        return f"database {path} is damaged ({error}); restore it from a backup"
    if name.startswith("SQLITE_READONLY"):
        return (f"database {path} is read-only ({error}); the bot must be able to write the "
                "file and its folder")
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return f"database {path} is locked by another program ({error})"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"database {path} cannot be opened ({error})"
    return f"database {path}: {error}"


def folder_problem(path: str) -> str:
    """Why the bot could not write `path` and the -wal and -shm files SQLite keeps beside it
    (a read-only file or folder, a folder that cannot be created), or ""."""
    file = Path(path)
    if file.is_dir():
        return f"database {path} is a folder, not a file"
    folder = file.parent
    if not folder.exists():
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is None or os.access(parent, os.W_OK | os.X_OK):
            return ""
        return f"database folder {folder} cannot be created ({parent} is not writable)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (f"database folder {folder} is not writable (SQLite keeps {file.name}-wal and "
                f"{file.name}-shm beside the database)")
    if file.exists() and not os.access(file, os.R_OK | os.W_OK):
        return f"database {path} is read-only; the bot must be able to write it"
    return ""


def _prepare_folder(path: str) -> None:
    problem = folder_problem(path)
    if problem:
        raise DatabaseError(problem)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"database folder {Path(path).parent} cannot be created "
                            f"({exc.strerror})") from exc


def inspect_file(path: str, *, thorough: bool = False) -> list[str]:
    """What would stop `Database.open` on this file, found without changing it. `thorough`
    (check-config) also runs SQLite's quick_check and looks for the tables this version
    needs; both read the whole file, too slow for every start."""
    if path == ":memory:":
        return []
    problem = folder_problem(path)
    if problem or not Path(path).exists():
        return [problem] if problem else []
    try:
        conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [describe(path, exc)]
    try:
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        versions = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")} \
            if "schema_migrations" in tables else set()
        problem = newer_schema_problem(path, versions)
        if problem or not thorough:
            return [problem] if problem else []
        check = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if check != ["ok"]:
            return [f"database {path} is damaged ({check[0]}); restore it from a backup"]
        missing = sorted(expected_tables() - tables) if versions else []
        if missing and max(versions) == newest_schema():
            return [f"database {path} lacks tables this version needs: {', '.join(missing)}"]
        return []
    except sqlite3.Error as exc:
        return [describe(path, exc)]
    finally:
        conn.close()


@functools.cache
def expected_tables() -> frozenset[str]:
    """The tables the migrations create, read from a scratch in-memory database."""
    conn = sqlite3.connect(":memory:")
    try:
        for _, _, sql in _migration_files():
            for statement in _statements(sql):
                conn.execute(statement)
        names = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    return frozenset(names | {"schema_migrations"})


def _raw_connection(conn: aiosqlite.Connection) -> sqlite3.Connection | None:
    """The sqlite3 connection under aiosqlite's (opened with check_same_thread=False), or
    None if this aiosqlite hides it: every statement then goes through its thread."""
    try:
        raw = conn._conn  # aiosqlite keeps it there (0.17 to 0.22 at least)
    except (AttributeError, ValueError):
        return None
    return raw if isinstance(raw, sqlite3.Connection) else None


class _Reader:
    """A second connection (snapshots, checkpoints) and the one thread it lives on (opened
    there, used there)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-snapshot")

    async def run(self, work: Callable[..., Any], sql: str, params: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self._call, work, sql, params)

    def _call(self, work: Callable[..., Any], sql: str, params: Any) -> Any:
        if self.conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None,
                                   cached_statements=CACHED_STATEMENTS)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA synchronous = NORMAL")  # its checkpoints sync as the writer's
            conn.execute("PRAGMA query_only = ON")
            self.conn = conn
        return work(self.conn, sql, params)

    async def close(self) -> None:
        def shut(conn: sqlite3.Connection, sql: str, params: Any) -> None:
            conn.close()
        if self.conn is not None:
            await self.run(shut, "", ())
        self._thread.shutdown(wait=False)


def _flush_file(conn: sqlite3.Connection, sql: str, fd: int) -> None:
    (os.fdatasync if hasattr(os, "fdatasync") else os.fsync)(fd)


def _statement(conn: sqlite3.Connection, sql: str, params: Any) -> int:
    cursor = conn.execute(sql, params)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _fetch_one(conn: sqlite3.Connection, sql: str, params: Any) -> sqlite3.Row | None:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


def _fetch_all(conn: sqlite3.Connection, sql: str, params: Any) -> list[sqlite3.Row]:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


class _ReaderTx(Tx):
    """The statements of a snapshot: one trip each to the reader's thread (a read-only
    connection: writes fail there)."""

    def __init__(self, reader: _Reader) -> None:
        super().__init__(None)  # type: ignore[arg-type]  # no aiosqlite connection here
        self._reader = reader

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        return await self._reader.run(_statement, sql, params)

    async def insert(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        return await self._reader.run(_statement, sql, params)  # refused: query_only

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._reader.run(_statement, sql, ())  # refused: query_only

    async def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
                  ) -> sqlite3.Row | None:
        return await self._reader.run(_fetch_one, sql, params)

    async def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
                  ) -> list[sqlite3.Row]:
        return await self._reader.run(_fetch_all, sql, params)


def _migration_files() -> list[tuple[int, str, str]]:
    files = []
    for entry in resources.files("bot.migrations").iterdir():
        if entry.name.endswith(".sql") and not entry.name.endswith(".postgres.sql"):
            version = int(entry.name.split("_", 1)[0])
            files.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(files)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows about quotes)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
