"""Self-service suggestions: top-5 for one mentee among 10k and 100k mentors.

Run from the repository root:  python -m bench.bench_suggestions [--quick] [--queries 200]

Prints p50/p99 latency of MentorIndex.suggest (all criteria and hard constraints, with
blocked and declined pairs), and the speed-up against a straightforward loop that calls
score_pair on every mentor and sorts, timed in the same run on the same data (on fewer
queries, the loop being slow). Numbers are printed, never asserted. The CPU time of each
query is printed too (`time.process_time`, all threads): on a machine shared with other jobs
it moves far less than the wall time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date

from bench.profiles import TAXONOMY_PATH, generate
from matching.model import Constraints, Weights
from matching.scoring import score_pair
from matching.suggestions import MentorIndex
from matching.topics import Taxonomy

REFERENCE = date(2025, 3, 5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def constraints_for(mentees, mentors, seed: int) -> Constraints:
    rng = random.Random(seed)
    blocked = {frozenset({m.id, rng.choice(mentors).id}) for m in mentees if rng.random() < 0.5}
    declined = {(m.id, rng.choice(mentors).id) for m in mentees for _ in range(3)}
    return Constraints(blocked=frozenset(blocked), declined=frozenset(declined))


def run(n_mentors: int, mentees, all_mentors, taxonomy, queries: int, loop_queries: int) -> None:
    mentors = all_mentors[:n_mentors]
    weights = Weights()
    constraints = constraints_for(mentees, mentors, n_mentors)
    started = time.perf_counter()
    index = MentorIndex(mentors, weights, taxonomy, reference_date=REFERENCE)
    build = time.perf_counter() - started

    latencies, cpu_times = [], []
    for mentee in mentees[:queries]:
        started, cpu = time.perf_counter(), time.process_time()
        index.suggest(mentee, k=5, constraints=constraints)
        latencies.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)

    loop_times, loop_cpu, agree = [], [], 0
    for mentee in mentees[:loop_queries]:
        started, cpu = time.perf_counter(), time.process_time()
        found = [
            s
            for s in (
                score_pair(mentee, m, weights, constraints, taxonomy,
                           text_model=index.text_model, reference_date=REFERENCE)
                for m in mentors
            )
            if s is not None
        ]
        found.sort(key=lambda s: (-s.score, s.mentor_id))
        loop_times.append(time.perf_counter() - started)
        loop_cpu.append(time.process_time() - cpu)
        fast = index.suggest(mentee, k=5, constraints=constraints)
        agree += [s.mentor_id for s in fast] == [s.mentor_id for s in found[:5]]

    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    loop_p50 = statistics.median(loop_times)
    print(f"{n_mentors:>7,} mentors  build {build:6.1f} s   suggest p50 {p50 * 1e3:6.2f} ms"
          f"  p99 {p99 * 1e3:6.2f} ms  ({len(latencies)} queries; load average"
          f" {'/'.join(f'{v:.2f}' for v in os.getloadavg())})")
    print(f"{'':>16}score_pair loop p50 {loop_p50 * 1e3:8.1f} ms ({len(loop_times)} queries)"
          f"  speed-up x{loop_p50 / p50:,.0f}  same top-5: {agree}/{len(loop_times)}")
    cpu50, cpu99 = percentile(cpu_times, 0.5), percentile(cpu_times, 0.99)
    loop_cpu50 = statistics.median(loop_cpu)
    print(f"{'':>16}CPU time: suggest p50 {cpu50 * 1e3:6.2f} ms  p99 {cpu99 * 1e3:6.2f} ms;"
          f" loop p50 {loop_cpu50 * 1e3:8.1f} ms; speed-up x{loop_cpu50 / cpu50:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k mentors only")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    taxonomy = Taxonomy.load(TAXONOMY_PATH)
    sizes = [10_000] if args.quick else [10_000, 100_000]
    started = time.perf_counter()
    mentees, mentors = generate(args.queries, max(sizes), seed=11, taxonomy=taxonomy)
    print(f"generated {len(mentees)} mentees and {len(mentors):,} mentors"
          f" in {time.perf_counter() - started:.1f} s")
    for size in sizes:
        run(size, mentees, mentors, taxonomy, args.queries, 20 if size <= 10_000 else 5)


if __name__ == "__main__":
    main()
