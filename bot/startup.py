"""What would stop the bot from starting, found before anything starts.

`mentorbot check-config` prints these problems; `run`, `console`, `export` and `match` refuse to
start on them with the same one-line messages, before the database is opened, so that a
check-config that passes means a start that does not fail on its configuration, content or
database file. `Database.open` refuses the same database problems again for other callers.
"""

from __future__ import annotations

from bot.config import Config
from bot.i18n import Catalogue, CatalogueError
from bot.matchmaking import weights_from
from bot.store.db import inspect_file
from matching.topics import Taxonomy, TaxonomyError


def problems(config: Config, *, adapters: bool, thorough: bool = False) -> list[str]:
    """Every problem found, one line each. `adapters`: check the settings of the Slack and
    Telegram adapters `run` would start; `thorough`: read the whole database file too."""
    found = content_problems(config) + weights_problems(config)
    if not found:  # a programme's code of conduct and required lessons must exist
        from bot.readiness import problems as operations_problems

        found += operations_problems(config)
    if adapters:
        found += adapter_problems(config)
    return found + inspect_file(config.bot.database, thorough=thorough)


def content_problems(config: Config) -> list[str]:
    """The message catalogues and the topic taxonomy must load."""
    content = config.content_path()
    where = f"[bot] content_dir {content}" if config.bot.content_dir else f"content {content}"
    if not content.exists():
        return [f"{where} does not exist"]
    if not content.is_dir():
        return [f"{where} is not a folder"]
    missing = [name for name in ("i18n", "topics.toml") if not (content / name).exists()]
    if missing:
        return [f"{where} lacks {' and '.join(missing)} (start from a copy of the content "
                "folder that comes with mentorbot)"]
    found = []
    try:
        if not list(Catalogue.load(content / "i18n").keys()):
            found.append(f"{where} has no message catalogues (i18n/*.en.toml and "
                         "i18n/*.fr.toml)")
    except (CatalogueError, OSError, UnicodeDecodeError) as exc:
        found.append(f"{where}: message catalogues: {exc}")
    try:
        Taxonomy.load(content / "topics.toml")
    except (TaxonomyError, OSError) as exc:
        found.append(f"{where}: {exc}")
    return found


def weights_problems(config: Config) -> list[str]:
    try:
        weights_from(config)
    except ValueError as exc:
        return [f"[matching.weights] {exc}"]
    return []


def adapter_problems(config: Config) -> list[str]:
    """The adapters' own refusals of their settings. (The launcher's job: bot/runner.py
    imports the adapters the same way, only when they are configured.)"""
    from bot.config import ConfigError

    found = []
    if config.slack_enabled:
        from adapters.slack.app import check_settings as check_slack

        try:
            check_slack(config.slack)
        except ConfigError as exc:
            found.append(str(exc))
    if config.telegram_enabled and config.telegram.mode == "webhook":
        from adapters.telegram.webhook import check_settings as check_telegram

        try:
            check_telegram(config.telegram.webhook_url, config.telegram.secret_token)
        except ConfigError as exc:
            found.append(str(exc))
    return found
