"""Who a person is in the store — names, handles, platform ids — and which of those identify
only them: a name that someone who stays also carries (another "Marie", or "Mia" while "Mia
Dupont" stays) identifies nobody, so /forget leaves it alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.schema_map import chunks, like_escape, marks
from bot.store.db import Tx

_MIN_WORD = 3       # shorter names ("Al") are not replaced inside free text
_MIN_DIGITS = 5     # a numeric platform id shorter than this could be any number
_FEW_NAMES = 24     # up to this many, SQLite's LIKE finds namesakes faster than a full read


@dataclass
class Identity:
    """What identifies the people being forgotten, and what must stay untouched."""

    ids: list[int]
    address_keys: list[tuple[str, str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)      # as stored: searched for
    words: list[str] = field(default_factory=list)      # replaced inside free text
    exact: set[str] = field(default_factory=set)        # a whole value equal to one (casefold)

    @property
    def actor_keys(self) -> list[str]:
        return [":".join(key) for key in self.address_keys]

    def word_pattern(self) -> re.Pattern[str] | None:
        if not self.words:
            return None
        alternatives = "|".join(re.escape(w) for w in sorted(set(self.words), key=len,
                                                             reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


async def identify(tx: Tx, person_ids: Sequence[int]) -> Identity:
    ids = list(dict.fromkeys(person_ids))
    identity = Identity(ids)
    candidates: set[str] = set()
    for chunk in chunks(ids):
        for row in await tx.all(f"SELECT id, display_name, handle FROM people"
                                f" WHERE id IN ({marks(chunk)})", chunk):
            candidates |= {row["display_name"], row["handle"]}
            identity.exact.add(f"#{row['id']}")
            identity.names.append(f"#{row['id']}")
        for row in await tx.all(f"SELECT * FROM addresses WHERE person_id IN ({marks(chunk)})",
                                chunk):
            key = (row["platform"], row["workspace"], row["user_id"])
            identity.address_keys.append(key)
            candidates |= {row["user_id"], row["display_name"]}
            identity.exact.add(":".join(key).casefold())
    taken = await _names_that_stay(tx, ids, candidates)
    for candidate in sorted(c.strip() for c in candidates if c and c.strip()):
        if " ".join(tokens(candidate)) in taken:
            continue  # someone who stays has this name: it identifies nobody
        identity.exact.add(candidate.casefold())
        identity.names.append(candidate)
        if _worth_scrubbing(candidate):
            identity.words.append(candidate)
    return identity


def _worth_scrubbing(word: str) -> bool:
    if word.isascii() and word.isdigit():
        return len(word) >= _MIN_DIGITS
    return len(word) >= _MIN_WORD


_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


async def _names_that_stay(tx: Tx, ids: list[int], candidates: set[str]) -> set[str]:
    """Every run of words inside the names of people who are not being forgotten, among the
    names that contain a candidate: "Mia" is taken when "Mia Dupont" stays."""
    leaving = set(ids)
    names = sorted({c.strip() for c in candidates if c and c.strip()})
    sql = ("SELECT id AS pid, display_name AS a, handle AS b FROM people{where_p}"
           " UNION ALL SELECT person_id, display_name, user_id FROM addresses{where_a}")
    if not names:
        return set()
    if len(names) <= _FEW_NAMES:  # one person: let SQLite pick the few rows that matter
        likes = [f"%{like_escape(n)}%" for n in names]
        where_p = " WHERE " + " OR ".join("display_name LIKE ? ESCAPE '\\'"
                                          " OR handle LIKE ? ESCAPE '\\'" for _ in likes)
        where_a = " WHERE " + " OR ".join("display_name LIKE ? ESCAPE '\\'"
                                          " OR user_id LIKE ? ESCAPE '\\'" for _ in likes)
        params = [x for like in likes for x in (like, like)] * 2
        rows = await tx.all(sql.format(where_p=where_p, where_a=where_a), params)
    else:
        rows = await tx.all(sql.format(where_p="", where_a=""))
    taken: set[str] = set()
    for row in rows:
        if row["pid"] in leaving:
            continue
        for name in (row["a"], row["b"]):
            words = tokens(name or "")[:8]
            taken.update(" ".join(words[i:j]) for i in range(len(words))
                         for j in range(i + 1, len(words) + 1))
    return taken
