"""Sends what the outbox says is due, exactly once outside a documented crash window.

A row goes pending -> sending (claimed in batches, in one transaction) -> sent. What
happens to each row is recorded in batched transactions ("flushes") every `flush_every`
rows or `flush_interval` seconds, whichever comes first.

Who sends depends on the store:
- SQLite: one process dispatches at a time. Every claim and flush renews a lease row in
  `meta` (`dispatcher_lease` = "owner|until"); a process that does not hold a live lease
  claims nothing. A lease whose owner is a dead process on this machine is taken over at
  once, otherwise once it expires. Taking over resets the rows the previous owner left in
  `sending` to pending: they are sent again once.
- PostgreSQL: every process dispatches. A claim takes up to `PARALLEL_BATCH` due rows with
  `FOR UPDATE SKIP LOCKED` in a short transaction outside the writers' lock (pending ->
  sending, `claimed_by` = this process, `claim_deadline` = now + `lease_seconds`); the rows
  are sent outside any transaction and their outcomes flushed as below. Each flush renews the
  deadline of the rows still ours. A row still `sending` past its deadline, or whose claimer
  is a dead process of this machine, is claimed again by whoever comes next; a claimer that
  finds a row taken from it (it froze) skips it. Unsolicited rows pass the gate in a
  transaction of their own under the writers' lock (budgets count across processes); a job
  runs under the writers' lock too, and only while its row is still ours, so once.
Either way, that is the crash window, the only way a message can be repeated: a crash (or a
freeze longer than the lease) inside a send call or after a send but before its flush — at
most `flush_every` messages sent within the last `flush_interval` seconds, plus the one
being sent. See docs/scheduling.md.

Late rows: a perishable kind (reminder, nudge, checkin) due longer ago than the grace
period is marked `missed` under `late_policy = "skip"`; a row past its own `stale_at`
(a reminder once the meeting has started) is always `missed`. A platform's "slow down"
(`RetryLater`) is waited out and the same message retried, so a burst is paced, not lost.
A recipient who cannot be reached is marked so; their other address is tried, if any.

Unsolicited rows (lessons, prompts, check-ins, surveys) pass a `gate` at claim time
(bot/kernel/delivery.py): it lets a row through, postpones it (quiet hours, one a day, a few
lessons a week) or drops one that no longer fits the person's stage.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.kernel import outbox
from bot.kernel.clock import Clock, from_iso, to_iso
from bot.kernel.events import Address, Attachment, Button, Reply
from bot.kernel.i18n import Catalogue
from bot.kernel.not_ready import retried_when_ready
from bot.kernel.outbox import Outgoing
from bot.kernel.transport import RetryLater, Transport, Unreachable
from bot.store.db import Database, Tx
from bot.store.state import get_meta, set_meta

JobHandler = Callable[[Tx, dict[str, Any]], Awaitable[None]]  # services already bound
Sleep = Callable[[float], Awaitable[None]]

log = logging.getLogger(__name__)

LEASE_KEY = "dispatcher_lease"
LEASE_SECONDS = 30
MAX_ATTEMPTS = 5
MAX_RETRY_WAIT = 60.0  # a longer "retry after" defers the row instead of holding the batch
# Outcomes are written every FLUSH_EVERY rows or FLUSH_INTERVAL seconds: the crash window.
FLUSH_EVERY = 25
FLUSH_INTERVAL = 0.05
# Rows one claim takes on PostgreSQL: small, so that a burst is shared among the processes.
PARALLEL_BATCH = 50
# Kinds that lose their point when late (a reminder after the meeting); others always go.
PERISHABLE = frozenset({"reminder", "nudge", "checkin"})


@dataclass
class DispatchReport:
    sent: int = 0
    missed: int = 0
    failed: int = 0
    deferred: int = 0
    waited: float = 0.0  # seconds spent honouring platforms' "retry after"


def render(catalogue: Catalogue, lang: str, message: Outgoing) -> tuple[str, tuple[Button, ...]]:
    """Turn a stored message into text and buttons in `lang`."""
    if message.parts:
        rendered = [render(catalogue, lang, part) for part in message.parts]
        text = "\n\n".join(t for t, _ in rendered if t)
        buttons = tuple(b for _, bs in rendered for b in bs) + _buttons(catalogue, lang, message)
        return text, buttons
    text = message.text or catalogue.text(lang, message.key,
                                          **_params(catalogue, lang, message.params))
    return text, _buttons(catalogue, lang, message)


def _buttons(catalogue: Catalogue, lang: str, message: Outgoing) -> tuple[Button, ...]:
    return tuple(
        Button(catalogue.text(lang, b.label_key, **_params(catalogue, lang, b.label_params)),
               b.action_id, b.value)
        for b in message.buttons
    )


def _params(catalogue: Catalogue, lang: str, params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dict) and "key" in value:
            out[name] = catalogue.text(lang, value["key"],
                                       **_params(catalogue, lang, value.get("params", {})))
        elif isinstance(value, dict) and "lang" in value:
            out[name] = value["lang"].get(lang) or next(iter(value["lang"].values()), "")
        else:
            out[name] = value
    return out


# --- what a feature adds to an outbox row --------------------------------------------------

async def attach_file(tx: Tx, key: str, file: Attachment) -> None:
    """Deliver `file` with the outbox row `key` (enqueued just before, same transaction)."""
    await tx.execute(
        "INSERT INTO outbox_files (outbox_key, filename, mime_type, content) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(outbox_key) DO NOTHING", (key, file.filename, file.mime_type, file.content))


async def set_deadline(tx: Tx, key: str, deadline: datetime) -> None:
    """The row `key` is pointless after `deadline` (a reminder once the meeting began)."""
    await tx.execute("UPDATE outbox SET stale_at = ? WHERE idempotency_key = ?",
                     (to_iso(deadline), key))


async def schedule_job(tx: Tx, name: str, params: dict[str, Any], *, due_at: datetime,
                       key: str) -> bool:
    """A scheduled change run by the dispatcher when due (see `Router.job`); it belongs to
    nobody, so deleting a person never deletes it. False when `key` exists already."""
    return await outbox.enqueue(tx, None, Outgoing(key=name, params=params),
                                due_at=due_at, key=key, kind="job")


# --- the dispatcher ----------------------------------------------------------------------

@dataclass
class _Recipient:
    language: str
    addresses: list[Address] = field(default_factory=list)


@dataclass
class _Batch:
    """What one claim needs, looked up once: recipients and files."""

    rows: list[Any]
    recipients: dict[int, _Recipient]
    files: dict[str, Attachment]
    claimed: int = 0       # rows claimed, including those the gate held back
    postponed: int = 0
    dropped: int = 0


class Gate(Protocol):
    """Decides about unsolicited rows at claim time, in the claim's transaction
    (bot/kernel/delivery.py): returns the rows to send now and how many it postponed and
    dropped. Rows `expired` says are too late are left alone, for `_process` to mark missed."""

    kinds: frozenset[str]  # the kinds it judges; other rows pass untouched

    async def admit(self, tx: Tx, rows: list[Any], now: datetime,
                    expired: Callable[[Any], bool]) -> tuple[list[Any], int, int]: ...


class LeaseLost(Exception):
    """Another process took the lease (or, on PostgreSQL, the row in hand) over: we were
    frozen longer than it lasts."""


class _NotOurs(Exception):
    """A job's row was claimed again by another process: it runs the job, not us."""


