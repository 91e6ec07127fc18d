"""The topic taxonomy and the normalisation of free-text topics.

People type topics the way they think of them: "gestion de projet", "Project Mgmt", "PM",
"pyhton, RH et leadership". `Taxonomy.normalise` turns such text into taxonomy ids, and
keeps what it does not recognise as a free tag `free:<folded text>` (two people who typed
the same unknown topic still match each other).

How a text is read:
1. It is cut into fragments at commas, semicolons, newlines, bullets and, unless the whole
   piece is a known term ("CI/CD", "recherche et développement"), at "/", " & ", " + ",
   " et ", " and ", " ou ", " or ".
2. A fragment is folded (case, accents, punctuation, emoji dropped) and single abbreviated
   words are expanded ("mgmt" -> "management").
3. Known terms (labels, synonyms, abbreviations of both languages) are found exactly, longest
   first, as whole words; the words left over are matched with a bounded typo tolerance
   (optimal string alignment distance: 1 edit up to 12 letters, 2 up to 20, 3 beyond; none
   under 4 letters and never for abbreviations).
4. If every content word of the fragment is covered the fragment yields those topics;
   otherwise it becomes one free tag. A long sentence (more than 6 content words) only
   yields the known terms it contains.
The work is bounded: 10,000 characters, 40 fragments and 20 topics per text at most.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from matching.text import fold

FREE_PREFIX = "free:"
MAX_CHARS = 10_000
MAX_FRAGMENTS = 40
MAX_TOPICS = 20
MAX_FREE_TAG = 60
MAX_WINDOW = 6
LONG_FRAGMENT = 6
"""A fragment with more content words than this is a sentence, not a topic name."""
_CACHE_SIZE = 50_000

_STRONG_SEPARATORS = re.compile(r"[,;\n\r\t|•·▪●◦∙‣⁃…]+|\.\s|\s-\s")
_WEAK_SEPARATORS = re.compile(r"\s*/\s*|\s+(?:&|\+|et|and|ou|or)\s+")
_NOT_TERM_CHARS = re.compile(r"[^\w\s+#&.]|_")
_SPACES = re.compile(r"\s+")

FILLER_WORDS = frozenset(
    """
    a an the of for in on at to with and or my our your some more better how about from by
    le la les l un une des de du d au aux en et ou pour sur avec mon ma mes ton ta tes son
    sa ses notre nos votre vos dans par plus mieux comment
    i me want would like need to learn learning improve improving get getting better start
    starting become becoming know knowing understand develop developing help skills skill
    je j veux voudrais aimerais souhaite apprendre ameliorer progresser devenir comprendre
    developper decouvrir aide besoin competences competence savoir connaitre
    advanced beginner basics basic intro introduction fundamentals
    avance avancee debutant debutante bases base initiation perfectionnement notions
    """.split()
)


class TaxonomyError(ValueError):
    """The taxonomy file is malformed or two topics claim the same term."""


@dataclass(frozen=True, slots=True)
class TopicMatch:
    id: str
    fragment: str
    score: float


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    category: str
    en: str
    fr: str
    synonyms: tuple[str, ...]
    abbreviations: tuple[str, ...]


def is_free(topic_id: str) -> bool:
    return topic_id.startswith(FREE_PREFIX)


def clean(text: str) -> str:
    """Folded `text` with punctuation, symbols and emoji replaced by spaces.

    "+", "#", "&" and inner dots are kept for "C++", "C#", "R&D", "Node.js".
    """
    cleaned = _NOT_TERM_CHARS.sub(" ", fold(text))
    cleaned = _SPACES.sub(" ", cleaned).strip()
    return " ".join(word.strip(".") for word in cleaned.split() if word.strip("."))


def free_tag(text: str) -> str | None:
    """`free:<folded text>` for a fragment, or None if it holds no letters."""
    cleaned = clean(text)
    if not _meaningful(cleaned):
        return None
    if len(cleaned) > MAX_FREE_TAG:
        cleaned = cleaned[:MAX_FREE_TAG].rsplit(" ", 1)[0] or cleaned[:MAX_FREE_TAG]
    return FREE_PREFIX + cleaned


def _meaningful(cleaned: str) -> bool:
    """At least two letters: "a", "42", "31m", "!!" are noise, not topics."""
    return sum(ch.isalpha() for ch in cleaned) >= 2


def _allowed_edits(length: int) -> int:
    if length < 4:
        return 0
    if length <= 12:
        return 1
    if length <= 20:
        return 2
    return 3


class Taxonomy:
    """Topics with FR/EN labels and synonyms, and the normaliser built on them."""

    def __init__(
        self,
        topics: list[Topic],
        expansions: dict[str, str] | None = None,
        categories: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.categories: dict[str, dict[str, str]] = dict(categories or {})
        self._by_id = {topic.id: topic for topic in topics}
        if len(self._by_id) != len(topics):
            raise TaxonomyError("duplicate topic id")
        self._expansions = {clean(k): clean(v) for k, v in (expansions or {}).items()}
        self._exact: dict[str, str] = {}
        fuzzy_terms: list[str] = []
        for topic in topics:
            terms = [topic.id.replace("-", " "), topic.en, topic.fr, *topic.synonyms]
            for raw in terms:
                term = clean(raw)
                if term and self._claim(term, topic.id) and len(term) >= 4:
                    fuzzy_terms.append(term)
            for raw in topic.abbreviations:
                term = clean(raw)
                if term:
                    self._claim(term, topic.id)
        # Terms by length: a query is only compared with terms it could be within reach of.
        self._by_length: dict[int, list[str]] = {}
        for term in fuzzy_terms:
            self._by_length.setdefault(len(term), []).append(term)
        self._reachable: dict[tuple[int, int], list[str]] = {}
        self._max_window = max((t.count(" ") + 1 for t in self._exact), default=1)
        self._max_window = min(self._max_window, MAX_WINDOW)
        self._text_cache: dict[str, tuple[TopicMatch, ...]] = {}
        self._fragment_cache: dict[str, tuple[tuple[str, float], ...]] = {}

    def _claim(self, term: str, topic_id: str) -> bool:
        owner = self._exact.get(term)
        if owner is None:
            self._exact[term] = topic_id
            return True
        if owner != topic_id:
            raise TaxonomyError(f"term {term!r} belongs to both {owner!r} and {topic_id!r}")
        return False

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: str | Path) -> Taxonomy:
        """Read a taxonomy TOML file (see content/topics.toml for the format)."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TaxonomyError(f"cannot read taxonomy {path}: {exc}") from exc
        topics = []
        for index, entry in enumerate(data.get("topic", [])):
            try:
                topics.append(
                    Topic(
                        id=_text(entry, "id"),
                        category=str(entry.get("category", "")),
                        en=_text(entry, "en"),
                        fr=_text(entry, "fr"),
                        synonyms=tuple(str(s) for s in entry.get("synonyms", ())),
                        abbreviations=tuple(str(s) for s in entry.get("abbreviations", ())),
                    )
                )
            except (KeyError, TypeError, AttributeError) as exc:
                raise TaxonomyError(f"topic #{index + 1}: {exc}") from exc
        for topic in topics:
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", topic.id):
                raise TaxonomyError(f"topic id {topic.id!r} is not kebab-case")
        return cls(topics, dict(data.get("expansions", {})), dict(data.get("categories", {})))

    # ------------------------------------------------------------------ lookup

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    def __len__(self) -> int:
        return len(self.topics)

    def get(self, topic_id: str) -> Topic | None:
        return self._by_id.get(topic_id)

    def label(self, topic_id: str, lang: str = "en") -> str:
        """The topic's label in `lang` ("fr" or "en"); a free tag renders its own text."""
        if is_free(topic_id):
            return topic_id[len(FREE_PREFIX) :]
        topic = self._by_id.get(topic_id)
        if topic is None:
            return topic_id
        return topic.fr if lang.lower().startswith("fr") else topic.en

    # ------------------------------------------------------------------ normalisation

    def normalise(self, text: str) -> list[TopicMatch]:
        """Topics found in `text`, in order of appearance, each id at most once."""
        if not isinstance(text, str) or not text:
            return []
        cached = self._text_cache.get(text)
        if cached is None:
            cached = self._normalise(text)
            if len(self._text_cache) >= _CACHE_SIZE:
                self._text_cache.clear()
            self._text_cache[text] = cached
        return list(cached)

    def _normalise(self, text: str) -> tuple[TopicMatch, ...]:
        found: dict[str, TopicMatch] = {}
        for fragment in self._fragments(text[:MAX_CHARS]):
            for topic_id, score in self._match_fragment(fragment):
                if topic_id not in found:
                    found[topic_id] = TopicMatch(topic_id, fragment.strip()[:80], score)
            if len(found) >= MAX_TOPICS:
                break
        return tuple(list(found.values())[:MAX_TOPICS])

    def _fragments(self, text: str) -> Iterator[str]:
        count = 0
        for piece in _STRONG_SEPARATORS.split(text):
            if not piece.strip():
                continue
            parts = [piece] if self._is_one_term(piece) else _WEAK_SEPARATORS.split(piece)
            for part in parts:
                if part and part.strip():
                    yield part
                    count += 1
                    if count >= MAX_FRAGMENTS:
                        return

    def _is_one_term(self, piece: str) -> bool:
        """A piece that is itself a term ("CI/CD", "recherche et développement", or one
        with a typo) is not cut at its "/" or "et"."""
        if not _WEAK_SEPARATORS.search(piece):
            return True
        words = [self._expansions.get(w, w) for w in clean(piece).split()]
        whole = " ".join(words)
        return whole in self._exact or self._fuzzy(whole) is not None

    def _match_fragment(self, fragment: str) -> tuple[tuple[str, float], ...]:
        cleaned = clean(fragment)
        cached = self._fragment_cache.get(cleaned)
        if cached is None:
            cached = self._match_cleaned(cleaned)
            if len(self._fragment_cache) >= _CACHE_SIZE:
                self._fragment_cache.clear()
            self._fragment_cache[cleaned] = cached
        return cached

    def _match_cleaned(self, cleaned: str) -> tuple[tuple[str, float], ...]:
        if cleaned in self._exact:  # before expansions: "dev ops", "biz dev"
            return ((self._exact[cleaned], 1.0),)
        words = [self._expansions.get(w, w) for w in cleaned.split()[:200]]
        whole = " ".join(words)
        if whole in self._exact:  # also the short ones: "C#", "Go"
            return ((self._exact[whole], 1.0),)
        if not _meaningful(whole):
            return ()
        content = [i for i, w in enumerate(words) if w not in FILLER_WORDS and not w.isdigit()]
        if not content:
            return ()
        if len(content) <= LONG_FRAGMENT:
            # A typo in a multi-word term is best caught on the whole fragment, before
            # its words are matched one by one ("risk mannagement").
            fuzzy = self._fuzzy(whole)
            if fuzzy is not None:
                return (fuzzy,)
        matches, covered = self._exact_windows(words)
        if len(content) <= LONG_FRAGMENT:
            matches += self._fuzzy_windows(words, covered, content)
            if all(i in covered for i in content):
                return tuple(_ordered(matches))
            tag = free_tag(whole)
            return ((tag, 0.0),) if tag else ()
        return tuple(_ordered(matches))

    def _exact_windows(self, words: list[str]) -> tuple[list[tuple[int, str, float]], set[int]]:
        """Known terms as whole-word windows, longest first, without overlap."""
        matches: list[tuple[int, str, float]] = []
        covered: set[int] = set()
        for size in range(min(self._max_window, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                span = range(start, start + size)
                if any(i in covered for i in span):
                    continue
                topic_id = self._exact.get(" ".join(words[start : start + size]))
                if topic_id is not None:
                    matches.append((start, topic_id, 1.0))
                    covered.update(span)
        return matches, covered

    def _fuzzy_windows(
        self, words: list[str], covered: set[int], content: list[int]
    ) -> list[tuple[int, str, float]]:
        """Typo-tolerant matches for windows of uncovered words (1 to 3 words)."""
        matches: list[tuple[int, str, float]] = []
        content_set = set(content)
        for size in (3, 2, 1):
            for start in range(len(words) - size + 1):
                span = range(start, start + size)
                if start not in content_set or (start + size - 1) not in content_set:
                    continue
                if any(i in covered for i in span):
                    continue
                found = self._fuzzy(" ".join(words[start : start + size]))
                if found is not None:
                    matches.append((start, *found))
                    covered.update(span)
        return matches

    def _fuzzy(self, query: str) -> tuple[str, float] | None:
        allowed = _allowed_edits(len(query))
        if allowed == 0 or len(query) > 80:
            return None
        key = (len(query), allowed)
        choices = self._reachable.get(key)
        if choices is None:
            choices = [
                term
                for length in range(len(query) - allowed, len(query) + allowed + 1)
                for term in self._by_length.get(length, ())
            ]
            self._reachable[key] = choices
        best = process.extractOne(query, choices, scorer=OSA.distance, score_cutoff=allowed)
        if best is None:
            return None
        term, distance, _ = best
        return self._exact[term], round(1.0 - distance / max(len(query), len(term)), 4)


def _ordered(matches: list[tuple[int, str, float]]) -> list[tuple[str, float]]:
    return [(topic_id, score) for _, topic_id, score in sorted(matches, key=lambda m: m[0])]


def _text(entry: dict, key: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{key!r} must be a non-empty string")
    return value
