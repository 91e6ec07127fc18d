"""Sends what the outbox says is due, exactly once outside a documented crash window.

A row goes pending -> sending (claimed in one transaction) -> sent. Only one process
dispatches at a time: the claim transaction also renews a lease row in `meta`, and a
process that does not hold a live lease claims nothing. A crash between claim and "sent"
leaves a row in `sending`; at start-up such rows are sent again once (at least once), which
is the only case where a message can be repeated. A recipient who cannot be reached is
marked so and never retried forever; a platform's "slow down" is waited out.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot import people
from bot.clock import Clock, from_iso, to_iso
from bot.events import Address, Button, Reply
from bot.i18n import Catalogue
from bot.outbox import Outgoing
from bot.store.db import Database, Tx
from bot.store.state import get_meta, set_meta
from bot.transport import RetryLater, Transport, Unreachable

JobHandler = Callable[[Tx, dict[str, Any]], Awaitable[None]]  # services already bound

log = logging.getLogger(__name__)

LEASE_KEY = "dispatcher_lease"
LEASE_SECONDS = 30
MAX_ATTEMPTS = 5
# Kinds that lose their point when late (a reminder after the meeting); others always go.
PERISHABLE = frozenset({"reminder", "nudge", "checkin"})


@dataclass
class DispatchReport:
    sent: int = 0
    missed: int = 0
    failed: int = 0
    deferred: int = 0


def render(catalogue: Catalogue, lang: str, message: Outgoing) -> tuple[str, tuple[Button, ...]]:
    """Turn a stored message into text and buttons in `lang`."""
    if message.parts:
        rendered = [render(catalogue, lang, part) for part in message.parts]
        text = "\n\n".join(t for t, _ in rendered if t)
        buttons = tuple(b for _, bs in rendered for b in bs) + tuple(
            Button(catalogue.text(lang, b.label_key, **_params(catalogue, lang, b.label_params)),
                   b.action_id, b.value) for b in message.buttons)
        return text, buttons
    text = message.text or catalogue.text(lang, message.key,
                                          **_params(catalogue, lang, message.params))
    buttons = tuple(
        Button(catalogue.text(lang, b.label_key, **_params(catalogue, lang, b.label_params)),
               b.action_id, b.value)
        for b in message.buttons
    )
    return text, buttons


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


class Dispatcher:
    def __init__(self, db: Database, catalogue: Catalogue, clock: Clock,
                 transports: dict[str, Transport], *, grace: timedelta = timedelta(hours=6),
                 late_policy: str = "skip", batch: int = 200,
                 jobs: dict[str, JobHandler] | None = None) -> None:
        self.db = db
        self.catalogue = catalogue
        self.clock = clock
        self.transports = transports
        self.grace = grace
        self.late_policy = late_policy
        self.batch = batch
        self.jobs = jobs or {}
        self.owner = uuid.uuid4().hex
        self._running = asyncio.Lock()

    async def recover(self) -> int:
        """At start-up: rows left in `sending` by a crash go back to pending (sent again once)."""
        async with self.db.transaction() as tx:
            if not await self._hold_lease(tx):
                return 0
            return await tx.execute(
                "UPDATE outbox SET status = 'pending', error = 'recovered after crash'"
                " WHERE status = 'sending'"
            )

    async def run_once(self) -> DispatchReport:
        """Send every row due now; returns what happened. Safe to call concurrently."""
        report = DispatchReport()
        async with self._running:
            while True:
                rows = await self._claim()
                if not rows:
                    break
                for row in rows:
                    await self._deliver(row, report)
                if len(rows) < self.batch:
                    break
        return report

    async def _hold_lease(self, tx: Tx) -> bool:
        now = self.clock.now()
        current = await get_meta(tx, LEASE_KEY)
        if current:
            owner, _, until = current.partition("|")
            if owner != self.owner and from_iso(until) > now:
                return False
        until = to_iso(now + timedelta(seconds=LEASE_SECONDS))
        await set_meta(tx, LEASE_KEY, f"{self.owner}|{until}")
        return True

    async def _claim(self) -> list[Any]:
        async with self.db.transaction() as tx:
            if not await self._hold_lease(tx):
                return []
            now = self.clock.now()
            if self.late_policy == "skip":
                kinds = ",".join(f"'{k}'" for k in sorted(PERISHABLE))
                await tx.execute(
                    f"UPDATE outbox SET status = 'missed' WHERE status = 'pending' AND due_at < ?"
                    f" AND kind IN ({kinds})",
                    (to_iso(now - self.grace),),
                )
            rows = await tx.all(
                "UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1"
                " WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND due_at <= ?"
                " ORDER BY due_at, id LIMIT ?) RETURNING id, person_id, payload, kind, attempts",
                (to_iso(now), to_iso(now), self.batch),
            )
            return sorted(rows, key=lambda r: r["id"])

    async def _deliver(self, row: Any, report: DispatchReport) -> None:
        if row["kind"] == "job":
            await self._run_job(row, report)
            return
        async with self.db.read() as tx:
            person = await people.get(tx, row["person_id"]) if row["person_id"] else None
            reachable = await people.addresses_of(tx, person.id, reachable_only=True) \
                if person else []
        if person is None or not reachable:
            await self._finish(row["id"], "failed", "no reachable address")
            report.failed += 1
            return
        text, buttons = render(self.catalogue, person.language, Outgoing.from_json(row["payload"]))
        address = reachable[0]
        transport = self.transports.get(address.platform)
        if transport is None:
            await self._finish(row["id"], "pending", f"no transport for {address.platform}",
                               retry_in=timedelta(minutes=5))
            report.deferred += 1
            return
        try:
            await transport.send(address, Reply(address, text, buttons))
        except RetryLater as wait:
            await asyncio.sleep(min(wait.seconds, 60))
            await self._finish(row["id"], "pending", "rate limited", retry_in=timedelta(0))
            report.deferred += 1
        except Unreachable:
            await self._mark_unreachable(address)
            await self._finish(row["id"], "failed", "unreachable")
            report.failed += 1
        except Exception as exc:  # a transport bug must not stop the other messages
            log.exception("outbox.send_failed", extra={"outbox_id": row["id"]})
            status = "failed" if row["attempts"] >= MAX_ATTEMPTS else "pending"
            await self._finish(row["id"], status, type(exc).__name__,
                               retry_in=timedelta(minutes=row["attempts"]))
            report.failed += 1
        else:
            await self._finish(row["id"], "sent", None)
            report.sent += 1

    async def _run_job(self, row: Any, report: DispatchReport) -> None:
        """A scheduled change (a request expiring...): its effects and "sent" commit together."""
        message = Outgoing.from_json(row["payload"])
        handler = self.jobs.get(message.key)
        if handler is None:
            await self._finish(row["id"], "failed", f"unknown job {message.key}")
            report.failed += 1
            return
        try:
            async with self.db.transaction() as tx:
                await handler(tx, message.params)
                await tx.execute("UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?",
                                 (to_iso(self.clock.now()), row["id"]))
        except Exception:
            log.exception("outbox.job_failed", extra={"outbox_id": row["id"], "job": message.key})
            status = "failed" if row["attempts"] >= MAX_ATTEMPTS else "pending"
            await self._finish(row["id"], status, "job failed",
                               retry_in=timedelta(minutes=row["attempts"]))
            report.failed += 1
        else:
            report.sent += 1

    async def _finish(self, outbox_id: int, status: str, error: str | None,
                      retry_in: timedelta | None = None) -> None:
        """Record the outcome; a row put back to pending waits `retry_in` before its next try."""
        now = self.clock.now()
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = ?, error = ?, sent_at = CASE WHEN ? = 'sent' THEN ?"
                " ELSE sent_at END WHERE id = ?",
                (status, error, status, to_iso(now), outbox_id),
            )
            if retry_in is not None:
                await tx.execute("UPDATE outbox SET due_at = ? WHERE id = ?",
                                 (to_iso(now + retry_in), outbox_id))

    async def _mark_unreachable(self, address: Address) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE addresses SET unreachable_at = ? WHERE platform = ? AND workspace = ?"
                " AND user_id = ?", (to_iso(self.clock.now()), *address.key))
