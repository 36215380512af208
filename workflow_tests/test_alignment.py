import numpy as np
import pytest
from scipy.linalg import orthogonal_procrustes

from xlclust.alignment.bli import bli_scores
from xlclust.alignment.procrustes import align, normalize, procrustes
from xlclust.search import Retriever, mean_topk_similarity, mutual_nearest_neighbours


def planted(n=4000, d=64, noise=0.01, seed=0):
    rng = np.random.default_rng(seed)
    source = rng.standard_normal((n, d)).astype(np.float32)
    rotation, _ = np.linalg.qr(rng.standard_normal((d, d)))
    target = (source @ rotation + noise * rng.standard_normal((n, d))).astype(np.float32)
    return source, target, rotation


def identity_pairs(rows):
    rows = np.asarray(rows)
    return np.stack([rows, rows], axis=1)


def test_procrustes_recovers_a_planted_rotation_like_scipy():
    source, target, rotation = planted()
    train = identity_pairs(range(1000))
    mapping = procrustes(source[train[:, 0]], target[train[:, 1]])
    reference, _ = orthogonal_procrustes(source[:1000], target[:1000])
    assert np.allclose(mapping, reference, atol=1e-5)
    assert np.allclose(mapping @ mapping.T, np.eye(64), atol=1e-5)
    assert np.abs(mapping - rotation).max() < 0.01
    for method in ("nn", "csls"):
        scores = bli_scores(Retriever(source @ mapping, target, method), identity_pairs(range(2000, 3000)))
        assert scores["P@1"] >= 0.99 and scores["n"] == 1000


@pytest.mark.parametrize("method", ["mnn", "procb"])
def test_self_learning_grows_a_tiny_seed(method):
    source, target, _ = planted(n=3000, noise=0.02, seed=1)
    test = identity_pairs(range(2000, 3000))
    weak = align(source, target, identity_pairs(range(40)))
    learned = align(source, target, identity_pairs(range(40)), self_learning=method, rounds=3, most_frequent=2000)
    p1 = lambda a: bli_scores(Retriever(source @ a.mapping, target, "csls"), test)["P@1"]  # noqa: E731
    assert p1(learned) >= 0.99 and p1(learned) > p1(weak)
    assert [r["round"] for r in learned.rounds] == [0, 1, 2, 3]
    assert learned.rounds[-1]["pairs"] >= 1900
    if method == "procb":  # PROC-B keeps the seed in the dictionary
        assert learned.rounds[1]["pairs"] >= learned.rounds[1]["mutual_neighbours"]


# targets t0..t3 and mapped sources s0..s2 in 2-D, worked out by hand
TARGETS = np.array([[1, 0], [0, 1], [-1, 0], [0.6, 0.8]], dtype=np.float32)
SOURCES = np.array([[1, 0], [0, 1], [0.8, 0.6]], dtype=np.float32)
GOLD = np.array([[0, 3], [1, 1], [2, 1], [2, 2]])  # s2 has two gold translations


def test_bli_metrics_on_a_hand_built_case():
    # cosine rankings: s0: t0 t3 t1 t2 (gold t3 at 2); s1: t1 ... (gold at 1); s2: t3 t0 t1 t2 (best gold t1 at 3)
    scores = bli_scores(Retriever(SOURCES, TARGETS, "nn"), GOLD, precision_at=(1, 2, 3))
    assert scores == pytest.approx({"P@1": 1 / 3, "P@2": 2 / 3, "P@3": 1.0, "MRR": (1 / 2 + 1 + 1 / 3) / 3, "n": 3})


def test_csls_values_by_hand():
    retriever = Retriever(SOURCES, TARGETS, "csls", k=1)
    # r_T(s) = best cosine of s to a target: 1, 1, 0.96; r_S(t) = best cosine of t to a source: 1, 1, 0, 0.96
    assert np.allclose(retriever.source_hubness, [1, 1, 0.96])
    assert np.allclose(retriever.target_hubness, [1, 1, 0, 0.96])
    assert np.allclose(retriever.scores(np.array([2])), [[2 * 0.8 - 0.96 - 1, 2 * 0.6 - 0.96 - 1, -1.6 - 0.96, 0.0]], atol=1e-6)
    assert np.allclose(mean_topk_similarity(SOURCES, TARGETS, k=2), [0.8, 0.9, 0.88])


def test_csls_demotes_a_hub():
    # the hub lies between t0 and t1, closer to both sources than their proper targets are
    targets = np.array([[1, 0, 0], [0, 1, 0], [0.7071, 0.7071, 0]], dtype=np.float32)
    sources = np.array([[1, 0.5, 0], [0.5, 1, 0]], dtype=np.float32)
    assert Retriever(sources, targets, "nn").top_k(np.arange(2), 1)[:, 0].tolist() == [2, 2]
    assert Retriever(sources, targets, "csls", k=2).top_k(np.arange(2), 1)[:, 0].tolist() == [0, 1]
    assert mutual_nearest_neighbours(sources, targets, csls_k=2).tolist() == [[0, 0], [1, 1]]


def test_normalization_steps():
    x = np.array([[3, 4], [1, 0]], dtype=np.float32)
    assert np.allclose(np.linalg.norm(normalize(x, ["unit"]), axis=1), 1)
    assert np.allclose(normalize(x, ["center"]).mean(axis=0), 0)
    assert np.allclose(np.linalg.norm(normalize(x, ["unit", "center", "unit"]), axis=1), 1)
    with pytest.raises(ValueError, match="unknown normalization step 'whiten'"):
        normalize(x, ["whiten"])


def test_dimension_mismatch_and_empty_seed_are_errors():
    with pytest.raises(ValueError, match="embedding dimensions differ: source 3, target 4"):
        align(np.zeros((5, 3)), np.zeros((5, 4)), identity_pairs([0]))
    with pytest.raises(ValueError, match="no seed pairs"):
        align(np.zeros((5, 3)), np.zeros((5, 3)), np.zeros((0, 2)))


def test_bli_table_reuses_hubness_and_matches_fresh_retrievers():
    from xlclust.alignment.bli import bli_table

    source, target, rotation = planted(n=1500, d=16, noise=0.3, seed=4)
    mapped = {"xx": source @ rotation, "en": target}
    tests = {"xx": identity_pairs(range(500, 900))}
    table = bli_table(mapped, tests, {"xx": 0.5}, "en", csls_k=10)
    assert list(table.columns) == ["source", "target", "retrieval", "metric", "value", "n", "coverage"]
    assert len(table) == 2 * 2 * 4 + 2 * 4 and (table["coverage"] == 0.5).all()
    assert (table.loc[table.source == "avg", "n"] == 800).all()
    average = table[table.source == "avg"].set_index(["retrieval", "metric"])["value"]
    pairs = table[table.source != "avg"].groupby(["retrieval", "metric"])["value"].mean()
    assert (table[table.source == "avg"].target == "avg").all() and average.sort_index().equals(pairs.sort_index())
    assert (table.loc[table.source != "avg", "n"] == 400).all()
    for src, tgt, pairs in (("xx", "en", tests["xx"]), ("en", "xx", tests["xx"][:, ::-1])):
        fresh = bli_scores(Retriever(mapped[src], mapped[tgt], "csls", 10), pairs)
        row = table[(table.source == src) & (table.target == tgt) & (table.retrieval == "csls")].set_index("metric")["value"]
        assert row.loc["P@1"] == pytest.approx(fresh["P@1"]) and row.loc["MRR"] == pytest.approx(fresh["MRR"])
