"""BM25 candidates through ``bm25s`` (Lù 2024; maintained, numpy/scipy only), Lucene's BM25 variant
with Pyserini's defaults k1 = 0.9, b = 0.4 — the MIRACL baselines' (Zhang et al. 2023 §4).

The analyzer is ours (MIRACL's baseline used Lucene's per-language analyzers, which need Java):
lower-cased Unicode word tokens, and runs of scripts written without spaces (Han, kana, Hangul
syllables stay words; Thai, Lao, Khmer, Myanmar, Han and kana) cut into overlapping character
bigrams as Lucene's CJK bigram filter does. Tokens become integer IDs as they are met, so the
corpus is held as IDs, not strings.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

log = logging.getLogger(__name__)

# Python's \w leaves out combining marks (Thai vowels, Devanagari and Bengali vowel signs, viramas):
# a word is a run of word characters and marks
MARKS = "".join(chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)).startswith("M"))
WORD = re.compile(f"[\\w{re.escape(MARKS)}]+")
UNSPACED = re.compile(r"[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def analyze(text: str) -> list[str]:
    """Lower-cased word tokens; unspaced-script runs as character bigrams (a lone character as itself)."""
    tokens = []
    for word in WORD.findall(text.lower()):
        position = 0
        for run in UNSPACED.finditer(word):
            if run.start() > position:
                tokens.append(word[position : run.start()])
            chars = run.group()
            tokens.extend([chars] if len(chars) == 1 else [chars[i : i + 2] for i in range(len(chars) - 1)])
            position = run.end()
        if position < len(word):
            tokens.append(word[position:])
    return tokens


class BM25Index:
    """BM25 over passages (``title text``), searched by queries; ``k1``, ``b`` as configured."""

    def __init__(self, texts: Iterable[str], k1: float = 0.9, b: float = 0.4):
        import bm25s
        from bm25s.tokenization import Tokenized

        self.vocab: dict[str, int] = {}
        ids = [[self.vocab.setdefault(token, len(self.vocab)) for token in analyze(text)] for text in texts]
        self.size = len(ids)
        self.index = bm25s.BM25(k1=k1, b=b, method="lucene")
        self.index.index(Tokenized(ids=ids, vocab=self.vocab), show_progress=False)

    def search(self, queries: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(passage rows, scores) of each query's ``k`` best passages; rows of −1 where a query matches fewer."""
        from bm25s.tokenization import Tokenized

        k = min(k, self.size)
        rows = np.full((len(queries), k), -1, dtype=np.int64)
        scores = np.zeros((len(queries), k), dtype=np.float32)
        tokenized = [[self.vocab[t] for t in analyze(query) if t in self.vocab] for query in queries]
        searchable = [i for i, ids in enumerate(tokenized) if ids]
        if searchable and k:
            found, found_scores = self.index.retrieve(
                Tokenized(ids=[tokenized[i] for i in searchable], vocab=self.vocab), k=k, show_progress=False, n_threads=1
            )
            rows[searchable], scores[searchable] = found, found_scores
            rows[scores <= 0] = -1  # no query term in the passage: not a candidate
        return rows, scores
