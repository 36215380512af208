"""The mutual top-k translation graph over the joint vocabulary (ICEBERT §2.2).

Every token gets its k nearest neighbours (cosine) in every language's mapped space, its own
language included (synonyms, itself excluded); an edge stays only where it is mutual, each
endpoint among the other's k nearest in the other's language. The search runs through faiss
(:mod:`xlclust.search`): exact by default, each language's space indexed once for all the others.

``pairs: pivot`` (ours, for hundreds of languages) searches each language only against itself and
the pivot (2L − 1 searches instead of L²): edges across two non-pivot languages are then left out,
and tokens meet through their pivot neighbours in the partition.
"""

from __future__ import annotations

import logging

import numpy as np
import scipy.sparse as sparse

from xlclust.search import EXACT, KeyIndex, SearchSettings, unit_rows

log = logging.getLogger(__name__)
PAIRS = ("all", "pivot")


def top_k_neighbours(
    queries: np.ndarray, keys: np.ndarray | KeyIndex, k: int, exclude_self: bool, settings: SearchSettings = EXACT
) -> np.ndarray:
    """The k most cosine-similar key rows of every query row (without the row itself when the
    queries are the keys); ``keys`` may be an index of unit rows already built."""
    index = keys if isinstance(keys, KeyIndex) else KeyIndex(unit_rows(keys), settings)
    _, found = index.search(unit_rows(queries), k + 1 if exclude_self else k)
    if not exclude_self:
        return found
    keep = found != np.arange(len(queries))[:, None]
    keep[keep.all(axis=1), -1] = False  # the row itself was not among them (ties): drop the last
    return found[keep].reshape(len(queries), k)


def searched_pairs(languages: list[str], pairs: str = "all", pivot: str | None = None) -> list[tuple[str, str]]:
    """The ordered (query, key) language pairs a graph searches."""
    if pairs == "all":
        return [(a, b) for a in languages for b in languages]
    if pairs != "pivot":
        raise ValueError(f"unknown graph pairs {pairs!r}; use one of {PAIRS}")
    if pivot not in languages:
        raise ValueError(f"pairs: pivot needs the pivot among the languages; {pivot!r} is not in {languages}")
    return sorted({(a, a) for a in languages} | {(a, pivot) for a in languages} | {(pivot, a) for a in languages})


def neighbour_lists(
    spaces: dict[str, np.ndarray], k: int, settings: SearchSettings = EXACT, pairs: str = "all", pivot: str | None = None
) -> dict[tuple[str, str], np.ndarray]:
    """The k-nearest lists of every searched ordered language pair (rows of the second space, best
    first; a space against itself leaves each row out). Smaller k are prefixes, so one search
    serves a sweep."""
    wanted = searched_pairs(list(spaces), pairs, pivot)
    lists = {}
    for b in spaces:
        queries = [a for a, key in wanted if key == b]
        if not queries:
            continue
        index = KeyIndex(unit_rows(spaces[b]), settings)
        for a in queries:
            lists[(a, b)] = top_k_neighbours(spaces[a], index, k, exclude_self=a == b)
        log.info("searched %s's space for %d languages", b, len(queries))
    return lists


def mutual_graph(lists: dict[tuple[str, str], np.ndarray], sizes: dict[str, int], k: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The symmetric mutual top-k graph from neighbour lists of at least k. Nodes are the rows of
    the spaces, language after language in ``sizes`` order; returns the adjacency (CSR, int8) and
    each language's first node."""
    languages = list(sizes)
    offsets = np.cumsum([0] + [sizes[lang] for lang in languages])
    n = int(offsets[-1])
    rows, cols = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for i, a in enumerate(languages):
        for j in range(i, len(languages)):
            b = languages[j]
            if (a, b) not in lists or (b, a) not in lists:  # a pair the search left out (pairs: pivot)
                continue
            ab = _selection(lists[(a, b)][:, :k], sizes[b])
            ba = _selection(lists[(b, a)][:, :k], sizes[a])
            mutual = ab.multiply(ba.T).tocoo()
            rows.append(mutual.row + offsets[i])
            cols.append(mutual.col + offsets[j])
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    both = sparse.coo_matrix((np.ones(2 * len(rows), np.int8), (np.concatenate([rows, cols]), np.concatenate([cols, rows]))), shape=(n, n))
    graph = both.tocsr()
    graph.data[:] = 1
    graph.setdiag(0)
    graph.eliminate_zeros()
    return graph, offsets[:-1]


def _selection(neighbours: np.ndarray, n_keys: int) -> sparse.csr_matrix:
    """Row i has a 1 at each of its neighbours' columns."""
    n, k = neighbours.shape
    return sparse.csr_matrix((np.ones(n * k, np.int8), (np.repeat(np.arange(n), k), neighbours.ravel())), shape=(n, n_keys))


def mutual_top_k_graph(
    spaces: dict[str, np.ndarray], k: int, settings: SearchSettings = EXACT, pairs: str = "all", pivot: str | None = None
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The mutual top-k graph of ``spaces`` (see :func:`mutual_graph`)."""
    lists = neighbour_lists(spaces, k, settings, pairs, pivot)
    return mutual_graph(lists, {lang: len(space) for lang, space in spaces.items()}, k)
