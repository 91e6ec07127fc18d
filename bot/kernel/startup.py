"""What would stop the bot from starting, found before anything starts.

`mentorbot check-config` prints these problems; `run`, `console`, `export` and `match` refuse to
start on them with the same one-line messages, before the database is opened, so that a
check-config that passes means a start that does not fail on its configuration, content or
database file. `Database.open` refuses the same database problems again for other callers.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.kernel.config import Config
from bot.kernel.i18n import Catalogue, CatalogueError
from bot.mentoring.matchmaking import weights_from
from bot.store.db import inspect_file
from matching.topics import Taxonomy, TaxonomyError

AdapterChecks = Callable[[Config], list[str]]


def problems(config: Config, *, adapters: AdapterChecks | None = None,
             thorough: bool = False) -> list[str]:
    """Every problem found, one line each. `adapters`: the checks of the Slack and Telegram
    adapters `run` would start (adapters/main.py, given by the edge: the core imports no
    adapter); `thorough`: read the whole database file too."""
    found = content_problems(config) + weights_problems(config)
    if not found:  # a programme's code of conduct and required lessons must exist
        from bot.mentoring.readiness import problems as operations_problems

        found += operations_problems(config)
    if adapters is not None:
        found += adapters(config)
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
