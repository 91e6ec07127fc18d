"""Text folding and goals similarity (hashed TF-IDF, French and English).

`fold` is the one canonical form of free text in the library: case-folded, accents
stripped, whitespace collapsed. Goals similarity compares a mentee's goals with a mentor's
goals and offered topics: tokens are folded, stop words of both languages dropped, a light
plural stemming applied, then hashed (crc32, stable across processes) into 2**20 features
weighted by sublinear TF times IDF, and compared by cosine.

`TextModel.vectors` and `similarities` do the same for many texts and pairs at once with
numpy, to the bit: the same products, and sums added in the same order as Python's.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, reduce
from itertools import chain

import numpy as np

FEATURES = 1 << 20
MAX_TOKENS = 400
"""Tokens read per text: goals are a few sentences; this bounds the work for a pasted novel."""

_SUBLINEAR_TF = (0.0, *(1.0 + math.log(n) for n in range(1, MAX_TOKENS + 1)))
"""1 + log(n), the weight of a term seen n times (n <= MAX_TOKENS), by table."""
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_][\w+#]*")

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each even few for
    from further get got had has have having he her here hers him his how i if in into is it its
    just like make me more most my myself no nor not now of off on once only or other our ours
    out over own really same she should so some such than that the their them then there these
    they this those through to too under until up very was we well were what when where which
    while who whom why will with would you your yours want wants would like need needs help
    learn learning get improve better new good lot lots way ways things thing someone something
    je tu il elle on nous vous ils elles me te se moi toi lui leur leurs mon ma mes ton ta tes
    son sa ses notre nos votre vos le la les l un une des du de d au aux ce cet cette ces qui que
    quoi dont ou où et mais donc or ni car ne pas plus moins tres très bien aussi comme pour par
    avec sans sur sous dans en entre vers chez y a ai as avons avez ont est suis es sommes etes
    êtes sont etre être avoir fait faire veux veut voudrais aimerais souhaite souhaiterais
    apprendre aider besoin meilleur mieux nouveau nouvelle chose choses quelqu quelque
    quelques tout tous toute toutes autre autres ainsi alors encore deja déjà si c j m n s t qu
    """.split()
)
_STOP_FOLDED = frozenset(
    "".join(ch for ch in unicodedata.normalize("NFKD", w) if not unicodedata.combining(ch))
    for w in STOP_WORDS
)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Case-folded, accent-stripped, whitespace-collapsed `text`."""
    return _SPACES.sub(" ", strip_accents(text.casefold())).strip()


def _stem(token: str) -> str:
    # Light plural stripping shared by French and English ("projets", "skills", "travaux").
    if len(token) > 4 and token.endswith("aux"):
        return token[:-3] + "al"
    if len(token) > 3 and token[-1] in "sx" and token[-2] not in "su":
        return token[:-1]
    return token


@dataclass(frozen=True, slots=True)
class _Analysed:
    """The content words of a text (only its first MAX_TOKENS count)."""

    features: tuple[int, ...]
    """Distinct features, in order of first appearance."""
    counts: tuple[int, ...]
    """How often each appears."""
    first_words: dict[int, str]
    """The first word seen with each feature."""


@lru_cache(maxsize=1 << 18)
def _analysed(text: str) -> _Analysed:
    """`text` tokenised once for every model: fitting IDF, weighing vectors and naming
    shared words all read this."""
    words = _TOKEN.findall(text[: MAX_TOKENS * 30].lower())
    terms = [term for term in zip(map(_word_feature, words), words, strict=True) if term[0] >= 0]
    terms = terms[:MAX_TOKENS]
    counts = Counter(f for f, _ in terms)
    return _Analysed(tuple(counts), tuple(counts.values()), dict(reversed(terms)))


def feature(stem: str) -> int:
    return zlib.crc32(stem.encode("utf-8")) & (FEATURES - 1)


@lru_cache(maxsize=200_000)
def _word_feature(word: str) -> int:
    """The feature of a lower-cased word's stem, -1 for a stop word, a number or one letter."""
    folded = word if word.isascii() else strip_accents(word)
    if len(folded) < 2 or folded in _STOP_FOLDED or folded.isdigit():
        return -1
    return feature(_stem(folded))


