"""How long a coordinator's roster keeps what it says about people (names, e-mails, platform
ids…): only while it is of use (docs/privacy.md, "Rosters and invitations").

- Joining: what the roster said moves into the person's profile (bot/admin/roster_invites.py
  `prefill`) and their row keeps no copy — only the role, the language, which questions it
  answered, the code and the dates, for `/admin invitations`, and a keyed digest of the
  e-mail, so that the same roster imported again does not invite them a second time.
- `/forget` (and the retention sweep): rows linked to the person go with them (foreign key);
  rows that name one of their platform ids without being linked (they joined without the
  code) are deleted too (`forget_rows`), and `/mydata` shows them (`rows_about`).
- An invitation nobody used expires after `[privacy] invitation_days` (default 90) from its
  last sending or reminder: a daily job deletes the row, and the person created only to
  receive it on Slack (they never answered). A roster preview never applied is deleted a day
  after it was made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.kernel import outbox
from bot.kernel.clock import to_iso
from bot.kernel.domain_events import Started
from bot.kernel.outbox import Outgoing
from bot.store.db import Tx
from bot.store.state import get_meta, set_meta

if TYPE_CHECKING:
    from bot.kernel.context import Services
    from bot.kernel.router import Router

JOB = "roster_retention"
RUN_AT = (3, 30)        # UTC: the daily run, beside the privacy sweep's 03:00
MAX_PER_RUN = 200       # expired invitations per run; a backlog continues minutes later
PREVIEW_TTL = timedelta(days=1)  # a roster preview not applied by then cannot be applied
EMAIL_KEY = "roster_email_key"   # meta: the key of the joined rows' e-mail digests

# What a joined person's row keeps: nothing that says who they are.
_EMPTIED = ("name = '', email = '', slack_id = '', telegram = '', handle = '',"
            " department = '', seniority = 0")


async def anonymise_joined(tx: Tx, entry_id: int, answered: str, now_iso: str) -> None:
    """The row of someone who joined: marked joined, emptied of what identifies them — but
    for a keyed digest of their e-mail, so that a roster imported again recognises them."""
    email = await tx.value("SELECT email FROM roster_entries WHERE id = ?", (entry_id,))
    digest = await email_digest(tx, email) if email else ""
    await tx.execute(f"UPDATE roster_entries SET status = 'joined', joined_at = ?,"
                     f" answered = ?, email_digest = ?, {_EMPTIED}"
                     f" WHERE id = ? AND status = 'invited'",
                     (now_iso, answered, digest, entry_id))


async def email_digest(tx: Tx, email: str) -> str:
    return digest(await email_key(tx), email)


async def email_key(tx: Tx) -> bytes:
    """This deployment's own key for e-mail digests, made the first time it is needed."""
    key = await get_meta(tx, EMAIL_KEY)
    if key is None:
        key = secrets.token_hex(32)
        await set_meta(tx, EMAIL_KEY, key)
    return bytes.fromhex(key)


def digest(key: bytes, email: str) -> str:
    """HMAC-SHA256 of the address (case ignored): the same address always gives the same
    digest here, and the digest alone does not give the address back (a dictionary of known
    addresses is no use without the key, which never leaves the database)."""
    return hmac.new(key, email.strip().casefold().encode(), hashlib.sha256).hexdigest()


async def joined_keys(tx: Tx, programme_id: int) -> set[tuple[str, str]]:
    """The (kind, value) roster keys of the people who joined from this programme's rosters,
    read from their addresses (their rows no longer hold them), and the digest of their
    e-mail (`email_digest`): a roster imported again does not invite them twice."""
    keys: set[tuple[str, str]] = {
        ("email_digest", row[0]) for row in await tx.all(
            "SELECT email_digest FROM roster_entries WHERE programme_id = ?"
            " AND status = 'joined' AND email_digest <> ''", (programme_id,))}
    for row in await tx.all(
            "SELECT a.platform, a.user_id, a.username FROM roster_entries e"
            " JOIN addresses a ON a.person_id = e.person_id"
            " WHERE e.programme_id = ? AND e.status = 'joined'", (programme_id,)):
        kind = {"slack": "slack_id", "telegram": "telegram", "console": "handle"}.get(
            row["platform"])
        if kind is not None:
            keys.add((kind, row["user_id"].lower()))
        if row["platform"] == "telegram" and row["username"]:
            keys.add(("telegram", row["username"].lower()))
    return keys


def answered_fields(entry: Any) -> str:
    """Which onboarding questions the row answers (bot/onboarding/onboarding.py PREFILLABLE)."""
    return " ".join(name for name in ("role", "seniority", "department") if entry[name])


# --- /forget and /mydata --------------------------------------------------------------------

