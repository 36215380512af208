"""Round-trip pairs, App. B of "Tomato, Tomahto, Tomate": word pairs that are each other's nearest
neighbour in the model's own embedding space.

The appendix names the source (Fig. 11's "MUSE + round-trip") and describes it as mutual nearest
neighbours, without saying which words are candidates or which similarity: ours are, per language
with a MUSE dictionary with the pivot (``grouping.clsa.muse``), that dictionary's words on the
language's side and on the pivot's side, kept where each is a single subword of the model, compared by
cosine of the model's input-embedding rows (the rows CLSA trains: a reduced model's first d
dimensions). A word of one side and a word of the other form a pair when each is the other's nearest
among the other side's words; a subword both sides share is never its own partner. The search is
faiss's exact inner product on unit rows, all words at once (:func:`xlclust.search.knn`).
"""

from __future__ import annotations

import logging

import numpy as np

from xlclust.grouping.clsa_pairs import single_subword_ids
from xlclust.search import EXACT, SearchSettings, knn, unit_rows

log = logging.getLogger(__name__)


def _nearest_other(queries: np.ndarray, keys: np.ndarray, query_ids: np.ndarray, key_ids: np.ndarray, search) -> np.ndarray:
    """For every query row, the key row of highest cosine whose ID is not the query's own (−1 if none)."""
    k = min(2, len(keys))
    _, rows = knn(unit_rows(queries), unit_rows(keys), k, search)
    first = rows[:, 0]
    same = key_ids[first] == query_ids
    if k == 1:
        return np.where(same, -1, first)
    return np.where(same, rows[:, 1], first)


def mutual_nearest_ids(weight: np.ndarray, left_ids: np.ndarray, right_ids: np.ndarray, search: SearchSettings = EXACT) -> np.ndarray:
    """(left ID, right ID) pairs of rows of ``weight`` that are each other's nearest (cosine) across
    the two ID sets, never an ID with itself; sorted by left ID."""
    left_ids, right_ids = np.unique(np.asarray(left_ids, np.int64)), np.unique(np.asarray(right_ids, np.int64))
    if len(left_ids) == 0 or len(right_ids) == 0:
        return np.zeros((0, 2), np.int64)
    left, right = np.asarray(weight[left_ids], np.float32), np.asarray(weight[right_ids], np.float32)
    forward = _nearest_other(left, right, left_ids, right_ids, search)  # left row → right row
    backward = _nearest_other(right, left, right_ids, left_ids, search)  # right row → left row
    rows = np.flatnonzero(forward >= 0)
    rows = rows[backward[forward[rows]] == rows]
    return np.stack([left_ids[rows], right_ids[forward[rows]]], axis=1)


def roundtrip_pairs(
    tokenizer, weight: np.ndarray, dictionaries: dict[str, list[tuple[str, str]]], search: SearchSettings = EXACT
) -> tuple[list[tuple[str, str]], dict]:
    """The round-trip pairs (pivot word, language word) of every language's MUSE dictionary
    (``dictionaries``: language → its (pivot word, language word) pairs) under the model's rows
    ``weight``; and per-language counts."""
    pairs, counts = [], {}
    for lang, dictionary in dictionaries.items():
        pivot_words = single_subword_ids([a for a, _ in dictionary], tokenizer)
        lang_words = single_subword_ids([b for _, b in dictionary], tokenizer)
        word_of = {}  # an ID's first word (words an uncased tokenizer reads alike share an ID)
        for word, token in [*pivot_words.items(), *lang_words.items()]:
            word_of.setdefault(token, word)
        found = mutual_nearest_ids(weight, np.fromiter(pivot_words.values(), np.int64), np.fromiter(lang_words.values(), np.int64), search)
        pairs += [(word_of[int(a)], word_of[int(b)]) for a, b in found]
        counts[lang] = {"pivot_words": len(pivot_words), "words": len(lang_words), "pairs": len(found)}
        log.info("%s: %d single-subword pivot words, %d own words, %d round-trip pairs", lang, *counts[lang].values())
    return list(dict.fromkeys(pairs)), counts
