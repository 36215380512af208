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

:func:`l2_kmeans` is the plain Euclidean k-means of App. E (Fig. 12) with the same faiss settings
(init, iterations, seed, every row): the rows keep their norms, each point goes to the nearest
centroid in squared L2 distance and each centroid is its members' (unnormalised) mean. The paper
finds the cosine objective better; pipelines name the two ``kmeans{r}`` and ``l2kmeans{r}``.
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
    centroids: np.ndarray  # one per group: unit vectors (cosine), means (L2)
    iterations: int
    # per iteration: the sum of each row's cosine to its centroid (cosine), of squared distances (L2)
    objective: list[float] = field(default_factory=list)
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


def _faiss_kmeans(points, k, *, spherical, seed, init, max_iterations, search, weights):
    """faiss's k-means over every row of ``points``; the trained faiss object."""
    if not 1 <= k <= len(points):
        raise ValueError(f"cannot make {k} groups of {len(points)} rows")
    kmeans = faiss_module().Kmeans(
        points.shape[1],
        k,
        niter=max_iterations,
        spherical=spherical,
        seed=seed,
        init_method=_init_method(init),
        max_points_per_centroid=len(points),  # every row, every iteration (faiss would sample 256 per group)
        min_points_per_centroid=1,
        gpu=use_gpu(search.device),
        verbose=False,
    )
    kmeans.train(points, weights=None if weights is None else np.ascontiguousarray(weights, dtype=np.float32))
    for number, stat in enumerate(kmeans.iteration_stats, 1):
        log.info("k-means iteration %d: objective %.2f, %d splits", number, stat["obj"], stat["nsplit"])
    return kmeans


def _grouping(kmeans, centroids, labels, fit, k) -> Grouping:
    """The result, every group given a point (``fit``: each row's fit to its centroid, higher better)."""
    refilled = refill_empty_groups(labels, fit, k)
    if refilled:
        log.info("%d groups were empty at the final assignment; each took one point", refilled)
    stats = kmeans.iteration_stats
    return Grouping(labels, centroids, len(stats), [float(s["obj"]) for s in stats], int(sum(s["nsplit"] for s in stats)), refilled)


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
    kmeans = _faiss_kmeans(points, k, spherical=True, seed=seed, init=init, max_iterations=max_iterations, search=search, weights=weights)
    centroids = unit_rows(kmeans.centroids)
    similarity, nearest = KeyIndex(centroids, SearchSettings(device=search.device)).search(points, 1)
    return _grouping(kmeans, centroids, nearest[:, 0].copy(), similarity[:, 0], k)


def nearest_centroids_l2(points: np.ndarray, centroids: np.ndarray, search: SearchSettings = EXACT) -> tuple[np.ndarray, np.ndarray]:
    """Each row's nearest centroid in Euclidean distance, and the squared distance: an inner-product
    search with ``[x, 1]·[c, −|c|²/2] = x·c − |c|²/2``, highest where ``|x − c|²`` is lowest."""
    points = np.ascontiguousarray(points, dtype=np.float32)
    centroids = np.asarray(centroids, dtype=np.float32)
    keys = np.hstack([centroids, -0.5 * (centroids**2).sum(axis=1, keepdims=True)])
    queries = np.hstack([points, np.ones((len(points), 1), np.float32)])
    score, nearest = KeyIndex(keys, SearchSettings(device=search.device)).search(queries, 1)
    distance = np.maximum((points**2).sum(axis=1) - 2 * score[:, 0], 0)
    return nearest[:, 0].copy(), distance


def l2_kmeans(
    embeddings: np.ndarray,
    k: int,
    *,
    seed: int,
    init: str = "k-means++",
    max_iterations: int = 25,
    search: SearchSettings = EXACT,
    weights: np.ndarray | None = None,
) -> Grouping:
    """Euclidean k-means on the rows as they are (App. E, Fig. 12), the settings of :func:`spherical_kmeans`."""
    points = np.ascontiguousarray(embeddings, dtype=np.float32)
    kmeans = _faiss_kmeans(points, k, spherical=False, seed=seed, init=init, max_iterations=max_iterations, search=search, weights=weights)
    centroids = np.asarray(kmeans.centroids, dtype=np.float32)
    labels, distance = nearest_centroids_l2(points, centroids, search)
    return _grouping(kmeans, centroids, labels, -distance, k)


KMEANS = {"kmeans": spherical_kmeans, "l2kmeans": l2_kmeans}  # a pipeline's method → its k-means
