"""LASER's text side for pre-split words (a tagger's tokens): Moses punctuation normalization and
lower-casing as LASER's preprocessing does them, then BPE with LASER's codes (``93langs.fcodes``,
fastBPE's ``left right count`` lines) restricted to its vocabulary (``93langs.fvocab``), applied by
subword-nmt; each piece's ID from the encoder's dictionary, ``</s>`` closing the sentence. Every
piece remembers its word, so the encoder's states pool back into words."""

from __future__ import annotations

import io
import os
from functools import lru_cache

import numpy as np

from xlclust.errors import XlclustError
from xlclust.textfiles import empty_file, read_text

SEPARATOR = "@@"
UNSUPPORTED = {"el": "LASER romanizes Greek first", "zh": "LASER segments Chinese with jieba", "ja": "LASER segments Japanese with MeCab"}


def subword_nmt_codes(path: str | os.PathLike) -> io.StringIO:
    """fastBPE's codes (or subword-nmt's own) as subword-nmt reads them (``#version: 0.2`` and ``left right`` a line); a
    malformed line fails with the file and line (subword-nmt itself would exit the process)."""
    merges = ["#version: 0.2"]
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if number == 1 and line.startswith("#version"):  # codes subword-nmt learnt (the demo's)
            continue
        fields = line.split(" ")
        if len(fields) not in (2, 3) or not all(fields[:2]):
            raise XlclustError(f"{path}:{number}: expected 'left right [count]' in LASER's BPE codes: {line[:80]!r}")
        merges.append(f"{fields[0]} {fields[1]}")
    if len(merges) == 1:
        raise empty_file(path, "BPE merges")
    return io.StringIO("\n".join(merges) + "\n")


def read_bpe_vocabulary(path: str | os.PathLike) -> set[str]:
    vocabulary = set()
    for number, line in enumerate(read_text(path).splitlines(), 1):
        fields = line.split(" ")
        if len(fields) != 2 or not fields[1].isdigit():
            raise XlclustError(f"{path}:{number}: expected 'piece count' in LASER's BPE vocabulary: {line[:80]!r}")
        vocabulary.add(fields[0])
    if not vocabulary:
        raise empty_file(path, "BPE vocabulary entries")
    return vocabulary


def laser_normalize(normalizer, text: str) -> str:
    """LASER's preprocessing short of BPE: Moses punctuation normalization, then lower-casing."""
    return normalizer.normalize(text).strip().lower()


class LaserPieces:
    """Words → LASER's BPE piece IDs, with each piece's word."""

    def __init__(self, codes: str | os.PathLike, vocabulary: str | os.PathLike, dictionary: dict[str, int], language: str):
        from sacremoses import MosesPunctNormalizer
        from subword_nmt.apply_bpe import BPE

        if language in UNSUPPORTED:
            raise XlclustError(f"LASER's preprocessing of {language!r} is not built here: {UNSUPPORTED[language]}")
        missing = [s for s in ("</s>", "<unk>", "<pad>") if s not in dictionary]
        if missing:
            raise XlclustError(f"LASER's dictionary lacks {missing}")
        self.bpe = BPE(subword_nmt_codes(codes), separator=SEPARATOR, vocab=read_bpe_vocabulary(vocabulary))
        self.normalizer = MosesPunctNormalizer(lang=language)
        self.dictionary = dictionary
        self.eos, self.unk, self.pad = dictionary["</s>"], dictionary["<unk>"], dictionary["<pad>"]
        self.word_pieces = lru_cache(maxsize=200_000)(self._word_pieces)

    def _word_pieces(self, word: str) -> tuple[str, ...]:
        return tuple(self.bpe.segment_tokens(laser_normalize(self.normalizer, word).split())) or ("<unk>",)

    def encode(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(piece IDs, each piece's word index) of one sentence; the closing ``</s>`` belongs to no word (−1)."""
        pieces = [self.word_pieces(word) for word in words]
        ids = [self.dictionary.get(piece, self.unk) for word in pieces for piece in word] + [self.eos]
        word_of_piece = np.repeat(np.arange(len(words)), [len(word) for word in pieces])
        return np.asarray(ids, dtype=np.int64), np.concatenate([word_of_piece, [-1]]).astype(np.int64)
