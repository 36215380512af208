"""A subword space: SentencePiece segmenter, frequency-ordered pieces, one vector per piece.

Both sources end up in BPEmb's file layout, ``{dir}/{lang}/{lang}.wiki.bpe.vs{vs}.model`` and
``{lang}.wiki.bpe.vs{vs}.d{dim}.w2v.bin``, and are read by the same loader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sentencepiece as spm

from xlclust.errors import XlclustError

WORD_START = "\u2581"  # SentencePiece's word-boundary marker


def bpemb_paths(directory: str | os.PathLike, lang: str, vs: int, dim: int) -> tuple[Path, Path]:
    base = Path(directory) / lang / f"{lang}.wiki.bpe.vs{vs}"
    return Path(f"{base}.model"), Path(f"{base}.d{dim}.w2v.bin")


@dataclass
class SubwordSpace:
    pieces: list[str]  # in the segmenter's id order: specials, merges by frequency, characters
    vectors: np.ndarray  # one row per piece
    model_path: Path


def load_space(model_path: str | os.PathLike, vectors_path: str | os.PathLike) -> SubwordSpace:
    """The pieces of a SentencePiece model and their word2vec-format vectors, in piece order.

    Pieces without a vector (BPEmb has none for some control symbols) get a zero row.
    """
    from gensim.models import KeyedVectors

    model_path, vectors_path = Path(model_path), Path(vectors_path)
    for path in (model_path, vectors_path):
        if not path.exists():
            raise XlclustError(f"{path}: file not found")
    processor = spm.SentencePieceProcessor(model_file=str(model_path))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    keyed = KeyedVectors.load_word2vec_format(str(vectors_path), binary=vectors_path.suffix == ".bin")
    vectors = np.zeros((len(pieces), keyed.vector_size), dtype=np.float32)
    rows = [i for i, piece in enumerate(pieces) if piece in keyed.key_to_index]
    vectors[rows] = keyed.vectors[[keyed.key_to_index[pieces[i]] for i in rows]]
    unknown = set(keyed.key_to_index) - set(pieces)
    if unknown:
        raise XlclustError(
            f"{vectors_path}: {len(unknown)} vectors for pieces that {model_path.name} does not have, e.g. {sorted(unknown)[:3]}"
        )
    return SubwordSpace(pieces, vectors, model_path)


def save_word2vec(pieces: list[str], vectors: np.ndarray, path: str | os.PathLike) -> None:
    """Write vectors in word2vec binary format (BPEmb's), atomically."""
    from gensim.models import KeyedVectors

    from xlclust.atomic import atomic_path

    keyed = KeyedVectors(vector_size=vectors.shape[1])
    keyed.add_vectors(pieces, vectors.astype(np.float32))
    with atomic_path(path, suffix=".bin") as tmp:
        keyed.save_word2vec_format(str(tmp), binary=True)