class Dispatcher:
    def __init__(self, db: Database, catalogue: Catalogue, clock: Clock,
                 transports: dict[str, Transport], *, grace: timedelta = timedelta(hours=6),
                 late_policy: str = "skip", batch: int = 500,
                 jobs: dict[str, JobHandler] | None = None,
                 lease_seconds: float = LEASE_SECONDS, flush_every: int = FLUSH_EVERY,
                 flush_interval: float = FLUSH_INTERVAL, sleep: Sleep = asyncio.sleep,
                 gate: Gate | None = None) -> None:
        self.db = db
        self.catalogue = catalogue
        self.clock = clock
        self.transports = transports
        self.grace = grace
        self.late_policy = late_policy
        self.batch = batch
        self.jobs = jobs or {}
        self.lease = timedelta(seconds=lease_seconds)
        self.flush_every = flush_every
        self.flush_interval = flush_interval
        self.sleep = sleep
        self.gate = gate
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        # PostgreSQL: rows are claimed one by one with SKIP LOCKED by every process; no lease.
        self.parallel = bool(getattr(db, "skip_locked", ""))
        if self.parallel:
            self.batch = min(batch, PARALLEL_BATCH)
        self._running = asyncio.Lock()
        # SQLite: until when we hold the lease (None: we don't). PostgreSQL: the deadline of
        # the rows we hold, which are `_held`; `_current` is the row in hand.
        self._lease_until: datetime | None = None
        self._held: set[int] = set()
        self._current: int | None = None
        self._outcomes: list[tuple[Any, ...]] = []
        self._unflushed_since: float | None = None

    # --- the lease ------------------------------------------------------------------

    async def recover(self) -> int:
        """At start-up: take the lease if it is free; rows a dead owner left in `sending`
        go back to pending (sent again once). Returns how many rows were reset. On
        PostgreSQL there is no lease: such rows are claimed again by the next claim."""
        if self.parallel:
            return 0
        async with self.db.transaction() as tx:
            return max(await self._hold_lease(tx), 0)

    async def release(self) -> None:
        """At a clean stop: give the lease up so that another process can start at once
        (PostgreSQL: the rows we claimed and did not send go back to pending)."""
        if self.parallel:
            await self._flush_quietly()
            async with self.db.transaction(exclusive=False) as tx:
                await tx.execute(
                    "UPDATE outbox SET status = 'pending', claimed_by = NULL,"
                    " claim_deadline = NULL, attempts = attempts - 1"
                    " WHERE claimed_by = ? AND status = 'sending'", (self.owner,))
            self._held = set()
            return
        async with self.db.transaction() as tx:
            current = await get_meta(tx, LEASE_KEY)
            if current and current.partition("|")[0] == self.owner:
                await tx.execute("DELETE FROM meta WHERE key = ?", (LEASE_KEY,))
        self._lease_until = None

    async def _hold_lease(self, tx: Tx) -> int:
        """Take or renew the lease in `tx`: -1 when another process holds it, else the
        number of rows reset after taking it over from someone else."""
        now = self.clock.now()
        current = await get_meta(tx, LEASE_KEY)
        previous = ""
        if current:
            previous, _, until = current.partition("|")
            if (previous != self.owner and from_iso(until) > now
                    and not _dead_on_this_machine(previous)):
                self._lease_until = None
                return -1
        self._lease_until = now + self.lease
        await set_meta(tx, LEASE_KEY, f"{self.owner}|{to_iso(self._lease_until)}")
        if previous == self.owner:
            return 0
        # Taking over (or first start): what others left half-sent is ours to send again.
        reset = await tx.execute(
            "UPDATE outbox SET status = 'pending', claimed_by = NULL,"
            " error = 'recovered after a crash' WHERE status = 'sending'"
            " AND (claimed_by IS NULL OR claimed_by != ?)", (self.owner,))
        if reset:
            log.warning("outbox.recovered", extra={"rows": reset, "previous_owner": previous})
        return reset

    async def _between_rows(self) -> None:
        """Flush outcomes when due, and keep the lease alive during a long (paced) batch."""
        flush_due = bool(self._outcomes) and (
            len(self._outcomes) >= self.flush_every
            or time.monotonic() - (self._unflushed_since or 0.0) >= self.flush_interval)
        if (flush_due or self._lease_until is None
                or self.clock.now() >= self._lease_until - self.lease / 2):
            await self._flush()
        if self._lease_until is None or (self.parallel and self._current not in self._held):
            raise LeaseLost

    # --- one run --------------------------------------------------------------------

    async def run_once(self) -> DispatchReport:
        """Send every row due now; returns what happened. Safe to call concurrently."""
        report = DispatchReport()
        async with self._running:
            try:
                while True:
                    batch = await self._claim()
                    if batch is None or not batch.claimed:
                        break
                    report.deferred += batch.postponed
                    report.missed += batch.dropped
                    for position, row in enumerate(batch.rows):
                        if self.parallel and row["id"] not in self._held:
                            continue  # claimed again by another process while we froze
                        self._current = row["id"]
                        try:
                            await self._between_rows()
                            await self._process(row, batch, report)
                        except LeaseLost:
                            if self.parallel:
                                log.warning("outbox.row_taken_over",
                                            extra={"outbox_id": row["id"]})
                                continue
                            await self._abandon(batch.rows[position:])
                            return report
                        finally:
                            self._current = None
                    await self._flush()
                    if batch.claimed < self.batch:
                        break
            finally:
                await self._flush_quietly()
        return report

    async def _claim(self) -> _Batch | None:
        if self.parallel:
            return await self._claim_rows()
        now = self.clock.now()
        async with self.db.transaction() as tx:
            if await self._hold_lease(tx) < 0:
                return None
            # Rows this process claimed but never finished (an error mid-batch): again once.
            await tx.execute("UPDATE outbox SET status = 'pending', claimed_by = NULL"
                             " WHERE status = 'sending' AND claimed_by = ?", (self.owner,))
            rows = await tx.all(
                "UPDATE outbox SET status = 'sending', claimed_at = ?, claimed_by = ?,"
                " attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox"
                " WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?)"
                " RETURNING id, person_id, payload, kind, attempts, due_at, stale_at,"
                " idempotency_key",
                (to_iso(now), self.owner, to_iso(now), self.batch),
            )
            rows.sort(key=lambda r: (r["due_at"], r["id"]))
            claimed = len(rows)
            postponed = dropped = 0
            if self.gate is not None:  # unsolicited rows: now, later, or no longer
                rows, postponed, dropped = await self.gate.admit(
                    tx, rows, now, lambda row: self._expired(row, now) is not None)
            people_ids = sorted({r["person_id"] for r in rows if r["person_id"]})
            keys = [r["idempotency_key"] for r in rows if r["kind"] != "job"]
            return _Batch(rows, await _recipients(tx, people_ids), await _files(tx, keys),
                          claimed, postponed, dropped)

    async def _claim_rows(self) -> _Batch:
        """PostgreSQL: claim due rows beside the other processes, then let the gate judge
        the unsolicited ones under the writers' lock."""
        now = self.clock.now()
        deadline = to_iso(now + self.lease)
        returning = (" RETURNING id, person_id, payload, kind, attempts, due_at, stale_at,"
                     " idempotency_key")
        # Only rows this process can deliver: the recipient's first reachable address is on
        # one of our platforms (a process without Telegram leaves Telegram people to one that
        # has it), or there is none to try (failed here as anywhere), or it is a job.
        platforms = ("", *sorted(self.transports))
        ours = (" AND (person_id IS NULL OR COALESCE((SELECT a.platform FROM addresses a"
                " WHERE a.person_id = outbox.person_id AND a.unreachable_at IS NULL"
                " ORDER BY a.created_at LIMIT 1), '') IN (" + ", ".join("?" * len(platforms))
                + "))")
        async with self.db.transaction(exclusive=False) as tx:
            # Rows left `sending` by a claimer that is gone (dead on this machine, or silent
            # past its deadline), or by this process after an error: claimed again, sent once.
            owners = [r[0] for r in await tx.all(
                "SELECT DISTINCT claimed_by FROM outbox WHERE status = 'sending'")]
            gone = [o for o in owners if o == self.owner or _dead_on_this_machine(o)]
            rows = await tx.all(
                "UPDATE outbox SET status = 'sending', claimed_at = ?, claimed_by = ?,"
                " claim_deadline = ?, attempts = attempts + 1, error = 'recovered after a crash'"
                " WHERE id IN (SELECT id FROM outbox WHERE status = 'sending'"
                " AND (claim_deadline IS NULL OR claim_deadline < ?"
                " OR claimed_by IN (SELECT value FROM json_each(?)))" + ours +
                f" ORDER BY due_at, id LIMIT ?{self.db.skip_locked})" + returning,
                (to_iso(now), self.owner, deadline, to_iso(now), json.dumps(gone), *platforms,
                 self.batch))
            if rows:
                log.warning("outbox.recovered", extra={"rows": len(rows)})
            rows += await tx.all(
                "UPDATE outbox SET status = 'sending', claimed_at = ?, claimed_by = ?,"
                " claim_deadline = ?, attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox"
                " WHERE status = 'pending' AND due_at <= ?" + ours + " ORDER BY due_at, id"
                f" LIMIT ?{self.db.skip_locked})" + returning,
                (to_iso(now), self.owner, deadline, to_iso(now), *platforms,
                 self.batch - len(rows)))
            rows.sort(key=lambda r: (r["due_at"], r["id"]))
            people_ids = sorted({r["person_id"] for r in rows if r["person_id"]})
            keys = [r["idempotency_key"] for r in rows if r["kind"] != "job"]
            batch = _Batch(rows, await _recipients(tx, people_ids), await _files(tx, keys),
                           len(rows))
        self._held = {r["id"] for r in rows}
        self._lease_until = now + self.lease
        gate = self.gate
        if gate is not None and any(r["kind"] in gate.kinds for r in rows):
            # Budgets ("one a day") read and write what every process let through: one
            # judge at a time. Our claim is committed, so we hold no row lock while waiting.
            async with self.db.transaction() as tx:
                batch.rows, batch.postponed, batch.dropped = await gate.admit(
                    tx, rows, now, lambda row: self._expired(row, now) is not None)
        return batch

    def _expired(self, row: Any, now: datetime) -> str | None:
        """"stale" past its own deadline, "late" when a perishable row is too late to send."""
        if row["stale_at"] and from_iso(row["stale_at"]) <= now:
            return "stale"
        if (self.late_policy == "skip" and row["kind"] in PERISHABLE
                and from_iso(row["due_at"]) < now - self.grace):
            return "late"
        return None

    async def _process(self, row: Any, batch: _Batch, report: DispatchReport) -> None:
        expired = self._expired(row, self.clock.now())
        if expired:
            self._record(row, "missed", expired)
            report.missed += 1
        elif row["kind"] == "job":
            await self._run_job(row, report)
        else:
            await self._deliver(row, batch, report)

    async def _deliver(self, row: Any, batch: _Batch, report: DispatchReport) -> None:
        recipient = batch.recipients.get(row["person_id"])
        if recipient is None or not recipient.addresses:
            self._record(row, "failed", "no reachable address")
            report.failed += 1
            return
        try:
            text, buttons = render(self.catalogue, recipient.language,
                                   Outgoing.from_json(row["payload"]))
        except (ValueError, KeyError, TypeError, IndexError):  # a corrupt row, never retried
            log.exception("outbox.bad_payload", extra={"outbox_id": row["id"]})
            self._record(row, "failed", "bad payload")
            report.failed += 1
            return
        file = batch.files.get(row["idempotency_key"])
        while recipient.addresses:
            address = recipient.addresses[0]
            transport = self.transports.get(address.platform)
            if transport is None:
                self._record(row, "pending", f"no transport for {address.platform}",
                             retry_at=self.clock.now() + timedelta(minutes=5), refund=True)
                report.deferred += 1
                return
            reply = Reply(address, text, buttons, (), file)
            try:
                await self._send_paced(transport, address, reply, report)
            except (LeaseLost, asyncio.CancelledError):
                raise
            except _Deferred as deferred:
                self._record(row, "pending", "rate limited", retry_at=deferred.until, refund=True)
                report.deferred += 1
                return
            except Unreachable:
                recipient.addresses.pop(0)  # the person's other address, if any, is next
                await self._mark_unreachable(address)
                continue
            except Exception as exc:  # a transport bug must not stop the other messages
                log.exception("outbox.send_failed", extra={"outbox_id": row["id"]})
                status = "failed" if row["attempts"] >= MAX_ATTEMPTS else "pending"
                self._record(row, status, type(exc).__name__,
                             retry_at=self.clock.now() + timedelta(minutes=row["attempts"]))
                report.failed += 1
                return
            self._record(row, "sent", None)
            report.sent += 1
            return
        self._record(row, "failed", "unreachable")
        report.failed += 1

    async def _send_paced(self, transport: Transport, address: Address, reply: Reply,
                          report: DispatchReport) -> None:
        """Send; a "retry after" up to MAX_RETRY_WAIT is waited out and the send retried."""
        while True:
            try:
                await transport.send(address, reply)
                return
            except RetryLater as wait:
                if wait.seconds > MAX_RETRY_WAIT:
                    raise _Deferred(self.clock.now() + timedelta(seconds=wait.seconds)) from None
                await self._flush(extend=wait.seconds)  # recorded before we sleep
                await self.sleep(max(wait.seconds, 0.0))
                report.waited += max(wait.seconds, 0.0)
                await self._between_rows()

    async def _run_job(self, row: Any, report: DispatchReport) -> None:
        """A scheduled change (a request expiring...): its effects and "sent" commit together."""
        message = Outgoing.from_json(row["payload"])
        handler = self.jobs.get(message.key)
        if handler is None:
            self._record(row, "failed", f"unknown job {message.key}")
            report.failed += 1
            return
        async def job() -> None:
            async with self.db.transaction() as tx:
                # Marked first: its row lock keeps anyone from claiming it again meanwhile, and
                # a row claimed again by another process (we froze) is theirs to run.
                mine = await tx.execute(
                    "UPDATE outbox SET status = 'sent', sent_at = ?, error = NULL"
                    " WHERE id = ? AND claimed_by = ? AND status = 'sending'",
                    (to_iso(self.clock.now()), row["id"], self.owner))
                if mine == 0:
                    raise _NotOurs
                await handler(tx, message.params)

        try:
            await retried_when_ready(job)  # the matching index after a start, say
            self._held.discard(row["id"])  # done: recorded here, not by a flush
        except _NotOurs:
            self._held.discard(row["id"])
            log.warning("outbox.row_taken_over", extra={"outbox_id": row["id"]})
        except Exception:
            log.exception("outbox.job_failed", extra={"outbox_id": row["id"], "job": message.key})
            status = "failed" if row["attempts"] >= MAX_ATTEMPTS else "pending"
            self._record(row, status, "job failed",
                         retry_at=self.clock.now() + timedelta(minutes=row["attempts"]))
            report.failed += 1
        else:
            report.sent += 1

    # --- recording outcomes ------------------------------------------------------------

    def _record(self, row: Any, status: str, error: str | None, *,
                retry_at: datetime | None = None, refund: bool = False) -> None:
        """Queue the outcome of one row for the next flush."""
        self._outcomes.append((status, error, status, to_iso(self.clock.now()),
                               to_iso(retry_at) if retry_at else None, int(refund),
                               row["id"], self.owner))
        if self._unflushed_since is None:
            self._unflushed_since = time.monotonic()

    async def _flush(self, extend: float = 0.0) -> None:
        """Write the queued outcomes and renew the lease (PostgreSQL: the deadline of the
        rows we hold, `extend` seconds more before a wait), in one transaction."""
        outcomes, self._outcomes = self._outcomes, []
        self._unflushed_since = None
        if self.parallel:
            await self._flush_rows(outcomes, extend)
            return
        async with self.db.transaction() as tx:
            if outcomes:
                # Only rows still ours: after a take-over the new owner decides.
                await tx.executemany(
                    "UPDATE outbox SET status = ?, error = ?,"
                    " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
                    " due_at = COALESCE(?, due_at), attempts = attempts - ?"
                    " WHERE id = ? AND claimed_by = ? AND status = 'sending'", outcomes)
            if await self._hold_lease(tx) < 0:
                log.warning("outbox.lease_lost", extra={"owner": self.owner})

    async def _flush_rows(self, outcomes: list[tuple[Any, ...]], extend: float) -> None:
        now = self.clock.now()
        # Renewed from half-way to the deadline (or before a wait): until then nobody can
        # have taken a row from us, and a flush is one statement less.
        renew = (extend > 0 or self._lease_until is None
                 or now >= self._lease_until - self.lease / 2)
        until = now + self.lease + timedelta(seconds=extend)
        async with self.db.transaction(exclusive=False) as tx:
            if outcomes:
                await tx.executemany(
                    "UPDATE outbox SET status = ?, error = ?,"
                    " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
                    " due_at = COALESCE(?, due_at), attempts = attempts - ?"
                    " WHERE id = ? AND claimed_by = ? AND status = 'sending'", outcomes)
            if not renew:
                self._held -= {row[6] for row in outcomes}
                return
            held = {r[0] for r in await tx.all(
                "UPDATE outbox SET claim_deadline = ? WHERE claimed_by = ?"
                " AND status = 'sending' RETURNING id", (to_iso(until), self.owner))}
        lost = self._held - held - {row[6] for row in outcomes}
        if lost:
            log.warning("outbox.rows_taken_over", extra={"owner": self.owner, "rows": len(lost)})
        self._held = held
        self._lease_until = until

    async def _flush_quietly(self) -> None:
        if not self._outcomes:
            return
        try:
            await self._flush()
        except Exception:  # the rows stay in `sending`: recovered (sent again once) later
            log.exception("outbox.flush_failed")

    async def _abandon(self, rows: list[Any]) -> None:
        """We lost the lease: rows not sent yet are left for the new owner."""
        log.warning("outbox.abandoned", extra={"rows": len(rows)})
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE outbox SET status = 'pending', claimed_by = NULL,"
                " attempts = attempts - 1 WHERE id = ? AND claimed_by = ? AND status = 'sending'",
                [(row["id"], self.owner) for row in rows])

    async def _mark_unreachable(self, address: Address) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE addresses SET unreachable_at = ? WHERE platform = ? AND workspace = ?"
                " AND user_id = ?", (to_iso(self.clock.now()), *address.key))


