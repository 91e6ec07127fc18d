"""The topic taxonomy and the normalisation of free-text topics.

People type topics the way they think of them: "gestion de projet", "Project Mgmt", "PM",
"pyhton, RH et leadership", "préparer mes entrevues chez Desjardins". `Taxonomy.normalise`
turns such text into taxonomy ids, and keeps what it does not recognise as a free tag
`free:<folded text>` (two people who typed the same unknown topic still match each other).

How a text is read:
1. It is cut into pieces at commas, semicolons, newlines and bullets, and each piece into
   fragments at "/", " & ", " + ", " et ", " and ", " ou ", " or ", " pis " (unless the whole
   piece is a known term: "CI/CD", "recherche et développement", "prêts et bourses").
2. A fragment is folded (case, accents, punctuation, emoji dropped) and single abbreviated
   words are expanded ("mgmt" -> "management"). Acronyms that are also everyday words
   ("IT", "TI") count only when written in capitals.
3. Known terms (labels, synonyms, abbreviations of both languages) are found exactly, longest
   first, as whole words; the words left over are matched with a typo tolerance that grows
   with length: none under 6 letters ("jean" is not "lean", "ports" not "sports"), only two
   swapped letters at 6 ("pyhton"), one edit from 7 to 12 letters, two up to 20, three
   beyond, and in a multi-word term each word within its own allowance. Abbreviations are
   never matched fuzzily.
4. A fragment whose content words are all covered yields its topics. A fragment with words
   left over still yields the topics it names when it reads as a sentence ("j'aimerais",
   "I need", "my"...), when the leftover words hang on a preposition ("santé mentale au
   travail", "études en psychologie") or are proper names ("chez Desjardins"); otherwise it
   is one free tag ("restauration de vitraux" is not hospitality). A known word followed by
   "de"/"of" and an unknown noun is that noun's head and is not taken ("stage de plongée").
   Non-answers ("je sais pas", "idk", "n/a") yield nothing, so the question can be asked
   again.
The work is bounded: 10,000 characters, 40 fragments and 20 topics per text at most.
"""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import spellchecker
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
_WEAK_SEPARATORS = re.compile(
    r"\s*/\s*|\s+(?:&|\+|et|and|ou|or|pis|puis|ainsi que|as well as)\s+", re.IGNORECASE
)
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
    b c e f g h k m n o p q r s t u v w x y z qu il elle on nous vous ils elles
    is am are be being been was were it its this that these those who what which when where
    do does doing did can could will should may might must also just really very so too
    im ive id ill dont cant
    love happy glad looking look find finding found make making made give giving take taking
    practice practicing practise prepare preparing preparation tips advice guidance support
    mentor mentoring mentee share sharing offer offering any all other etc something things
    est suis es sommes etes sont etre ai as avons avez ont avoir fait faire refaire faut
    trouver chercher cherche pratiquer preparer preparation gerer conseils conseil astuces
    partager offrir accompagner aider soutien ce cet cette ces qui que quoi dont tout tous
    toute toutes autre autres aussi encore deja vraiment surtout genre ben pis puis faque
    tsé tse la pour moi toi lui leur leurs quelque quelques chose choses ca cela
    cours course courses class classes certification certificat certificate
    nailing acing ace breaking break thinking handling dealing navigating mastering maitriser
    reussir
    """.split()
)
"""Words that carry no topic of their own: a fragment need not cover them."""

SENTENCE_WORDS = frozenset(
    """
    i me my im ive id want need would like love looking help can could happy glad interested
    how
    je j me m moi mon ma mes veux voudrais aimerais souhaite souhaiterais besoin aide peux
    cherche offre interesse interessee aider comment
    """.split()
)
"""A fragment with one of these words is a sentence about topics, not a topic's name: the
topics it names count even if other words are left over."""

LINK_WORDS = frozenset(
    """
    a au aux en chez pour dans sur avec apres avant pendant comme vers sans entre
    in at for to on with into during after before while as from within towards toward
    without between
    """.split()
)
"""Prepositions that attach a leftover word to a topic without changing the topic:
"santé mentale au travail", "études en psychologie", "promotion to senior"."""

OF_WORDS = frozenset({"de", "du", "des", "d", "of"})
"""A known word followed by one of these and an unknown noun is that noun's head, with
another meaning: "restauration de vitraux", "stage de plongée"."""

ARTICLES = frozenset({"le", "la", "les", "l", "un", "une", "the", "a", "an"})

NON_ANSWER_WORDS = frozenset(
    """
    je j sais sait pas ne chepa chais jsp sai aucune aucun idee idea idk dunno know don dont t
    not sure yet sur sure encore maybe peut etre rien nothing none nada na n/a tbd tbc voir
    lol mdr xd haha ptdr ras test asdf azerty qwerty tout everything anything whatever
    importe quoi later ask me plus tard instant moment maintenant now for the pour l de pas
    ok oui non yes no bof pis ben euh hmm heu jsais
    """.split()
)
"""A fragment made only of these words ("je sais pas", "idk", "rien pour l'instant") is not
an answer: it yields nothing, neither a topic nor a free tag."""


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
    acronyms: tuple[str, ...] = ()
    """Matched only as typed, in capitals: "IT" and "TI" are also everyday words."""


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
    """Typos tolerated in a word or term of `length` characters.

    Short words are real words far more often than typos: "jean" is not "lean", "ports" not
    "sports", "opal" not "oral". At 6 letters only a swap is accepted (see `_word_close`).
    """
    if length < 6:
        return 0
    if length <= 12:
        return 1
    if length <= 20:
        return 2
    return 3


@cache
def known_words() -> frozenset[str]:
    """Folded English and French words (pyspellchecker's word lists, shipped inside that
    package): a word of the language is what the person meant, never a typo to correct
    ("salaire" is not "solaire", "hiking" not "hiring"). Loaded once, on the first typo."""
    words: set[str] = set()
    resources = Path(spellchecker.__file__).parent / "resources"
    for language in ("en", "fr"):
        with gzip.open(resources / f"{language}.json.gz", "rt", encoding="utf-8") as file:
            # Only words long enough to be fuzzily matched at all (see _allowed_edits).
            words.update(word for word in json.load(file) if len(word) >= 6)
    return frozenset(w if w.isascii() and w.islower() else fold(w) for w in words)


def _word_close(typed: str, term: str) -> bool:
    """Whether one typed word may be a typo of one term word, within its own allowance."""
    if typed == term:
        return True
    allowed = _allowed_edits(len(typed))
    if allowed == 0:
        return False
    if len(typed) == 6:  # "pyhton" yes, "hiking" (hiring) and "manger" (manager) no
        return len(term) == 6 and sorted(typed) == sorted(term) and OSA.distance(typed, term) == 1
    return OSA.distance(typed, term, score_cutoff=allowed) <= allowed


@lru_cache(maxsize=_CACHE_SIZE)
def _is_sentence(piece: str) -> bool:
    """Whether a piece of text reads as a sentence about topics (see SENTENCE_WORDS)."""
    return any(w in SENTENCE_WORDS for w in clean(piece).split()[:200])


def _words_close(typed: list[str], term: list[str]) -> bool:
    """Whether a typed multi-word window may be a typo of a multi-word term: one word typed
    right anchors it ("premier emloi", "gestin du stress"), so a word of 4 letters or more
    may then have one typo; a shorter word must be exact ("sales of" is not "sale of")."""
    anchored = False
    for a, b in zip(typed, term, strict=True):
        if a == b:
            anchored = anchored or len(a) >= 3
        elif len(a) < 4 or OSA.distance(a, b, score_cutoff=1) > 1:
            return False
    return anchored


@dataclass(frozen=True, slots=True)
class _Words:
    """A fragment as words: folded, or kept as typed for acronyms, with proper-name flags."""

    words: tuple[str, ...]
    proper: tuple[bool, ...]
    sentence: bool


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
        self._acronyms: set[str] = set()
        fuzzy_terms: list[str] = []
        for topic in topics:
            terms = [topic.id.replace("-", " "), topic.en, topic.fr, *topic.synonyms]
            for raw in terms:
                term = clean(raw)
                if term and self._claim(term, topic.id) and len(term) >= 6:
                    fuzzy_terms.append(term)
            for raw in topic.abbreviations:
                term = clean(raw)
                if term:
                    self._claim(term, topic.id)
            for raw in topic.acronyms:
                # Kept in capitals: every other word is folded to lower case, so "IT" and
                # "it" are different words.
                acronym = raw.strip()
                if not re.fullmatch(r"[A-Z0-9]{2,6}", acronym):
                    raise TaxonomyError(f"acronym {raw!r} of {topic.id!r} must be capitals")
                self._claim(acronym, topic.id)
                self._acronyms.add(acronym)
        # Terms by length: a query is only compared with terms it could be within reach of.
        self._by_length: dict[int, list[str]] = {}
        for term in fuzzy_terms:
            self._by_length.setdefault(len(term), []).append(term)
        self._reachable: dict[tuple[int, int], list[str]] = {}
        self._max_window = max((t.count(" ") + 1 for t in self._exact), default=1)
        self._max_window = min(self._max_window, MAX_WINDOW)
        self._text_cache: dict[str, tuple[TopicMatch, ...]] = {}
        self._fragment_cache: dict[tuple[str, _Words], tuple[tuple[str, float], ...]] = {}
        self._raw_cache: dict[tuple[str, bool], tuple[tuple[str, float], ...]] = {}

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
                        acronyms=tuple(str(s) for s in entry.get("acronyms", ())),
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
        for fragment, sentence in self._fragments(text[:MAX_CHARS]):
            for topic_id, score in self._match_fragment(fragment, sentence):
                if topic_id not in found:
                    found[topic_id] = TopicMatch(topic_id, fragment.strip()[:80], score)
            if len(found) >= MAX_TOPICS:
                break
        return tuple(list(found.values())[:MAX_TOPICS])

    def _fragments(self, text: str) -> Iterator[tuple[str, bool]]:
        """Fragments of `text`, each with whether its piece reads as a sentence."""
        count = 0
        for piece in _STRONG_SEPARATORS.split(text):
            if not piece.strip():
                continue
            sentence = _is_sentence(piece)
            parts = [piece] if self._is_one_term(piece) else _WEAK_SEPARATORS.split(piece)
            for part in parts:
                if part and part.strip():
                    yield part, sentence
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

    def _words(self, fragment: str, sentence: bool) -> _Words:
        words: list[str] = []
        proper: list[bool] = []
        lower_seen = False
        for index, token in enumerate(_NOT_TERM_CHARS.sub(" ", fragment).split()[:200]):
            token = token.strip(".")
            if token in self._acronyms:
                words.append(token)
                proper.append(False)
                continue
            folded = [token.lower()] if token.isascii() else clean(token).split()
            for word in folded:
                words.append(self._expansions.get(word, word))
                # A capitalised word inside a fragment is a name ("chez Desjardins").
                proper.append(index > 0 and token[:1].isupper() and token[1:].islower())
            lower_seen = lower_seen or token[:1].islower()
        if not lower_seen:  # "Restauration De Vitraux": title case says nothing of names
            proper = [False] * len(words)
        return _Words(tuple(words), tuple(proper), sentence)

    def _match_fragment(
        self, fragment: str, sentence: bool = False
    ) -> tuple[tuple[str, float], ...]:
        raw = (fragment, sentence)
        cached = self._raw_cache.get(raw)
        if cached is not None:
            return cached
        key = (clean(fragment), self._words(fragment, sentence))
        cached = self._fragment_cache.get(key)
        if cached is None:
            cached = self._match_words(*key)
            if len(self._fragment_cache) >= _CACHE_SIZE:
                self._fragment_cache.clear()
            self._fragment_cache[key] = cached
        if len(self._raw_cache) >= _CACHE_SIZE:
            self._raw_cache.clear()
        self._raw_cache[raw] = cached
        return cached

    def _match_words(self, cleaned: str, typed: _Words) -> tuple[tuple[str, float], ...]:
        if cleaned in self._exact:  # before expansions: "dev ops", "biz dev"
            return ((self._exact[cleaned], 1.0),)
        words = list(typed.words)
        whole = " ".join(words)
        if whole in self._exact:  # also the short ones: "C#", "Go", "TI"
            return ((self._exact[whole], 1.0),)
        if not _meaningful(whole):
            return ()
        if all(w in NON_ANSWER_WORDS or w in FILLER_WORDS for w in words):
            return ()
        content = [
            i for i, w in enumerate(words)
            if w not in FILLER_WORDS and w not in LINK_WORDS and not w.isdigit()
        ]
        if not content:
            return ()
        if len(content) <= LONG_FRAGMENT:
            # A typo in a multi-word term is best caught on the whole fragment, before
            # its words are matched one by one ("risk mannagement").
            fuzzy = self._fuzzy(whole)
            if fuzzy is not None:
                return (fuzzy,)
        matches, covered = self._exact_windows(words, set(content))
        if len(content) <= LONG_FRAGMENT:
            matches += self._fuzzy_windows(words, covered, content)
        matches = self._drop_heads(words, matches, covered, set(content))
        if len(content) > LONG_FRAGMENT:
            return tuple(_ordered(matches))
        left = [i for i in content if i not in covered]
        if matches and all(self._ignorable(typed, i, covered) for i in left):
            return tuple(_ordered(matches))
        tag = free_tag(whole)
        return ((tag, 0.0),) if tag else ()

    def _ignorable(self, typed: _Words, index: int, covered: set[int]) -> bool:
        """Whether a leftover word leaves the topics found beside it unchanged."""
        if typed.sentence or typed.proper[index]:
            return True
        words = typed.words
        for step in (-1, 1):  # the nearest covered word on either side
            between = []
            i = index + step
            while 0 <= i < len(words) and i not in covered:
                between.append(words[i])
                i += step
            if not 0 <= i < len(words):
                continue
            if any(w in LINK_WORDS for w in between):
                return True
        return False

    def _drop_heads(
        self,
        words: list[str],
        matches: list[tuple[int, str, float, int]],
        covered: set[int],
        content: set[int],
    ) -> list[tuple[int, str, float, int]]:
        """Matches that are not the head of "<known> de/of <unknown noun>"."""
        kept = []
        for start, topic_id, score, end in matches:
            i = end
            if i < len(words) and words[i] in OF_WORDS:
                i += 1
                while i < len(words) and words[i] in ARTICLES:
                    i += 1
                if i < len(words) and i in content and i not in covered:
                    covered.difference_update(range(start, end))
                    continue
            kept.append((start, topic_id, score, end))
        return kept

    def _exact_windows(
        self, words: list[str], content: set[int]
    ) -> tuple[list[tuple[int, str, float, int]], set[int]]:
        """Known terms as whole-word windows without overlap, chosen to cover the most
        content words ("trouver une job étudiante" is a student job, not "trouver une job"
        and a leftover word), then with the fewest terms, then the longest ones."""
        n = len(words)
        # best[i]: (content words covered, -terms used, words covered) for words[i:], and
        # the first window of that choice.
        Value = tuple[int, int, int]
        best: list[tuple[Value, tuple[int, str] | None]] = [((0, 0, 0), None)] * (n + 1)
        for i in range(n - 1, -1, -1):
            choice = (best[i + 1][0], None)
            for size in range(min(self._max_window, n - i), 0, -1):
                topic_id = self._exact.get(" ".join(words[i : i + size]))
                if topic_id is None:
                    continue
                (covers, terms, spanned), _ = best[i + size]
                gain = sum(1 for k in range(i, i + size) if k in content)
                value = (covers + gain, terms - 1, spanned + size)
                if value > choice[0]:
                    choice = (value, (size, topic_id))
            best[i] = choice
        matches: list[tuple[int, str, float, int]] = []
        covered: set[int] = set()
        i = 0
        while i < n:
            window = best[i][1]
            if window is None:
                i += 1
                continue
            size, topic_id = window
            matches.append((i, topic_id, 1.0, i + size))
            covered.update(range(i, i + size))
            i += size
        return matches, covered

    def _fuzzy_windows(
        self, words: list[str], covered: set[int], content: list[int]
    ) -> list[tuple[int, str, float, int]]:
        """Typo-tolerant matches for windows of uncovered words (1 to 3 words)."""
        matches: list[tuple[int, str, float, int]] = []
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
                    matches.append((start, *found, start + size))
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
        typed = query.split()
        if len(typed) == 1 and query in known_words():
            return None  # a real word is not a typo; in a longer term, context decides
        for term, distance, _ in process.extract(
            query, choices, scorer=OSA.distance, score_cutoff=allowed, limit=5
        ):
            words = term.split()
            # Each word within its own allowance: "sales of" must not become "sale of" by
            # way of the whole query's length. A word joined or split ("team work") is
            # judged on the whole query.
            if len(typed) == 1 and len(words) == 1:
                close = _word_close(query, term)
            else:
                close = len(words) != len(typed) or _words_close(typed, words)
            if close:
                score = round(1.0 - distance / max(len(query), len(term)), 4)
                return self._exact[term], score
        return None


def _ordered(matches: list[tuple[int, str, float, int]]) -> list[tuple[str, float]]:
    return [(topic_id, score) for _, topic_id, score, _ in sorted(matches, key=lambda m: m[0])]


def _text(entry: dict, key: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{key!r} must be a non-empty string")
    return value
