"""Static aligned word vectors (MUSE's multilingual fastText, van der Heijden et al.'s ``muse``): the
rows of the words a data set has, read from the published text files (``count dim`` header, then
``word v1 … vd`` a line) in one streaming pass."""

from __future__ import annotations

import os

import numpy as np

from xlclust.errors import XlclustError
from xlclust.textfiles import empty_file, text_lines


def read_vectors(path: str | os.PathLike, wanted: set[str], config_key: str | None = None) -> tuple[list[str], np.ndarray]:
    """The ``wanted`` words the file has (the first row of a word written twice) and their vectors."""
    words, rows, dim, remaining, vectors = [], [], None, set(wanted), 0
    for number, line in text_lines(path, "utf-8", XlclustError):
        if number == 1 and len(line.split()) == 2:  # the header
            dim = int(line.split()[1])
            continue
        vectors += bool(line.strip())
        word, _, values = line.rstrip("\n").partition(" ")
        if word not in remaining:
            continue
        vector = np.array(values.split(), dtype=np.float32)
        if dim is None:
            dim = len(vector)
        if len(vector) != dim:
            raise XlclustError(f"{path}:{number}: {len(vector)} values where the file's vectors have {dim}")
        remaining.discard(word)
        words.append(word)
        rows.append(vector)
    if not vectors:
        raise empty_file(path, "vectors", config_key, header_only=dim is not None)
    return words, np.stack(rows) if rows else np.zeros((0, dim), np.float32)


WORD_START = "▁"  # SentencePiece's mark of a word-initial piece


def aligned_word_vectors(pieces: list[str], matrix: np.ndarray, wanted: set[str]) -> tuple[list[str], np.ndarray]:
    """The option of van der Heijden et al.'s ``muse`` built here: the alignment stage's mapped
    subword space (BPEmb pieces in English space), read as word vectors — every whole-word piece
    (``▁word``) whose word is ``wanted``, in vocabulary order."""
    if len(pieces) != len(matrix):
        raise XlclustError(f"{len(pieces)} pieces but {len(matrix)} mapped rows")
    rows = [row for row, piece in enumerate(pieces) if piece.startswith(WORD_START) and piece[1:] in wanted]
    return [pieces[row][1:] for row in rows], np.asarray(matrix[rows], dtype=np.float32).reshape(len(rows), matrix.shape[1])


def vocabulary_index(words: list[str]) -> dict[str, int]:
    """Word → row of the embedding matrix; row 0 is every unknown word's (zero)."""
    return {word: index + 1 for index, word in enumerate(words)}


def word_ids(tokens: list[str], index: dict[str, int]) -> np.ndarray:
    """A sentence's rows: the word as written, else lower-cased (MUSE's vectors are lower-case), else 0."""
    return np.fromiter((index.get(token, index.get(token.lower(), 0)) for token in tokens), dtype=np.int64, count=len(tokens))
