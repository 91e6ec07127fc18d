"""What the free-text parsers share: the error they raise and how they read the user's text.

The parsers (`timezones`, `availability`, `languages`, `when`) never build a sentence: they
raise `ParseError` with a catalogue key (`content/i18n/parsing.<lang>.toml`) and the params
the message needs, so the bot renders it in the person's language.

`fold` is the one normalisation every parser matches against: case-insensitive,
accent-insensitive ("Genève" == "geneve"), typographic dashes and apostrophes made ASCII,
control characters turned into spaces. It keeps, for each folded character, the index of
the character it came from, so an error can quote the person's own words (`quote`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

FRAGMENT_MAX = 40

# Characters people type (or their phone types) for the same thing.
_SAME_AS = str.maketrans(
    {
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "´": "'",
        "`": "'",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


class ParseError(Exception):
    """Free text the bot could not understand.

    `key` is a message key of the parsing catalogue; `params` fills its placeholders
    (`fragment` is always the person's own words, cut to 40 characters, and may contain
    markup-like text: the renderer escapes it like any user text).
    """

    def __init__(self, key: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, Any] = dict(params or {})

    def __repr__(self) -> str:
        return f"ParseError({self.key!r}, {self.params!r})"


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold `text` for matching and return, per folded character, its index in `text`."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text.translate(_SAME_AS)):
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            folded = " "
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def fold(text: str) -> str:
    """Lower-case, accent-free, ASCII-dashed form of `text` (see the module docstring)."""
    return fold_with_offsets(text)[0]


def quote(text: str) -> str:
    """The person's words as shown back in an error: one line, at most 40 characters."""
    cleaned = "".join(
        " " if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} else c for c in text
    )
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > FRAGMENT_MAX:
        return cleaned[: FRAGMENT_MAX - 1].rstrip() + "…"
    return cleaned


def quote_span(text: str, origin: list[int], start: int, end: int) -> str:
    """Quote the part of `text` that folded characters `start:end` came from."""
    if not origin or start >= end:
        return quote(text)
    first = origin[min(start, len(origin) - 1)]
    last = origin[min(end, len(origin)) - 1]
    return quote(text[first : last + 1])
