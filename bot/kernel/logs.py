"""Structured logs: one JSON object per line, ids only, never message bodies or secrets.

One set-up for every entry point (`mentorbot run`, `console`, `export`, `match`), installed by
bot/kernel/cli.py before anything starts, so no adapter has to remember to quiet a library:

- Our own loggers (`bot`, `adapters`, `matching`) log at the configured level. Every other
  logger (httpx, httpcore, telegram, slack_bolt, slack_sdk, aiohttp, aiosqlite, apscheduler…)
  is held to WARNING by the handler itself, whatever level the library sets on its loggers
  (slack_bolt copies the root level onto each logger it creates). Their INFO and DEBUG lines
  carry request URLs with the Telegram token, request bodies and SQL parameters.
- A library's warning keeps its words but not its payloads: bracketed data (`{...}`, `[...]`)
  and whatever follows `body:` are withheld (slack_bolt puts request bodies there).
- Every line, exception text included, goes through a `Redactor` that replaces the
  configured secrets and anything shaped like a Slack or Telegram token with "[redacted]".
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from bot.kernel.config import Config

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

OWN_LOGGERS = ("bot", "adapters", "matching", "__main__")
LIBRARY_FLOOR = logging.WARNING
# Set on the loggers too, so that their DEBUG records are not even built (aiosqlite makes one
# per statement); the handler's filter is what guarantees it.
NOISY_LIBRARIES = ("httpx", "httpcore", "telegram", "slack_bolt", "slack_sdk", "aiohttp",
                   "aiosqlite", "apscheduler", "asyncio", "matplotlib", "PIL", "websockets")
REDACTED = "[redacted]"
WITHHELD = "[withheld]"
MIN_SECRET = 6  # a configured "secret" shorter than this would redact ordinary words

# Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxe.xoxp-…), app-level tokens (xapp-…), and a
# Telegram bot token, bare or in a Bot API URL path (/bot123456:AA…/getMe).
TOKEN_SHAPES = re.compile(
    r"xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+"
    r"|xapp-[A-Za-z0-9-]+"
    r"|(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{30,}"
)
_BODY = re.compile(r"\bbody\b\s*[:=].*", re.IGNORECASE | re.DOTALL)


def secrets_of(config: Config) -> list[str]:
    """Every secret the configuration holds (empty ones left out), the password of a
    PostgreSQL `[bot] database` URL included."""
    return [value for value in (config.slack.bot_token, config.slack.signing_secret,
                                config.slack.app_token, config.telegram.token,
                                config.telegram.secret_token,
                                *url_passwords(config.bot.database)) if value]


_URL_PASSWORD = re.compile(r"([?&]password=)([^&#]*)", re.IGNORECASE)


def url_passwords(url: str) -> list[str]:
    """The passwords a database URL carries (`user:PASSWORD@host` and `?password=`), as
    written and percent-decoded; none for a file path."""
    if "://" not in url:
        return []
    parts = urlsplit(url)
    found = [parts.password or ""] + [m.group(2) for m in _URL_PASSWORD.finditer(parts.query)]
    return [form for value in found if value for form in dict.fromkeys((value, unquote(value)))]


def redact_url(url: str) -> str:
    """A database URL fit to print: its passwords replaced by `***` whatever their length
    (the Redactor leaves secrets shorter than MIN_SECRET alone, this does not)."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, host = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}:***@{host}"
    query = _URL_PASSWORD.sub(r"\1***", parts.query)
    return parts._replace(netloc=netloc, query=query).geturl()


class Redactor:
    """Replaces secrets in text: the configured ones and anything shaped like a token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if len(secret) >= MIN_SECRET:
                # As written, and as json.dumps escapes it inside a log line.
                forms |= {secret, json.dumps(secret, ensure_ascii=False)[1:-1],
                          json.dumps(secret)[1:-1]}
        # Longest first, so that a secret containing another is replaced whole.
        self._secrets = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return TOKEN_SHAPES.sub(REDACTED, text)


def is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


class LibraryFloor(logging.Filter):
    """Only warnings and errors from libraries; any level from our own loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= LIBRARY_FLOOR or is_own(record.name)


def without_payloads(text: str) -> str:
    """A library's message with its data withheld: request bodies, dicts and lists."""
    text = _BODY.sub(f"body: {WITHHELD}", text)
    out: list[str] = []
    depth = 0
    for char in text:
        if char in "{[":
            if depth == 0:
                out.append(char + "…")
            depth += 1
        elif char in "}]" and depth:
            depth -= 1
            if depth == 0:
                out.append(char)
        elif depth == 0:
            out.append(char)
    return "".join(out)


class JsonFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redact = redactor or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # a library's bad format string must not lose the line
            message = str(record.msg)
        if not is_own(record.name):
            message = without_payloads(message)
        entry = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                 "logger": record.name, "event": message}
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # Redacted last, on the whole line: message, arguments, extras and exception alike.
        return self.redact(json.dumps(entry, default=str, ensure_ascii=False))


def setup_logging(level: str = "INFO", quiet: bool = False,
                  secrets: Iterable[str] = ()) -> None:
    """Logs go to stderr; in the console only warnings, so the chat stays readable."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(Redactor(secrets)))
    handler.addFilter(LibraryFloor())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else getattr(logging, level, logging.INFO))
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(LIBRARY_FLOOR)
