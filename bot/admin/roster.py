"""Reading a coordinator's roster: a CSV file of the people to invite, checked row by row.

Pure: bytes in, rows and problems out (no database, no I/O). A roster comes from a
spreadsheet: UTF-8 (with or without the BOM Excel writes) or Windows-1252 (Excel's "CSV" on
a French Windows), separated by commas, semicolons (Excel in French) or tabs; column names
in English or French, in any order, case and accents ignored:

    name (or first_name + last_name) | nom (or prénom + nom)
    email | courriel                  \\
    slack_id | slack                   \\ at least one of these columns, and on each row
    telegram                           /  one way to reach the person
    handle | identifiant (console)    /
    role | rôle            mentee / mentor / both — mentoré(e) / mentor, mentore / les deux
    language | langue      fr / en (français, anglais, French, English)
    department | service   optional
    seniority | ancienneté optional, 1 to 5

Every problem names its line (as the spreadsheet numbers it, header = line 1) and a
catalogue key with its parameters, so that the coordinator reads it in their language.
Other columns (a phone number, notes) are ignored and listed as such.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 1_000_000
MAX_ROWS = 5000
MAX_NAME = 100
MAX_DEPARTMENT = 100
MAX_SHOWN = 40  # characters of a bad value said back

_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]{2,}")
_SLACK = re.compile(r"[UW][A-Z0-9]{2,20}")
_TELEGRAM = re.compile(r"\d{3,15}|@?[A-Za-z][A-Za-z0-9_]{4,31}")
_HANDLE = re.compile(r"@?[A-Za-z0-9][\w.-]{0,39}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

COLUMNS: dict[str, frozenset[str]] = {
    "name": frozenset({"name", "full_name", "nom_complet", "prenom_nom", "participant"}),
    "first_name": frozenset({"first_name", "firstname", "given_name", "prenom"}),
    "last_name": frozenset({"last_name", "lastname", "surname", "family_name",
                            "nom_de_famille"}),
    "email": frozenset({"email", "e_mail", "mail", "courriel", "adresse_courriel",
                        "adresse_electronique", "courrier_electronique"}),
    "slack_id": frozenset({"slack_id", "slack", "id_slack", "slack_user_id"}),
    "telegram": frozenset({"telegram", "telegram_id", "id_telegram", "telegram_username"}),
    "handle": frozenset({"handle", "console", "identifiant", "pseudo", "username"}),
    "role": frozenset({"role", "type", "participation"}),
    "language": frozenset({"language", "langue", "lang", "langue_de_communication"}),
    "department": frozenset({"department", "departement", "service", "direction", "equipe",
                             "team", "ecole", "school", "programme_d_etudes"}),
    "seniority": frozenset({"seniority", "anciennete", "niveau", "level", "experience"}),
}
CONTACTS = ("email", "slack_id", "telegram", "handle")

_MENTEE = {"mentee", "mentoré", "mentorée", "mentoré(e)", "mentoré·e", "personne mentorée",
           "protégé", "protégée", "apprenant", "apprenante"}
_MENTOR = {"mentor", "mentore", "mentor(e)", "mentor ou mentore", "mentors"}
_BOTH = {"both", "les deux", "deux", "peer", "pair", "mentor et mentoré", "mentor and mentee"}
_LANGUAGES = {"fr": {"fr", "fr-ca", "fr_ca", "français", "francais", "french", "fra", "fre"},
              "en": {"en", "en-ca", "en_ca", "en-us", "anglais", "english", "eng", "ang"}}


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    email: str = ""
    slack_id: str = ""
    telegram: str = ""
    handle: str = ""
    role: str = "mentee"
    language: str = "en"
    department: str = ""
    seniority: int = 0

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RosterRow:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def keys(self) -> list[tuple[str, str]]:
        """How this person is recognised: (kind, value) for each way to reach them."""
        return [(kind, getattr(self, kind).lower()) for kind in CONTACTS if getattr(self, kind)]


@dataclass(frozen=True)
class Problem:
    line: int                # 0: the file as a whole
    key: str                 # under roster_import.problem.
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Checked:
    rows: tuple[RosterRow, ...]
    problems: tuple[Problem, ...]
    ignored: tuple[str, ...] = ()   # columns nobody reads (as the file names them)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


def _column_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def _shown(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN - 1] + "…"


def _clean(value: str) -> str:
    return " ".join(_CONTROL.sub("", unicodedata.normalize("NFC", value)).split())


def decode(data: bytes) -> str | None:
    """UTF-8 (BOM or not), else Windows-1252; None for something that is not text."""
    if b"\x00" in data[:4096]:
        return None  # UTF-16 or a binary file (a .xlsx saved under a .csv name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def parse_role(value: str) -> str | None:
    text = " ".join(value.casefold().split())
    for role, words in (("mentee", _MENTEE), ("mentor", _MENTOR), ("both", _BOTH)):
        if text in words:
            return role
    folded = fold(value)  # without accents: "mentore" is a mentor, so only English here
    return {"mentee": "mentee", "mentor": "mentor", "both": "both"}.get(folded)


def parse_language(value: str) -> str | None:
    text = fold(value)
    for lang, words in _LANGUAGES.items():
        if text in {fold(w) for w in words}:
            return lang
    return None


def _header(cells: list[str]) -> tuple[dict[str, int], list[str], list[Problem]]:
    """Column index by field, ignored columns, and problems with the header itself."""
    found: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    names = [_column_name(cell) for cell in cells]
    has_first = any(n in COLUMNS["first_name"] for n in names)
    for index, (cell, name) in enumerate(zip(cells, names, strict=True)):
        if not name:
            continue
        if name == "nom":  # "nom" alone is the whole name; beside "prénom", the family name
            kind: str | None = "last_name" if has_first else "name"
        else:
            kind = next((k for k, words in COLUMNS.items() if name in words), None)
        if kind is None:
            ignored.append(_shown(_clean(cell)))
        elif kind in found:
            problems.append(Problem(1, "duplicate_column", {"column": _shown(_clean(cell))}))
        else:
            found[kind] = index
    missing = []
    if "name" not in found and not {"first_name", "last_name"} <= set(found):
        missing.append("name")
    missing += [kind for kind in ("role", "language") if kind not in found]
    if not any(kind in found for kind in CONTACTS):
        missing.append("email")
    if missing:
        problems.append(Problem(1, "missing_columns", {"columns": ", ".join(missing)}))
    return found, ignored, problems


def read_roster(data: bytes) -> Checked:
    """Every row checked; `rows` holds only the good ones, `problems` every bad one."""
    if not data.strip():
        return Checked((), (Problem(0, "empty"),))
    if len(data) > MAX_BYTES:
        return Checked((), (Problem(0, "too_big", {"limit": MAX_BYTES // 1000}),))
    text = decode(data)
    if text is None:
        return Checked((), (Problem(0, "not_text"),))
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return Checked((), (Problem(0, "empty"),))
    columns, ignored, problems = _header(header)
    if problems:
        return Checked((), tuple(problems), tuple(ignored))
    rows: list[RosterRow] = []
    seen: dict[tuple[str, str], int] = {}
    count = 0
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            problems.append(Problem(start, "bad_quotes"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        count += 1
        if count > MAX_ROWS:
            return Checked((), (Problem(0, "too_many_rows", {"limit": MAX_ROWS}),),
                           tuple(ignored))
        row, row_problems = _row(start, cells, columns, len(header))
        for key in (row.keys() if row else []):
            if key in seen:
                row_problems.append(Problem(start, "duplicate", {
                    "other": seen[key], "what": key[0]}))
            else:
                seen[key] = start
        if row_problems or row is None:
            problems += row_problems
        else:
            rows.append(row)
    if not count and not problems:
        problems.append(Problem(0, "no_rows"))
    return Checked(tuple(rows), tuple(problems), tuple(ignored))


def _row(line: int, cells: list[str], columns: dict[str, int],
         width: int) -> tuple[RosterRow | None, list[Problem]]:
    problems: list[Problem] = []
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        problems.append(Problem(line, "too_many_cells", {"count": len(cells), "expected": width}))

    def cell(kind: str) -> str:
        index = columns.get(kind)
        return _clean(cells[index]) if index is not None and index < len(cells) else ""

    name = cell("name") or " ".join(p for p in (cell("first_name"), cell("last_name")) if p)
    if not name:
        problems.append(Problem(line, "name_missing"))
    elif len(name) > MAX_NAME:
        problems.append(Problem(line, "name_too_long", {"limit": MAX_NAME}))
    email = cell("email")
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        problems.append(Problem(line, "email_invalid", {"value": _shown(email)}))
    slack = cell("slack_id").upper()
    if slack and not _SLACK.fullmatch(slack):
        problems.append(Problem(line, "slack_invalid", {"value": _shown(cell("slack_id"))}))
    telegram = cell("telegram")
    if telegram and not _TELEGRAM.fullmatch(telegram):
        problems.append(Problem(line, "telegram_invalid", {"value": _shown(telegram)}))
    handle = cell("handle")
    if handle and not _HANDLE.fullmatch(handle):
        problems.append(Problem(line, "handle_invalid", {"value": _shown(handle)}))
    if not (email or slack or telegram or handle):
        problems.append(Problem(line, "no_contact"))
    raw_role = cell("role")
    role = parse_role(raw_role) if raw_role else None
    if not raw_role:
        problems.append(Problem(line, "role_missing"))
    elif role is None:
        problems.append(Problem(line, "role_invalid", {"value": _shown(raw_role)}))
    raw_language = cell("language")
    language = parse_language(raw_language) if raw_language else None
    if not raw_language:
        problems.append(Problem(line, "language_missing"))
    elif language is None:
        problems.append(Problem(line, "language_invalid", {"value": _shown(raw_language)}))
    department = cell("department")
    if len(department) > MAX_DEPARTMENT:
        problems.append(Problem(line, "department_too_long", {"limit": MAX_DEPARTMENT}))
    raw_seniority = cell("seniority")
    seniority = 0
    if raw_seniority:
        if raw_seniority in {"1", "2", "3", "4", "5"}:
            seniority = int(raw_seniority)
        else:
            problems.append(Problem(line, "seniority_invalid", {"value": _shown(raw_seniority)}))
    if problems or role is None or language is None:
        return None, problems
    return RosterRow(line, name, email.lower(), slack, telegram.lstrip("@").lower()
                     if not telegram.isdigit() else telegram, handle.lstrip("@").lower(),
                     role, language, department, seniority), []
