"""Points: the coordinator's rules (content/points.toml) and an append-only ledger.

Every ledger entry names its reason and carries a unique key, so a replayed hook or a
second press of the same button never counts twice. Points only come from things another
person or the bot confirms (a meeting counts once the `meeting_held` hook says so), so
nobody can farm them alone.

Badge rules live in the same file (they are recognition too); bot/training/badges.py applies them.
Loading never raises: a bad value keeps its default, a bad badge is left out, and each is
described by a `ContentProblem`, like the lessons and the nudge plan.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.events import Reply
from bot.store.db import Tx
from bot.training.lessons import LANGUAGES, PROBLEM_PREFIX, PROBLEM_TEXTS, STAGES, ContentProblem

# What earns points, in the order /points explains them.
REASONS = (
    "onboarded",
    "request_sent",
    "request_accepted",
    "meeting_held",
    "checkin_answered",
    "survey_answered",
    "lesson_completed",
    "quiz_right",
    "recognised",
)
DEFAULT_POINTS: Mapping[str, int] = {
    "onboarded": 10,
    "request_sent": 5,
    "request_accepted": 10,
    "meeting_held": 20,
    "checkin_answered": 5,
    "survey_answered": 5,
    "lesson_completed": 5,
    "quiz_right": 3,
    "recognised": 10,
}
BADGE_RULES = ("meetings_held", "stage_lessons", "mentor_rating")
MAX_POINTS = 1000
MAX_BADGE_NAME = 60
MAX_PROBLEMS = 50
LEADERBOARD_SIZE = 10
_ON = frozenset({"on", "oui", "yes", "join", "rejoindre"})
_OFF = frozenset({"off", "non", "no", "leave", "quitter"})
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class BadgeRule:
    """One badge: `rule` says what earns it, the other fields are that rule's thresholds.

    - meetings_held: `at_least` meetings held (any relationship);
    - stage_lessons: every lesson of `stage` for the person's audience marked done;
    - mentor_rating: as a mentor, an average of `min_average` or more over at least
      `min_meetings` rated meetings.
    """

    id: str
    rule: str
    names: Mapping[str, str]
    emoji: str = "🏅"
    at_least: int = 1
    stage: str = ""
    min_average: float = 4.5
    min_meetings: int = 3

    def name(self, lang: str) -> str:
        return self.names.get(lang) or next(iter(self.names.values()), self.id)


DEFAULT_BADGES = (
    BadgeRule("first-meeting", "meetings_held", {"en": "First meeting",
                                                 "fr": "Première rencontre"}, "🤝", at_least=1),
    BadgeRule("five-meetings", "meetings_held", {"en": "Five meetings",
                                                 "fr": "Cinq rencontres"}, "🏆", at_least=5),
    BadgeRule("good-start", "stage_lessons", {"en": "Off to a good start",
                                              "fr": "Bon départ"}, "🌱", stage="onboarding"),
    BadgeRule("well-rated-mentor", "mentor_rating", {"en": "Well-rated mentor",
                                                     "fr": "Mentor apprécié"}, "⭐"),
)


@dataclass(frozen=True, slots=True)
class PointsRules:
    points: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    badges: tuple[BadgeRule, ...] = DEFAULT_BADGES

    def for_reason(self, reason: str) -> int:
        return self.points.get(reason, 0)

    def badge(self, badge_id: str) -> BadgeRule | None:
        return next((b for b in self.badges if b.id == badge_id), None)


# --- loading content/points.toml ------------------------------------------------------------


def load_points_rules(path: Path) -> tuple[PointsRules, list[ContentProblem]]:
    """Read the points and badge rules; defaults for whatever is missing or broken."""
    path = Path(path)
    reader = _Reader(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        reader.add(None, "missing_file")
        return PointsRules(), reader.problems
    except (OSError, UnicodeDecodeError):
        reader.add(None, "unreadable")
        return PointsRules(), reader.problems
    reader.lines = text.split("\n")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        reader.add(int(at[1]) if at else None, "bad_toml",
                   error=re.sub(r"\s*\(at [^)]*\)$", "", str(exc)))
        return PointsRules(), reader.problems
    for name in data:
        if name not in ("points", "badge"):
            reader.add(reader.line_of("", name), "unknown_field", field=name)
    points = _read_points(data.get("points", {}), reader)
    badges = _read_badges(data["badge"], reader) if "badge" in data else DEFAULT_BADGES
    return PointsRules(points, badges), reader.problems


class _Reader:
    """Problems with the best line number a simple scan can give (tomllib keeps none)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []
        self.problems: list[ContentProblem] = []

    def add(self, line: int | None, kind: str, **params: str | int) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            return
        shown = {k: v if isinstance(v, int) else _short(str(v)) for k, v in params.items()}
        self.problems.append(ContentProblem(self.path, line, PROBLEM_TEXTS[kind].format(**shown),
                                            PROBLEM_PREFIX + kind, shown))

    def line_of(self, section: str, key: str | None = None, occurrence: int = 0) -> int | None:
        """Line of `key =` inside `[section]` (or the n-th `[[section]]`), else the header."""
        start, seen = 0, -1
        if section:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?\s*(#.*)?$")
            for number, line in enumerate(self.lines):
                if header.match(line):
                    seen += 1
                    if seen == occurrence:
                        start = number
                        break
            else:
                return None
        if key is None:
            return start + 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start + (1 if section else 0), len(self.lines)):
            line = self.lines[number]
            if section and line.lstrip().startswith("["):
                break
            if pattern.match(line):
                return number + 1
        return start + 1 if section else None


