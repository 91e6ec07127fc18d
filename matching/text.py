"""Text folding and goals similarity (hashed TF-IDF, French and English).

`fold` is the one canonical form of free text in the library: case-folded, accents
stripped, whitespace collapsed. Goals similarity compares a mentee's goals with a mentor's
goals and offered topics: tokens are folded, stop words of both languages dropped, a light
plural stemming applied, then hashed (crc32, stable across processes) into 2**20 features
weighted by sublinear TF times IDF, and compared by cosine.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

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


@lru_cache(maxsize=1 << 18)
def _analysed(text: str) -> tuple[tuple[tuple[int, int], ...], dict[int, str]]:
    """Content words of `text`: (feature, count) in order of first appearance, and the
    first word seen for each feature.

    Each text is tokenised once for every model: fitting IDF, weighing vectors and naming
    shared words all read this (only the first MAX_TOKENS content words count).
    """
    words = _TOKEN.findall(text[: MAX_TOKENS * 30].lower())
    terms = [term for term in zip(map(_word_feature, words), words, strict=True) if term[0] >= 0]
    terms = terms[:MAX_TOKENS]
    counts = Counter(f for f, _ in terms)
    return tuple(counts.items()), dict(reversed(terms))


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

    @classmethod
    def fit(cls, documents: Iterable[str]) -> TextModel:
        df: Counter[int] = Counter()
        count = 0
        for doc in documents:
            count += 1
            df.update(f for f, _ in _analysed(doc)[0])
        idf = {f: math.log((1 + count) / (1 + n)) + 1.0 for f, n in df.items()}
        return cls(idf, default_idf=math.log(1 + count) + 1.0)

    def _vector(self, text: str) -> dict[int, float]:
        """L2-normalised {feature: weight} of `text` (empty for a text without content words)."""
        idf, default_idf = self.idf, self.default_idf
        weights = {f: _SUBLINEAR_TF[n] * idf.get(f, default_idf) for f, n in _analysed(text)[0]}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if norm == 0.0:
            return {}
        return {f: w / norm for f, w in weights.items()}

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two texts, in [0, 1]."""
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        dot = sum(w * vb[f] for f, w in va.items() if f in vb)
        return min(1.0, max(0.0, dot))

    def shared_words(self, a: str, b: str, limit: int = 3) -> tuple[str, ...]:
        """Words of `a` that also weigh in `b`, strongest first (for a reason's wording)."""
        va, vb = self.vector(a), self.vector(b)
        shared = [(va[f] * vb[f], word) for f, word in _analysed(a)[1].items() if f in vb]
        shared.sort(key=lambda item: (-item[0], item[1]))
        return tuple(word for _, word in shared[:limit])
