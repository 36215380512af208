"""Semantic grouping (spherical k-means) at the paper's shapes: mBERT (119,547 × 768) and XLM-R
(250,002 × 768) input embeddings, grouping ratios 5–40 %.

Random unit vectors stand in for the embeddings: k-means work per iteration does not depend on
the values. For each shape and ratio: seconds of one iteration — the assignment, timed on
--sample rows against all k centroids and scaled to every row (its cost is linear in the rows),
plus the centroid update — checked against a real full iteration where --full-iterations asks;
the fraction of numpy's float32 matmul rate the assignment reaches; and the k-means++ seeding
time, timed on a number of centres and extrapolated (it is linear in k). Writes
benchmarks/results/grouping.csv.

    python benchmarks/grouping.py [--models mbert xlmr] [--ratios 5 10 20 40]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xlclust.grouping.kmeans import _assign, kmeans_plus_plus, member_sums, n_groups, spherical_kmeans
from xlclust.search import unit_rows

RESULTS = Path(__file__).resolve().parent / "results"
SHAPES = {"mbert": (119_547, 768), "xlmr": (250_002, 768)}


def matmul_rate(dim: int) -> float:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4096, dim), dtype=np.float32), rng.standard_normal((20_000, dim), dtype=np.float32)
    a @ b.T
    started = time.perf_counter()
    for _ in range(5):
        a @ b.T
    return 2 * 4096 * 20_000 * dim * 5 / (time.perf_counter() - started) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--ratios", nargs="+", type=int, default=[5, 10, 20, 40])
    parser.add_argument("--plus-plus-centres", type=int, default=200, help="k-means++ centres timed, then extrapolated")
    parser.add_argument("--sample", type=int, default=16_384, help="rows whose assignment is timed")
    parser.add_argument("--full-iterations", nargs="*", default=["mbert:5"], help="model:ratio pairs also run whole")
    args = parser.parse_args()
    rows = []
    for model in args.models:
        n, dim = SHAPES[model]
        rate = matmul_rate(dim)
        points = unit_rows(np.random.default_rng(0).standard_normal((n, dim), dtype=np.float32))
        started = time.perf_counter()
        kmeans_plus_plus(points, args.plus_plus_centres, np.random.default_rng(0))
        per_centre = (time.perf_counter() - started) / args.plus_plus_centres
        rng = np.random.default_rng(1)
        for ratio in args.ratios:
            k = n_groups(n, ratio / 100)
            centroids = points[np.sort(rng.choice(n, size=k, replace=False))]
            started = time.perf_counter()
            _assign(points[: args.sample], centroids, 4096)
            assignment = (time.perf_counter() - started) * n / args.sample
            labels = rng.integers(0, k, size=n)
            started = time.perf_counter()
            unit_rows(member_sums(points, labels, k))
            update = time.perf_counter() - started
            full = None
            if f"{model}:{ratio}" in args.full_iterations:
                started = time.perf_counter()
                spherical_kmeans(points, k, seed=0, init="random", max_iterations=1)
                full = round(time.perf_counter() - started, 1)
            iteration = assignment + update
            rows.append(
                {
                    "model": model,
                    "rows": n,
                    "dim": dim,
                    "ratio_percent": ratio,
                    "groups": k,
                    "assignment_s": round(assignment, 1),
                    "update_s": round(update, 1),
                    "iteration_s": round(iteration, 1),
                    "measured_full_iteration_s": full,
                    "matmul_gflops": round(rate, 1),
                    "assignment_fraction_of_matmul": round(2 * n * k * dim / assignment / 1e9 / rate, 3),
                    "iterations_25_min": round(25 * iteration / 60, 1),
                    "kmeans_pp_seeding_min_extrapolated": round(per_centre * k / 60, 1),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                }
            )
            print(rows[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    pd.DataFrame(rows).to_csv(RESULTS / "grouping.csv", index=False)


if __name__ == "__main__":
    main()
