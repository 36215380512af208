"""ICEBERT §2.2 post-processing of the METIS parts into the token → cluster-ID map.

Each step is counted: empty parts are dropped; isolated tokens (no edge) become singletons;
a part whose members are not connected in the graph is split into its connected pieces, each
with an ID of its own (ICEBERT's notebook let pieces overwrite each other's IDs: 30,856 groups
became 30,293 IDs); one singleton per language-agnostic special token; then the BERT specials.
IDs are dense, 0…n−1, in the order of each cluster's first token.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sparse
from scipy.sparse.csgraph import connected_components, shortest_path

from xlclust.tokenmap import BERT_SPECIALS


def connected_pieces(graph: sparse.csr_matrix, assignment: np.ndarray) -> np.ndarray:
    """A dense label per node: the connected piece of its part (isolated nodes alone)."""
    coo = sparse.triu(graph, k=1).tocoo()
    same = (assignment[coo.row] == assignment[coo.col]) & (assignment[coo.row] >= 0)
    n = graph.shape[0]
    inside = sparse.coo_matrix((np.ones(int(same.sum()), np.int8), (coo.row[same], coo.col[same])), shape=(n, n))
    _, labels = connected_components(inside, directed=False)
    return renumber_by_first_appearance(labels)


def renumber_by_first_appearance(labels: np.ndarray) -> np.ndarray:
    """Dense IDs 0…n−1 that follow row order: the same grouping always gets the same IDs."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse.ravel()]


def token_clusters(
    nodes: pd.DataFrame, graph: sparse.csr_matrix, assignment: np.ndarray, specials: list[str], parts_requested: int
) -> tuple[pd.DataFrame, dict]:
    """The map (token, language, cluster_id, kind) and the count of every step.

    ``nodes``: the graph's tokens in node order (columns token, language)."""
    isolated = np.diff(graph.indptr) == 0
    used_parts = np.unique(assignment[assignment >= 0])
    labels = connected_pieces(graph, assignment)
    pieces_per_part = pd.Series(labels[assignment >= 0]).groupby(assignment[assignment >= 0]).nunique()
    table = pd.DataFrame({"token": nodes["token"].to_numpy(), "language": nodes["language"].to_numpy(), "cluster_id": labels})
    table["kind"] = np.where(isolated, "isolated", "graph")
    next_id = int(labels.max()) + 1 if len(labels) else 0
    extra = [(token, "", next_id + i, "special") for i, token in enumerate(specials)]
    next_id += len(specials)
    extra += [(token, "", next_id + i, "bert") for i, token in enumerate(BERT_SPECIALS)]
    table = pd.concat([table, pd.DataFrame(extra, columns=table.columns)], ignore_index=True)
    summary = {
        "tokens_in_graph": int(len(nodes)),
        "parts_requested": int(parts_requested),
        "empty_parts_dropped": int(parts_requested - len(used_parts)),
        "isolated_singletons": int(isolated.sum()),
        "parts_split": int((pieces_per_part > 1).sum()),
        "clusters_from_splits": int(pieces_per_part[pieces_per_part > 1].sum()),
        "graph_clusters": int(labels.max() + 1 - isolated.sum()) if len(labels) else 0,
        "special_singletons": len(specials),
        "bert_specials": len(BERT_SPECIALS),
        "clusters": int(table["cluster_id"].max() + 1),
    }
    return table, summary


def cluster_analysis(table: pd.DataFrame, graph: sparse.csr_matrix, max_path_clusters: int = 100_000) -> dict[str, pd.DataFrame]:
    """ICEBERT Fig. 5–7: cluster sizes, languages per cluster, shortest paths inside clusters."""
    graph_rows = table[table["kind"].isin(["graph", "isolated"])]
    members = graph_rows.groupby("cluster_id")
    sizes = members.size()
    languages = members["language"].nunique()
    lengths: dict[int, int] = {}
    for _, nodes in list(members.groups.items())[:max_path_clusters]:
        nodes = np.asarray(nodes)
        if len(nodes) < 2:
            continue
        distances = shortest_path(graph[nodes][:, nodes], directed=False, unweighted=True)
        upper = distances[np.triu_indices(len(nodes), k=1)]
        for length, count in zip(*np.unique(upper, return_counts=True)):
            lengths[int(length)] = lengths.get(int(length), 0) + int(count)
    return {
        "sizes": sizes.value_counts().sort_index().rename_axis("size").reset_index(name="clusters"),
        "languages": languages.value_counts().sort_index().rename_axis("languages").reset_index(name="clusters"),
        "path_lengths": pd.DataFrame(sorted(lengths.items()), columns=["length", "pairs"]),
    }


def sample_clusters(table: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` random clusters of two or more tokens, with their members (for reading)."""
    graph_rows = table[table["kind"] == "graph"]
    grouped = graph_rows.groupby("cluster_id")
    candidates = [cid for cid, size in grouped.size().items() if size > 1]
    chosen = np.random.default_rng(seed).choice(candidates, size=min(n, len(candidates)), replace=False) if candidates else []
    rows = [
        {
            "cluster_id": int(cid),
            "size": len(group),
            "languages": ",".join(sorted(set(group["language"]))),
            "tokens": " ".join(group["token"]),
        }
        for cid, group in ((cid, grouped.get_group(cid)) for cid in sorted(chosen))
    ]
    return pd.DataFrame(rows, columns=["cluster_id", "size", "languages", "tokens"])


def cluster_names(table: pd.DataFrame) -> list[str]:
    """One line per cluster ID, in ID order, for ``vocab.txt``: ``[C17]`` for token clusters, the
    token itself for specials and BERT specials."""
    named = table.drop_duplicates("cluster_id").set_index("cluster_id").sort_index()
    return [token if kind in ("special", "bert") else f"[C{cid}]" for cid, token, kind in zip(named.index, named["token"], named["kind"])]
