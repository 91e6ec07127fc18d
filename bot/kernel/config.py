"""Configuration: a TOML file, environment overrides for secrets, defaults that just work.

Every section is a dataclass; the file is validated against those dataclasses so that an
unknown key or a wrong type stops the start with a message naming the key and its line
("config.toml:12: [slack] port must be an integer, not a string"). Environment variables
`MENTORBOT_<SECTION>_<KEY>` override scalar keys, which is how secrets are meant to be given.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matching.model import Weights

ENV_PREFIX = "MENTORBOT_"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, line and key."""


@dataclass
class BotSettings:
    database: str = "mentorbot.sqlite3"
    language: str = "en"
    content_dir: str = ""
    log_level: str = "INFO"


@dataclass
class CohortSettings:
    """A cohort's application window (`[[programmes.<code>.cohorts]]`): dates, or dates and
    times, in the programme's time zone ("2027-02-01" or "2027-02-01 09:00")."""

    name: str = ""
    opens: str = ""       # applications open (00:00 that day)
    closes: str = ""      # applications close (end of that day)
    matching: str = ""    # applicants are matched (09:00 that day)


@dataclass
class ProgrammeSettings:
    """One mentoring programme. A Slack team or a Telegram deep-link code maps to it.

    Programme operations (bot/mentoring/eligibility.py and its neighbours) are all off by
    default, so a programme that sets none of them works as before."""

    name: str = "Mentoring programme"
    coordinators: list[str] = field(default_factory=list)  # "platform:workspace:user_id"
    slack_team: str = ""
    join_code: str = ""
    relay_mode: bool = False
    relationship_months: int = 6
    mentor_approval: bool = False        # new mentors wait for a coordinator's approval
    code_of_conduct: str = ""            # "conduct" = content/conduct.<lang>.md; "" = none
    required_lessons: list[str] = field(default_factory=list)  # read before any matching
    timezone: str = "UTC"                # how cohort dates are read
    cohorts: list[CohortSettings] = field(default_factory=list)


_LIBRARY = Weights()


@dataclass
class MatchingWeights:
    """`[matching.weights]`; the defaults are the matching library's own (matching/model.py)."""

    topics: float = _LIBRARY.topics
    availability: float = _LIBRARY.availability
    seniority: float = _LIBRARY.seniority
    department: float = _LIBRARY.department
    goals: float = _LIBRARY.goals
    load: float = _LIBRARY.load
    language: float = _LIBRARY.language


@dataclass
class MatchingSettings:
    suggestions: int = 3
    department_mode: str = "diverse"
    request_expiry_days: int = 7
    # The quality floor, on the 0-100 scale people see ("Match score: 72/100"): a pair
    # below it is never suggested by /find nor made by cohort matching. With the default
    # weights, a shared language, free places and another department alone reach 24: 25
    # asks for something of substance on top (a topic, common hours, goals, experience).
    quality_floor: float = 25.0
    weights: MatchingWeights = field(default_factory=MatchingWeights)


@dataclass
class MeetingSettings:
    length_minutes: int = 45
    horizon_days: int = 14
    reminders: list[str] = field(default_factory=lambda: ["24h", "1h"])
    video_link: str = ""
    quiet_weeks: int = 3


@dataclass
class SchedulerSettings:
    grace_period: str = "6h"
    late_policy: str = "skip"  # "skip" | "send": late perishable rows (reminders)
    tick_seconds: float = 5.0


@dataclass
class PrivacySettings:
    retention_months: int = 24  # inactive people's data is deleted after this; 0 = never
    invitation_days: int = 90   # an unused roster invitation is deleted after this; 0 = never


@dataclass
class SlackSettings:
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    mode: str = "http"  # "http" | "socket"
    host: str = "0.0.0.0"
    port: int = 3000
    api_url: str = "https://slack.com/api/"


@dataclass
class TelegramSettings:
    token: str = ""
    mode: str = "polling"  # "polling" | "webhook"
    webhook_url: str = ""
    host: str = "0.0.0.0"
    port: int = 8443
    secret_token: str = ""
    base_url: str = "https://api.telegram.org/bot"


@dataclass
class Config:
    bot: BotSettings = field(default_factory=BotSettings)
    programmes: dict[str, ProgrammeSettings] = field(
        default_factory=lambda: {"main": ProgrammeSettings()}
    )
    matching: MatchingSettings = field(default_factory=MatchingSettings)
    meetings: MeetingSettings = field(default_factory=MeetingSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    source: str = field(default="(defaults)", compare=False)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack.bot_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram.token)

    def content_path(self) -> Path:
        if self.bot.content_dir:
            return Path(self.bot.content_dir)
        return Path(__file__).resolve().parent.parent.parent / "content"


