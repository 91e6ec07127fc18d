"""Our SQL (written for SQLite) as PostgreSQL reads it, translated once per statement.

The modules write one SQL for both stores; most of it is already portable. What is not is
rewritten here, at the boundary, so that a feature module never asks which database it runs on:
- placeholders: `?` and `:name` become `$1, $2, …` (named ones in order of first use);
- `INSERT OR IGNORE` becomes `INSERT … ON CONFLICT DO NOTHING`;
- `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case, PostgreSQL's does not);
- `x = ? COLLATE NOCASE` becomes `lower(x) = lower(?)`;
- `x IN (SELECT value FROM json_each(?))` reads the JSON array with json_array_elements_text;
- `json_group_array` is `json_agg`; `strftime('%s', t)` is the epoch of `t`;
- `datetime(t, '+' || n || ' minutes')` and `datetime(?)` compare as timestamps.
Migrations (DDL) go through `ddl()`: SQLite's types and row ids in PostgreSQL's words.
A statement this does not know stays as written: PostgreSQL then says what it refuses, and the
calling module gets a portable spelling (or a rule here).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_NAME_START = re.compile(r"[A-Za-z_]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Statement:
    """One SQLite statement as PostgreSQL SQL, with the names of its named parameters."""

    sql: str
    names: tuple[str, ...] = ()  # for `:name` parameters, the name of $1, $2, …
    table: str = ""              # the table an INSERT writes, for `insert()`'s new id
    returns: bool = False        # the statement already has a RETURNING clause


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> Statement:
    text, names = _placeholders(sql)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    text = _alias_subqueries(_count_truths(_scalar_extremes(text)))
    if _OR_IGNORE.search(text):
        text = _OR_IGNORE.sub("INSERT INTO", text)
        text = _append_before_returning(text, " ON CONFLICT DO NOTHING")
    insert = _INSERT_INTO.match(text)
    if insert:  # DO UPDATE SET n = n + excluded.n: PostgreSQL wants to know which n
        text = _INCREMENT.sub(lambda m: f"{m[1]}{insert[1]}.", text)
    return Statement(text, names, insert.group(1).lower() if insert else "",
                     bool(_RETURNING.search(text)))


def _placeholders(sql: str) -> tuple[str, tuple[str, ...]]:
    """`?` and `:name` outside quotes and comments become `$n`."""
    out: list[str] = []
    names: list[str] = []
    count = 0
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == char:
                    if end + 1 < n and sql[end + 1] == char:  # doubled quote inside
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1])
            i = end + 1
        elif char == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif char == "?":
            count += 1
            out.append(f"${count}")
            i += 1
        elif (char == ":" and i + 1 < n and _NAME_START.match(sql[i + 1])
              and (i == 0 or sql[i - 1] != ":")):
            name = _NAME.match(sql, i + 1).group(0)  # type: ignore[union-attr]
            if name not in names:
                names.append(name)
            out.append(f"${names.index(name) + 1}")
            i += 1 + len(name)
        else:
            out.append(char)
            i += 1
    if count and names:
        raise ValueError("a statement mixes ? and :name parameters")
    return "".join(out), tuple(names)


_SUBQUERY = re.compile(r"\b(?:FROM|JOIN)\s*\(\s*(?:SELECT|WITH|VALUES)\b", re.I)
_NOT_AN_ALIAS = re.compile(r"\s*(?:$|[);,]|(?:WHERE|GROUP|ORDER|LIMIT|UNION|EXCEPT|INTERSECT|"
                           r"HAVING|JOIN|LEFT|INNER|CROSS|FULL|RIGHT|NATURAL|ON|WINDOW)\b)",
                           re.I)


def _alias_subqueries(sql: str) -> str:
    """PostgreSQL before 16 wants a name for every subquery in FROM; SQLite does not."""
    out, position, number = [], 0, 0
    for found in _SUBQUERY.finditer(sql):
        if found.start() < position:
            continue  # inside a subquery already handled: its own FROM comes next round
        opening = sql.index("(", found.start())
        closing = _closing(sql, opening)
        if closing < 0:
            break
        out.append(sql[position:opening])
        inner = _alias_subqueries(sql[opening:closing + 1])
        number += 1
        alias = "" if not _NOT_AN_ALIAS.match(sql, closing + 1) else f" AS _q{number}"
        out.append(inner + alias)
        position = closing + 1
    out.append(sql[position:])
    return "".join(out)


_INCREMENT = re.compile(r"(\b(\w+)\s*=\s*)(?=\2\s*[-+]\s*excluded\.)", re.I)
_EXTREME = re.compile(r"\b(max|min)\(", re.I)


def _scalar_extremes(sql: str) -> str:
    """max(a, b) and min(a, b) of SQLite (not the aggregates) are greatest() and least()."""
    out, position = [], 0
    for found in _EXTREME.finditer(sql):
        if found.start() < position:
            continue
        opening = found.end() - 1
        closing = _closing(sql, opening)
        if closing < 0:
            break
        inner = sql[opening + 1:closing]
        if len(_top_level_split(inner)) > 1:
            name = "greatest" if found[1].lower() == "max" else "least"
            out.append(sql[position:found.start()] + f"{name}({_scalar_extremes(inner)})")
            position = closing + 1
    out.append(sql[position:])
    return "".join(out)


def _top_level_split(text: str) -> list[str]:
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


_AGGREGATE = re.compile(r"\b(?:sum|max|min|total)\(", re.I)
_COMPARISON = re.compile(r"=|<|>|\bIN\s*\(|\bIS\b|\bLIKE\b", re.I)


def _count_truths(sql: str) -> str:
    """sum(a = b), max(x IN (…)): SQLite's comparisons are 0 or 1, PostgreSQL's are booleans,
    which sum() and max() refuse; the comparison is cast to an integer."""
    out, position = [], 0
    for found in _AGGREGATE.finditer(sql):
        if found.start() < position:
            continue
        opening = found.end() - 1
        closing = _closing(sql, opening)
        if closing < 0:
            break
        inner = sql[opening + 1:closing]
        if _COMPARISON.search(inner) and not re.search(r"\b(CASE|SELECT)\b", inner, re.I):
            out.append(sql[position:opening + 1] + f"({inner})::int)")
            position = closing + 1
    out.append(sql[position:])
    return "".join(out)


def _closing(sql: str, opening: int) -> int:
    depth, quote = 0, ""
    for index in range(opening, len(sql)):
        char = sql[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _append_before_returning(sql: str, clause: str) -> str:
    found = _RETURNING.search(sql)
    if found is None:
        return sql.rstrip().rstrip(";") + clause
    return sql[:found.start()] + clause + sql[found.start():]


_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_INSERT_INTO = re.compile(r'\s*INSERT\s+INTO\s+"?(\w+)"?', re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_OPERAND = r"[\w.]+(?:\([^()]*\))?"  # a column, or a call without nested calls

_REWRITES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!\w)(" + _OPERAND + r")\s*=\s*(\$\d+)\s+COLLATE\s+NOCASE", re.I),
     r"lower(\1) = lower(\2)"),
    (re.compile(r"\bLIKE\b", re.I), "ILIKE"),
    (re.compile(r"([\w.]+)\s+IN\s+\(\s*SELECT\s+value\s+FROM\s+json_each\((\$\d+)\)\s*\)", re.I),
     r"\1::text IN (SELECT json_array_elements_text(\2::json))"),
    (re.compile(r"\bjson_group_array\(", re.I), "json_agg("),
    # SQLite's catalogue, as far as our modules read it: "is there a table named …?".
    (re.compile(r"\bFROM\s+sqlite_master\b", re.I),
     "FROM (SELECT table_name::text AS name, table_name::text AS tbl_name, 'table' AS type"
     " FROM information_schema.tables WHERE table_schema = current_schema()) AS sqlite_master"),
    # CROSS JOIN … ON fixes SQLite's join order; PostgreSQL knows only JOIN … ON.
    (re.compile(r"\bCROSS\s+JOIN\s+(\w+(?:\s+(?:AS\s+)?(?!ON\b)\w+)?)\s+ON\b", re.I),
     r"JOIN \1 ON"),
    # `+column` keeps SQLite off an index; PostgreSQL has no unary plus on text.
    (re.compile(r"\b(WHERE|AND|OR|ON)\s+\+(?=[A-Za-z_\"])", re.I), r"\1 "),
    # round(x, n) of a double: PostgreSQL rounds to n places only a numeric.
    (re.compile(r"\bround\(([^(),]+(?:\([^()]*\))?),\s*(\d+)\)", re.I),
     r"round((\1)::numeric, \2)"),
    (re.compile(r"\bstrftime\('%s',\s*(" + _OPERAND + r")\)", re.I),
     r"extract(epoch from (\1)::timestamptz)::bigint"),
    (re.compile(r"\bdatetime\(([\w.]+),\s*'\+'\s*\|\|\s*([\w.]+)\s*\|\|\s*' minutes'\)", re.I),
     r"((\1)::timestamptz + (\2) * interval '1 minute')"),
    (re.compile(r"\bdatetime\((\$\d+)\)", re.I), r"(\1::text)::timestamptz"),
]


# --- migrations --------------------------------------------------------------------------

_TYPES: list[tuple[re.Pattern[str], str]] = [
    # A row id SQLite assigns (INTEGER PRIMARY KEY [AUTOINCREMENT]) is an identity column.
    (re.compile(r"\b(\w+)\s+INTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b", re.I),
     r"\1 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b", re.I),
     "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    # SQLite's integers are 64-bit, its REAL a double.
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
]
TRIGGER = re.compile(r"^\s*CREATE\s+TRIGGER\b", re.I)
_TABLE_DDL = re.compile(r"^\s*(?:CREATE\s+TABLE|ALTER\s+TABLE)\b", re.I)
_TEXT_COLUMN = re.compile(r"(?<!AS )\bTEXT\b")
# The one trigger our schema writes: a table that refuses a change ("append-only").
_REFUSING_TRIGGER = re.compile(
    r"^\s*CREATE\s+TRIGGER\s+(\w+)\s+BEFORE\s+(UPDATE|DELETE|INSERT)\s+ON\s+(\w+)\s+"
    r"BEGIN\s+SELECT\s+RAISE\s*\(\s*ABORT\s*,\s*'((?:[^']|'')*)'\s*\)\s*;\s*END\s*;?\s*$",
    re.I)
DDL = re.compile(r"^\s*(?:CREATE|ALTER|DROP)\b", re.I)


def ddl(statement: str) -> str:
    """A migration statement of SQLite in PostgreSQL's words. Of triggers, only the refusing
    kind (`BEGIN SELECT RAISE(ABORT, '…'); END`) is known; another needs its PostgreSQL
    version in the migration's `.postgres.sql` file."""
    if TRIGGER.match(statement):
        found = _REFUSING_TRIGGER.match(statement)
        if found is None:
            raise ValueError("this trigger needs its own PostgreSQL version "
                             "(NNN_name.postgres.sql)")
        name, event, table, message = found.groups()
        # An integrity violation, as SQLite's RAISE(ABORT): /forget deletes the row instead.
        return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"
                f" END; $$;\n"
                f"CREATE TRIGGER {name} BEFORE {event.upper()} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()")
    text = statement
    for pattern, replacement in _TYPES:
        text = pattern.sub(replacement, text)
    if _TABLE_DDL.match(text):
        # Text compares and sorts byte by byte, as SQLite's BINARY collation does (ISO times,
        # keys, names), whatever the database's locale; ILIKE and lower() then fold ASCII
        # only, as SQLite's LIKE and NOCASE do.
        text = _TEXT_COLUMN.sub('TEXT COLLATE "C"', text)
    return text
