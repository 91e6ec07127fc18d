"""People and their addresses: who is talking, in which programme, with which profile."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.kernel.events import Address
from bot.store.db import Tx

ROLES = ("mentee", "mentor", "both")
# Platforms whose display name and @username are the person's own, and may change there
# (a console name is made from the handle, which is the identity).
NAMED_BY_PLATFORM = frozenset({"slack", "telegram"})

# Columns holding JSON lists, and how each profile field is stored.
_JSON_FIELDS = frozenset({"topics_sought", "topics_offered", "languages", "availability"})
PROFILE_FIELDS = (
    "role", "topics_sought", "topics_offered", "goals", "languages", "timezone",
    "availability", "seniority", "department", "capacity",
)
_WRITABLE = frozenset({
    *PROFILE_FIELDS, "display_name", "handle", "language", "status", "consent_at",
    "paused", "reverse", "manager_id", "onboarded_at", "programme_id", "timezone_place",
})


@dataclass
class Person:
    id: int
    programme_id: int
    display_name: str
    handle: str
    language: str
    status: str
    consent_at: str | None
    role: str | None
    topics_sought: list[str] = field(default_factory=list)
    topics_offered: list[str] = field(default_factory=list)
    goals: str = ""
    languages: list[str] = field(default_factory=list)
    timezone: str = ""
    timezone_place: str = ""  # the city the person typed for it ("Montréal"), shown in times
    availability: list[tuple[int, int, int]] = field(default_factory=list)
    seniority: int = 0
    department: str = ""
    capacity: int = 0
    paused: bool = False
    reverse: bool = False
    manager_id: int | None = None
    created_at: str = ""
    onboarded_at: str | None = None
    # why they may not be matched now (bot/mentoring/eligibility.py); "" = none
    matching_hold: str = ""

    @property
    def is_mentee(self) -> bool:
        return self.role in ("mentee", "both")

    @property
    def is_mentor(self) -> bool:
        return self.role in ("mentor", "both")

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def name(self) -> str:
        return self.display_name or self.handle or f"#{self.id}"

    @classmethod
    def from_row(cls, row: Any) -> Person:
        data = dict(row)
        for name in _JSON_FIELDS:  # read for every event: an empty list needs no parser
            text = data[name]
            data[name] = json.loads(text) if text and text != "[]" else []
        data["availability"] = [tuple(slot) for slot in data["availability"]]
        data["paused"] = bool(data["paused"])
        data["reverse"] = bool(data["reverse"])
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


async def find_by_address(tx: Tx, address: Address) -> Person | None:
    row = await tx.one(
        "SELECT p.* FROM people p JOIN addresses a ON a.person_id = p.id "
        "WHERE a.platform = ? AND a.workspace = ? AND a.user_id = ?",
        address.key,
    )
    return Person.from_row(row) if row else None


async def recognise(tx: Tx, address: Address, now: datetime) -> Person | None:
    """The person behind an inbound event's address, with the names the platform gives now.

    A Slack or Telegram display name or @username changes; what we stored is refreshed from
    the event itself, written only when it differs (one read either way, the same read that
    finds the person). The person's own `display_name` and `handle` follow only while they
    are the platform's (equal to what this address said before, or empty): a name given by a
    roster stays. An event without a display name (the platform's profile lookup failed)
    says nothing about names and changes nothing."""
    row = await tx.one(
        "SELECT p.*, a.display_name AS seen_name, a.username AS seen_username FROM people p"
        " JOIN addresses a ON a.person_id = p.id"
        " WHERE a.platform = ? AND a.workspace = ? AND a.user_id = ?", address.key)
    if row is None:
        return None
    person = Person.from_row(row)
    name, username = address.display_name[:100], address.username[:100]
    if address.platform not in NAMED_BY_PLATFORM or not name or (
            name == row["seen_name"] and username == row["seen_username"]):
        return person
    await tx.execute(
        "UPDATE addresses SET display_name = ?, username = ? WHERE platform = ?"
        " AND workspace = ? AND user_id = ?", (name, username, *address.key))
    changes: dict[str, Any] = {}
    if person.display_name in ("", row["seen_name"]) and person.display_name != name:
        changes["display_name"] = name
    if person.handle in ("", row["seen_username"]) and person.handle != username:
        changes["handle"] = username
    return await update(tx, person, now, **changes) if changes else person


async def get(tx: Tx, person_id: int) -> Person | None:
    row = await tx.one("SELECT * FROM people WHERE id = ?", (person_id,))
    return Person.from_row(row) if row else None


async def create(
    tx: Tx, address: Address, programme_id: int, language: str, now: datetime, handle: str = ""
) -> Person:
    stamp = now.isoformat(timespec="seconds")
    person_id = await tx.insert(
        "INSERT INTO people (programme_id, display_name, handle, language, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (programme_id, address.display_name[:100], handle[:100], language, stamp, stamp),
    )
    await tx.execute(
        "INSERT INTO addresses (platform, workspace, user_id, person_id, display_name, locale,"
        " timezone, username, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*address.key, person_id, address.display_name[:100], address.locale[:20],
         address.timezone[:64], address.username[:100], stamp),
    )
    person = await get(tx, person_id)
    assert person is not None
    return person


async def update(tx: Tx, person: Person, now: datetime, **changes: Any) -> Person:
    """Write `changes` to the person's row and return the fresh person."""
    unknown = set(changes) - _WRITABLE
    if unknown:
        raise ValueError(f"not writable: {sorted(unknown)}")
    if "timezone" in changes and "timezone_place" not in changes:
        changes["timezone_place"] = ""  # a place belongs to the zone it was typed for
    columns, values = [], []
    for name, value in changes.items():
        columns.append(f"{name} = ?")
        if name in _JSON_FIELDS:
            value = json.dumps(list(value), ensure_ascii=False)
        elif isinstance(value, bool):
            value = int(value)
        values.append(value)
    columns.append("updated_at = ?")
    values.append(now.isoformat(timespec="seconds"))
    row = await tx.one(f"UPDATE people SET {', '.join(columns)} WHERE id = ? RETURNING *",
                       (*values, person.id))  # the fresh row, in the same statement
    assert row is not None
    return Person.from_row(row)


async def addresses_of(tx: Tx, person_id: int, reachable_only: bool = False) -> list[Address]:
    """The person's addresses, the reachable ones first, oldest first."""
    where = " AND unreachable_at IS NULL" if reachable_only else ""
    rows = await tx.all(
        f"SELECT * FROM addresses WHERE person_id = ?{where}"
        " ORDER BY unreachable_at IS NOT NULL, created_at",
        (person_id,),
    )
    return [
        Address(r["platform"], r["workspace"], r["user_id"], r["display_name"], r["locale"],
                r["timezone"])
        for r in rows
    ]


async def find_by_handle(tx: Tx, programme_id: int, handle: str) -> Person | None:
    """A person by console handle or display name (admin commands name people this way)."""
    handle = handle.lstrip("@").strip()
    row = await tx.one(
        "SELECT p.* FROM people p LEFT JOIN addresses a ON a.person_id = p.id "
        "WHERE p.programme_id = ? AND (p.handle = ? COLLATE NOCASE OR a.user_id = ?) LIMIT 1",
        (programme_id, handle, handle),
    )
    return Person.from_row(row) if row else None
