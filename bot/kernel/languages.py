"""The languages a person speaks, typed freely, as ISO 639-1 codes.

    >>> parse_languages("français, anglais", "fr")
    ('fr', 'en')

Understood whatever the interface language: names in English and French ("Spanish",
"espagnol"), the language's own name ("deutsch", "español", "العربية"), ISO codes
("fr en", "fra", "eng"), regional names ("Canadian French", "flamand" -> the language),
small typos ("Portugese"), and the words people wrap around them ("I speak", "je parle
un peu", "langue maternelle", levels A1-C2). Names come from Babel's CLDR tables, so
every language with a two-letter code is known.

A word that is none of these is refused (`parsing.languages.unknown`), never dropped:
a person who typed "English and Klingon" learns that Klingon was not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from rapidfuzz import fuzz, process

from bot.text.parse_errors import ParseError, fold, fold_with_offsets, quote, quote_span

MAX_LENGTH = 500
_LANGS = ("en", "fr")
_LONGEST_NAME = 4  # words; "norsk bokmal", "creole haitien", "brazilian portuguese"
_FUZZY_MIN_LENGTH = 5
_FUZZY_CUTOFF = 84

# Separators between languages; "and"/"et"/"or"/"ou" are words, the rest characters.
_SEPARATOR_WORDS = {"and", "et", "or", "ou", "y", "und", "plus"}
_TOKENS = re.compile(r"(?P<word>\w+)|(?P<sep>[,;/&+|\n])|(?P<skip>[\s'\".:()!?*-]+)|(?P<other>.)")

# Words around language names that carry no language.
_FILLER = {
    "i", "speak", "speaks", "can", "a", "little", "bit", "some", "basic", "fluent", "fluently",
    "native", "mother", "tongue", "language", "languages", "well", "good", "very", "also",
    "read", "write", "understand", "level", "the", "in", "je", "parle", "parler", "un", "une",
    "peu", "couramment", "courant", "bien", "tres", "aussi", "langue", "langues", "maternelle",
    "natif", "niveau", "notions", "debutant", "debutante", "intermediaire", "avance",
    "advanced", "beginner", "intermediate", "bilingue", "bilingual", "l", "d", "le", "la",
    "les", "mais", "but", "only", "seulement", "ecrit", "comprends",
    "a1", "a2", "b1", "b2", "c1", "c2",
}

# Names people use that CLDR lists under another name.
_SYNONYMS = {
    "farsi": "fa",
    "mandarin": "zh",
    "chinois mandarin": "zh",
    "castilian": "es",
    "castillan": "es",
    "kreyol": "ht",
    "flemish": "nl",
    "flamand": "nl",
    "moldave": "ro",
}


@dataclass(frozen=True, slots=True)
class _Word:
    text: str  # folded
    start: int
    end: int


def parse_languages(text: str, ui_lang: str) -> tuple[str, ...]:
    """ISO 639-1 codes of the languages named in `text`, in the order given, no repeats.

    `ui_lang` decides between two languages that share a name in English and French.
    """
    if not text or not text.strip():
        raise ParseError("parsing.languages.empty")
    if len(text) > MAX_LENGTH:
        raise ParseError(
            "parsing.languages.too_long", {"fragment": quote(text), "max": MAX_LENGTH}
        )
    folded, origin = fold_with_offsets(text)
    codes: list[str] = []
    for words in _segments(text, folded, origin):
        codes.extend(_codes_in(words, text, origin, ui_lang))
    if not codes:
        raise ParseError("parsing.languages.empty")
    return tuple(dict.fromkeys(codes))


def language_name(code: str, lang: str) -> str:
    """The language's name in `lang`: ("fr", "fr") -> "français", ("en", "en") -> "English"."""
    return _locale(lang).languages.get(code) or code


# --- reading ----------------------------------------------------------------------------


def _segments(text: str, folded: str, origin: list[int]) -> list[list[_Word]]:
    """Split into runs of words between separators ("," "and" "et" ...)."""
    segments: list[list[_Word]] = [[]]
    for match in _TOKENS.finditer(folded):
        kind = match.lastgroup
        if kind == "skip":
            continue
        if kind == "sep" or (kind == "word" and match.group() in _SEPARATOR_WORDS):
            segments.append([])
            continue
        if kind == "other":
            raise ParseError(
                "parsing.languages.unknown",
                {"fragment": quote_span(text, origin, match.start(), match.end())},
            )
        segments[-1].append(_Word(match.group(), match.start(), match.end()))
    return [segment for segment in segments if segment]


def _codes_in(words: list[_Word], text: str, origin: list[int], ui_lang: str) -> list[str]:
    """Cover the words with language names, longest names first; fillers are skipped."""
    codes: list[str] = []
    i = 0
    while i < len(words):
        # Fillers first: "la" is French for "the" far more often than the code of Latin.
        if words[i].text in _FILLER:
            i += 1
            continue
        code, used = _name_at(words, i, ui_lang)
        if code:
            codes.append(code)
            i += used
        else:
            end = i + 1
            while end < len(words) and words[end].text not in _FILLER and not _name_at(
                words, end, ui_lang
            )[0]:
                end += 1
            fragment = quote_span(text, origin, words[i].start, words[end - 1].end)
            raise ParseError("parsing.languages.unknown", {"fragment": fragment})
    return codes


def _name_at(words: list[_Word], i: int, ui_lang: str) -> tuple[str | None, int]:
    """The language named by the words starting at i, and how many words it used."""
    names = _names(_ui(ui_lang))
    for size in range(min(_LONGEST_NAME, len(words) - i), 0, -1):
        key = " ".join(word.text for word in words[i : i + size])
        if key in names:
            return names[key], size
    word = words[i].text
    if len(word) >= _FUZZY_MIN_LENGTH and word not in _FILLER:
        best = process.extractOne(
            word, _fuzzy_keys(_ui(ui_lang)), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if best:
            return names[best[0]], 1
    return None, 0


# --- indexes ----------------------------------------------------------------------------


def _ui(lang: str) -> str:
    return "fr" if lang.lower().startswith("fr") else "en"


@cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


@cache
def _codes() -> tuple[str, ...]:
    """ISO 639-1 codes CLDR names: the two-letter keys of its language table."""
    return tuple(sorted(code for code in Locale.parse("en").languages if len(code) == 2))


@cache
def _names(ui_lang: str) -> dict[str, str]:
    """Folded name -> code. Later entries never overwrite earlier ones, so the order
    below is the priority: codes, the interface language, the other one, own names."""
    codes = set(_codes())
    names: dict[str, str] = {}

    def add(name: str, code: str) -> None:
        key = " ".join(re.findall(r"\w+", fold(name)))
        if key and code in codes:
            names.setdefault(key, code)

    for code in sorted(codes):
        add(code, code)
    for alias, code in get_global("language_aliases").items():
        if len(alias) == 3 and alias.isalpha():
            add(alias, code)
    for display in (ui_lang, *(lang for lang in _LANGS if lang != ui_lang)):
        for key, name in _locale(display).languages.items():
            add(name, key.split("_", 1)[0])  # "fr_CA" (Canadian French) -> fr
    for code in sorted(codes):
        try:
            own = Locale.parse(code).languages.get(code)
        except (UnknownLocaleError, ValueError):
            continue
        if own:
            add(own, code)
    for name, code in _SYNONYMS.items():
        add(name, code)
    return names


@cache
def _fuzzy_keys(ui_lang: str) -> tuple[str, ...]:
    # Typos are looked for among names only: a three-letter code is not "mistyped".
    return tuple(key for key in _names(ui_lang) if len(key) >= 4)
