"""Topic normalisation: throughput on a duplicate-rich stream, accuracy on noisy input.

Run from the repository root:  python -m bench.bench_normalise [--quick]

- Accuracy: every taxonomy term (labels, synonyms, abbreviations, in both languages) is
  written the way people write it: random case, accents dropped, a typo (one letter
  swapped, dropped or doubled) in words of 6 letters or more, stray spaces and punctuation.
  Correct = the single topic returned is the term's own topic.
- False matches: hobbies and trades that are not in the taxonomy; any taxonomy id returned
  for them is a false match (they should become free tags).
- Throughput: a stream drawn with Zipf-like popularity from those strings, single topics
  and comma/"et"/"and" lists, as people fill in a profile: strings per second, caches cold.
"""

from __future__ import annotations

import argparse
import random
import time

from bench.profiles import TAXONOMY_PATH
from matching.text import strip_accents
from matching.topics import Taxonomy, is_free

OUTSIDE = [
    "fabrication de luths", "lutherie", "apiculture", "beekeeping", "origami", "escalade",
    "rock climbing", "speedcubing", "calligraphie japonaise", "taxidermie", "astrologie",
    "fauconnerie", "falconry", "tricot", "knitting", "jonglage", "juggling", "philatélie",
    "stamp collecting", "numismatique", "ornithologie", "bird watching", "spéléologie",
    "plongée sous-marine", "scuba diving", "voile", "sailing", "parapente", "paragliding",
    "échecs", "chess", "bridge", "magie", "ventriloquie", "généalogie", "genealogy",
    "cosplay", "modélisme ferroviaire", "model railways", "aquariophilie", "bonsaï",
    "kitesurf", "cerfs-volants", "mots croisés", "crossword puzzles", "équitation",
    "horse riding", "surf", "tarot", "parfumerie artisanale", "glassblowing",
    "soufflage de verre", "lock picking", "fromagerie artisanale", "cheese making",
    "pêche à la mouche", "fly fishing", "randonnée", "hiking", "tir à l'arc", "archery",
]


def noisy(term: str, rng: random.Random) -> str:
    text = term
    if rng.random() < 0.5:
        text = strip_accents(text)
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if long_words and rng.random() < 0.5:
        i = rng.choice(long_words)
        w, p = words[i], rng.randrange(1, len(words[i]) - 1)
        kind = rng.choice(("swap", "drop", "double"))
        if kind == "swap":
            w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
        elif kind == "drop":
            w = w[:p] + w[p + 1:]
        else:
            w = w[:p] + w[p] + w[p:]
        words[i] = w
    text = " ".join(words)
    style = rng.random()
    if style < 0.3:
        text = text.upper() if len(text) <= 4 else text.title()
    elif style < 0.6:
        text = text.lower()
    return rng.choice(("", " ", "  ")) + text + rng.choice(("", " ", ".", "!", " 🙂"))


def known_cases(taxonomy: Taxonomy, rng: random.Random) -> list[tuple[str, str]]:
    cases = []
    for topic in taxonomy.topics:
        terms = [topic.en, topic.fr, *topic.synonyms, *topic.abbreviations]
        for term in dict.fromkeys(terms):
            cases.append((noisy(term, rng), topic.id))
    return cases


def accuracy(taxonomy: Taxonomy, cases, outside) -> tuple[float, float, list]:
    correct, misses = 0, []
    for text, expected in cases:
        got = [m.id for m in taxonomy.normalise(text)]
        if got == [expected]:
            correct += 1
        else:
            misses.append((text, expected, got))
    false = [(t, ids) for t in outside
             if (ids := [m.id for m in taxonomy.normalise(t) if not is_free(m.id)])]
    return correct / len(cases), len(false) / len(outside), misses + false


def stream(cases, outside, rng: random.Random, size: int) -> list[str]:
    pool = [text for text, _ in cases] + [noisy(t, rng) for t in outside]
    rng.shuffle(pool)
    weights = [1.0 / (rank + 1) for rank in range(len(pool))]
    out = []
    for _ in range(size):
        n = rng.choice((1, 1, 1, 2, 3))
        parts = rng.choices(pool, weights=weights, k=n)
        out.append(parts[0] if n == 1 else rng.choice((", ", " et ", " and ", "; ")).join(parts))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a shorter stream")
    parser.add_argument("--show-misses", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(3)
    taxonomy = Taxonomy.load(TAXONOMY_PATH)
    cases = known_cases(taxonomy, rng)
    outside = [noisy(t, rng) for t in OUTSIDE] + OUTSIDE
    # Accuracy on a fresh taxonomy object (no cache from elsewhere).
    right, false, misses = accuracy(Taxonomy.load(TAXONOMY_PATH), cases, outside)
    print(f"taxonomy: {len(taxonomy)} topics; accuracy on {len(cases):,} noisy known terms:"
          f" {right:.1%} correct;  false matches on {len(outside)} outside topics: {false:.1%}")
    for text, *rest in misses[-args.show_misses :]:
        print(f"   miss: {text!r} -> {rest}")

    texts = stream(cases, outside, rng, 50_000 if args.quick else 300_000)
    distinct = len(set(texts))
    fresh = Taxonomy.load(TAXONOMY_PATH)
    started = time.perf_counter()
    for text in texts:
        fresh.normalise(text)
    elapsed = time.perf_counter() - started
    print(f"throughput: {len(texts):,} strings ({distinct:,} distinct) in {elapsed:.2f} s ="
          f" {len(texts) / elapsed:,.0f} strings/s (cold caches)")
    unique = list(dict.fromkeys(texts))[:5_000]
    cold = Taxonomy.load(TAXONOMY_PATH)
    started = time.perf_counter()
    for text in unique:
        cold.normalise(text)
    elapsed = time.perf_counter() - started
    print(f"all-distinct strings: {len(unique) / elapsed:,.0f} strings/s"
          f" (no repeated string; fragments still shared)")


if __name__ == "__main__":
    main()
