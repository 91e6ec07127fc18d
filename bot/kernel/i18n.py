"""Message catalogues in French and English.

Catalogues are TOML files `content/i18n/<area>.<lang>.toml`; a key is the dotted path of
a string in them. A table whose keys are all CLDR plural categories is a plural message,
chosen with Babel's plural rules from the `count` parameter, or from the parameter the
table names with `by` when the number has another name:

    [request.sent]
    by = "days"
    one = "{name} has {days} day to answer."
    other = "{name} has {days} days to answer."

Formatting of lists, dates and numbers also goes through Babel so that French reads like
French. `bot.kernel.catalogue_lint` checks the wording rules (plurals, fr-CA, inclusive writing,
French typography) that this module cannot.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from string import Formatter
from typing import Any

from babel import Locale
from babel.lists import format_list

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
_PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
PLURAL_BY = "by"  # in a plural table: the parameter that selects the form (default "count")


class CatalogueError(Exception):
    """A catalogue file is broken or the two languages disagree."""


def normalise_language(value: str | None) -> str:
    """Map a platform locale ("fr-CA", "en_US", "FR") to one of our languages, or the default."""
    if not value:
        return DEFAULT_LANGUAGE
    code = value.replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


Entry = str | dict[str, str]  # a message, or a plural table


def flatten(prefix: str, table: Mapping[str, Any], out: dict[str, Entry]) -> None:
    """Dotted keys of a catalogue table into `out`; a table of plural categories stays whole."""
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, str):
            out[path] = value
        elif isinstance(value, dict) and "other" in value \
                and set(value) <= _PLURAL_CATEGORIES | {PLURAL_BY}:
            out[path] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            flatten(path, value, out)
        else:
            kind = type(value).__name__
            raise CatalogueError(f"{path}: expected a string or a table, got {kind}")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


class Catalogue:
    """All messages of all areas, per language."""

    def __init__(self, messages: dict[str, dict[str, str | dict[str, str]]]) -> None:
        self._messages = messages
        self._locales = {lang: Locale.parse(lang) for lang in messages}

    @classmethod
    def load(cls, directory: Path) -> Catalogue:
        messages: dict[str, dict[str, str | dict[str, str]]] = {lang: {} for lang in LANGUAGES}
        for path in sorted(directory.glob("*.toml")):
            stem_parts = path.stem.rsplit(".", 1)
            if len(stem_parts) != 2 or stem_parts[1] not in LANGUAGES:
                continue
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise CatalogueError(f"{path.name}: {exc}") from exc
            flatten("", data, messages[stem_parts[1]])
        catalogue = cls(messages)
        catalogue.check()
        return catalogue

    def check(self) -> None:
        """Both languages must have the same keys and the same placeholders."""
        en, fr = self._messages["en"], self._messages["fr"]
        missing = sorted(set(en) ^ set(fr))
        if missing:
            raise CatalogueError(f"keys not in both languages: {', '.join(missing[:10])}")
        for key, text in en.items():
            if _all_placeholders(text) != _all_placeholders(fr[key]):
                raise CatalogueError(f"{key}: placeholders differ between en and fr")
            for lang, entry in (("en", text), ("fr", fr[key])):
                by = plural_by(entry) if isinstance(entry, dict) else "count"
                if by != "count" and by not in _all_placeholders(entry):
                    raise CatalogueError(f"{key} ({lang}): by = {by!r} names no placeholder")

    def keys(self) -> Iterable[str]:
        return self._messages[DEFAULT_LANGUAGE].keys()

    def has(self, key: str) -> bool:
        return key in self._messages[DEFAULT_LANGUAGE]

    def text(self, lang: str, key: str, /, **params: Any) -> str:
        """The message `key` in `lang`, formatted with `params`.

        A missing key is a programming error, but a user must never see a stack trace:
        it is logged and the key itself is shown.
        """
        lang = normalise_language(lang)
        entry = self._messages[lang].get(key)
        if entry is None:
            log.error("i18n.missing_key", extra={"key": key, "lang": lang})
            return key
        if isinstance(entry, dict):
            category = _category(self._locales[lang], params.get(plural_by(entry), 0))
            entry = entry.get(category) or entry["other"]
        try:
            return entry.format(**params)
        except (KeyError, IndexError, ValueError):
            log.error("i18n.bad_params", extra={"key": key, "lang": lang})
            return entry

    def join(self, lang: str, items: Iterable[str]) -> str:
        """"a, b and c" / "a, b et c"."""
        items = list(items)
        return format_list(items, locale=normalise_language(lang)) if items else ""


def plural_by(table: Mapping[str, str]) -> str:
    """The parameter whose number selects the form of a plural table."""
    return table.get(PLURAL_BY, "count")


def plural_forms(table: Mapping[str, str]) -> dict[str, str]:
    """The texts of a plural table, by CLDR category (without `by`)."""
    return {k: v for k, v in table.items() if k != PLURAL_BY}


def _category(locale: Locale, value: Any) -> str:
    """CLDR category of `value` (a number, or a number already written out like "2,5")."""
    if not isinstance(value, int | float):
        try:
            value = float(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
        except ValueError:
            return "other"
    return locale.plural_form(value)


def _all_placeholders(entry: str | dict[str, str]) -> frozenset[str]:
    if isinstance(entry, str):
        return frozenset(_placeholders(entry))
    names: set[str] = set()
    for text in plural_forms(entry).values():
        names |= _placeholders(text)
    return frozenset(names - {"count"})
