"""Contextual word retrieval (CCWR; Cao et al. 2020, Hangya et al. 2022 §4.2): every aligned word of
the test sentences retrieves the candidate of highest CSLS (k = 10) — through the BLI stage's
:class:`xlclust.search.Retriever` — and is right when that is its partner occurrence. Candidates
(``lowres.retrieval.candidates``): ``all_tokens`` — every word occurrence of the other side's test
sentences, §4.2's "given all tokens in the target corpus" — or ``aligned``, only the other side's
aligned words. CSLS's neighbourhoods are taken within the same kind of set on both sides (all
tokens, or the aligned words). Accuracy in both directions and their mean.

Cosine is computed on unit rows. The public code (after Cao et al.'s) divides the whole matrix by
its one Frobenius norm instead, which leaves the rows' lengths in the scores; that is fixed here.
"""

from __future__ import annotations

import numpy as np

from xlclust.errors import ConfigError
from xlclust.lowres.contextual import ContextualEncoder
from xlclust.lowres.layers import LayerMaps
from xlclust.search import EXACT, Retriever, SearchSettings

CANDIDATES = ("all_tokens", "aligned")


def retrieval_accuracy(queries: np.ndarray, partners: np.ndarray, csls_k: int, settings: SearchSettings = EXACT) -> float:
    """Share of rows i whose best CSLS match among ``partners`` is partners[i]."""
    rows = np.arange(len(queries))
    return token_retrieval_accuracy(queries, partners, rows, rows, csls_k, settings)


def token_retrieval_accuracy(
    sources: np.ndarray,
    targets: np.ndarray,
    source_rows: np.ndarray,
    target_rows: np.ndarray,
    csls_k: int,
    settings: SearchSettings = EXACT,
) -> float:
    """Share of pairs i whose query ``sources[source_rows[i]]`` has, among all ``targets``, its best
    CSLS match at ``target_rows[i]`` (CSLS's neighbourhoods: all sources and all targets)."""
    if len(source_rows) == 0:
        return float("nan")
    k = min(csls_k, len(targets), len(sources))
    best = Retriever(sources, targets, "csls", k, settings=settings).top_k(np.asarray(source_rows), 1)[:, 0]
    return float(np.mean(best == np.asarray(target_rows)))


def word_retrieval(
    encoder: ContextualEncoder,
    maps: LayerMaps,
    languages: tuple[str, str],
    sentences: tuple[list[list[str]], list[list[str]]],
    links: list[np.ndarray],
    csls_k: int,
    settings: SearchSettings = EXACT,
    candidates: str = "all_tokens",
) -> list[dict]:
    """Rows (source, target, pairs, candidates, accuracy) for both directions and their mean ('avg');
    ``candidates`` counts the other side's words a query ranks."""
    if candidates not in CANDIDATES:
        raise ConfigError(f"config key 'lowres.retrieval.candidates': {candidates!r} is not one of {CANDIDATES}")
    sentence_of = np.concatenate([np.full(len(pairs), i, np.int64) for i, pairs in enumerate(links)] or [np.zeros(0, np.int64)])
    pairs = np.concatenate([p.reshape(-1, 2) for p in links] or [np.zeros((0, 2), np.int64)])
    encoded = [encoder.encode(text, lang) for lang, text in zip(languages, sentences)]
    found = [vectors.rows_of(sentence_of, pairs[:, side]) for side, vectors in enumerate(encoded)]
    usable = (found[0] >= 0) & (found[1] >= 0)  # words cut off by the LM's length have no vector
    if candidates == "aligned":
        vectors = [maps.apply(lang, e.vectors[rows[usable]]) for lang, e, rows in zip(languages, encoded, found)]
        rows = [np.arange(int(usable.sum()))] * 2
    else:
        vectors = [maps.apply(lang, e.vectors) for lang, e in zip(languages, encoded)]
        rows = [found[0][usable], found[1][usable]]
    result = [
        {
            "source": languages[side],
            "target": languages[1 - side],
            "pairs": int(usable.sum()),
            "candidates": len(vectors[1 - side]),
            "accuracy": token_retrieval_accuracy(vectors[side], vectors[1 - side], rows[side], rows[1 - side], csls_k, settings),
        }
        for side in (0, 1)
    ]
    average = {key: float(np.mean([r[key] for r in result])) for key in ("candidates", "accuracy")}
    result.append({"source": "avg", "target": "avg", "pairs": int(usable.sum()), **average})
    return result
