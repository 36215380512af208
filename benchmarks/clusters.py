"""The ICEBERT cluster stage at the paper's shapes, and beyond: translation graph, METIS,
post-processing.

Random unit vectors stand in for the mapped spaces (9 languages × 30k × 300 in the paper);
their neighbour structure is that of noise, so the graph is sparser than a real one, but the
search work, which dominates, is the same. Each step is timed, with peak memory, for each
--languages count, with the graph's search over all language pairs (the paper's) or, with
--pairs pivot, each language against itself and the pivot; the graph's work is compared with
numpy's float32 matmul rate on the same shapes. Past a few languages a smaller --vocab keeps
the run short: the growth law of each stage over the language counts (seconds ∝ L^b, fitted) is
written beside the rows, and the search is extrapolated to 30k pieces (∝ V² for exact search).
Writes benchmarks/results/clusters.csv (or --output).

    python benchmarks/clusters.py                                     # 3 and 9 languages × 30k
    python benchmarks/clusters.py --languages 9 27 100 --vocab 2000 --pairs pivot all --output benchmarks/results/clusters_scaling.csv
    python benchmarks/clusters.py --languages 9 27 100 --pairs pivot --device gpu  # full size on a GPU node
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
from xlclust.search import SearchSettings, unit_rows

RESULTS = Path(__file__).resolve().parent / "results"
VOCAB, DIM, K, PARTS_PER_LANGUAGE = 30_000, 300, 5, 28_500 / 9


def matmul_rate(vocab: int) -> float:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4096, DIM), dtype=np.float32), rng.standard_normal((vocab, DIM), dtype=np.float32)
    a @ b.T
    started = time.perf_counter()
    for _ in range(5):
        a @ b.T
    return 2 * 4096 * vocab * DIM * 5 / (time.perf_counter() - started) / 1e9


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def growth(frame: pd.DataFrame) -> pd.DataFrame:
    """Per step and pairs mode, the exponent b of seconds ∝ languages^b (least squares in log-log)."""
    frame = frame.copy()
    frame["growth_exponent"] = None
    for _, group in frame.groupby(["step", "pairs"]):
        if group["languages"].nunique() > 1 and (group["seconds"] > 0).all():
            slope = np.polyfit(np.log(group["languages"]), np.log(group["seconds"]), 1)[0]
            frame.loc[group.index, "growth_exponent"] = round(float(slope), 2)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--languages", type=int, nargs="+", default=[3, 9])
    parser.add_argument("--vocab", type=int, default=VOCAB, help="pieces per language")
    parser.add_argument("--pairs", nargs="+", default=["all"], choices=["all", "pivot"])
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "gpu"])
    parser.add_argument("--output", default=str(RESULTS / "clusters.csv"))
    args = parser.parse_args()
    rate = matmul_rate(args.vocab)
    search = SearchSettings(device=args.device)
    rows = []
    for pairs in args.pairs:
        for n_languages in args.languages:
            rows += stage_rows(n_languages, args.vocab, pairs, search, rate)
    frame = growth(pd.DataFrame(rows))
    frame["matmul_gflops"] = round(rate, 1)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.output, index=False)
    print(frame.to_string(index=False))


def stage_rows(n_languages: int, vocab: int, pairs: str, search: SearchSettings, rate: float) -> list[dict]:
    rng = np.random.default_rng(n_languages)
    spaces = {f"l{i}": unit_rows(rng.standard_normal((vocab, DIM), dtype=np.float32)) for i in range(n_languages)}
    parts = max(2, int(PARTS_PER_LANGUAGE * n_languages * vocab / VOCAB))
    common = {"languages": n_languages, "vocab": vocab, "pairs": pairs}
    rows = []
    started = time.perf_counter()
    graph, _ = mutual_top_k_graph(spaces, K, search, pairs, pivot="l0")
    graph_seconds = time.perf_counter() - started
    searches = n_languages * n_languages if pairs == "all" else 3 * n_languages - 2  # ordered pairs searched
    flops = 2 * DIM * vocab * vocab * searches
    rows.append(
        {
            **common,
            "step": "translation_graph",
            "seconds": round(graph_seconds, 2),
            "seconds_at_30k": round(graph_seconds * (VOCAB / vocab) ** 2, 1),
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
            **common,
            "step": "partition_graph",
            "parts": parts,
            "seconds": round(time.perf_counter() - started, 2),
            "peak_rss_mb": round(peak_mb()),
            "nodes": graph.shape[0],
            "edges": graph.nnz // 2,
        }
    )
    print(rows[-1], flush=True)
    started = time.perf_counter()
    nodes = pd.DataFrame({"token": [f"{lang}:{i}" for lang in spaces for i in range(vocab)], "language": np.repeat(list(spaces), vocab)})
    table, _ = token_clusters(nodes, graph, assignment, [], parts)
    cluster_analysis(table, graph)
    rows.append(
        {
            **common,
            "step": "token_clusters + analysis",
            "seconds": round(time.perf_counter() - started, 2),
            "peak_rss_mb": round(peak_mb()),
            "nodes": graph.shape[0],
            "edges": graph.nnz // 2,
        }
    )
    print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    main()