_ROSTER_COLUMN = {"slack": "slack_id", "telegram": "telegram", "console": "handle"}


async def _matching(tx: Tx, person_ids: Sequence[int]) -> tuple[str, list[Any]]:
    """A WHERE clause for the unlinked rows naming one of these people's platform ids (or
    Telegram username), in their programmes."""
    clauses: list[str] = []
    params: list[Any] = []
    for pid in person_ids:
        for row in await tx.all(
                "SELECT a.platform, a.user_id, a.username, p.programme_id FROM addresses a"
                " JOIN people p ON p.id = a.person_id WHERE a.person_id = ?", (pid,)):
            column = _ROSTER_COLUMN.get(row["platform"])
            if column is None:
                continue
            values = [row["user_id"].upper() if column == "slack_id" else
                      row["user_id"].lower()]
            if row["platform"] == "telegram" and row["username"]:
                values.append(row["username"].lower())
            for value in values:
                clauses.append(f"(programme_id = ? AND {column} = ?)")
                params += [row["programme_id"], value]
    if not clauses:
        return "", []
    return f"person_id IS NULL AND ({' OR '.join(clauses)})", params


async def rows_about(tx: Tx, person_ids: Sequence[int]) -> list[Any]:
    """Roster rows about these people that are not linked to them (they joined without the
    code): /mydata shows them; rows linked to them are found by their foreign key."""
    where, params = await _matching(tx, person_ids)
    return await tx.all(f"SELECT * FROM roster_entries WHERE {where}", params) if where else []


async def forget_rows(tx: Tx, person_ids: Sequence[int]) -> int:
    """Delete the unlinked rows about people being forgotten (before their addresses go)."""
    where, params = await _matching(tx, person_ids)
    return await tx.execute(f"DELETE FROM roster_entries WHERE {where}", params) if where else 0


# --- invitations nobody used ------------------------------------------------------------------

async def schedule(tx: Tx, now: datetime) -> None:
    """Make sure the next daily run is in the outbox (one row per day, idempotent)."""
    run = now.replace(hour=RUN_AT[0], minute=RUN_AT[1], second=0, microsecond=0)
    if run <= now:
        run += timedelta(days=1)
    await outbox.enqueue(tx, None, Outgoing(key=JOB), due_at=run,
                         key=f"roster:retention:{run.date().isoformat()}", kind="job")


async def job_expire(tx: Tx, params: dict[str, Any], *, services: Services) -> None:
    """Previews never applied, and invitations unused for `[privacy] invitation_days` since
    they were sent or last reminded, are deleted; so is a person created only to receive an
    invitation on Slack who never answered (no consent, not a coordinator)."""
    from bot.kernel.alerts import coordinators_of
    from bot.privacy.personal_data import erase, inspect

    now = services.clock.now()
    await schedule(tx, now)
    await tx.execute("DELETE FROM roster_imports WHERE status = 'pending' AND created_at < ?",
                     (to_iso(now - PREVIEW_TTL),))
    days = services.config.privacy.invitation_days
    if days <= 0:
        return
    rows = await tx.all(
        "SELECT e.id, e.programme_id, e.person_id, p.status, p.consent_at FROM roster_entries e"
        " LEFT JOIN people p ON p.id = e.person_id WHERE e.status = 'invited'"
        " AND coalesce(e.reminded_at, e.invited_at) < ? ORDER BY e.id LIMIT ?",
        (to_iso(now - timedelta(days=days)), MAX_PER_RUN + 1))
    expired, more = rows[:MAX_PER_RUN], len(rows) > MAX_PER_RUN
    coordinators: dict[int, set[int]] = {}
    invitees: list[int] = []
    for row in expired:
        await outbox.cancel(tx, f"invite:{row['id']}:")
        await tx.execute("DELETE FROM roster_entries WHERE id = ?", (row["id"],))
        if row["person_id"] is None or row["status"] != "new" or row["consent_at"]:
            continue
        if row["programme_id"] not in coordinators:
            coordinators[row["programme_id"]] = set(
                await coordinators_of(tx, services, row["programme_id"]))
        if row["person_id"] not in coordinators[row["programme_id"]]:
            invitees.append(row["person_id"])
    if invitees:
        await erase(tx, await inspect(tx), invitees)
    if more:
        await outbox.enqueue(tx, None, Outgoing(key=JOB), due_at=now + timedelta(minutes=5),
                             key=f"roster:retention:more:{to_iso(now)}", kind="job")


async def _on_started(tx: Tx, services: Services, event: Started) -> None:
    await schedule(tx, services.clock.now())


def register(router: Router) -> None:
    """Called by bot/admin/roster_invites.py's register (the roster feature's)."""
    router.job(JOB, job_expire)
    router.hooks.on(Started, _on_started)
