"""Top-k passages of each query over an encoded corpus (its vector shards, :mod:`.shards`), by inner
product through faiss.

- ``flat`` (the default): exact, one shard at a time, each shard's top-k merged into the running
  top-k, so memory is bounded by a shard whatever the corpus size.
- ``ivf`` and ``hnsw`` (options for the large corpora): an approximate index built shard by shard
  (IVF's coarse quantizer trained on the first ``train_vectors`` vectors) and saved after each one
  with the count of shards it holds, so a killed build resumes where it stopped. Its recall@k
  against the exact search is measured on the queries and reported.

Settings are :class:`xlclust.search.SearchSettings` (config ``search``: lists, probes, links, seed).
"""

from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path

import numpy as np

from xlclust.atomic import atomic_path, write_text_atomic
from xlclust.errors import XlclustError
from xlclust.retrieval.shards import read_shards
from xlclust.search import INDEXES, SearchSettings, canonical_order, faiss_module

log = logging.getLogger(__name__)


def merge_top_k(best: tuple[np.ndarray, np.ndarray] | None, scores: np.ndarray, rows: np.ndarray, k: int):
    """The ``k`` best of the running (scores, rows) and a new block's, best first (ties: lower row)."""
    if best is not None:
        scores, rows = np.hstack([best[0], scores]), np.hstack([best[1], rows])
    scores, rows = canonical_order(scores, rows)
    return scores[:, :k], rows[:, :k]


def exact_search(shard_dir: str | Path, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, passage rows) of each query's ``k`` best passages, exactly, shard by shard."""
    faiss = faiss_module()
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    best = None
    for first, vectors in read_shards(shard_dir):
        found_k = min(k, len(vectors))
        scores, rows = faiss.knn(queries, vectors, found_k, metric=faiss.METRIC_INNER_PRODUCT)
        best = merge_top_k(best, scores, rows.astype(np.int64) + first, k)
    if best is None:
        raise XlclustError(f"{shard_dir}: an empty corpus")
    return best


def _new_index(settings: SearchSettings, dim: int, passages: int, train_vectors: np.ndarray):
    faiss = faiss_module()
    if settings.index == "hnsw":
        index = faiss.IndexHNSWFlat(dim, settings.hnsw_links, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = settings.hnsw_ef_search
        return index
    lists = min(len(train_vectors), settings.ivf_lists or max(1, round(4 * math.sqrt(passages))))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = settings.seed
    index.cp.min_points_per_centroid = 1
    index.train(train_vectors)
    index.nprobe = min(lists, settings.ivf_probe)
    return index


def build_index(shard_dir: str | Path, index_file: str | Path, settings: SearchSettings, train_vectors: int = 1_000_000) -> dict:
    """Build (or resume building) an approximate index of every shard into ``index_file``."""
    if settings.index not in INDEXES or settings.index == "flat":
        raise XlclustError(f"build_index: index {settings.index!r} is not ivf or hnsw")
    faiss = faiss_module()
    index_file, progress_file = Path(index_file), Path(f"{index_file}.progress.json")
    done = json.loads(progress_file.read_text())["shards"] if progress_file.is_file() and index_file.is_file() else 0
    index = faiss.read_index(str(index_file)) if done else None
    started, shards = time.perf_counter(), 0
    sample = None
    if index is None and settings.index == "ivf":
        parts, held = [], 0
        for _, vectors in read_shards(shard_dir):
            parts.append(vectors[: train_vectors - held])
            held += len(parts[-1])
            if held >= train_vectors:
                break
        sample = np.vstack(parts)
    threads = faiss.omp_get_max_threads()
    for number, (_, vectors) in enumerate(read_shards(shard_dir)):
        shards = number + 1
        if number < done:
            continue
        if index is None:
            passages = json.loads((Path(shard_dir) / "shards.json").read_text())["corpus_rows"]
            index = _new_index(settings, vectors.shape[1], passages, sample if sample is not None else vectors)
        if settings.index == "hnsw":
            faiss.omp_set_num_threads(1)  # insertion order decides the graph: one thread, the same graph every run
        try:
            index.add(vectors)
        finally:
            faiss.omp_set_num_threads(threads)
        with atomic_path(index_file, suffix=".faiss") as tmp:
            faiss.write_index(index, str(tmp))
        write_text_atomic(progress_file, json.dumps({"shards": number + 1}) + "\n")
    return {"index": settings.index, "shards": shards, "resumed_at_shard": done, "build_seconds": time.perf_counter() - started}


def approximate_search(index_file: str | Path, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    faiss = faiss_module()
    index = faiss.read_index(str(index_file))
    scores, rows = index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
    return canonical_order(scores, rows.astype(np.int64))


def recall_against(exact_rows: np.ndarray, approximate_rows: np.ndarray) -> float:
    """The mean share of each query's exact top-k that the approximate search found."""
    hits = [len(set(e[e >= 0]) & set(a[a >= 0])) / max(1, (e >= 0).sum()) for e, a in zip(exact_rows, approximate_rows)]
    return float(np.mean(hits)) if hits else 0.0


def search(
    shard_dir: str | Path, queries: np.ndarray, k: int, settings: SearchSettings, index_file: str | Path, recall_sample: int = 100
) -> tuple[np.ndarray, np.ndarray, dict]:
    """(scores, rows, report) of the configured index. An approximate one also reports its recall@k
    against exact search on the first ``recall_sample`` queries (one more read of the shards), and
    queries per second."""
    started = time.perf_counter()
    if settings.index == "flat":
        scores, rows = exact_search(shard_dir, queries, k)
        return scores, rows, {"index": "flat", "k": k, "queries": len(queries), "search_seconds": time.perf_counter() - started}
    report = {"k": k, "queries": len(queries)} | build_index(shard_dir, index_file, settings)
    started = time.perf_counter()
    scores, rows = approximate_search(index_file, queries, k)
    report["queries_per_second"] = len(queries) / (time.perf_counter() - started)
    sample = min(recall_sample, len(queries))
    if sample:
        _, exact = exact_search(shard_dir, queries[:sample], k)
        report |= {f"recall@{k}_vs_exact": recall_against(exact, rows[:sample]), "recall_queries": sample}
        log.info("%s index: recall@%d against exact search %.3f (%d queries)", settings.index, k, report[f"recall@{k}_vs_exact"], sample)
    return scores, rows, report
