"""Top-k passages of each query over an encoded corpus (its vector shards, :mod:`.shards`), by inner
product, searched through :mod:`xlclust.search` on its configured device (``search.device``).

- ``flat`` (the default): exact, one shard at a time, each shard's top-k merged into the running
  top-k, so memory is bounded by a shard whatever the corpus size.
- ``ivf`` and ``hnsw`` (options for the large corpora): an approximate index built shard by shard
  (IVF's coarse quantizer trained on the first ``train_vectors`` vectors) and saved after each one
  with the count of shards it holds, so a killed build resumes where it stopped. Its recall@k
  against the exact search is measured on the queries and reported. The index object is
  :func:`xlclust.search.approximate_index`'s, the one builder of every IVF and HNSW index.

Settings are :class:`xlclust.search.SearchSettings` (config ``search``: device, lists, probes, links,
and the run's seed, that of IVF's k-means).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from xlclust.atomic import write_text_atomic
from xlclust.errors import XlclustError
from xlclust.retrieval.shards import read_shards
from xlclust.search import (
    EXACT,
    INDEXES,
    SearchSettings,
    add_keys,
    approximate_index,
    canonical_order,
    knn,
    on_device,
    read_index,
    search_index,
    use_gpu,
    write_index,
)

log = logging.getLogger(__name__)


def merge_top_k(best: tuple[np.ndarray, np.ndarray] | None, scores: np.ndarray, rows: np.ndarray, k: int):
    """The ``k`` best of the running (scores, rows) and a new block's, best first (ties: lower row)."""
    if best is not None:
        scores, rows = np.hstack([best[0], scores]), np.hstack([best[1], rows])
    scores, rows = canonical_order(scores, rows)
    return scores[:, :k], rows[:, :k]


def exact_search(shard_dir: str | Path, queries: np.ndarray, k: int, settings: SearchSettings = EXACT) -> tuple[np.ndarray, np.ndarray]:
    """(scores, passage rows) of each query's ``k`` best passages, exactly, shard by shard
    (:func:`xlclust.search.knn` on ``settings.device``; its index kind is not used)."""
    exact = replace(settings, index="flat")
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    best = None
    for first, vectors in read_shards(shard_dir):
        scores, rows = knn(queries, vectors, k, exact)
        best = merge_top_k(best, scores, rows + first, k)
    if best is None:
        raise XlclustError(f"{shard_dir}: an empty corpus")
    return best


def build_index(shard_dir: str | Path, index_file: str | Path, settings: SearchSettings, train_vectors: int = 1_000_000) -> dict:
    """Build (or resume building) an approximate index of every shard into ``index_file``."""
    if settings.index not in INDEXES or settings.index == "flat":
        raise XlclustError(f"build_index: index {settings.index!r} is not ivf or hnsw")
    index_file, progress_file = Path(index_file), Path(f"{index_file}.progress.json")
    done = json.loads(progress_file.read_text())["shards"] if progress_file.is_file() and index_file.is_file() else 0
    index = read_index(index_file) if done else None
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
    for number, (_, vectors) in enumerate(read_shards(shard_dir)):
        shards = number + 1
        if number < done:
            continue
        if index is None:
            passages = json.loads((Path(shard_dir) / "shards.json").read_text())["corpus_rows"]
            index = approximate_index(settings, sample if sample is not None else vectors, passages)
        add_keys(index, vectors)  # on the CPU, saved after each shard; searched on the device
        write_index(index, index_file)
        write_text_atomic(progress_file, json.dumps({"shards": number + 1}) + "\n")
    return {"index": settings.index, "shards": shards, "resumed_at_shard": done, "build_seconds": time.perf_counter() - started}


def approximate_search(
    index_file: str | Path, queries: np.ndarray, k: int, settings: SearchSettings = EXACT
) -> tuple[np.ndarray, np.ndarray]:
    """(scores, passage rows) of a built index, searched on ``settings.device`` (IVF on the GPU
    where :func:`xlclust.search.use_gpu` says so); row −1 where it found fewer than ``k``."""
    return search_index(on_device(read_index(index_file), use_gpu(settings.device)), queries, k)


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
        scores, rows = exact_search(shard_dir, queries, k, settings)
        return scores, rows, {"index": "flat", "k": k, "queries": len(queries), "search_seconds": time.perf_counter() - started}
    report = {"k": k, "queries": len(queries)} | build_index(shard_dir, index_file, settings)
    started = time.perf_counter()
    scores, rows = approximate_search(index_file, queries, k, settings)
    report["queries_per_second"] = len(queries) / (time.perf_counter() - started)
    sample = min(recall_sample, len(queries))
    if sample:
        _, exact = exact_search(shard_dir, queries[:sample], k, settings)
        report |= {f"recall@{k}_vs_exact": recall_against(exact, rows[:sample]), "recall_queries": sample}
        log.info("%s index: recall@%d against exact search %.3f (%d queries)", settings.index, k, report[f"recall@{k}_vs_exact"], sample)
    return scores, rows, report