_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("bot", "language"): ("en", "fr"),
    ("bot", "log_level"): ("DEBUG", "INFO", "WARNING", "ERROR"),
    ("matching", "department_mode"): ("diverse", "same", "indifferent"),
    ("scheduler", "late_policy"): ("send", "skip"),
    ("slack", "mode"): ("http", "socket"),
    ("telegram", "mode"): ("polling", "webhook"),
}
# Numbers with an upper bound too (every number must be finite and not negative).
_MAXIMA: dict[tuple[str, str], int] = {("slack", "port"): 65535, ("telegram", "port"): 65535,
                                       ("matching", "quality_floor"): 100}
# Strings (or lists of strings) that must read as durations: "6h", "24h", "30m", "1w".
_DURATIONS = frozenset({("scheduler", "grace_period"), ("meetings", "reminders")})


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read `path` (or only defaults when None), then apply environment overrides."""
    env = os.environ if env is None else env
    if path is None:
        data: dict[str, Any] = {}
        text, source = "", "(defaults)"
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{source}: cannot read the file ({exc.strerror})") from exc
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    builder = _Builder(source, text)
    config = builder.build(data)
    _apply_env(config, env)
    _check_values(config, env)
    config.source = source
    return config


class _Builder:
    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()

    def fail(self, path: list[str], message: str) -> typing.NoReturn:
        line = _line_of(self.lines, path)
        where = f"{self.source}:{line}" if line else self.source
        section = ".".join(path[:-1])
        key = f"[{section}] {path[-1]}" if section else path[-1]
        raise ConfigError(f"{where}: {key} {message}")

    def build(self, data: dict[str, Any]) -> Config:
        config = Config()
        for name, value in data.items():
            if name == "programmes":
                config.programmes = self._programmes(value)
            elif name in {f.name for f in dataclasses.fields(Config)} - {"source"}:
                setattr(config, name, self._section(type(getattr(config, name)), value, [name]))
            else:
                self.fail([name], "is not a known section (known: bot, programmes, matching, "
                                  "meetings, scheduler, privacy, slack, telegram)")
        return config

    def _programmes(self, value: Any) -> dict[str, ProgrammeSettings]:
        if not isinstance(value, dict) or not value:
            self.fail(["programmes"], "must hold at least one [programmes.<code>] table")
        programmes = {}
        for code, table in value.items():
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", code):
                self.fail(["programmes", code], "is not a valid programme code "
                                                "(lowercase letters, digits, - and _)")
            programmes[code] = self._section(ProgrammeSettings, table, ["programmes", code])
            problem = programme_problem(programmes[code])
            if problem:
                self.fail(["programmes", code, problem[0]], problem[1])
        return programmes

    def _section(self, cls: type, value: Any, path: list[str]) -> Any:
        if not isinstance(value, dict):
            self.fail(path, "must be a table")
        hints = typing.get_type_hints(cls)
        instance = cls()
        for key, item in value.items():
            if key not in hints:
                known = ", ".join(f.name for f in dataclasses.fields(cls))
                self.fail([*path, key], f"is not a known setting (known: {known})")
            expected = hints[key]
            if dataclasses.is_dataclass(expected):
                setattr(instance, key, self._section(expected, item, [*path, key]))
                continue
            setattr(instance, key, self._check(expected, item, [*path, key]))
        return instance

    def _check(self, expected: Any, value: Any, path: list[str]) -> Any:
        origin = typing.get_origin(expected)
        if origin is list:
            (inner,) = typing.get_args(expected)
            if not isinstance(value, list):
                self.fail(path, f"must be a list, not {_kind(value)}")
            if dataclasses.is_dataclass(inner):  # [[programmes.x.cohorts]]: a list of tables
                return [self._section(inner, v, path) for v in value]
            return [self._check(inner, v, path) for v in value]
        if expected is str and isinstance(value, datetime.date | datetime.time):
            value = value.isoformat(sep=" ") if isinstance(value, datetime.datetime) \
                else value.isoformat()  # a TOML date such as opens = 2027-02-01
        if isinstance(expected, types.UnionType):
            expected = typing.get_args(expected)[0]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if expected is int and isinstance(value, bool):
            self.fail(path, "must be an integer, not a boolean")
        if not isinstance(value, expected):
            self.fail(path, f"must be {_article(expected)}, not {_kind(value)}")
        choices = _CHOICES.get((path[0], path[-1])) if len(path) == 2 else None
        if choices and value not in choices:
            self.fail(path, f"must be one of {', '.join(choices)} (got {value!r})")
        if len(path) == 2:
            problem = _value_problem(path[0], path[-1], value)
        else:
            problem = _number_problem(value, None) if expected in (int, float) else ""
        if problem:
            self.fail(path, problem)
        return value


def _apply_env(config: Config, env: Mapping[str, str]) -> None:
    """MENTORBOT_SLACK_BOT_TOKEN=... overrides [slack] bot_token, and so on for scalar keys."""
    for section in ("bot", "matching", "meetings", "scheduler", "privacy", "slack", "telegram"):
        settings = getattr(config, section)
        for f in dataclasses.fields(settings):
            name = f"{ENV_PREFIX}{section}_{f.name}".upper()
            if name not in env:
                continue
            raw = env[name]
            current = getattr(settings, f.name)
            try:
                if isinstance(current, bool):
                    value: Any = raw.strip().lower() in {"1", "true", "yes", "on"}
                elif isinstance(current, int):
                    value = int(raw)
                elif isinstance(current, float):
                    value = float(raw)
                elif isinstance(current, str):
                    value = raw
                else:
                    continue
            except ValueError as exc:
                raise ConfigError(f"environment {name} must be a number") from exc
            choices = _CHOICES.get((section, f.name))
            if choices and value not in choices:
                raise ConfigError(f"environment {name} must be one of {', '.join(choices)}")
            setattr(settings, f.name, value)


def _number_problem(value: float, maximum: int | None) -> str:
    if not math.isfinite(value):
        return f"must be a finite number (got {value})"
    if value < 0:
        return "must not be negative"
    if maximum is not None and value > maximum:
        return f"must be at most {maximum} (got {value})"
    return ""


def _value_problem(section: str, key: str, value: Any) -> str:
    """What is wrong with a value of the right type (a bound, a duration), or ""."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_problem(value, _MAXIMA.get((section, key)))
    if (section, key) in _DURATIONS:
        from bot.kernel.clock import parse_duration

        for item in value if isinstance(value, list) else [value]:
            if parse_duration(item) is None:
                return f"must be a duration such as 30m, 6h, 2d or 1w (got {item!r})"
    return ""


