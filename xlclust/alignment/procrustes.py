"""Orthogonal Procrustes mapping of one embedding space onto another, with self-learning.

PROC (Smith et al. 2017; Conneau et al. 2018): W = U Vᵀ from the SVD of Xᵀ Y over the seed
pairs, so that X W ≈ Y with W orthogonal. Self-learning, configurable:
- ``procb``: PROC-B (Glavaš et al. 2019) — each round adds the mutual nearest neighbours among
  the most frequent words of both spaces to the seed dictionary and solves PROC again;
- ``mnn``: iterative Procrustes on mutual nearest neighbours alone (the refinement of MUSE and
  vecmap's self-learning) — each round's dictionary is the mutual CSLS neighbours, the seed is
  used only to start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from xlclust.search import EXACT, SearchSettings, mutual_nearest_neighbours

log = logging.getLogger(__name__)


def normalize(embeddings: np.ndarray, steps: list[str]) -> np.ndarray:
    """Apply ``unit`` (length) and ``center`` (mean) normalization steps in order, as vecmap does
    (its recommended sequence is unit, center, unit)."""
    out = np.asarray(embeddings, dtype=np.float32).copy()
    for step in steps:
        if step == "unit":
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.where(norms == 0, 1, norms)
        elif step == "center":
            out -= out.mean(axis=0, keepdims=True)
        else:
            raise ValueError(f"unknown normalization step {step!r}; use 'unit' or 'center'")
    return out


def procrustes(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The orthogonal W minimizing ‖source W − target‖_F (rows are the aligned pairs)."""
    if source.shape != target.shape:
        raise ValueError(f"pair matrices differ in shape: {source.shape} vs {target.shape}")
    u, _, vt = np.linalg.svd(source.T.astype(np.float64) @ target.astype(np.float64))
    return (u @ vt).astype(np.float32)


@dataclass
class Alignment:
    mapping: np.ndarray
    rounds: list[dict] = field(default_factory=list)  # per self-learning round: pairs used, change


def align(
    source: np.ndarray,
    target: np.ndarray,
    seed_pairs: np.ndarray,
    *,
    self_learning: str = "none",
    rounds: int = 0,
    most_frequent: int = 20_000,
    csls_k: int = 10,
    search: SearchSettings = EXACT,
) -> Alignment:
    """Map ``source`` onto ``target`` from ``seed_pairs`` (n×2 row indices), then self-learn.

    Rows of both matrices are in frequency order (most frequent first), as the vocabularies are.
    """
    if source.shape[1] != target.shape[1]:
        raise ValueError(f"embedding dimensions differ: source {source.shape[1]}, target {target.shape[1]}")
    seed_pairs = np.asarray(seed_pairs, dtype=np.int64).reshape(-1, 2)
    if len(seed_pairs) == 0:
        raise ValueError("no seed pairs to align with")
    mapping = procrustes(source[seed_pairs[:, 0]], target[seed_pairs[:, 1]])
    result = Alignment(mapping, [{"round": 0, "pairs": len(seed_pairs)}])
    if self_learning == "none":
        return result
    if self_learning not in ("procb", "mnn"):
        raise ValueError(f"unknown self_learning {self_learning!r}; use none, procb or mnn")
    limit_source, limit_target = min(most_frequent, len(source)), min(most_frequent, len(target))
    seed_set = {tuple(p) for p in seed_pairs.tolist()}
    for number in range(1, rounds + 1):
        mutual = mutual_nearest_neighbours(source[:limit_source] @ mapping, target[:limit_target], csls_k=csls_k, settings=search)
        if self_learning == "procb":
            pairs = np.array(sorted(seed_set | {tuple(p) for p in mutual.tolist()}), dtype=np.int64)
        else:
            pairs = mutual
        if len(pairs) == 0:
            log.warning("self-learning round %d found no mutual neighbours; keeping the previous mapping", number)
            break
        new_mapping = procrustes(source[pairs[:, 0]], target[pairs[:, 1]])
        change = float(np.linalg.norm(new_mapping - mapping))
        mapping = new_mapping
        result.rounds.append({"round": number, "pairs": len(pairs), "mutual_neighbours": len(mutual), "change": change})
        log.info("self-learning round %d: %d pairs (%d mutual neighbours), ‖ΔW‖ = %.4f", number, len(pairs), len(mutual), change)
    result.mapping = mapping
    return result
