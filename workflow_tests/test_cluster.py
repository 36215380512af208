import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sparse
from scipy.sparse.csgraph import connected_components

from xlclust.cluster.cliques import clique_analysis
from xlclust.cluster.clusters import cluster_analysis, cluster_names, connected_pieces, sample_clusters, token_clusters
from xlclust.cluster.graph import mutual_graph, mutual_top_k_graph, neighbour_lists, top_k_neighbours
from xlclust.cluster.partition import max_part_size, partition, ufactor
from xlclust.tokenmap import BERT_SPECIALS


def symmetric(n, edges):
    edges = np.asarray(edges).reshape(-1, 2)
    graph = sparse.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    graph = ((graph + graph.T) > 0).astype(np.int8).tocsr()
    graph.setdiag(0)
    graph.eliminate_zeros()
    return graph


def planted_cliques(n_cliques=400, size=9, noise=150, seed=0):
    rng = np.random.default_rng(seed)
    edges = [(c * size + i, c * size + j) for c in range(n_cliques) for i in range(size) for j in range(i + 1, size)]
    edges += [tuple(e) for e in rng.integers(0, n_cliques * size, (noise, 2))]
    return symmetric(n_cliques * size, edges), np.arange(n_cliques * size) // size


def test_mutual_top_k_graph_of_planted_translations():
    rng = np.random.default_rng(1)
    concepts = rng.standard_normal((200, 24)).astype(np.float32)
    spaces = {lang: concepts + 0.02 * rng.standard_normal(concepts.shape).astype(np.float32) for lang in ("en", "fi", "sw")}
    graph, offsets = mutual_top_k_graph(spaces, k=1)
    assert offsets.tolist() == [0, 200, 400] and (graph != graph.T).nnz == 0 and graph.diagonal().sum() == 0
    coo = sparse.triu(graph).tocoo()
    cross = (coo.row // 200) != (coo.col // 200)
    # every cross-language edge joins translations of the same concept, and each one is found
    assert ((coo.row[cross] % 200) == (coo.col[cross] % 200)).all() and cross.sum() == 3 * 200


def test_top_k_within_a_space_leaves_out_the_row_itself():
    points = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    assert top_k_neighbours(points, points, 1, exclude_self=True)[:, 0].tolist() == [1, 0, 3, 2]
    duplicated = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)  # ties with itself
    found = top_k_neighbours(duplicated, duplicated, 1, exclude_self=True)[:, 0]
    assert found[0] == 1 and found[1] == 0


def test_partition_recovers_planted_cliques_and_respects_the_bound():
    graph, truth = planted_cliques()
    parts = partition(graph, 400, imbalance=1.5, seed=3)
    whole = np.mean([len(set(parts[truth == c])) == 1 for c in range(400)])
    assert whole >= 0.97
    assert np.bincount(parts[parts >= 0]).max() <= max_part_size(len(parts), 400, 1.5)
    assert ufactor(1.5) == 1500
    assert np.array_equal(parts, partition(graph, 400, imbalance=1.5, seed=3))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cluster_invariants_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n, parts_requested = 3000, 500
    graph = symmetric(n, rng.integers(0, n, (2500, 2)))  # sparse: many isolated nodes and small pieces
    nodes = pd.DataFrame({"token": [f"t{i}" for i in range(n)], "language": rng.choice(["en", "fi", "sw"], n)})
    parts = partition(graph, parts_requested, 1.5, seed)
    connected = np.diff(graph.indptr) > 0
    assert (parts[~connected] == -1).all() and (parts[connected] >= 0).all()
    assert np.bincount(parts[parts >= 0]).max() <= max_part_size(int(connected.sum()), parts_requested, 1.5)
    table, summary = token_clusters(nodes, graph, parts, ["▁0", ","], parts_requested)
    assert table["token"].is_unique and len(table) == n + 2 + len(BERT_SPECIALS)
    ids = np.sort(table["cluster_id"].unique())
    assert np.array_equal(ids, np.arange(len(ids))) and summary["clusters"] == len(ids)
    graph_part = table.iloc[:n]
    for _, members in graph_part.groupby("cluster_id").groups.items():
        members = np.asarray(members)
        if len(members) > 1:
            assert connected_components(graph[members][:, members], directed=False)[0] == 1
    assert summary["isolated_singletons"] == int((~connected).sum())
    assert summary["graph_clusters"] + summary["isolated_singletons"] + 2 + len(BERT_SPECIALS) == summary["clusters"]
    table_again, _ = token_clusters(nodes, graph, partition(graph, parts_requested, 1.5, seed), ["▁0", ","], parts_requested)
    assert table.equals(table_again)


