"""faiss search and k-means against the numpy references they replaced, in one run on one machine:
the translation graph (mutual top-5), BLI of one pair (both directions, NN + CSLS), one PROC-B
round, one spherical k-means iteration at mBERT's and XLM-R's shapes, k-means++ seeding, and the
recall of the approximate indexes.

Random unit vectors stand in for the spaces (the work does not depend on the values). Each step
reports wall and CPU seconds, its floating-point work as a fraction of the float32 matrix-multiply
rate measured in the same run (numpy, the same shapes: "GEMM rate"), and how far the two
implementations agree. --device gpu (or auto on a GPU node) runs faiss on the GPU; the numpy
reference always runs on the CPU. Writes benchmarks/results/search.csv.

    python benchmarks/search.py                     # paper shapes on this machine's cores
    python benchmarks/search.py --small             # small shapes: a check that it runs (CI)
    python benchmarks/search.py --device gpu --kmeans mbert:40 xlmr:40 --graph-languages 9
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

import xlclust.search_reference as reference
from xlclust.alignment.bli import bli_scores
from xlclust.cluster.graph import mutual_graph, neighbour_lists
from xlclust.grouping.kmeans import n_groups, spherical_kmeans
from xlclust.grouping.kmeans_reference import spherical_kmeans as reference_kmeans
from xlclust.search import Retriever, SearchSettings, gpu_count, knn, mutual_nearest_neighbours, set_threads, unit_rows

RESULTS = Path(__file__).resolve().parent / "results"
KMEANS_SHAPES = {"mbert": (119_547, 768), "xlmr": (250_002, 768)}
STEPS = ("graph", "bli", "procb", "kmeans", "seeding")


class Timer:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def gemm_rate(rows: int, keys: int, dim: int) -> float:
    """numpy's float32 GFLOP/s for a rows × dim by dim × keys product."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((rows, dim), dtype=np.float32), rng.standard_normal((keys, dim), dtype=np.float32)
    a @ b.T
    with Timer() as timer:
        for _ in range(3):
            a @ b.T
    return 2 * rows * keys * dim * 3 / timer.wall / 1e9


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(step, implementation, timer, flops, rate, **extra) -> dict:
    fields = {
        "step": step,
        "implementation": implementation,
        "wall_s": round(timer.wall, 2),
        "cpu_s": round(timer.cpu, 2),
        "gflop": round(flops / 1e9, 1) if flops else None,
        "fraction_of_gemm": round(flops / timer.wall / 1e9 / rate, 3) if flops else None,
        "peak_rss_mb": round(peak_mb()),
        **extra,
    }
    print(fields, flush=True)
    return fields


def graph_rows(languages: int, vocab: int, dim: int, k: int, search: SearchSettings, rate: float) -> list[dict]:
    rng = np.random.default_rng(languages)
    spaces = {f"l{i}": unit_rows(rng.standard_normal((vocab, dim), dtype=np.float32)) for i in range(languages)}
    flops = 2 * dim * vocab * vocab * languages * languages
    sizes = {lang: vocab for lang in spaces}
    step = f"translation graph, {languages} languages × {vocab} × {dim}, mutual top-{k}"
    with Timer() as ours:
        lists = neighbour_lists(spaces, k, search)
        graph, _ = mutual_graph(lists, sizes, k)
    with Timer() as theirs:
        expected, _ = mutual_graph(reference.neighbour_lists(spaces, k), sizes, k)
    same = 1 - (graph != expected).nnz / max(1, expected.nnz)
    rows = [row(step, "faiss", ours, flops, rate, agreement=round(same, 5)), row(step, "numpy reference", theirs, flops, rate)]
    for index, settings in (("ivf", SearchSettings(index="ivf", device=search.device)), ("hnsw", SearchSettings(index="hnsw"))):
        with Timer() as approximate:
            found = neighbour_lists(spaces, k, settings)
        recall = np.mean([np.mean([len(set(a) & set(b)) / k for a, b in zip(found[pair], lists[pair])]) for pair in lists])
        rows.append(row(step, f"faiss {index}", approximate, flops, rate, recall_at_k=round(float(recall), 4)))
    return rows


def bli_rows(n: int, dim: int, queries: int, search: SearchSettings, rate: float) -> list[dict]:
    rng = np.random.default_rng(1)
    source, target = unit_rows(rng.standard_normal((n, dim), dtype=np.float32)), unit_rows(rng.standard_normal((n, dim), dtype=np.float32))
    pairs = np.stack([rng.choice(n, queries, replace=False), rng.integers(0, n, queries)], axis=1)
    flops = 2 * dim * (2 * n * n + 4 * queries * n)  # two hubness products; NN and CSLS score rows, both directions
    step = f"BLI, one pair {n} × {n} × {dim}, both directions, nn + csls"
    results = {}
    for name, retriever_class, kwargs in (("faiss", Retriever, {"settings": search}), ("numpy reference", reference.Retriever, {})):
        with Timer() as timer:
            forward = retriever_class(source, target, "csls", 10, **kwargs)
            hubness = {"s": (forward.source_hubness, forward.target_hubness), "t": (forward.target_hubness, forward.source_hubness)}
            scores = []
            for side, (a, b, test) in {"s": (source, target, pairs), "t": (target, source, pairs[:, ::-1])}.items():
                for method in ("nn", "csls"):
                    known = hubness[side] if method == "csls" else None
                    scores.append(bli_scores(retriever_class(a, b, method, 10, hubness=known, **kwargs), test))
        results[name] = (timer, scores)
    agree = all(abs(x[key] - y[key]) < 1e-9 for x, y in zip(results["faiss"][1], results["numpy reference"][1]) for key in x)
    return [
        row(step, "faiss", results["faiss"][0], flops, rate, agreement=1.0 if agree else 0.0),
        row(step, "numpy reference", results["numpy reference"][0], flops, rate),
    ]