def _check_values(config: Config, env: Mapping[str, str]) -> None:
    """After the environment overrides: the checks the file's values already went through."""
    for section in ("bot", "matching", "meetings", "scheduler", "privacy", "slack", "telegram"):
        settings = getattr(config, section)
        for f in dataclasses.fields(settings):
            problem = _value_problem(section, f.name, getattr(settings, f.name))
            if problem:
                name = f"{ENV_PREFIX}{section}_{f.name}".upper()
                raise ConfigError(f"[{section}] {f.name} {problem} (from environment {name})"
                                  if name in env else f"[{section}] {f.name} {problem}")


_LOCAL_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::00)?)?")
_LESSON_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def parse_local_moment(text: str) -> tuple[datetime.date, datetime.time | None] | None:
    """"2027-02-01" -> (that date, None); "2027-02-01 09:30" -> (date, 09:30); else None."""
    match = _LOCAL_MOMENT.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute = match.groups()
    try:
        date = datetime.date(int(year), int(month), int(day))
        moment = datetime.time(int(hour), int(minute)) if hour is not None else None
    except ValueError:
        return None
    return date, moment


def programme_problem(settings: ProgrammeSettings) -> tuple[str, str] | None:
    """(key, what is wrong) with a programme's operations settings, or None."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(settings.timezone)
    except (KeyError, ValueError):
        return "timezone", f"is not a time zone name such as America/Toronto " \
                           f"(got {settings.timezone!r})"
    for lesson in settings.required_lessons:
        if not _LESSON_ID.fullmatch(lesson):
            return "required_lessons", f"must hold lesson ids such as how-mentoring-works " \
                                       f"(got {lesson!r})"
    if settings.code_of_conduct and not re.fullmatch(r"[\w./ -]{1,200}",
                                                     settings.code_of_conduct):
        return "code_of_conduct", "must name a file stem such as conduct " \
                                  "(content/conduct.en.md and content/conduct.fr.md)"
    names: set[str] = set()
    for cohort in settings.cohorts:
        if not cohort.name.strip() or len(cohort.name) > 60:
            return "cohorts", "need a name of 1 to 60 characters each"
        if cohort.name in names:
            return "cohorts", f"name {cohort.name!r} twice"
        names.add(cohort.name)
        moments = {}
        for key in ("opens", "closes", "matching"):
            parsed = parse_local_moment(getattr(cohort, key))
            if parsed is None:
                return "cohorts", f"{cohort.name!r}: {key} must be a date such as 2027-02-01 " \
                                  f"(got {getattr(cohort, key)!r})"
            moments[key] = parsed[0]
        if not moments["opens"] <= moments["closes"] <= moments["matching"]:
            return "cohorts", f"{cohort.name!r}: opens, closes and matching must come in " \
                              "that order"
    return None


def _line_of(lines: list[str], path: list[str]) -> int | None:
    """Best-effort line number of `key` inside table `path[:-1]` (tomllib keeps no positions)."""
    table, key = path[:-1], path[-1]
    in_table = not table
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*(#.*)?$")
    key_re = re.compile(rf"^\s*(\"?){re.escape(key)}\1\s*=")
    for number, line in enumerate(lines, start=1):
        match = header.match(line)
        if match:
            name = [part.strip().strip('"') for part in match.group(1).split(".")]
            if name == path:
                return number
            in_table = name == table
            continue
        if in_table and key_re.match(line):
            return number
    return None


def _kind(value: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _article(expected: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        expected, getattr(expected, "__name__", str(expected)))