class _Deferred(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"deferred until {until}")
        self.until = until


async def _recipients(tx: Tx, person_ids: list[int]) -> dict[int, _Recipient]:
    """Language and reachable addresses of every recipient of a batch, in one query."""
    found: dict[int, _Recipient] = {}
    if not person_ids:
        return found
    for row in await tx.all(
        "SELECT p.id, p.language, a.platform, a.workspace, a.user_id, a.display_name,"
        " a.locale, a.timezone FROM people p LEFT JOIN addresses a ON a.person_id = p.id"
        " AND a.unreachable_at IS NULL WHERE p.id IN (SELECT value FROM json_each(?))"
        " ORDER BY p.id, a.created_at", (json.dumps(person_ids),)):
        recipient = found.setdefault(row["id"], _Recipient(row["language"]))
        if row["platform"] is not None:
            recipient.addresses.append(Address(row["platform"], row["workspace"], row["user_id"],
                                               row["display_name"], row["locale"],
                                               row["timezone"]))
    return found


async def _files(tx: Tx, keys: list[str]) -> dict[str, Attachment]:
    if not keys:
        return {}
    rows = await tx.all(
        "SELECT outbox_key, filename, mime_type, content FROM outbox_files"
        " WHERE outbox_key IN (SELECT value FROM json_each(?))", (json.dumps(keys),))
    return {r["outbox_key"]: Attachment(r["filename"], bytes(r["content"]), r["mime_type"])
            for r in rows}



def _dead_on_this_machine(owner: str) -> bool:
    """True when `owner` ("host:pid:token") was a process of this machine that is gone."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not (pid_text.isascii() and pid_text.isdigit()):
        return False
    pid = int(pid_text)
    try:  # our own pid is alive too: a process has one dispatcher (adapters/main.py)
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but belongs to someone else
        return False
    return False
