"""Word-pair mining (Hangya et al. 2022 §3.1): for every word of the sampled source sentences, the
most cosine-similar word of the sampled target sentences, kept when the similarity exceeds the
threshold; the same from the target side. ``forward_backward`` keeps the union of both directions'
pairs (§3.1 mines both directions, §5.3 takes their union): a pair found from both sides is kept
once, its direction ``BOTH``; ``intersection`` (§5.3, Table 5) keeps only the pairs found from both
sides. A pair is two token occurrences (not word types). Search through :mod:`xlclust.search`:
exact by default (§3.1), or an approximate index such as App. C's ``IVF100,PQ8``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xlclust.errors import ConfigError
from xlclust.search import EXACT, KeyIndex, SearchSettings, unit_rows

MODES = ("forward_backward", "intersection")
FORWARD, BACKWARD, BOTH = 0, 1, 2


@dataclass
class MinedPairs:
    """Rows of the source and target word vectors, the cosine of each pair, and which side found it."""

    source: np.ndarray
    target: np.ndarray
    similarity: np.ndarray
    direction: np.ndarray  # FORWARD: found from the source side; BACKWARD: from the target side; BOTH: from both

    def __len__(self) -> int:
        return len(self.source)


def best_matches(
    queries: np.ndarray, keys: np.ndarray, settings: SearchSettings, factory: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(similarity, key row) of every query's most similar key (unit rows: cosine). With an index
    ``factory`` (lowres.mining.search) the match is approximate; its cosine is then computed exactly,
    since a quantized index's scores are not (the threshold compares cosines)."""
    if len(queries) == 0 or len(keys) == 0:
        return np.zeros(len(queries), np.float32), np.full(len(queries), -1, np.int64)
    similarities, rows = KeyIndex(keys, settings, factory, "lowres.mining.search").search(queries, 1)
    if factory is None:
        return similarities[:, 0], rows[:, 0]
    return np.einsum("ij,ij->i", queries, keys[rows[:, 0]]).astype(np.float32), rows[:, 0]


def mine_pairs(
    source: np.ndarray, target: np.ndarray, threshold: float, mode: str, settings: SearchSettings = EXACT, factory: str | None = None
) -> MinedPairs:
    """Mine word pairs between two sets of word vectors (rows: words); ``factory``: a faiss index
    factory string for an approximate search (None: exact)."""
    if mode not in MODES:
        raise ConfigError(f"mining mode {mode!r} is not one of {MODES} (lowres.methods: mined, mined_intersection)")
    source, target = unit_rows(source), unit_rows(target)
    forward_similarity, forward = best_matches(source, target, settings, factory)
    backward_similarity, backward = best_matches(target, source, settings, factory)
    forward_rows = np.flatnonzero(forward_similarity > threshold)
    backward_rows = np.flatnonzero(backward_similarity > threshold)
    if mode == "intersection":
        mutual = forward_rows[backward[forward[forward_rows]] == forward_rows]
        mutual = mutual[backward_similarity[forward[mutual]] > threshold]
        return MinedPairs(mutual, forward[mutual], forward_similarity[mutual], np.full(len(mutual), BOTH, np.int8))
    return union(
        MinedPairs(forward_rows, forward[forward_rows], forward_similarity[forward_rows], np.full(len(forward_rows), FORWARD, np.int8)),
        MinedPairs(
            backward[backward_rows], backward_rows, backward_similarity[backward_rows], np.full(len(backward_rows), BACKWARD, np.int8)
        ),
        len(target),
    )


def union(forward: MinedPairs, backward: MinedPairs, targets: int) -> MinedPairs:
    """Each (source, target) pair of either direction once, sorted by source then target row; a pair
    of both directions gets direction BOTH and the larger of its two similarities (both are the same
    cosine, up to the search's rounding)."""
    keys = np.concatenate([forward.source * targets + forward.target, backward.source * targets + backward.target])
    similarity = np.concatenate([forward.similarity, backward.similarity])
    direction = np.concatenate([forward.direction, backward.direction])
    unique, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    best = np.full(len(unique), -np.inf, np.float32)
    np.maximum.at(best, inverse, similarity)
    found = np.where(counts > 1, BOTH, direction[first]).astype(np.int8)
    return MinedPairs(unique // targets, unique % targets, best, found)