def _short(text: str, limit: int = 60) -> str:
    text = re.sub(r"[\x00-\x1f\x7f]", "?", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_points(table: Any, reader: _Reader) -> dict[str, int]:
    points = dict(DEFAULT_POINTS)
    if not isinstance(table, dict):
        reader.add(reader.line_of("", "points"), "not_table", field="points")
        return points
    for reason, value in table.items():
        line = reader.line_of("points", reason)
        if reason not in DEFAULT_POINTS:
            reader.add(line, "unknown_field", field=f"points.{reason}")
        elif not isinstance(value, int) or isinstance(value, bool):
            reader.add(line, "not_integer", field=f"points.{reason}")
        elif not 0 <= value <= MAX_POINTS:
            reader.add(line, "out_of_range", field=f"points.{reason}", low=0, high=MAX_POINTS,
                       value=value)
        else:
            points[reason] = value
    return points


_BADGE_FIELDS = ("id", "rule", "name", "emoji", "at_least", "stage", "min_average",
                 "min_meetings")
_RULE_FIELDS = {"meetings_held": ("at_least",), "stage_lessons": ("stage",),
                "mentor_rating": ("min_average", "min_meetings")}


def _read_badges(value: Any, reader: _Reader) -> tuple[BadgeRule, ...]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        reader.add(reader.line_of("", "badge"), "rules_not_list")
        return DEFAULT_BADGES
    badges: list[BadgeRule] = []
    seen: dict[str, int] = {}
    for number, table in enumerate(value):
        before = len(reader.problems)
        badge = _read_badge(table, number, reader)
        if badge is None or len(reader.problems) > before:
            continue
        line = reader.line_of("badge", None, number) or 0
        if badge.id in seen:
            reader.add(line, "duplicate_rule", other_line=seen[badge.id])
            continue
        seen[badge.id] = line
        badges.append(badge)
    return tuple(badges)


def _read_badge(table: dict[str, Any], number: int, reader: _Reader) -> BadgeRule | None:
    def line(key: str | None = None) -> int | None:
        return reader.line_of("badge", key, number)

    for name in table:
        if name not in _BADGE_FIELDS:
            reader.add(line(name), "unknown_field", field=f"badge.{name}")
    badge_id, rule = table.get("id"), table.get("rule")
    if not isinstance(badge_id, str) or not _ID.fullmatch(badge_id) or len(badge_id) > 40:
        reader.add(line("id"), "bad_id" if "id" in table else "missing_field", field="badge.id")
        return None
    if rule not in BADGE_RULES:
        reader.add(line("rule"), "not_one_of", field="badge.rule", allowed=", ".join(BADGE_RULES),
                   value=str(rule))
        return None
    names = _read_names(table.get("name"), line("name"), reader)
    emoji = table.get("emoji", "🏅")
    if not isinstance(emoji, str) or not 0 < len(emoji.strip()) <= 8:
        reader.add(line("emoji"), "not_text", field="badge.emoji")
        return None
    thresholds = _read_thresholds(table, rule, line, reader)
    if names is None or thresholds is None:
        return None
    return BadgeRule(badge_id, rule, names, emoji.strip(), **thresholds)


def _read_names(value: Any, line: int | None, reader: _Reader) -> dict[str, str] | None:
    if not isinstance(value, dict):
        reader.add(line, "not_table" if value is not None else "missing_field",
                   field="badge.name")
        return None
    names: dict[str, str] = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            reader.add(line, "missing_field", field=f"badge.name.{lang}")
            return None
        if len(text) > MAX_BADGE_NAME or re.search(r"[\x00-\x1f\x7f]", text):
            reader.add(line, "too_long", field=f"badge.name.{lang}", limit=MAX_BADGE_NAME)
            return None
        names[lang] = text.strip()
    return names


def _read_thresholds(table: dict[str, Any], rule: str, line: Any,
                     reader: _Reader) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for name in ("at_least", "stage", "min_average", "min_meetings"):
        if name in table and name not in _RULE_FIELDS[rule]:
            reader.add(line(name), "not_for_trigger", field=f"badge.{name}", trigger=rule)
            return None
    if rule == "stage_lessons":
        stage = table.get("stage")
        if stage not in STAGES:
            reader.add(line("stage"), "not_one_of", field="badge.stage",
                       allowed=", ".join(STAGES), value=str(stage))
            return None
        out["stage"] = stage
    for name, low, high in (("at_least", 1, 1000), ("min_meetings", 1, 1000)):
        if name in table and name in _RULE_FIELDS[rule]:
            value = table[name]
            if not isinstance(value, int) or isinstance(value, bool):
                reader.add(line(name), "not_integer", field=f"badge.{name}")
                return None
            if not low <= value <= high:
                reader.add(line(name), "out_of_range", field=f"badge.{name}", low=low, high=high,
                           value=value)
                return None
            out[name] = value
    if "min_average" in table:
        value = table["min_average"]
        if not isinstance(value, int | float) or isinstance(value, bool):
            reader.add(line("min_average"), "not_number", field="badge.min_average")
            return None
        if not 1 <= value <= 5:
            reader.add(line("min_average"), "out_of_range", field="badge.min_average", low=1,
                       high=5, value=str(value))
            return None
        out["min_average"] = float(value)
    return out


# --- the ledger -----------------------------------------------------------------------------


async def award(tx: Tx, rules: PointsRules, *, programme_id: int, person_id: int, reason: str,
                key: str, ref: str, now: datetime) -> int:
    """Add the points for `reason` once per `key`; returns the points added (0 when this was
    counted before, or the rule gives none).

    Keys and refs are made of letters, digits, dashes and dots only ("12.smart-goals",
    "lesson.smart-goals"): /forget treats such values as identifiers, never as text that
    could hold a name, so erasing someone never touches another person's entries.
    """
    points = rules.for_reason(reason)
    if points <= 0:
        return 0
    inserted = await tx.execute(
        "INSERT INTO points_ledger (programme_id, person_id, reason, points, ref, unique_key,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(unique_key) DO NOTHING",
        (programme_id, person_id, reason, points, ref[:100], f"{reason}.{key}"[:200],
         to_iso(now)))
    return points if inserted else 0


async def total(tx: Tx, person_id: int) -> int:
    return await tx.value(
        "SELECT coalesce(sum(points), 0) FROM points_ledger WHERE person_id = ?", (person_id,))


async def history(tx: Tx, person_id: int, limit: int = 8) -> list[Any]:
    """The latest entries, newest first."""
    return await tx.all(
        "SELECT reason, points, ref, created_at FROM points_ledger WHERE person_id = ?"
        " ORDER BY id DESC LIMIT ?", (person_id, limit))


# --- the leaderboard ------------------------------------------------------------------------


async def set_leaderboard(tx: Tx, person_id: int, opted_in: bool, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO leaderboard_optin (person_id, opted_in, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT(person_id) DO UPDATE SET opted_in = excluded.opted_in,"
        " updated_at = excluded.updated_at", (person_id, int(opted_in), to_iso(now)))


async def on_leaderboard(tx: Tx, person_id: int) -> bool:
    return bool(await tx.value(
        "SELECT opted_in FROM leaderboard_optin WHERE person_id = ?", (person_id,)))


async def leaderboard(tx: Tx, programme_id: int) -> list[Any]:
    """Everyone of the programme who opted in and is active, best first (id breaks ties);
    columns: person_id, display_name, handle, points. Nobody else is ever in the list."""
    return await tx.all(
        "SELECT p.id AS person_id, p.display_name, p.handle,"
        " coalesce((SELECT sum(l.points) FROM points_ledger l WHERE l.person_id = p.id), 0)"
        " AS points"
        " FROM people p JOIN leaderboard_optin o ON o.person_id = p.id AND o.opted_in = 1"
        " WHERE p.programme_id = ? AND p.status = 'active'"
        " ORDER BY points DESC, p.id", (programme_id,))


async def cmd_leaderboard(ctx: Context, args: str) -> list[Reply]:
    """`/leaderboard [on|off]`: the programme's top people among those who opted in, with the
    asker's own line when they are further down. Off unless the person says on."""
    choice = args.strip().lower()
    programme = ctx.services.programme_name(ctx.person.programme_id, ctx.lang)
    if choice in _ON | _OFF:
        await set_leaderboard(ctx.tx, ctx.person.id, choice in _ON, ctx.now)
        return [ctx.say("training.leaderboard.joined" if choice in _ON
                        else "training.leaderboard.left", programme=programme)]
    if choice:
        return [ctx.say("training.leaderboard.usage")]
    rows = await leaderboard(ctx.tx, ctx.person.programme_id)
    if not rows:
        return [ctx.say("training.leaderboard.empty")]
    lines = [ctx.t("training.leaderboard.title", programme=programme)]
    rank = 0
    for position, row in enumerate(rows):
        if position == 0 or row["points"] < rows[position - 1]["points"]:
            rank = position + 1  # equal points share a rank
        mine = row["person_id"] == ctx.person.id
        if position < LEADERBOARD_SIZE or mine:
            name = row["display_name"] or row["handle"] or f"#{row['person_id']}"
            line = ctx.t("training.leaderboard.row", rank=rank, name=name, count=row["points"])
            lines.append(f"*{line}*" if mine else line)
    opted_in = await on_leaderboard(ctx.tx, ctx.person.id)
    lines += ["", ctx.t("training.leaderboard.you_on" if opted_in
                        else "training.leaderboard.you_off")]
    return [ctx.reply("\n".join(lines))]
