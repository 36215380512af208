"""The ICEBERT cluster stage at the paper's shapes: translation graph, METIS, post-processing.

Random unit vectors stand in for the mapped spaces (9 languages × 30k × 300 in the paper);
their neighbour structure is that of noise, so the graph is sparser than a real one, but the
search work, which dominates, is the same. Each step is timed, with peak memory, for 3 and 9
languages (and more with --languages); the graph's work is compared with numpy's float32 matmul
rate on the same shapes. Writes benchmarks/results/clusters.csv.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xlclust.cluster.clusters import cluster_analysis, token_clusters
from xlclust.cluster.graph import mutual_top_k_graph
from xlclust.cluster.partition import partition
from xlclust.search import unit_rows

RESULTS = Path(__file__).resolve().parent / "results"
VOCAB, DIM, K, PARTS_PER_LANGUAGE = 30_000, 300, 5, 28_500 / 9


def matmul_rate() -> float:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4096, DIM), dtype=np.float32), rng.standard_normal((VOCAB, DIM), dtype=np.float32)
    a @ b.T
    started = time.perf_counter()
    for _ in range(5):
        a @ b.T
    return 2 * 4096 * VOCAB * DIM * 5 / (time.perf_counter() - started) / 1e9


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", type=int, nargs="+", default=[3, 9])
    args = parser.parse_args()
    rate = matmul_rate()
    rows = []
    for n_languages in args.languages:
        rng = np.random.default_rng(n_languages)
        spaces = {f"l{i}": unit_rows(rng.standard_normal((VOCAB, DIM), dtype=np.float32)) for i in range(n_languages)}
        parts = int(PARTS_PER_LANGUAGE * n_languages)
        started = time.perf_counter()
        graph, _ = mutual_top_k_graph(spaces, K)
        graph_seconds = time.perf_counter() - started
        searches = n_languages * n_languages  # ordered language pairs, each |A| × |B| scores
        flops = 2 * DIM * VOCAB * VOCAB * searches
        rows.append(
            {
                "languages": n_languages,
                "step": "translation_graph",
                "seconds": round(graph_seconds, 1),
                "peak_rss_mb": round(peak_mb()),
                "nodes": graph.shape[0],
                "edges": graph.nnz // 2,
                "fraction_of_matmul_rate": round(flops / graph_seconds / 1e9 / rate, 3),
            }
        )
        print(rows[-1], flush=True)
        started = time.perf_counter()
        assignment = partition(graph, parts, 1.5, 0)
        rows.append(
            {
                "languages": n_languages,
                "step": f"partition_graph (p = {parts})",
                "seconds": round(time.perf_counter() - started, 1),
                "peak_rss_mb": round(peak_mb()),
                "nodes": graph.shape[0],
                "edges": graph.nnz // 2,
            }
        )
        print(rows[-1], flush=True)
        started = time.perf_counter()
        nodes = pd.DataFrame(
            {"token": [f"{lang}:{i}" for lang in spaces for i in range(VOCAB)], "language": np.repeat(list(spaces), VOCAB)}
        )
        table, _ = token_clusters(nodes, graph, assignment, [], parts)
        cluster_analysis(table, graph)
        rows.append(
            {
                "languages": n_languages,
                "step": "token_clusters + analysis",
                "seconds": round(time.perf_counter() - started, 1),
                "peak_rss_mb": round(peak_mb()),
                "nodes": graph.shape[0],
                "edges": graph.nnz // 2,
            }
        )
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    frame["matmul_gflops"] = round(rate, 1)
    RESULTS.mkdir(exist_ok=True)
    frame.to_csv(RESULTS / "clusters.csv", index=False)


if __name__ == "__main__":
    main()
