"""ICEBERT Fig. 3–4: how the mutual top-k graph groups tokens, for a sweep of k.

Each token's clique is the largest maximal clique it belongs to (a token without edges is a
clique of one). Reported: tokens in cliques of size at most s, and the mean number of languages
in the maximal cliques of each size.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sparse


def clique_analysis(graph: sparse.csr_matrix, languages: np.ndarray, max_size: int = 9) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tokens_by_size: s, tokens_in_cliques_up_to_s), (cliques_by_size: size, cliques, mean_languages)."""
    largest = np.ones(graph.shape[0], dtype=np.int64)
    per_size: dict[int, list[int]] = {}
    for clique in nx.find_cliques(nx.from_scipy_sparse_array(graph)):
        size = len(clique)
        if size < 2:
            continue
        largest[clique] = np.maximum(largest[clique], size)
        per_size.setdefault(size, []).append(len(set(languages[clique])))
    counts = np.bincount(largest, minlength=max_size + 1)
    tokens = pd.DataFrame({"s": np.arange(1, max_size + 1), "tokens_in_cliques_up_to_s": np.cumsum(counts[1:])[:max_size]})
    isolated = int((np.diff(graph.indptr) == 0).sum())
    sizes = [(1, isolated, 1.0)] if isolated else []
    sizes += [(size, len(langs), float(np.mean(langs))) for size, langs in sorted(per_size.items())]
    return tokens, pd.DataFrame(sizes, columns=["size", "cliques", "mean_languages"])