class TextModel:
    """Hashed TF-IDF vectors and their cosine similarity.

    `TextModel()` weighs every feature with IDF 1 (plain TF); `TextModel.fit(docs)` learns
    IDF from a corpus (the mentors' documents) and then stays fixed, so scores do not drift
    when one profile changes.
    """

    def __init__(self, idf: dict[int, float] | None = None, default_idf: float = 1.0) -> None:
        self.idf: dict[int, float] = dict(idf or {})
        self.default_idf = default_idf
        self.vector = lru_cache(maxsize=1 << 18)(self._vector)
        self._idf_sorted: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def fit(cls, documents: Iterable[str]) -> TextModel:
        df: Counter[int] = Counter()
        count = 0
        for doc in documents:
            count += 1
            df.update(_analysed(doc).features)
        idf = {f: math.log((1 + count) / (1 + n)) + 1.0 for f, n in df.items()}
        return cls(idf, default_idf=math.log(1 + count) + 1.0)

    def _vector(self, text: str) -> dict[int, float]:
        """L2-normalised {feature: weight} of `text` (empty for a text without content words)."""
        idf, default_idf = self.idf, self.default_idf
        terms = _analysed(text)
        weights = {f: _SUBLINEAR_TF[n] * idf.get(f, default_idf)
                   for f, n in zip(terms.features, terms.counts, strict=True)}
        norm = math.sqrt(_sum(w * w for w in weights.values()))
        if norm == 0.0:
            return {}
        return {f: w / norm for f, w in weights.items()}

    def vectors(self, texts: Sequence[str]) -> Vectors:
        """`vector` of each text, at once: the same features, order and weights."""
        analysed = [_analysed(text) for text in texts]
        lengths = np.fromiter((len(a.features) for a in analysed), np.int64, len(analysed))
        total = int(lengths.sum())
        features = np.fromiter(chain.from_iterable(a.features for a in analysed), np.int64, total)
        counts = np.fromiter(chain.from_iterable(a.counts for a in analysed), np.int64, total)
        keys, values = self._idf_arrays()
        at = np.minimum(np.searchsorted(keys, features), keys.size - 1)
        idf = np.where(keys[at] == features, values[at], self.default_idf)
        weights = np.asarray(_SUBLINEAR_TF)[counts] * idf
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        norms = np.sqrt(_row_sums(weights * weights, indptr))
        return Vectors(features, weights / np.repeat(norms, lengths), indptr)

    def _idf_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """`idf` as sorted features and their weights (with one sentinel when empty)."""
        if self._idf_sorted is None:
            keys = np.array(sorted(self.idf) or [-1], dtype=np.int64)
            values = np.array([self.idf.get(f, self.default_idf) for f in keys.tolist()])
            self._idf_sorted = keys, values
        return self._idf_sorted

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two texts, in [0, 1]."""
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        dot = _sum(w * vb[f] for f, w in va.items() if f in vb)
        return min(1.0, max(0.0, dot))

    def shared_words(self, a: str, b: str, limit: int = 3) -> tuple[str, ...]:
        """Words of `a` that also weigh in `b`, strongest first (for a reason's wording)."""
        va, vb = self.vector(a), self.vector(b)
        shared = [(va[f] * vb[f], word) for f, word in _analysed(a).first_words.items() if f in vb]
        shared.sort(key=lambda item: (-item[0], item[1]))
        return tuple(word for _, word in shared[:limit])


def _sum(values: Iterable[float]) -> float:
    """`values` added left to right (what `sum` does up to Python 3.11; 3.12's compensates),
    so that `_row_sums` adds the same way."""
    return reduce(operator.add, values, 0.0)


@dataclass(frozen=True, slots=True)
class Vectors:
    """Vectors of many texts as CSR arrays: row r is features[indptr[r]:indptr[r + 1]],
    with their weights, in the order `TextModel.vector` holds them."""

    features: np.ndarray
    weights: np.ndarray
    indptr: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.indptr)

    def weight_of(self, rows: np.ndarray, features: np.ndarray) -> np.ndarray:
        """The weight of features[p] in row rows[p], 0.0 where that row lacks it."""
        if self.features.size == 0:
            return np.zeros(rows.size)
        owner = np.repeat(np.arange(self.indptr.size - 1), self.lengths)
        keys = owner * FEATURES + self.features
        order = np.argsort(keys)
        wanted = rows * FEATURES + features
        at = order[np.minimum(np.searchsorted(keys, wanted, sorter=order), keys.size - 1)]
        return np.where(keys[at] == wanted, self.weights[at], 0.0)


def similarities(a: Vectors, rows_a: np.ndarray, b: Vectors, rows_b: np.ndarray) -> np.ndarray:
    """`TextModel.similarity` of the texts of rows a[rows_a[p]] and b[rows_b[p]], to the bit."""
    dots = np.zeros(rows_a.size)
    a_shorter = a.lengths[rows_a] <= b.lengths[rows_b]
    dots[a_shorter] = _dots(a, rows_a[a_shorter], b, rows_b[a_shorter])
    dots[~a_shorter] = _dots(b, rows_b[~a_shorter], a, rows_a[~a_shorter])
    return np.clip(dots, 0.0, 1.0)


def _dots(short: Vectors, short_rows: np.ndarray, long: Vectors, long_rows: np.ndarray
          ) -> np.ndarray:
    """As `similarity` sums: the shorter vector's entries in order, times the other's weight
    on the same feature (0.0 when it has none: adding it changes nothing), left to right."""
    lengths = short.lengths[short_rows]
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    pair = np.repeat(np.arange(lengths.size), lengths)
    entry = short.indptr[short_rows][pair] + np.arange(pair.size) - indptr[pair]
    products = short.weights[entry] * long.weight_of(long_rows[pair], short.features[entry])
    return _row_sums(products, indptr)


def _row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Per row (values[indptr[r]:indptr[r + 1]]), its values added left to right (`_sum`).

    Rows are taken longest first, so that the rows still adding a k-th value are a prefix:
    one vectorised addition per position (at most MAX_TOKENS).
    """
    lengths = np.diff(indptr)
    order = np.argsort(-lengths, kind="stable")
    starts, by_length = indptr[:-1][order], lengths[order]
    sums = np.zeros(lengths.size)
    for k in range(int(by_length[0]) if by_length.size else 0):
        active = int(np.searchsorted(-by_length, -k, side="left"))
        sums[:active] += values[starts[:active] + k]
    out = np.empty_like(sums)
    out[order] = sums
    return out
