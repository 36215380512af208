"""Grouping by bilingual lexicons ("Tomato, Tomahto, Tomate" App. F, Table 4: against k-means on
MIRACL zh), as an option: subwords that a lexicon pairs as translations always share a group.

Ours (the paper gives no procedure): the single-subword translation pairs of a pair set are
must-links; their connected components are grouped by spherical k-means into r_G · |V| groups, each
component one point (the normalized mean of its members' unit rows) weighted by its size. Where
r_G · |V| is at least the number of components, each component is a group of its own.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from xlclust.grouping.kmeans import Grouping, n_groups, spherical_kmeans
from xlclust.search import EXACT, SearchSettings, unit_rows

log = logging.getLogger(__name__)


def lexicon_components(tokens: pd.DataFrame, pair_ids: np.ndarray) -> np.ndarray:
    """The component of each groupable (non-special) token under the translation pairs (token IDs)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    groupable = ~tokens["is_special"].to_numpy(bool)
    row_of = np.full(len(tokens), -1, dtype=np.int64)
    row_of[tokens["token_id"].to_numpy()[groupable]] = np.arange(int(groupable.sum()))
    rows = row_of[pair_ids] if len(pair_ids) else np.zeros((0, 2), dtype=np.int64)
    rows = rows[(rows >= 0).all(axis=1)]  # a pair with a special token links nothing
    size = int(groupable.sum())
    graph = coo_matrix((np.ones(len(rows)), (rows[:, 0], rows[:, 1])), shape=(size, size))
    _, components = connected_components(graph, directed=False)
    return components.astype(np.int64)


def lexicon_labels(
    embeddings: np.ndarray,
    components: np.ndarray,
    ratio: float,
    *,
    seed: int,
    init: str,
    max_iterations: int,
    search: SearchSettings = EXACT,
) -> tuple[np.ndarray, dict]:
    """A group for every row: its component's k-means group (or the component itself); and a summary."""
    count = int(components.max()) + 1
    k = n_groups(len(embeddings), ratio)
    sizes = np.bincount(components, minlength=count)
    summary = {"components": count, "linked_tokens": int((sizes[components] > 1).sum()), "asked_groups": k}
    if k >= count:
        log.info("%d groups asked, the lexicon leaves %d components: each is a group", k, count)
        return components, summary | {"groups": count}
    means = np.zeros((count, embeddings.shape[1]), dtype=np.float32)
    np.add.at(means, components, unit_rows(embeddings))
    grouping: Grouping = spherical_kmeans(means, k, seed=seed, init=init, max_iterations=max_iterations, search=search, weights=sizes)
    summary |= {"groups": k, "iterations": grouping.iterations, "objective": grouping.objective, "refilled": grouping.refilled}
    return grouping.labels[components], summary
