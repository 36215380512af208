"""Spherical (cosine) k-means through faiss (``faiss.Kmeans(spherical=True)``; on the GPU where
``search.device`` allows).

Rows and centroids are unit vectors; each point goes to the centroid of highest cosine and each
centroid is the normalized mean of its members, for ``max_iterations`` rounds over all the rows (no
subsampling). Centroids start by k-means++ seeding (Arthur & Vassilvitskii 2007; for unit rows its
squared Euclidean distance is 2(1 − cos)) — spread-out starts that recover planted groups far
better than faiss's default of k random rows (``random``), which stays an option, as does
``afk-mc2`` (Bachem et al. 2016), k-means++'s Markov-chain approximation for very large k. All
are seeded. faiss splits a big group when one runs empty during training; a group still empty
at the final assignment takes the point that fits its own group worst, so no group is ever empty.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from xlclust.search import EXACT, KeyIndex, SearchSettings, faiss_module, unit_rows, use_gpu

log = logging.getLogger(__name__)

INITS = ("k-means++", "random", "afk-mc2")


@dataclass
class Grouping:
    labels: np.ndarray  # group of every row
    centroids: np.ndarray  # unit vectors, one per group
    iterations: int
    objective: list[float] = field(default_factory=list)  # sum of each row's cosine to its centroid, per iteration
    splits: int = 0  # groups faiss re-seeded by splitting another while training
    refilled: int = 0  # groups empty at the final assignment, given a point


def n_groups(n_rows: int, ratio: float) -> int:
    """|V'| = r_G · |V|, at least one group."""
    if not 0 < ratio <= 1:
        raise ValueError(f"grouping ratio must lie in (0, 1], got {ratio}")
    return max(1, round(ratio * n_rows))


def _init_method(init: str):
    faiss = faiss_module()
    methods = {
        "random": faiss.ClusteringInitMethod_RANDOM,
        "k-means++": faiss.ClusteringInitMethod_KMEANS_PLUS_PLUS,
        "afk-mc2": faiss.ClusteringInitMethod_AFK_MC2,
    }
    if init not in methods:
        raise ValueError(f"unknown k-means init {init!r}; use one of {INITS}")
    return methods[init]


def refill_empty_groups(labels: np.ndarray, similarity: np.ndarray, k: int) -> int:
    """Give every empty group one point, the worst-fitting of a group that keeps others; in place."""
    counts = np.bincount(labels, minlength=k)
    empty = np.flatnonzero(counts == 0)
    if len(empty) == 0:
        return 0
    donors = []
    for point in np.argsort(similarity, kind="stable"):
        if counts[labels[point]] > 1:
            counts[labels[point]] -= 1
            donors.append(point)
            if len(donors) == len(empty):
                break
    labels[donors] = empty[: len(donors)]
    return len(donors)


def spherical_kmeans(
    embeddings: np.ndarray,
    k: int,
    *,
    seed: int,
    init: str = "k-means++",
    max_iterations: int = 25,
    search: SearchSettings = EXACT,
    weights: np.ndarray | None = None,
) -> Grouping:
    """``weights``: each row's weight in the centroid updates (a row standing for several tokens)."""
    points = unit_rows(embeddings)
    if not 1 <= k <= len(points):
        raise ValueError(f"cannot make {k} groups of {len(points)} rows")
    kmeans = faiss_module().Kmeans(
        points.shape[1],
        k,
        niter=max_iterations,
        spherical=True,
        seed=seed,
        init_method=_init_method(init),
        max_points_per_centroid=len(points),  # every row, every iteration (faiss would sample 256 per group)
        min_points_per_centroid=1,
        gpu=use_gpu(search.device),
        verbose=False,
    )
    kmeans.train(points, weights=None if weights is None else np.ascontiguousarray(weights, dtype=np.float32))
    stats = kmeans.iteration_stats
    for number, stat in enumerate(stats, 1):
        log.info("k-means iteration %d: objective %.2f, %d splits", number, stat["obj"], stat["nsplit"])
    centroids = unit_rows(kmeans.centroids)
    similarity, nearest = KeyIndex(centroids, SearchSettings(device=search.device)).search(points, 1)
    labels, similarity = nearest[:, 0].copy(), similarity[:, 0]
    refilled = refill_empty_groups(labels, similarity, k)
    if refilled:
        log.info("%d groups were empty at the final assignment; each took one point", refilled)
    return Grouping(labels, centroids, len(stats), [float(s["obj"]) for s in stats], int(sum(s["nsplit"] for s in stats)), refilled)
