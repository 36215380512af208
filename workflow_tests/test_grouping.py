import numpy as np
import pandas as pd
import pytest

from xlclust.cluster.clusters import renumber_by_first_appearance
from xlclust.grouping.groups import (
    first_k_labels,
    group_names,
    group_summary,
    group_table,
    kmeans_labels,
    representatives,
    size_distribution,
)
from xlclust.grouping.kmeans import l2_kmeans, n_groups, nearest_centroids_l2, spherical_kmeans
from xlclust.grouping.vocabulary import vocabulary_source


def planted_groups(groups=50, per_group=20, dim=32, noise=0.05, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, dim)).astype(np.float32)
    points = np.repeat(centres, per_group, axis=0) + noise * rng.standard_normal((groups * per_group, dim)).astype(np.float32)
    return points, np.repeat(np.arange(groups), per_group)


@pytest.mark.parametrize("init, whole", [("k-means++", 0.95), ("random", 0.8)])
def test_kmeans_recovers_planted_groups_and_is_seeded(init, whole):
    points, truth = planted_groups()
    for seed in range(3):
        result = spherical_kmeans(points, 50, seed=seed, init=init)
        # groups are the planted ones: each planted group lands whole in one k-means group
        assert np.mean([len(set(result.labels[truth == g])) == 1 for g in range(50)]) >= whole
        again = spherical_kmeans(points, 50, seed=seed, init=init)
        assert np.array_equal(result.labels, again.labels)
        assert np.allclose(np.linalg.norm(result.centroids, axis=1), 1, atol=1e-5)
        assert len(np.unique(result.labels)) == 50  # no empty group


def test_no_group_is_left_empty_even_with_duplicates():
    points = np.vstack([np.tile([[1.0, 0.0]], (30, 1)), np.tile([[0.0, 1.0]], (30, 1)), [[0.7, 0.7]]]).astype(np.float32)
    result = spherical_kmeans(points, 5, seed=0)
    assert len(np.unique(result.labels)) == 5


def test_group_counts_follow_the_ratio():
    assert [n_groups(30_000, r) for r in (0.05, 0.1, 0.2, 0.4)] == [1500, 3000, 6000, 12000]
    assert n_groups(3, 0.01) == 1
    with pytest.raises(ValueError, match="grouping ratio must lie in"):
        n_groups(10, 0)
    with pytest.raises(ValueError, match="cannot make 20 groups of 10 rows"):
        spherical_kmeans(np.ones((10, 2)), 20, seed=0)
    with pytest.raises(ValueError, match="unknown k-means init"):
        spherical_kmeans(np.ones((10, 2)), 2, seed=0, init="forgy")


def directions_with_varied_norms(groups=20, per_group=30, dim=16, seed=0):
    """Planted groups that differ only in direction: each row its group's unit direction (plus a
    little noise) scaled by a norm from 0.1 to 10, so rows of one group lie far apart in L2."""
    rng = np.random.default_rng(seed)
    directions = rng.standard_normal((groups, dim)).astype(np.float32)
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    unit = np.repeat(directions, per_group, axis=0) + 0.03 * rng.standard_normal((groups * per_group, dim)).astype(np.float32)
    norms = np.exp(rng.uniform(np.log(0.1), np.log(10), groups * per_group)).astype(np.float32)
    return unit * norms[:, None], np.repeat(np.arange(groups), per_group)


def purity(labels, truth):
    """The share of rows whose k-means group's majority planted group is their own."""
    majority = {g: np.bincount(truth[labels == g]).argmax() for g in np.unique(labels)}
    return float(np.mean([majority[g] == t for g, t in zip(labels, truth)]))


def test_l2_kmeans_is_euclidean_and_does_worse_than_cosine_where_only_directions_differ():
    """App. E, Fig. 12: the cosine objective groups by direction; Euclidean k-means (l2kmeans) is
    misled by the rows' norms."""
    points, truth = directions_with_varied_norms()
    cosine = kmeans_labels(points, 20 / len(points), seed=0, init="k-means++", max_iterations=25, method="kmeans")
    euclidean = kmeans_labels(points, 20 / len(points), seed=0, init="k-means++", max_iterations=25, method="l2kmeans")
    assert purity(cosine.labels, truth) >= 0.9
    assert purity(euclidean.labels, truth) < 0.5
    # each objective is its own: unit centroids for cosine, the members' plain means for L2
    assert np.allclose(np.linalg.norm(cosine.centroids, axis=1), 1, atol=1e-5)
    assert not np.allclose(np.linalg.norm(euclidean.centroids, axis=1), 1, atol=1e-2)
    distances = ((points[:, None, :] - euclidean.centroids[None]) ** 2).sum(-1)
    assert np.array_equal(euclidean.labels, distances.argmin(axis=1))  # nearest centroid in L2 (no group was empty)
    assert len(np.unique(euclidean.labels)) == 20
    again = l2_kmeans(points, 20, seed=0)
    assert np.array_equal(again.labels, euclidean.labels)  # seeded
    with pytest.raises(ValueError, match="unknown k-means method 'l1kmeans'"):
        kmeans_labels(points, 0.1, seed=0, init="k-means++", max_iterations=2, method="l1kmeans")


