"""The mutual top-k translation graph over the joint vocabulary (ICEBERT §2.2).

Every token gets its k nearest neighbours (cosine) in every language's mapped space, its own
language included (synonyms, itself excluded); an edge stays only where it is mutual, each
endpoint among the other's k nearest in the other's language. Exact search, in blocks of matrix
products; memory is one block of scores at a time plus the k-best lists.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sparse

from xlclust.align.retrieval import Retriever


def top_k_neighbours(queries: np.ndarray, keys: np.ndarray, k: int, exclude_self: bool, batch_size: int = 2048) -> np.ndarray:
    """The k most cosine-similar key rows of every query row (without the row itself when the
    queries are the keys)."""
    retriever = Retriever(queries, keys, "nn", batch_size=batch_size)
    found = retriever.top_k(np.arange(len(queries)), k + 1 if exclude_self else k)
    if not exclude_self:
        return found
    keep = found != np.arange(len(queries))[:, None]
    keep[keep.all(axis=1), -1] = False  # the row itself was not among them (ties): drop the last
    return found[keep].reshape(len(queries), k)


def mutual_top_k_graph(spaces: dict[str, np.ndarray], k: int, batch_size: int = 2048) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The symmetric mutual top-k graph. Nodes are the rows of the spaces, language after
    language in the given order; returns the adjacency (CSR, int8) and each language's first node."""
    languages = list(spaces)
    offsets = np.cumsum([0] + [len(spaces[lang]) for lang in languages])
    n = int(offsets[-1])
    rows, cols = [], []
    for i, a in enumerate(languages):
        for j in range(i, len(languages)):
            b = languages[j]
            same = a == b
            forward = top_k_neighbours(spaces[a], spaces[b], k, exclude_self=same, batch_size=batch_size)
            backward = forward if same else top_k_neighbours(spaces[b], spaces[a], k, exclude_self=False, batch_size=batch_size)
            shape = (len(spaces[a]), len(spaces[b]))
            ab = sparse.csr_matrix((np.ones(forward.size, np.int8), (np.repeat(np.arange(shape[0]), k), forward.ravel())), shape=shape)
            ba = sparse.csr_matrix((np.ones(backward.size, np.int8), (np.repeat(np.arange(shape[1]), k), backward.ravel())), shape=shape[::-1])
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