def test_split_pieces_get_distinct_ids():
    # one part holding two pieces {0,1} and {2,3}: the notebook gave both the same ID
    graph = symmetric(5, [(0, 1), (2, 3)])
    parts = np.array([0, 0, 0, 0, -1])
    assert connected_pieces(graph, parts).tolist() == [0, 0, 1, 1, 2]
    nodes = pd.DataFrame({"token": list("abcde"), "language": ["en"] * 5})
    table, summary = token_clusters(nodes, graph, parts, [], parts_requested=3)
    assert summary["parts_split"] == 1 and summary["clusters_from_splits"] == 2 and summary["empty_parts_dropped"] == 2
    assert table["cluster_id"].tolist()[:5] == [0, 0, 1, 1, 2]
    assert cluster_names(table) == ["[C0]", "[C1]", "[C2]", *BERT_SPECIALS]
    analysis = cluster_analysis(table, graph)
    assert analysis["sizes"].to_dict("list") == {"size": [1, 2], "clusters": [1, 2]}
    assert analysis["path_lengths"].to_dict("list") == {"length": [1], "pairs": [2]}
    assert sample_clusters(table, 5, 0)["size"].tolist() == [2, 2]


@pytest.mark.workflow
def test_metis_at_tens_of_thousands_of_parts():
    """pymetis was reported to crash at large part counts: 300k nodes, 28,500 parts."""
    rng = np.random.default_rng(0)
    n = 300_000
    graph = symmetric(n, rng.integers(0, n, (600_000, 2)))
    parts = partition(graph, 28_500, 1.5, 0)
    used = parts[parts >= 0]
    assert len(np.unique(used)) > 28_000
    assert np.bincount(used).max() <= max_part_size(int((parts >= 0).sum()), 28_500, 1.5)


def test_partition_corner_cases():
    parts = partition(symmetric(4, [(0, 1)]), 10, 1.5, 0)  # more parts than connected nodes: clipped to 2
    assert sorted(parts[:2].tolist()) == [0, 1] and parts[2:].tolist() == [-1, -1]
    assert partition(symmetric(3, np.zeros((0, 2), int)), 5, 1.5, 0).tolist() == [-1, -1, -1]


def test_one_neighbour_search_serves_a_sweep_of_k():
    rng = np.random.default_rng(2)
    spaces = {lang: rng.standard_normal((150, 8)).astype(np.float32) for lang in ("en", "fi")}
    lists = neighbour_lists(spaces, 6)
    for k in (1, 3, 6):
        from_sweep, _ = mutual_graph(lists, {lang: 150 for lang in spaces}, k)
        direct, _ = mutual_top_k_graph(spaces, k)
        assert (from_sweep != direct).nnz == 0


def test_clique_analysis_by_hand():
    # a 3-clique over three languages, a 2-clique inside one language, one isolated token
    graph = symmetric(6, [(0, 1), (1, 2), (0, 2), (3, 4)])
    languages = np.array(["en", "fi", "sw", "en", "en", "fi"])
    tokens, cliques = clique_analysis(graph, languages, max_size=4)
    assert tokens["tokens_in_cliques_up_to_s"].tolist() == [1, 3, 6, 6]
    assert cliques.to_dict("list") == {"size": [1, 2, 3], "cliques": [1, 1, 1], "mean_languages": [1.0, 1.0, 3.0]}