def test_the_l2_assignment_is_the_brute_force_nearest_centroid():
    rng = np.random.default_rng(1)
    points, centroids = rng.standard_normal((200, 5)).astype(np.float32) * 3, rng.standard_normal((7, 5)).astype(np.float32)
    labels, distance = nearest_centroids_l2(points, centroids)
    brute = ((points[:, None, :] - centroids[None]) ** 2).sum(-1)
    assert np.array_equal(labels, brute.argmin(axis=1)) and np.allclose(distance, brute.min(axis=1), rtol=1e-4, atol=1e-4)


def test_renumbering_follows_row_order():
    assert renumber_by_first_appearance(np.array([7, 7, 3, 9, 3, 7])).tolist() == [0, 0, 1, 2, 1, 0]


def token_frame(n_words=10, specials=("[PAD]", "[UNK]")):
    words = pd.DataFrame({"token": [f"w{i}" for i in range(n_words)], "language": "xx", "is_special": False, "is_unknown": False})
    extra = pd.DataFrame({"token": list(specials), "language": "", "is_special": True, "is_unknown": [s == "[UNK]" for s in specials]})
    return pd.concat([words, extra], ignore_index=True)


def test_group_table_invariants_on_random_labels():
    rng = np.random.default_rng(0)
    for _ in range(20):
        n = int(rng.integers(1, 60))
        labels = rng.integers(0, max(1, n // 3), size=n)
        table = group_table(token_frame(n), labels, method="kmeans")
        ids = table["cluster_id"].to_numpy()
        assert len(table) == n + 2 and table["token"].is_unique  # every token exactly once
        assert set(ids) == set(range(ids.max() + 1))  # dense 0…n−1
        # same k-means label, same ID; specials alone
        words = table.iloc[:n]
        assert all(len(set(words.cluster_id[labels == label])) == 1 for label in set(labels))
        assert len(set(words.cluster_id)) == len(set(labels))
        specials = table[table.kind == "special"]
        assert not set(specials.cluster_id) & set(words.cluster_id) and specials.cluster_id.is_unique
        assert len(group_names(table)) == ids.max() + 1


def test_first_k_keeps_the_most_frequent_and_reads_the_rest_as_unknown():
    order = np.array([3, 0, 1, 2, 4, 5, 6, 7, 8, 9])  # row 3 is the most frequent
    labels = first_k_labels(order, 0.3)
    assert (labels >= 0).sum() == 3 and set(np.flatnonzero(labels >= 0)) == {3, 0, 1}
    table = group_table(token_frame(), labels, method="firstk")
    unk = table.loc[table.token == "[UNK]", "cluster_id"].item()
    dropped = table[table.kind == "dropped"]
    assert len(dropped) == 7 and (dropped.cluster_id == unk).all()
    assert table.loc[table.kind == "kept", "cluster_id"].is_unique
    names = group_names(table)
    assert names[unk] == "[UNK]" and table.loc[representatives(table)[unk], "token"] == "[UNK]"
    summary = group_summary(table, method="firstk", ratio=0.3)
    assert summary["groups"] == 3 and summary["dropped_tokens"] == 7 and summary["ids"] == 5
    assert size_distribution(table).to_dict("list") == {"size": [1], "groups": [3]}
    with pytest.raises(ValueError, match="exactly one special unknown token"):
        group_table(token_frame(specials=("[PAD]",)), labels, method="firstk")


def test_vocabulary_source_interleaves_languages_for_first_k():
    joint = pd.DataFrame(
        {
            "token": ["▁a_en", "▁b_en", "▁c_en", "▁x_de", "▁y_de", ","],
            "language": ["en", "en", "en", "de", "de", ""],
            "rank": [0, 1, 2, 0, 1, 5],
            "is_special": [False] * 5 + [True],
        }
    )
    mapped = {"en": np.eye(6, 4, dtype=np.float32), "de": 2 * np.eye(6, 4, dtype=np.float32)}
    tokens, embeddings = vocabulary_source(joint, mapped)
    assert embeddings.shape == (5, 4) and np.array_equal(embeddings[3], mapped["de"][0])
    words = tokens[~tokens.is_special]
    assert words.sort_values("frequency_rank")["token"].tolist() == ["▁a_en", "▁x_de", "▁b_en", "▁y_de", "▁c_en"]
    assert tokens.loc[tokens.is_unknown, "token"].tolist() == ["[UNK]"] and tokens.is_special.sum() == 6
    with pytest.raises(ValueError, match="no mapped embeddings"):
        vocabulary_source(joint, {"en": mapped["en"]})
    with pytest.raises(ValueError, match="each language's tokens together"):
        vocabulary_source(joint.iloc[[0, 3, 1, 4, 2, 5]], mapped)
