"""Goals similarity: the words a reason names and the similarity behind a score.

The text model tokenises each text once and reads the counts everywhere (fitting, weighing,
naming shared words). `Plain` below is the straightforward reading of the rules (tokens,
then counts, then weights), kept here as the reference the cached path must match to the
bit: a score or a reason's words must not depend on which path computed them.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.text import _STOP_FOLDED as STOP_FOLDED
from matching.text import _TOKEN as TOKEN
from matching.text import MAX_TOKENS, TextModel, _stem, feature, similarities, strip_accents


def plain_tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in TOKEN.finditer(text[: MAX_TOKENS * 30].lower()):
        surface = match.group()
        folded = surface if surface.isascii() else strip_accents(surface)
        if len(folded) < 2 or folded in STOP_FOLDED or folded.isdigit():
            continue
        out.append((_stem(folded), surface))
        if len(out) >= MAX_TOKENS:
            break
    return out


class Plain:
    def __init__(self, documents: list[str]) -> None:
        df: Counter[int] = Counter()
        for doc in documents:
            df.update({feature(stem) for stem, _ in plain_tokens(doc)})
        self.idf = {f: math.log((1 + len(documents)) / (1 + n)) + 1.0 for f, n in df.items()}
        self.default_idf = math.log(1 + len(documents)) + 1.0

    def vector(self, text: str) -> dict[int, float]:
        counts = Counter(feature(stem) for stem, _ in plain_tokens(text))
        weights = {f: (1.0 + math.log(n)) * self.idf.get(f, self.default_idf)
                   for f, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {f: w / norm for f, w in weights.items()} if norm else {}

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        return min(1.0, max(0.0, sum(w * vb[f] for f, w in va.items() if f in vb)))

    def shared_words(self, a: str, b: str, limit: int = 3) -> tuple[str, ...]:
        va, vb = self.vector(a), self.vector(b)
        best: dict[int, tuple[float, str]] = {}
        for stem, surface in plain_tokens(a):
            f = feature(stem)
            if f in vb and f not in best:
                best[f] = (va[f] * vb[f], surface)
        ranked = sorted(best.values(), key=lambda item: (-item[0], item[1]))
        return tuple(surface for _, surface in ranked[:limit])


WORDS = ["data", "Data", "données", "donnee", "projets", "projet", "travaux", "travail",
         "leadership", "Python", "C++", "C#", "rust", "les", "the", "and", "je", "veux",
         "apprendre", "mentor", "mentoring", "juniors", "junior", "pipelines", "2024", "a",
         "x", "é", "Équipe", "équipes", "skills", "gestion", "carrière", "carriere", "ux",
         "ÉCOLE", "école", "cloud", "kubernetes", "bus", "campus", "analyse", "analyses"]
TEXT = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(documents=st.lists(TEXT, min_size=1, max_size=6), goals=TEXT, other=TEXT)
def test_vectors_similarity_and_shared_words_match_the_plain_reading(documents, goals, other):
    model, plain = TextModel.fit(documents), Plain(documents)
    assert model.idf == plain.idf and model.default_idf == plain.default_idf
    for a, b in [(goals, documents[0]), (goals, other), (other, goals)]:
        assert model.vector(a) == plain.vector(a)
        assert model.similarity(a, b) == plain.similarity(a, b)
        assert model.shared_words(a, b) == plain.shared_words(a, b)


@settings(max_examples=100, deadline=None)
@given(documents=st.lists(TEXT, min_size=1, max_size=6), texts=st.lists(TEXT, max_size=8),
       seed=st.integers(0, 1000))
def test_vectors_and_similarities_at_once_are_the_same_to_the_bit(documents, texts, seed):
    # The cohort's goals matrices and its pairs' goals come from these.
    model = TextModel.fit(documents)
    vectors = model.vectors(texts)
    for row, text in enumerate(texts):
        entries = slice(vectors.indptr[row], vectors.indptr[row + 1])
        assert list(zip(vectors.features[entries].tolist(), vectors.weights[entries].tolist(),
                        strict=True)) == list(model.vector(text).items())
    if not texts:
        return
    rng = np.random.default_rng(seed)
    others = model.vectors(documents)
    rows_a = rng.integers(0, len(texts), 30)
    rows_b = rng.integers(0, len(documents), 30)
    assert similarities(vectors, rows_a, others, rows_b).tolist() == [
        model.similarity(texts[a], documents[b]) for a, b in zip(rows_a, rows_b, strict=True)]
    assert similarities(others, rows_b, vectors, rows_a).tolist() == [
        model.similarity(documents[b], texts[a]) for a, b in zip(rows_a, rows_b, strict=True)]


def test_only_the_first_content_words_of_a_long_text_count():
    model, plain = TextModel(), Plain([])
    plain.idf, plain.default_idf = {}, 1.0
    pasted = " ".join(["python"] * (MAX_TOKENS + 50) + ["kubernetes"] * 10)
    assert model.vector(pasted) == plain.vector(pasted)
    assert model.vectors([pasted]).weights.tolist() == list(plain.vector(pasted).values())
    assert model.shared_words("kubernetes python", pasted) == ("python",)


def test_shared_words_in_english_and_french():
    model = TextModel.fit(["Data engineering lead; I mentor juniors on pipelines",
                           "Pâtisserie et boulangerie", "Gestion de projets et d'équipes"])
    english = model.shared_words("I want to grow as a data engineer and mentor juniors",
                                 "Data engineering lead; I mentor juniors on pipelines")
    assert set(english) == {"data", "mentor", "juniors"}
    # Accents, plurals and stop words: "projet" meets "projets", "équipe" meets "équipes".
    french = model.shared_words("Je veux apprendre la gestion d'une équipe et de mon projet",
                                "Gestion de projets et d'équipes")
    assert set(french) == {"gestion", "équipe", "projet"}
    assert model.similarity("Pâtisserie", "Gestion de projets et d'équipes") == 0.0
