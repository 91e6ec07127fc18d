"""How long a coordinator's roster keeps what it says about people (names, e-mails, platform
ids…): only while it is of use (docs/privacy.md, "Rosters and invitations").

- Joining: what the roster said moves into the person's profile (bot/roster_invites.py
  `prefill`) and their row keeps no copy — only the role, the language, which questions it
  answered, the code and the dates, for `/admin invitations`.
- `/forget` (and the retention sweep): rows linked to the person go with them (foreign key);
  rows that name one of their platform ids without being linked (they joined without the
  code) are deleted too (`forget_rows`), and `/mydata` shows them (`rows_about`).
- An invitation nobody used expires after `[privacy] invitation_days` (default 90) from its
  last sending or reminder: a daily job deletes the row, and the person created only to
  receive it on Slack (they never answered). A roster preview never applied is deleted a day
  after it was made.
"""

from __future__ import annotations

from typing import Any

from bot.store.db import Tx

# What a joined person's row keeps: nothing that says who they are.
_EMPTIED = ("name = '', email = '', slack_id = '', telegram = '', handle = '',"
            " department = '', seniority = 0")


async def anonymise_joined(tx: Tx, entry_id: int, answered: str, now_iso: str) -> None:
    """The row of someone who joined: marked joined, emptied of what identifies them."""
    await tx.execute(f"UPDATE roster_entries SET status = 'joined', joined_at = ?,"
                     f" answered = ?, {_EMPTIED} WHERE id = ? AND status = 'invited'",
                     (now_iso, answered, entry_id))


async def joined_keys(tx: Tx, programme_id: int) -> set[tuple[str, str]]:
    """The (kind, value) roster keys of the people who joined from this programme's rosters,
    read from their addresses (their rows no longer hold them): a roster imported again
    does not invite them twice. An e-mail is not kept anywhere once they joined."""
    keys: set[tuple[str, str]] = set()
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
    """Which onboarding questions the row answers (bot/onboarding.py PREFILLABLE)."""
    return " ".join(name for name in ("role", "seniority", "department") if entry[name])
