"""The mutual top-k translation graph over the joint vocabulary (ICEBERT §2.2).

Every token gets its k nearest neighbours (cosine) in every language's mapped space, its own
language included (synonyms, itself excluded); an edge stays only where it is mutual, each
endpoint among the other's k nearest in the other's language. Exact search, in blocks of matrix
products; memory is one block of scores at a time plus the k-best lists.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sparse

from xlclust.search import Retriever


def top_k_neighbours(
    queries: np.ndarray, keys: np.ndarray, k: int, exclude_self: bool, batch_size: int = 2048, threads: int | None = None
) -> np.ndarray:
    """The k most cosine-similar key rows of every query row (without the row itself when the
    queries are the keys)."""
    retriever = Retriever(queries, keys, "nn", batch_size=batch_size)
    found = retriever.top_k(np.arange(len(queries)), k + 1 if exclude_self else k, threads=threads)
    if not exclude_self:
        return found
    keep = found != np.arange(len(queries))[:, None]
    keep[keep.all(axis=1), -1] = False  # the row itself was not among them (ties): drop the last
    return found[keep].reshape(len(queries), k)


def neighbour_lists(
    spaces: dict[str, np.ndarray], k: int, batch_size: int = 2048, threads: int | None = None
) -> dict[tuple[str, str], np.ndarray]:
    """Every ordered language pair's k-nearest lists (rows of the second space, best first; a
    space against itself leaves each row out). Smaller k are prefixes, so one search serves a sweep."""
    return {
        (a, b): top_k_neighbours(spaces[a], spaces[b], k, exclude_self=a == b, batch_size=batch_size, threads=threads)
        for a in spaces
        for b in spaces
    }


def mutual_graph(lists: dict[tuple[str, str], np.ndarray], sizes: dict[str, int], k: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The symmetric mutual top-k graph from neighbour lists of at least k. Nodes are the rows of
    the spaces, language after language in ``sizes`` order; returns the adjacency (CSR, int8) and
    each language's first node."""
    languages = list(sizes)
    offsets = np.cumsum([0] + [sizes[lang] for lang in languages])
    n = int(offsets[-1])
    rows, cols = [], []
    for i, a in enumerate(languages):
        for j in range(i, len(languages)):
            b = languages[j]
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


def mutual_top_k_graph(spaces: dict[str, np.ndarray], k: int, batch_size: int = 2048) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The mutual top-k graph of ``spaces`` (see :func:`mutual_graph`)."""
    lists = neighbour_lists(spaces, k, batch_size)
    return mutual_graph(lists, {lang: len(space) for lang, space in spaces.items()}, k)
