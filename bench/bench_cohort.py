"""Cohort matching: wall time, peak memory and quality, next to greedy and the dense optimum.

Run from the repository root:  python -m bench.bench_cohort [--quick]

Sizes (mentors have capacity 3 and no load): 2k x 700 (also solved densely with
linear_sum_assignment, to measure the share of the optimum), 20k x 5k and 100k x 30k;
--quick runs 2k x 700 and 5k x 1.5k. Each size runs in its own process so that its peak
resident memory (ru_maxrss) is its own. Profile generation is not timed.

A pair's reasons are worked out when read (`Pair.reasons`; a plan shows a few dozen):
"reasons of every pair" times reading all of them after assign, apart from assign's time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date

from bench.profiles import TAXONOMY_PATH, generate
from matching.cohort import CohortResult, assign, dense_assign, greedy_assign
from matching.model import Weights
from matching.topics import Taxonomy

REFERENCE = date(2025, 3, 5)
FULL = [(2_000, 700), (20_000, 5_000), (100_000, 30_000)]
QUICK = [(2_000, 700), (5_000, 1_500)]
DENSE_UP_TO = 2_000 * 2_100


def measure(n_mentees: int, n_mentors: int) -> dict:
    """One size, in this process: the figures as a dict (printed as JSON by --one)."""
    taxonomy = Taxonomy.load(TAXONOMY_PATH)
    mentees, mentors = generate(n_mentees, n_mentors, seed=5, capacity=3, taxonomy=taxonomy)
    weights = Weights()
    kwargs = dict(taxonomy=taxonomy, reference_date=REFERENCE)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out: dict = {"size": f"{n_mentees:,} x {n_mentors:,}", "load_before": os.getloadavg()}

    result = _timed(out, "assign", lambda: assign(mentees, mentors, weights,
                                                  compare_dense=False, **kwargs))
    started, cpu = time.perf_counter(), time.process_time()
    for pair in result.pairs:
        _ = pair.reasons
    out["reasons_s"], out["reasons_cpu"] = time.perf_counter() - started, time.process_time() - cpu
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["rss_before_mb"] = rss_before / 1024
    fair = _timed(out, "fair", lambda: assign(mentees, mentors, weights, mode="fair",
                                              compare_dense=False, **kwargs))
    greedy = _timed(out, "greedy", lambda: greedy_assign(mentees, mentors, weights, **kwargs))
    if n_mentees * 3 * n_mentors <= DENSE_UP_TO:
        dense = _timed(out, "dense", lambda: dense_assign(mentees, mentors, weights, **kwargs))
        for name, res in (("assign", result), ("fair", fair), ("greedy", greedy)):
            out[name]["share_of_optimum"] = res.total / dense.total if dense.total else 1.0
    out["load_after"] = os.getloadavg()
    return out


def _timed(out: dict, name: str, call: Callable[[], CohortResult]) -> CohortResult:
    """Run `call`, record its wall time, CPU time (all threads) and quality figures."""
    started, cpu = time.perf_counter(), time.process_time()
    result = call()
    out[name + "_s"] = time.perf_counter() - started
    out[name + "_cpu"] = time.process_time() - cpu
    out[name] = _figures(result.quality)
    return result


def _figures(quality: dict) -> dict:
    keys = ("placed", "total", "min_score", "p10_score", "mean_rank", "blocking_pairs",
            "exact_top_k", "fair_threshold")
    return {k: quality[k] for k in keys if k in quality}


def report(figures: dict) -> None:
    load = "/".join(f"{v:.2f}" for v in figures["load_before"])
    after = "/".join(f"{v:.2f}" for v in figures["load_after"])
    print(f"\n== {figures['size']}  (peak RSS {figures['rss_mb']:,.0f} MB,"
          f" {figures['rss_before_mb']:,.0f} MB before solving;"
          f" load average {load} before, {after} after)")
    header = (f"{'method':<8}{'time s':>8}{'cpu s':>7}{'placed':>9}{'total':>11}{'share':>8}"
              f"{'min':>7}{'p10':>7}{'rank':>6}{'blocking':>10}")
    print(header)
    for name in ("assign", "fair", "greedy", "dense"):
        if name not in figures:
            continue
        q = figures[name]
        share = q.get("share_of_optimum")
        print(f"{name:<8}{figures[name + '_s']:>8.2f}{figures[name + '_cpu']:>7.2f}"
              f"{q['placed']:>9,}{q['total']:>11.1f}"
              f"{(f'{share:.2%}' if share is not None else '-'):>8}"
              f"{q['min_score']:>7.3f}{q['p10_score']:>7.3f}{q.get('mean_rank', 0):>6.2f}"
              f"{q['blocking_pairs']:>10,}")
    print(f"reasons of every pair ({figures['assign']['placed']:,}), read after assign:"
          f" {figures['reasons_s']:.2f} s, cpu {figures['reasons_cpu']:.2f} s")
    if "exact_top_k" in figures["assign"]:
        print(f"top-K lists proven exact: {figures['assign']['exact_top_k']:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--one", nargs=2, type=int, metavar=("MENTEES", "MENTORS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    for n_mentees, n_mentors in QUICK if args.quick else FULL:
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_cohort", "--one", str(n_mentees), str(n_mentors)],
            capture_output=True, text=True, check=True,
        )
        report(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
