"""Type-level anchors for the vecmap baselines (Hangya et al. 2022 §4.2, after Schuster et al. 2019):
a word type's vector is the mean of its contextual vectors over (up to) 100 sampled occurrences, for
the most frequent word types of a language's sentences. An orthogonal map from the language's
anchors onto English's — seeded by identically spelled words (``vecmap_id``) or a bilingual
dictionary (``vecmap_sup``), refined by VecMap's self-learning (:mod:`xlclust.lowres.vecmap`; the
alignment stage's Procrustes alone, or its self-learning, as options) — then serves as the
language's layer over the frozen LM.

Occurrences are chosen with numpy over the flattened corpus (no loop over tokens), and the sentences
that hold them are encoded chunk by chunk into running sums, so memory stays at anchors × dimension.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from xlclust.alignment.procrustes import align, normalize
from xlclust.errors import XlclustError
from xlclust.lowres.contextual import ContextualEncoder
from xlclust.lowres.settings import RefinementSettings
from xlclust.lowres.vecmap import VECMAP_DEFAULTS, self_learning
from xlclust.search import EXACT, SearchSettings

log = logging.getLogger(__name__)


@dataclass
class Anchors:
    words: list[str]  # most frequent first
    vectors: np.ndarray  # float32, one row per word
    occurrences: np.ndarray  # how many occurrences each row averages


def frequent_words(sentences: list[list[str]], count: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The ``count`` most frequent words (ties by first appearance) and, for every token of the
    corpus, its sentence, its position and its word's rank (-1 for the others)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.array(sentences, type=pa.list_(pa.string()))
    tokens = pc.list_flatten(column)
    sentence = pc.list_parent_indices(column).to_numpy().astype(np.int64)
    starts = np.asarray(column.offsets)[:-1].astype(np.int64)
    position = np.arange(len(tokens), dtype=np.int64) - starts[sentence]
    encoded = pc.dictionary_encode(tokens)
    codes = encoded.indices.to_numpy()
    frequency = np.bincount(codes, minlength=len(encoded.dictionary))
    top = np.argsort(-frequency, kind="stable")[:count]  # dictionary order is first appearance: ties stay in it
    rank = np.full(len(encoded.dictionary), -1, np.int64)
    rank[top] = np.arange(len(top))
    return encoded.dictionary.take(pa.array(top)).to_pylist(), sentence, position, rank[codes]


def sampled_occurrences(rank: np.ndarray, per_word: int, seed: int) -> np.ndarray:
    """Token indices of at most ``per_word`` random occurrences of every ranked word."""
    candidates = np.flatnonzero(rank >= 0)
    priority = np.random.default_rng(seed).random(len(candidates))
    order = np.lexsort((priority, rank[candidates]))
    chosen = candidates[order]
    ranks = rank[chosen]
    first = np.searchsorted(ranks, ranks)  # where each word's occurrences start
    return chosen[np.arange(len(chosen)) - first < per_word]


def type_anchors(
    encoder: ContextualEncoder, sentences: list[list[str]], language: str, words: int, per_word: int, seed: int, chunk: int = 2000
) -> Anchors:
    """The mean contextual vector of each of the ``words`` most frequent word types of ``sentences``."""
    vocabulary, sentence, position, rank = frequent_words(sentences, words)
    if not vocabulary:
        raise XlclustError(f"no words in the {language} sentences to build anchors from")
    chosen = sampled_occurrences(rank, per_word, seed)
    chosen = chosen[np.argsort(sentence[chosen], kind="stable")]  # by sentence: each chunk is one slice
    ordered = sentence[chosen]
    sums = np.zeros((len(vocabulary), encoder.dim), np.float64)
    counts = np.zeros(len(vocabulary), np.int64)
    needed = np.unique(ordered)
    for begin in range(0, len(needed), chunk):
        block = needed[begin : begin + chunk]
        vectors = encoder.encode([sentences[i] for i in block], language)
        in_block = chosen[np.searchsorted(ordered, block[0], side="left") : np.searchsorted(ordered, block[-1], side="right")]
        local = np.searchsorted(block, sentence[in_block])
        rows = vectors.rows_of(local, position[in_block])
        kept = rows >= 0  # words beyond the LM's length have no vector
        np.add.at(sums, rank[in_block][kept], vectors.vectors[rows[kept]])
        counts += np.bincount(rank[in_block][kept], minlength=len(vocabulary))
        log.info("%s anchors: %d of %d sentences encoded", language, min(begin + chunk, len(needed)), len(needed))
    present = counts > 0
    return Anchors(
        [w for w, p in zip(vocabulary, present) if p], (sums[present] / counts[present, None]).astype(np.float32), counts[present]
    )


def identical_pairs(source: list[str], target: list[str]) -> np.ndarray:
    """Row pairs of words spelled the same in both anchor vocabularies (vecmap's --identical)."""
    rows = {word: row for row, word in enumerate(target)}
    return np.array([(row, rows[word]) for row, word in enumerate(source) if word in rows], dtype=np.int64).reshape(-1, 2)


def dictionary_pairs(source: list[str], target: list[str], pairs: list[tuple[str, str]]) -> np.ndarray:
    """Row pairs of the dictionary's (language word, English word) pairs whose words both have anchors
    (looked up as written, then lowercased)."""

    def index(words):
        rows = {}
        for row, word in enumerate(words):
            rows.setdefault(word, row)
            rows.setdefault(word.lower(), row)
        return rows

    source_rows, target_rows = index(source), index(target)
    found = dict.fromkeys((source_rows[a], target_rows[b]) for a, b in pairs if a in source_rows and b in target_rows)
    return np.array(list(found), dtype=np.int64).reshape(-1, 2)


def vecmap_layer(
    source: Anchors,
    target: Anchors,
    seed_pairs: np.ndarray,
    normalization: list[str],
    self_learning_kind: str,
    rounds: int,
    search: SearchSettings = EXACT,
    refinement: RefinementSettings | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, dict]:
    """The language's layer weight (Wᵀ of the orthogonal W mapping its anchors onto English's: a
    layer computes x·weightᵀ = x·W) and a report. ``self_learning_kind``: vecmap (its loop, with
    ``refinement`` or vecmap's defaults), none (the seed's Procrustes), procb or mnn (``rounds`` of
    the alignment stage's)."""
    if len(seed_pairs) == 0:
        raise XlclustError("no seed pair has anchors on both sides: nothing to map with")
    source_vectors, target_vectors = normalize(source.vectors, normalization), normalize(target.vectors, normalization)
    report = {"seed_pairs": len(seed_pairs), "anchors": [len(source.words), len(target.words)], "self_learning": self_learning_kind}
    if self_learning_kind == "vecmap":
        mapping, iterations = self_learning(source_vectors, target_vectors, seed_pairs, refinement or VECMAP_DEFAULTS, search.device, seed)
        return mapping.T.copy(), report | {"iterations": iterations}
    result = align(
        source_vectors,
        target_vectors,
        seed_pairs,
        self_learning=self_learning_kind,
        rounds=rounds,
        most_frequent=min(len(source.words), len(target.words)),
        search=search,
    )
    return result.mapping.T.copy(), report | {"rounds": result.rounds}
