"""Understanding what people type instead of a command: "aide", "changer de mentor", "stop".

The phrases live in content/phrases.toml (French and English); this module only compares.
Text and phrases are folded the same way (case, accents, punctuation, politeness words
such as "please" or "svp" dropped), then:

1. the whole text is one of the phrases;
2. or it is one small typo away (two or three for long phrases, a swap of two letters
   counting as one) — only when the text and the phrase both have 5 letters or more (7 for
   a single word), so a short random word ("shop", "quite") never triggers a command, and
   only when the nearest phrases all mean the same thing;
3. or, for a short sentence (at most 8 words) that does not say no, a phrase of two words
   or more appears in it as a whole ("je veux changer de mentor"); the longest wins.

Inside a question (a conversation flow) only the `in_flow` phrases count, only as the whole
text, and they mean /cancel: a request note that says "stop" is not sent.
"""

from __future__ import annotations

import logging
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

log = logging.getLogger(__name__)

MIN_FUZZY = 5         # letters, in the text and in the phrase, before a typo is forgiven
MIN_FUZZY_WORD = 7    # the same for a phrase of one word ("quite" is not "quiet")
MAX_WORDS = 8         # a longer sentence is too much of a guess: not understood
MAX_TEXT = 120        # characters; beyond, nobody is typing a command
_NOT_WORD = re.compile(r"[^\w]+")


class PhraseError(Exception):
    """content/phrases.toml is broken (raised at start-up)."""


@dataclass(frozen=True)
class Meaning:
    """What a phrase asks for: a command with its arguments."""

    command: str
    args: str = ""
    in_flow: bool = False


def fold(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (apostrophes split words)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("_", " ")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _forgiving(folded: str) -> bool:
    """Long enough for a typo to be forgiven."""
    letters = len(folded.replace(" ", ""))
    return letters >= (MIN_FUZZY if " " in folded else MIN_FUZZY_WORD)


def _allowed_typos(length: int) -> int:
    return 3 if length >= 18 else 2 if length >= 10 else 1


class PhraseBook:
    """The phrase table, folded once."""

    def __init__(self, meanings: dict[str, Meaning], ignore: list[str],
                 negations: list[str]) -> None:
        self.meanings = meanings                           # folded phrase -> meaning
        self._choices = [p for p in meanings if _forgiving(p)]
        self._ignore = [re.compile(rf"(?:^| ){re.escape(w)}(?= |$)")
                        for w in sorted({fold(w) for w in ignore if fold(w)}, key=len,
                                        reverse=True)]
        self._negations = frozenset(fold(w) for w in negations if fold(w))

    @classmethod
    def load(cls, path: Path) -> PhraseBook:
        if not path.exists():  # a content folder of an older version: commands only
            log.warning("phrases.missing", extra={"path": str(path)})
            return cls({}, [], [])
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise PhraseError(f"{path}: {error}") from error
        meanings: dict[str, Meaning] = {}
        for number, entry in enumerate(data.get("phrase", []), start=1):
            meaning = _meaning(path, number, entry)
            for lang in ("en", "fr"):
                for phrase in entry.get(lang, []):
                    folded = fold(str(phrase))
                    if not folded:
                        continue
                    if meanings.get(folded, meaning) != meaning:
                        raise PhraseError(f"{path}: phrase {phrase!r} has two meanings")
                    meanings[folded] = meaning
        return cls(meanings, [str(w) for w in data.get("ignore", [])],
                   [str(w) for w in data.get("negations", [])])

    def commands(self) -> set[str]:
        return {meaning.command for meaning in self.meanings.values()}

    def _clean(self, text: str) -> str:
        folded = f" {fold(text[:MAX_TEXT + 1])} " if len(text) <= MAX_TEXT else ""
        for pattern in self._ignore:
            folded = pattern.sub(" ", folded)
        return " ".join(folded.split())

    def acknowledges(self, text: str) -> bool:
        """"merci", "ok", "super", "👍": a thank-you or an acknowledgement, not a request."""
        if fold(text) in _THANKS:
            return True
        return bool(text.strip()) and all(c in _KIND_EMOJI or c.isspace() for c in text.strip())

    def asks_for_help(self, text: str) -> bool:
        """A whole message asking for help ("aide", "?", "je ne comprends pas"): in the middle
        of a question it is not an answer to it."""
        return fold(text) in _HELP or text.strip() in {"?", "??", "???"}

    def in_flow(self, text: str) -> Meaning | None:
        """The meaning of a whole message typed in the middle of a question, if it has one."""
        meaning = self.meanings.get(self._clean(text))
        return meaning if meaning is not None and meaning.in_flow else None

    def understand(self, text: str) -> Meaning | None:
        """The meaning of free text typed outside any question, or None."""
        cleaned = self._clean(text)
        if not cleaned:
            return None
        if (exact := self.meanings.get(cleaned)) is not None:
            return exact
        return self._near(cleaned) or self._inside(cleaned)

    def _near(self, cleaned: str) -> Meaning | None:
        if not _forgiving(cleaned):
            return None
        limit = _allowed_typos(len(cleaned))
        found = process.extract(cleaned, self._choices, scorer=OSA.distance,
                                score_cutoff=limit, limit=8)
        if not found:
            return None
        best = min(distance for _, distance, _ in found)
        nearest = {self.meanings[phrase] for phrase, distance, _ in found if distance == best}
        return nearest.pop() if len(nearest) == 1 else None  # two meanings as near: ask

    def _inside(self, cleaned: str) -> Meaning | None:
        words = cleaned.split()
        if len(words) > MAX_WORDS:
            return None
        padded = f" {cleaned} "
        candidates: list[tuple[int, Meaning]] = []
        for phrase, meaning in self.meanings.items():
            phrase_words = phrase.split()
            if len(phrase_words) < 2 or f" {phrase} " not in padded:
                continue
            if (set(words) - set(phrase_words)) & self._negations:
                continue  # "je ne veux pas changer de mentor"
            candidates.append((len(phrase_words), meaning))
        if not candidates:
            return None
        longest = max(size for size, _ in candidates)
        meanings = {meaning for size, meaning in candidates if size == longest}
        return meanings.pop() if len(meanings) == 1 else None


_THANKS = frozenset(fold(t) for t in (
    "merci", "merci beaucoup", "mille mercis", "merci bien", "merci à vous", "merci !",
    "ok", "okay", "ok merci", "d'accord", "parfait", "super", "génial", "top", "cool",
    "ça marche", "c'est noté", "bien reçu", "entendu", "thanks", "thank you", "thanks a lot",
    "thank you very much", "thx", "ty", "great", "perfect", "awesome", "got it", "noted",
    "ok thanks", "ok thank you", "sounds good", "nice"))
_KIND_EMOJI = frozenset("👍🙏😊🙂😀😃😄😁❤♥💙💚👌🎉✅💪🤝👏🥰😍☺✨🌟\ufe0f")
_HELP = frozenset(fold(t) for t in (
    "aide", "à l'aide", "aide-moi", "aidez-moi", "au secours", "je ne comprends pas",
    "je comprends pas", "comprends pas", "quoi", "hein", "help", "help me", "what",
    "i don't understand", "i dont understand", "huh"))


def _meaning(path: Path, number: int, entry: Any) -> Meaning:
    if not isinstance(entry, dict) or not isinstance(entry.get("command"), str):
        raise PhraseError(f"{path}: [[phrase]] number {number} needs a command")
    return Meaning(entry["command"], str(entry.get("args", "")), bool(entry.get("in_flow")))
