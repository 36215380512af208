"""Word-pair mining (Hangya et al. 2022 §3.1): for every word of the sampled source sentences, the
most cosine-similar word of the sampled target sentences, kept when the similarity exceeds the
threshold; the same from the target side. ``forward_backward`` keeps both directions' pairs (the
paper's mining of both language directions: a pair found from both sides is trained on twice, as
in the public code's two mining data sets); ``intersection`` (§5.3, Table 5) keeps the pairs found
from both sides, once. Exact search through :mod:`xlclust.search` (faiss; on the GPU when there is one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xlclust.errors import ConfigError
from xlclust.search import EXACT, KeyIndex, SearchSettings, unit_rows

MODES = ("forward_backward", "intersection")
FORWARD, BACKWARD = 0, 1


@dataclass
class MinedPairs:
    """Rows of the source and target word vectors, the cosine of each pair, and which side found it."""

    source: np.ndarray
    target: np.ndarray
    similarity: np.ndarray
    direction: np.ndarray  # FORWARD: found from the source side; BACKWARD: from the target side

    def __len__(self) -> int:
        return len(self.source)


def best_matches(queries: np.ndarray, keys: np.ndarray, settings: SearchSettings) -> tuple[np.ndarray, np.ndarray]:
    """(similarity, key row) of every query's most similar key (unit rows: cosine)."""
    if len(queries) == 0 or len(keys) == 0:
        return np.zeros(len(queries), np.float32), np.full(len(queries), -1, np.int64)
    similarities, rows = KeyIndex(keys, settings).search(queries, 1)
    return similarities[:, 0], rows[:, 0]


def mine_pairs(source: np.ndarray, target: np.ndarray, threshold: float, mode: str, settings: SearchSettings = EXACT) -> MinedPairs:
    """Mine word pairs between two sets of word vectors (rows: words)."""
    if mode not in MODES:
        raise ConfigError(f"mining mode {mode!r} is not one of {MODES} (lowres.methods: mined, mined_intersection)")
    source, target = unit_rows(source), unit_rows(target)
    forward_similarity, forward = best_matches(source, target, settings)
    backward_similarity, backward = best_matches(target, source, settings)
    forward_rows = np.flatnonzero(forward_similarity > threshold)
    backward_rows = np.flatnonzero(backward_similarity > threshold)
    if mode == "intersection":
        mutual = forward_rows[backward[forward[forward_rows]] == forward_rows]
        mutual = mutual[backward_similarity[forward[mutual]] > threshold]
        return MinedPairs(mutual, forward[mutual], forward_similarity[mutual], np.full(len(mutual), FORWARD, np.int8))
    return MinedPairs(
        np.concatenate([forward_rows, backward[backward_rows]]),
        np.concatenate([forward[forward_rows], backward_rows]),
        np.concatenate([forward_similarity[forward_rows], backward_similarity[backward_rows]]),
        np.concatenate([np.full(len(forward_rows), FORWARD, np.int8), np.full(len(backward_rows), BACKWARD, np.int8)]),
    )