def procb_rows(n: int, dim: int, search: SearchSettings, rate: float) -> list[dict]:
    rng = np.random.default_rng(2)
    source, target = unit_rows(rng.standard_normal((n, dim), dtype=np.float32)), unit_rows(rng.standard_normal((n, dim), dtype=np.float32))
    flops = 2 * dim * 4 * n * n  # two hubness products, two top-1 passes
    step = f"PROC-B round: mutual CSLS neighbours, {n} × {n} × {dim}"
    with Timer() as ours:
        found = mutual_nearest_neighbours(source, target, 10, search)
    with Timer() as theirs:
        expected = reference.mutual_nearest_neighbours(source, target, 10)
    agreement = len({tuple(p) for p in found.tolist()} & {tuple(p) for p in expected.tolist()}) / max(1, len(expected))
    return [row(step, "faiss", ours, flops, rate, agreement=round(agreement, 5)), row(step, "numpy reference", theirs, flops, rate)]


def kmeans_rows(shape: str, ratio: int, rows_scale: float, search: SearchSettings, reference_too: bool) -> list[dict]:
    n, dim = KMEANS_SHAPES[shape]
    n = int(n * rows_scale)
    points = unit_rows(np.random.default_rng(3).standard_normal((n, dim), dtype=np.float32))
    k = n_groups(n, ratio / 100)
    rate = gemm_rate(4096, min(k, 20_000), dim)
    flops = 2 * n * k * dim  # the assignment's product (the update is n × dim)
    step = f"k-means iteration, {shape} shape {n} × {dim}, r_G {ratio} % (k = {k})"
    out = []
    with Timer() as ours:  # faiss's iteration, then the final assignment to the updated centroids: 2 passes
        spherical_kmeans(points, k, seed=0, init="random", max_iterations=1, search=search)
    out.append(row(step, "faiss", ours, 2 * flops, rate, note="one iteration + the final assignment"))
    if reference_too:
        with Timer() as theirs:
            reference_kmeans(points, k, seed=0, init="random", max_iterations=1)
        out.append(row(step, "numpy reference", theirs, flops, rate))
    return out


def seeding_rows(n: int, dim: int, k: int, search: SearchSettings) -> list[dict]:
    """k-means++ and AFK-MC² seeding: one k-means iteration with each start, less one with random rows."""
    points = unit_rows(np.random.default_rng(4).standard_normal((n, dim), dtype=np.float32))
    times = {}
    for init in ("random", "k-means++", "afk-mc2"):
        with Timer() as timer:
            spherical_kmeans(points, k, seed=0, init=init, max_iterations=1, search=search)
        times[init] = timer
    out = []
    for init in ("k-means++", "afk-mc2"):
        timer = Timer()
        timer.wall, timer.cpu = times[init].wall - times["random"].wall, times[init].cpu - times["random"].cpu
        out.append(row(f"seeding {n} × {dim}, k = {k}", f"faiss {init}", timer, 0, 1, iteration_s=round(times["random"].wall, 2)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "gpu"])
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--graph-languages", type=int, nargs="+", default=[3])
    parser.add_argument("--vocab", type=int, default=30_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--kmeans", nargs="*", default=["mbert:5", "xlmr:5"], help="shape:ratio pairs")
    parser.add_argument("--kmeans-rows-scale", type=float, default=1.0)
    parser.add_argument("--kmeans-reference", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--small", action="store_true", help="small shapes: checks that every step runs")
    parser.add_argument("--output", default=str(RESULTS / "search.csv"))
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=list(STEPS), help="a rerun replaces only these rows")
    args = parser.parse_args()
    if args.small:
        args.vocab, args.dim, args.graph_languages, args.kmeans_rows_scale = 2_000, 64, [3], 0.02
    set_threads(args.threads)
    search = SearchSettings(device=args.device)
    knn(np.ones((2, 4), np.float32), np.ones((3, 4), np.float32), 1, search)  # load faiss (and the GPU) before timing
    rate = gemm_rate(4096, args.vocab, args.dim)
    rows = []
    if "graph" in args.steps:
        for languages in args.graph_languages:
            rows += graph_rows(languages, args.vocab, args.dim, 5, search, rate)
    if "bli" in args.steps:
        rows += bli_rows(args.vocab, args.dim, max(50, args.vocab // 20), search, rate)
    if "procb" in args.steps:
        rows += procb_rows(min(20_000, args.vocab), args.dim, search, rate)
    if "kmeans" in args.steps:
        for pair in args.kmeans:
            shape, ratio = pair.split(":")
            rows += kmeans_rows(shape, int(ratio), args.kmeans_rows_scale, search, args.kmeans_reference)
    if "seeding" in args.steps:
        dim, k = (64, 50) if args.small else (768, 500)
        rows += seeding_rows(int(119_547 * args.kmeans_rows_scale) // 4, dim, k, search)
    frame = pd.DataFrame(rows).assign(
        gemm_gflops=round(rate, 1),
        threads=args.threads,
        device="gpu" if args.device != "cpu" and gpu_count() else "cpu",
        machine=platform.node(),
    )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists() and set(args.steps) != set(STEPS):  # keep the other steps' rows of an earlier run
        earlier = pd.read_csv(output)
        frame = pd.concat([earlier[~earlier["step"].isin(frame["step"])], frame], ignore_index=True)
    frame.to_csv(output, index=False)
    print(frame.drop(columns=["machine"]).to_string(index=False))


if __name__ == "__main__":
    main()
