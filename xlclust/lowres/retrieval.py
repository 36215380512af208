"""Contextual word retrieval (CCWR; Cao et al. 2020, Hangya et al. 2022 §4.2): every aligned word of
the test sentences retrieves, among the aligned words of the other side, the one of highest CSLS
(k = 10) — through the BLI stage's :class:`xlclust.search.Retriever` — and is right when that is its
partner. Accuracy in both directions and their mean.

Cosine is computed on unit rows. The public code (after Cao et al.'s) divides the whole matrix by
its one Frobenius norm instead, which leaves the rows' lengths in the scores; that is fixed here.
"""

from __future__ import annotations

import numpy as np

from xlclust.lowres.contextual import ContextualEncoder
from xlclust.lowres.layers import LayerMaps
from xlclust.search import EXACT, Retriever, SearchSettings


def retrieval_accuracy(queries: np.ndarray, partners: np.ndarray, csls_k: int, settings: SearchSettings = EXACT) -> float:
    """Share of rows i whose best CSLS match among ``partners`` is partners[i]."""
    if len(queries) == 0:
        return float("nan")
    retriever = Retriever(queries, partners, "csls", min(csls_k, len(partners)), settings=settings)
    best = retriever.top_k(np.arange(len(queries)), 1)[:, 0]
    return float(np.mean(best == np.arange(len(queries))))


def word_retrieval(
    encoder: ContextualEncoder,
    maps: LayerMaps,
    languages: tuple[str, str],
    sentences: tuple[list[list[str]], list[list[str]]],
    links: list[np.ndarray],
    csls_k: int,
    settings: SearchSettings = EXACT,
) -> list[dict]:
    """Rows (source, target, pairs, accuracy) for both directions and their mean ('avg')."""
    sentence_of = np.concatenate([np.full(len(pairs), i, np.int64) for i, pairs in enumerate(links)] or [np.zeros(0, np.int64)])
    pairs = np.concatenate([p.reshape(-1, 2) for p in links] or [np.zeros((0, 2), np.int64)])
    encoded = [encoder.encode(text, lang) for lang, text in zip(languages, sentences)]
    found = [vectors.rows_of(sentence_of, pairs[:, side]) for side, vectors in enumerate(encoded)]
    usable = (found[0] >= 0) & (found[1] >= 0)  # words cut off by the LM's length have no vector
    first, second = (maps.apply(lang, vectors.vectors[rows[usable]]) for lang, vectors, rows in zip(languages, encoded, found))
    result = [
        {
            "source": languages[0],
            "target": languages[1],
            "pairs": int(usable.sum()),
            "accuracy": retrieval_accuracy(first, second, csls_k, settings),
        },
        {
            "source": languages[1],
            "target": languages[0],
            "pairs": int(usable.sum()),
            "accuracy": retrieval_accuracy(second, first, csls_k, settings),
        },
    ]
    result.append(
        {"source": "avg", "target": "avg", "pairs": int(usable.sum()), "accuracy": float(np.mean([r["accuracy"] for r in result]))}
    )
    return result
