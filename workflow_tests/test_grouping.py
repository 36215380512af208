import numpy as np
import pytest

from xlclust.grouping.kmeans import n_groups, spherical_kmeans


def planted_groups(groups=50, per_group=20, dim=32, noise=0.05, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, dim)).astype(np.float32)
    points = np.repeat(centres, per_group, axis=0) + noise * rng.standard_normal((groups * per_group, dim)).astype(np.float32)
    return points, np.repeat(np.arange(groups), per_group)


def test_kmeans_recovers_planted_groups_and_is_seeded():
    points, truth = planted_groups()
    for seed in range(3):
        result = spherical_kmeans(points, 50, seed=seed)
        # groups are the planted ones: each planted group lands whole in one k-means group
        assert np.mean([len(set(result.labels[truth == g])) == 1 for g in range(50)]) >= 0.95
        again = spherical_kmeans(points, 50, seed=seed)
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
