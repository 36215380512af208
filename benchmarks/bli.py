"""BLI evaluation and one self-learning round at the paper's size: 30k × 30k pieces, 300-d.

Random unit vectors stand in for the spaces (timing does not depend on the values). Measures
wall seconds and peak memory, and compares the floating-point work done with the machine's own
float32 matrix-multiply rate, measured with numpy on the same shapes. Extrapolates to the paper
config's BLI (all languages with a test dictionary, both directions, NN and CSLS).
Writes benchmarks/results/bli.csv.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xlclust.align.bli import bli_table
from xlclust.align.procrustes import align
from xlclust.search import unit_rows

RESULTS = Path(__file__).resolve().parent / "results"
N, DIM, TEST_QUERIES, MOST_FREQUENT = 30_000, 300, 1_500, 20_000
PAPER_LANGUAGES_WITH_TESTS = 6  # ar bn fi id ko ru (sw, te: no dictionary)


def matmul_rate(rows: int = 4096) -> float:
    """float32 GFLOP/s of numpy on a query block × the whole target matrix."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((rows, DIM), dtype=np.float32)
    b = rng.standard_normal((N, DIM), dtype=np.float32)
    a @ b.T  # warm-up
    started = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        a @ b.T
    return 2 * rows * N * DIM * repeats / (time.perf_counter() - started) / 1e9


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    threads = os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS") or str(os.cpu_count())
    rate = matmul_rate()
    rng = np.random.default_rng(1)
    source = unit_rows(rng.standard_normal((N, DIM), dtype=np.float32))
    target = unit_rows(rng.standard_normal((N, DIM), dtype=np.float32))
    tests = {"xx": np.stack([rng.choice(N, TEST_QUERIES, replace=False), rng.integers(0, N, TEST_QUERIES)], axis=1)}
    rows = []

    started = time.perf_counter()
    table = bli_table({"xx": source, "en": target}, tests, {"xx": 1.0}, "en")
    bli_seconds = time.perf_counter() - started
    # hubness: 2 full N×N products; NN and CSLS scoring: 4 × queries × N, each a 2·DIM multiply-add
    bli_flops = 2 * DIM * (2 * N * N + 4 * TEST_QUERIES * N)
    rows.append(
        {
            "step": "bli, one pair, both directions, nn + csls",
            "seconds": round(bli_seconds, 2),
            "gflop": round(bli_flops / 1e9),
            "fraction_of_matmul_rate": round(bli_flops / bli_seconds / 1e9 / rate, 3),
            "peak_rss_mb": round(peak_mb()),
        }
    )
    assert len(table) == 16

    seed = np.stack([np.arange(5000), np.arange(5000)], axis=1)
    started = time.perf_counter()
    align(source, target, seed, self_learning="procb", rounds=1, most_frequent=MOST_FREQUENT)
    round_seconds = time.perf_counter() - started
    # mutual CSLS neighbours on 20k × 20k: 2 hubness products + 2 top-1 passes
    round_flops = 2 * DIM * 4 * MOST_FREQUENT**2
    rows.append(
        {
            "step": "one PROC-B round (20k most frequent)",
            "seconds": round(round_seconds, 2),
            "gflop": round(round_flops / 1e9),
            "fraction_of_matmul_rate": round(round_flops / round_seconds / 1e9 / rate, 3),
            "peak_rss_mb": round(peak_mb()),
        }
    )
    rows.append(
        {
            "step": f"paper config BLI ({PAPER_LANGUAGES_WITH_TESTS} languages × 2 directions), extrapolated",
            "seconds": round(PAPER_LANGUAGES_WITH_TESTS * bli_seconds, 1),
            "gflop": round(PAPER_LANGUAGES_WITH_TESTS * bli_flops / 1e9),
            "fraction_of_matmul_rate": None,
            "peak_rss_mb": None,
        }
    )
    frame = pd.DataFrame(rows)
    frame["matmul_gflops"] = round(rate, 1)
    frame["blas_threads"] = threads
    RESULTS.mkdir(exist_ok=True)
    frame.to_csv(RESULTS / "bli.csv", index=False)
    print(frame.to_string(index=False), file=sys.stderr)


if __name__ == "__main__":
    main()
