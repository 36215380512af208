"""The numpy nearest-neighbour search that :mod:`xlclust.search` (faiss) replaced: kept only as the
reference the tests and benchmarks compare against (nothing on the workflow's path imports it).
Cosine and CSLS, batched matrix work.

CSLS (Conneau et al. 2018): csls(x, y) = 2 cos(x, y) − r_T(x) − r_S(y), where r_T(x) is the mean
cosine of x to its k nearest targets and r_S(y) the mean cosine of y to its k nearest
(mapped) sources. Rows are L2-normalized here, so dot products are cosines. Similarities are
computed block by block (``batch_size`` query rows at a time): memory is batch × |target|.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _blocks(n: int, batch_size: int) -> Iterator[slice]:
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))


def mean_topk_similarity(queries: np.ndarray, keys: np.ndarray, k: int, batch_size: int = 4096) -> np.ndarray:
    """For every query row, the mean cosine to its ``k`` most similar key rows."""
    queries, keys = unit_rows(queries), unit_rows(keys)
    k = min(k, len(keys))
    out = np.empty(len(queries), dtype=np.float32)
    for block in _blocks(len(queries), batch_size):
        scores = queries[block] @ keys.T
        out[block] = np.partition(scores, -k, axis=1)[:, -k:].mean(axis=1)
    return out


class Retriever:
    """Scores of queries against all targets, by ``nn`` (cosine) or ``csls``."""

    def __init__(
        self,
        sources: np.ndarray,
        targets: np.ndarray,
        method: str = "csls",
        k: int = 10,
        batch_size: int = 4096,
        hubness: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        """``hubness``: (r_T of the sources, r_S of the targets) when already known, e.g. from
        the other direction of the same pair, where they are the same two vectors swapped."""
        if method not in ("nn", "csls"):
            raise ValueError(f"unknown retrieval {method!r}; use nn or csls")
        # the same construction and CSLS scores as xlclust.search.Retriever, on purpose: a reference
        # differs from what it checks only where it must (numpy blocks here, faiss there)
        self.sources, self.targets = unit_rows(sources), unit_rows(targets)
        self.method, self.batch_size = method, batch_size
        if method == "csls":
            if hubness is None:
                hubness = (
                    mean_topk_similarity(self.sources, self.targets, k, batch_size),
                    mean_topk_similarity(self.targets, self.sources, k, batch_size),
                )
            self.source_hubness, self.target_hubness = hubness

    def scores(self, source_rows: np.ndarray) -> np.ndarray:
        """|source_rows| × |targets| scores (call with a batch of rows)."""
        scores = self.sources[source_rows] @ self.targets.T
        if self.method == "csls":  # in place: these blocks are hundreds of MB
            scores *= 2
            scores -= self.source_hubness[source_rows, None]
            scores -= self.target_hubness[None, :]
        return scores

    def top_k(self, source_rows: np.ndarray, k: int, threads: int | None = None) -> np.ndarray:
        """The ``k`` best target rows of each source row, best first (ties: lower row first).

        Blocks are scored on ``threads`` threads (numpy's partition and BLAS release the GIL).
        """
        k = min(k, len(self.targets))
        out = np.empty((len(source_rows), k), dtype=np.int64)
        blocks = list(_blocks(len(source_rows), self.batch_size))

        def fill(block: slice) -> None:
            out[block] = _block_top_k(self.scores(source_rows[block]), k)

        workers = threads or len(os.sched_getaffinity(0))  # the cores this job may use (SLURM sets them)
        # one BLAS thread per worker: the workers, not BLAS, keep the cores busy, and the
        # partitions, which numpy runs on one thread, overlap with the products
        with threadpool_limits(1 if workers > 1 else None, user_api="blas"), ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(fill, blocks))
        return out


def _block_top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Row-wise top k of a score block, best first.

    A value partition (no index array) gives each row's k-th best score; the entries at or above
    it are few, and only those are sorted: several times faster than argpartition on big blocks.
    """
    if k == 1:
        return scores.argmax(axis=1)[:, None]
    n = scores.shape[1]
    threshold = np.partition(scores, n - k, axis=1)[:, n - k]
    rows, cols = np.nonzero(scores >= threshold[:, None])
    order = np.lexsort((cols, -scores[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(scores.shape[0]))
    keep = np.arange(len(rows)) - starts[rows] < k
    return cols[keep].reshape(scores.shape[0], k)


def neighbour_lists(spaces: dict[str, np.ndarray], k: int) -> dict[tuple[str, str], np.ndarray]:
    """The translation graph's k-nearest lists of every ordered language pair, as the graph searched
    them before faiss: a space against itself leaves each row out."""
    lists = {}
    for a in spaces:
        for b in spaces:
            rows = np.arange(len(spaces[a]))
            found = Retriever(spaces[a], spaces[b], "nn").top_k(rows, k + 1 if a == b else k)
            if a == b:
                keep = found != rows[:, None]
                keep[keep.all(axis=1), -1] = False  # the row itself was not among them (ties): drop the last
                found = found[keep].reshape(len(rows), k)
            lists[(a, b)] = found
    return lists


def mutual_nearest_neighbours(sources: np.ndarray, targets: np.ndarray, csls_k: int = 10, batch_size: int = 4096) -> np.ndarray:
    """Pairs (i, j) where target j is source i's best CSLS match and source i is target j's."""
    forward_retriever = Retriever(sources, targets, "csls", csls_k, batch_size)
    backward_retriever = Retriever(
        targets, sources, "csls", csls_k, batch_size, hubness=(forward_retriever.target_hubness, forward_retriever.source_hubness)
    )
    forward = forward_retriever.top_k(np.arange(len(sources)), 1)[:, 0]
    backward = backward_retriever.top_k(np.arange(len(targets)), 1)[:, 0]
    rows = np.flatnonzero(backward[forward] == np.arange(len(sources)))
    return np.stack([rows, forward[rows]], axis=1)
