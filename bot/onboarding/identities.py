"""Who a person is in the store — names, handles, platform ids — and which of those identify
only them: a name that someone who stays also carries (another "Marie", or "Mia" while "Mia
Dupont" stays) identifies nobody, so /forget leaves it alone. Also how coordinators find a
person by what they type (`find_people`: handle, username, name; case and accents ignored).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.kernel.people import Person
from bot.store.db import Tx
from bot.store.schema_map import chunks, like_escape, marks

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


# --- finding a person by what a coordinator types --------------------------------------------

MAX_FOUND = 8
_MENTION = re.compile(r"<@([A-Z0-9]{1,32})(?:\|[^<>]*)?>")
_SEPARATORS = re.compile(r"[\s._-]+")
_ACCENTABLE = frozenset("aceinouyz")   # letters that may carry an accent once folded


def fold(text: str) -> str:
    """"Hélène  Côté", "helene.cote" → "helene cote": no case, no accents, one separator."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare).strip()


def _loose_pattern(folded: str) -> str:
    """A LIKE pattern that every spelling of `folded` matches, accents and case included
    (an accentable letter is any one character); the exact test is made in Python."""
    words = [
        "".join("_" if c in _ACCENTABLE or not c.isascii() else like_escape(c) for c in word)
        for word in folded.split()]
    return "%" + "%".join(words) + "%"


async def find_people(tx: Tx, programme_id: int, typed: str) -> list[Person]:
    """The people of the programme a coordinator means by `typed`: a console handle, a Slack
    or Telegram username or user id (`@mia`, `<@U123|mia>`), or a display name — case and
    accents ignored. An exact match wins; otherwise every person whose name has words
    starting with the words typed ("marie" finds "Marie Tremblay"), best first."""
    typed = typed.strip()
    mention = _MENTION.fullmatch(typed)
    token = (mention.group(1) if mention else typed.lstrip("@")).strip()[:100]
    wanted = fold(token)
    if not wanted:
        return []
    # Both from an index (migration 017): the handle as typed or in lower case (console
    # handles are), and a platform user id.
    exact = [row[0] for row in await tx.all(
        "SELECT id FROM people WHERE programme_id = :p AND handle IN (:token, :lower)"
        " UNION SELECT a.person_id FROM addresses a JOIN people p ON p.id = a.person_id"
        " WHERE a.user_id = :token AND p.programme_id = :p",
        {"p": programme_id, "token": token, "lower": token.lower()})]
    if exact:
        return await _people(tx, sorted(exact)[:MAX_FOUND])
    # One pass over the names in SQL (no index serves a substring), then the exact test in
    # Python on the rows the loose pattern lets through. `+programme_id` and CROSS JOIN keep
    # SQLite reading the tables in order instead of fetching every row through an index on
    # programme_id (eight times slower at 100k people).
    rows = await tx.all(
        "SELECT id, display_name AS name, handle FROM people WHERE +programme_id = :p"
        " AND (display_name LIKE :like ESCAPE '\\' OR handle LIKE :like ESCAPE '\\')"
        " UNION ALL SELECT p.id, a.display_name, p.handle FROM addresses a CROSS JOIN people p"
        " ON p.id = a.person_id WHERE a.display_name LIKE :like ESCAPE '\\'"
        " AND p.programme_id = :p", {"p": programme_id, "like": _loose_pattern(wanted)})
    names: dict[int, set[str]] = {}
    for row in rows:
        names.setdefault(row[0], set()).update(fold(n) for n in (row[1], row[2]) if n)
    same = [pid for pid, found in names.items() if wanted in found]
    if same:
        return await _people(tx, sorted(same)[:MAX_FOUND])
    words = wanted.split()
    starting = [pid for pid, found in names.items()
                if any(_words_start(name.split(), words) for name in found)]
    return await _people(tx, sorted(starting)[:MAX_FOUND])


async def _people(tx: Tx, ids: list[int]) -> list[Person]:
    if not ids:
        return []
    rows = await tx.all(f"SELECT * FROM people WHERE id IN ({marks(ids)}) ORDER BY id", ids)
    return [Person.from_row(row) for row in rows]


def _words_start(name: list[str], words: list[str]) -> bool:
    """Each word typed starts a word of the name, in order ("mar tre" → "marie tremblay")."""
    position = 0
    for word in words:
        while position < len(name) and not name[position].startswith(word):
            position += 1
        if position == len(name):
            return False
        position += 1
    return True
