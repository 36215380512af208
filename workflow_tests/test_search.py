"""faiss search and k-means against the numpy references they replaced: the same neighbours (up to
the order of equal scores), the same BLI scores, the same graph, the same groups on planted data."""

import numpy as np
import pytest
import scipy.sparse as sparse

import xlclust.search_reference as reference
from xlclust.alignment.bli import bli_scores
from xlclust.cluster.graph import mutual_graph, mutual_top_k_graph, neighbour_lists, searched_pairs
from xlclust.errors import XlclustError
from xlclust.grouping.kmeans import refill_empty_groups, spherical_kmeans
from xlclust.grouping.kmeans_reference import spherical_kmeans as reference_kmeans
from xlclust.search import KeyIndex, Retriever, SearchSettings, canonical_order, knn, mutual_nearest_neighbours, unit_rows


def spaces_of_concepts(languages=("en", "fi", "sw"), concepts=600, dim=32, noise=0.3, seed=0):
    """Translations as noisy copies of shared concept vectors (unit rows)."""
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal((concepts, dim)).astype(np.float32)
    return {lang: unit_rows(shared + noise * rng.standard_normal(shared.shape).astype(np.float32)) for lang in languages}


def same_up_to_ties(found, expected, scores):
    """Row by row the same key rows, or, where they differ, keys of the same score."""
    differ = found != expected
    rows = np.nonzero(differ)[0]
    return np.allclose(scores[rows, found[differ]], scores[rows, expected[differ]], atol=1e-5)


@pytest.mark.parametrize("method", ["nn", "csls"])
def test_top_k_equals_the_numpy_reference(method):
    spaces = spaces_of_concepts()
    source, target = spaces["fi"], spaces["en"]
    ours = Retriever(source, target, method, k=10)
    theirs = reference.Retriever(source, target, method, k=10)
    rows = np.arange(len(source))
    found, expected = ours.top_k(rows, 10), theirs.top_k(rows, 10)
    assert same_up_to_ties(found, expected, theirs.scores(rows))
    assert (found == expected).mean() > 0.99  # random data: ties are rare
    if method == "csls":
        assert np.allclose(ours.source_hubness, theirs.source_hubness, atol=1e-5)
        assert np.allclose(ours.target_hubness, theirs.target_hubness, atol=1e-5)


def test_bli_scores_and_mutual_neighbours_equal_the_reference():
    spaces = spaces_of_concepts(noise=0.6)
    pairs = np.stack([np.arange(300, 600), np.arange(300, 600)], axis=1)
    for method in ("nn", "csls"):
        ours = bli_scores(Retriever(spaces["sw"], spaces["en"], method), pairs)
        theirs = bli_scores(reference.Retriever(spaces["sw"], spaces["en"], method), pairs)
        assert ours.keys() == theirs.keys() and all(abs(ours[key] - theirs[key]) < 1e-9 for key in ours)
    found = mutual_nearest_neighbours(spaces["sw"], spaces["en"])
    expected = reference.mutual_nearest_neighbours(spaces["sw"], spaces["en"])
    assert np.array_equal(found, expected)


def test_the_translation_graph_equals_the_reference_search():
    spaces = spaces_of_concepts(concepts=400, noise=0.5)
    graph, _ = mutual_top_k_graph(spaces, 5)
    expected, _ = mutual_graph(reference.neighbour_lists(spaces, 5), {lang: 400 for lang in spaces}, 5)
    assert (graph != expected).nnz == 0 and graph.nnz > 2000


def test_ties_come_lower_row_first():
    keys = np.array([[1, 0], [0, 1], [1, 0], [1, 0]], dtype=np.float32)
    similarities, rows = knn(np.array([[1, 0]], np.float32), keys, 3)
    assert rows.tolist() == [[0, 2, 3]] and similarities.tolist() == [[1, 1, 1]]
    similarities, rows = canonical_order(np.array([[0.5, 0.9, 0.9]]), np.array([[4, 7, 2]]))
    assert rows.tolist() == [[2, 7, 4]]


@pytest.mark.parametrize("index", ["ivf", "hnsw"])
def test_approximate_indexes_find_nearly_every_exact_neighbour(index):
    spaces = spaces_of_concepts(concepts=3000, dim=64, noise=0.4)
    _, exact = knn(spaces["fi"], spaces["en"], 10)
    settings = SearchSettings(index=index, ivf_lists=32, ivf_probe=24, hnsw_ef_search=128)  # unstructured data: the hard case
    _, approximate = KeyIndex(spaces["en"], settings).search(spaces["fi"], 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approximate, exact)])
    assert recall > 0.9
    again = KeyIndex(spaces["en"], settings).search(spaces["fi"], 10)[1]
    assert np.array_equal(approximate, again)  # seeded and single-threaded builds: the same every run


def test_pivot_pairs_search_each_language_against_itself_and_the_pivot():
    expected = [("en", "en"), ("en", "fi"), ("en", "sw"), ("fi", "en"), ("fi", "fi"), ("sw", "en"), ("sw", "sw")]
    assert searched_pairs(["en", "fi", "sw"], "pivot", "en") == expected
    spaces = spaces_of_concepts(concepts=300)
    full, _ = mutual_top_k_graph(spaces, 3)
    pivot, _ = mutual_top_k_graph(spaces, 3, pairs="pivot", pivot="en")
    coo = sparse.triu(pivot).tocoo()
    languages = np.repeat(np.arange(3), 300)  # en, fi, sw
    a, b = languages[coo.row], languages[coo.col]
    assert ((a == b) | (a == 0) | (b == 0)).all()  # no fi–sw edges
    assert (pivot.multiply(full) != pivot).nnz == 0  # the rest is the full graph's
    assert len(neighbour_lists(spaces, 3, pairs="pivot", pivot="en")) == 7
    with pytest.raises(ValueError, match="needs the pivot among the languages"):
        searched_pairs(["fi", "sw"], "pivot", "en")


def test_a_gpu_asked_for_but_absent_is_an_error():
    from xlclust.search import gpu_count

    if gpu_count():
        pytest.skip("this machine has a GPU")
    with pytest.raises(XlclustError, match="faiss sees no GPU"):
        knn(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32), 1, SearchSettings(device="gpu"))


def planted(groups=60, per_group=15, dim=32, noise=0.05, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, dim)).astype(np.float32)
    points = np.repeat(centres, per_group, axis=0) + noise * rng.standard_normal((groups * per_group, dim)).astype(np.float32)
    return points, np.repeat(np.arange(groups), per_group)


def same_partition(a, b):
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_kmeans_gives_the_references_groups_on_planted_data():
    points, truth = planted()
    for seed in range(3):
        ours = spherical_kmeans(points, 60, seed=seed)
        theirs = reference_kmeans(points, 60, seed=seed)
        whole_ours = np.mean([len(set(ours.labels[truth == g])) == 1 for g in range(60)])
        whole_theirs = np.mean([len(set(theirs.labels[truth == g])) == 1 for g in range(60)])
        assert whole_ours >= whole_theirs - 0.05 and whole_ours >= 0.95
    well_separated, truth = planted(groups=20, noise=0.01)
    assert same_partition(spherical_kmeans(well_separated, 20, seed=1).labels, truth)
    assert same_partition(reference_kmeans(well_separated, 20, seed=1).labels, truth)


def test_an_empty_group_takes_the_worst_fitting_point():
    labels = np.array([0, 0, 0, 1, 1])
    similarity = np.array([0.9, 0.2, 0.8, 0.7, 0.95], np.float32)
    assert refill_empty_groups(labels, similarity, 4) == 2
    assert labels.tolist() == [0, 2, 0, 3, 1]
