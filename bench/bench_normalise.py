"""Topic normalisation: accuracy on real phrasings, accuracy on noisy taxonomy terms, speed.

Run from the repository root:  python -m bench.bench_normalise [--quick] [--show-misses N]

1. Independent set (the figure that counts): bench/data/topic_phrasings.tsv holds what
   people type when asked what they want help with or can offer, in Québec French, French
   and English, written without looking at the taxonomy's synonyms and frozen before tuning
   (its header says where each group comes from and how labels were given). For each row,
   got = the taxonomy ids that `Taxonomy.normalise` returns (free tags ignored):
   - right: every expected id is in got (for "a|b", one of them) and nothing false is in
     got; for an expected "none", got is empty;
   - false: got holds an id that is neither expected nor listed as also acceptable.
   Printed per split (tune, heldout), per language (fr-ca, fr, en) and per group. Misses are
   shown for the tune split only; `--show-heldout` shows held-out misses too (keep it off
   while tuning, or the held-out figure stops meaning anything).
2. Noisy taxonomy terms (a regression check, not evidence of quality): every taxonomy term
   written with random case, accents dropped, a typo in words of 6+ letters, stray spaces
   and punctuation; correct = the single topic returned is the term's own topic. Hobbies and
   trades outside the taxonomy must not get a taxonomy id.
3. Throughput: a stream drawn with Zipf-like popularity from those strings, single topics and
   comma/"et"/"and" lists, as people fill in a profile: strings per second, caches cold.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.profiles import TAXONOMY_PATH
from matching.text import strip_accents
from matching.topics import Taxonomy, is_free

PHRASINGS_PATH = Path(__file__).resolve().parent / "data" / "topic_phrasings.tsv"
LANGUAGES = ("fr-ca", "fr", "en")


@dataclass(frozen=True)
class Phrasing:
    row: int
    split: str
    lang: str
    group: str
    text: str
    expected: tuple[frozenset[str], ...]  # each item: its alternatives; empty = "none"
    also_ok: frozenset[str]

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset().union(*self.expected, self.also_ok)


@dataclass(frozen=True)
class Verdict:
    phrasing: Phrasing
    got: tuple[str, ...]

    @property
    def false(self) -> tuple[str, ...]:
        return tuple(i for i in self.got if i not in self.phrasing.allowed)

    @property
    def right(self) -> bool:
        found = set(self.got)
        return not self.false and all(alts & found for alts in self.phrasing.expected)


def load_phrasings(path: Path = PHRASINGS_PATH) -> list[Phrasing]:
    rows = []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    header = lines[0].split("\t")
    for line in lines[1:]:
        cells = dict(zip(header, line.split("\t"), strict=True))
        expected = () if cells["expected"] == "none" else tuple(
            frozenset(item.split("|")) for item in cells["expected"].split(","))
        also = frozenset() if cells["also_ok"] == "-" else frozenset(cells["also_ok"].split(","))
        rows.append(Phrasing(int(cells["id"]), cells["split"], cells["lang"], cells["group"],
                             cells["text"], expected, also))
    return rows


def judge(taxonomy: Taxonomy, phrasings: list[Phrasing]) -> list[Verdict]:
    return [Verdict(p, tuple(m.id for m in taxonomy.normalise(p.text) if not is_free(m.id)))
            for p in phrasings]


def _rates(verdicts: list[Verdict]) -> str:
    n = len(verdicts)
    if not n:
        return "      -        -      0"
    right = sum(v.right for v in verdicts) / n
    false = sum(bool(v.false) for v in verdicts) / n
    return f"{right:7.1%}  {false:7.1%}  {n:5d}"


def report_phrasings(taxonomy: Taxonomy, show: int, show_heldout: bool) -> None:
    phrasings = load_phrasings()
    verdicts = judge(taxonomy, phrasings)
    print(f"independent set: {len(phrasings)} real phrasings ({PHRASINGS_PATH.name});"
          " right = expected ids found and nothing false; false = an id the person did not mean")
    print(f"{'split':8} {'slice':12} {'right':>7}  {'false':>7}  {'n':>5}")
    for split in ("tune", "heldout", "all"):
        in_split = [v for v in verdicts if split == "all" or v.phrasing.split == split]
        print(f"{split:8} {'all':12} {_rates(in_split)}")
        for lang in LANGUAGES:
            print(f"{'':8} {lang:12} {_rates([v for v in in_split if v.phrasing.lang == lang])}")
        if split == "all":
            groups: dict[str, list[Verdict]] = defaultdict(list)
            for v in in_split:
                groups[v.phrasing.group].append(v)
            for group, items in sorted(groups.items()):
                print(f"{'':8} {'group ' + group:12} {_rates(items)}")
    shown = [v for v in verdicts if not v.right
             and (v.phrasing.split == "tune" or show_heldout)]
    for v in shown[:show]:
        p = v.phrasing
        expected = ",".join("|".join(sorted(a)) for a in p.expected) or "none"
        print(f"   miss {p.split}/{p.lang} #{p.row}: {p.text!r} expected {expected}"
              f" got {list(v.got)}" + (f" false {list(v.false)}" if v.false else ""))
    hidden = sum(1 for v in verdicts if not v.right) - len(shown)
    if hidden > 0 and not show_heldout:
        print(f"   ({hidden} held-out misses not shown; --show-heldout to see them)")


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
    parser.add_argument("--show-heldout", action="store_true",
                        help="also show held-out misses (never while tuning)")
    args = parser.parse_args()
    report_phrasings(Taxonomy.load(TAXONOMY_PATH), args.show_misses, args.show_heldout)
    print()

    rng = random.Random(3)
    taxonomy = Taxonomy.load(TAXONOMY_PATH)
    cases = known_cases(taxonomy, rng)
    outside = [noisy(t, rng) for t in OUTSIDE] + OUTSIDE
    # Accuracy on a fresh taxonomy object (no cache from elsewhere).
    right, false, misses = accuracy(Taxonomy.load(TAXONOMY_PATH), cases, outside)
    print(f"taxonomy: {len(taxonomy)} topics; noisy known terms (derived from the taxonomy,"
          f" a regression check): {right:.1%} of {len(cases):,} correct;"
          f" false matches on {len(outside)} outside topics: {false:.1%}")
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
    phrases = [p.text for p in load_phrasings()]
    cold = Taxonomy.load(TAXONOMY_PATH)
    started = time.perf_counter()
    for text in phrases:
        cold.normalise(text)
    elapsed = time.perf_counter() - started
    print(f"real phrasings, cold: {len(phrases) / elapsed:,.0f} strings/s")


if __name__ == "__main__":
    main()
