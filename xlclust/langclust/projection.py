"""2-D views of sentence vectors (Shaffer 2021 Fig. 1): t-SNE of a per-language sample."""

from __future__ import annotations

import numpy as np


def sample_per_language(languages: list[str], per_language: int, seed: int) -> np.ndarray:
    """Sorted indices of at most ``per_language`` sentences of each language (seeded)."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(languages)
    chosen = []
    for lang in sorted(set(languages)):
        indices = np.flatnonzero(labels == lang)
        chosen.append(indices if len(indices) <= per_language else rng.choice(indices, per_language, replace=False))
    return np.sort(np.concatenate(chosen))


def tsne(vectors: np.ndarray, perplexity: float, seed: int) -> np.ndarray:
    """t-SNE to two dimensions (PCA start, a fixed seed: reruns give the same picture)."""
    from sklearn.manifold import TSNE

    perplexity = min(perplexity, (len(vectors) - 1) / 3)  # t-SNE needs perplexity below the point count
    return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(np.asarray(vectors, dtype=np.float32))
