"""What the matching index must re-read although no time stamp says so.

The index (bot/mentoring/matchmaking.py) learns about changes by time stamps (`updated_at`,
`answered_at`, ...). An erasure leaves none: the person's row is gone, and so are the
requests and relationships that took places of their mentors. So the erasure writes, in its
own transaction, one row per person erased and per mentor whose load it changes, and every
bot process reads the rows after the last sequence number it saw — several processes on one
database all see them. Only the latest `KEEP` rows are kept: a process that finds it missed
some (a gap before the first row it reads) checks its whole index instead (`missed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.db import Tx
from bot.store.schema_map import chunks, marks

KEEP = 10_000


@dataclass(frozen=True)
class Changes:
    rows: dict[int, set[int]]   # programme id -> people row ids to re-read
    last: int                   # the last sequence number read
    missed: bool                # rows after the one given were dropped before being read


async def note_erased(tx: Tx, person_ids: Sequence[int]) -> None:
    """Before an erasure deletes `person_ids`: them, and the mentors of their requests and
    relationships (whatever their status: they are closed or ended in this transaction)."""
    for chunk in chunks(list(person_ids)):
        ids = marks(chunk)
        await tx.execute(
            "INSERT INTO matching_changes (programme_id, people_row)"
            f" SELECT programme_id, id FROM people WHERE id IN ({ids})"
            f" UNION SELECT programme_id, mentor_id FROM requests WHERE mentee_id IN ({ids})"
            f" UNION SELECT programme_id, mentor_id FROM matches WHERE mentee_id IN ({ids})",
            [*chunk, *chunk, *chunk])
    await tx.execute("DELETE FROM matching_changes WHERE seq <= (SELECT max(seq)"
                     " FROM matching_changes) - ?", (KEEP,))


async def last_seq(tx: Tx) -> int:
    return await tx.value("SELECT coalesce(max(seq), 0) FROM matching_changes")


# The rows after :seq, as (seq, programme id, people row): a query of its own, or a part of
# a UNION ALL in a caller's query.
AFTER = "SELECT seq, programme_id, people_row FROM matching_changes WHERE seq > :seq"


async def read_after(tx: Tx, seq: int) -> Changes:
    return from_rows(await tx.all(f"{AFTER} ORDER BY seq", {"seq": seq}), seq)


def from_rows(rows: Sequence[Any], seq: int) -> Changes:
    """`Changes` from rows (seq, programme id, people row) read after `seq`, in any order."""
    if not rows:
        return Changes({}, seq, False)
    found: dict[int, set[int]] = {}
    for row in rows:
        found.setdefault(row[1], set()).add(row[2])
    first, last = min(row[0] for row in rows), max(row[0] for row in rows)
    return Changes(found, last, first > seq + 1)
