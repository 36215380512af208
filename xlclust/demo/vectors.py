"""The demo's stand-in for MUSE's aligned multilingual vectors: skip-gram vectors of the demo world's
English words, and for each fake language the same vectors under the rewritten words with seeded
noise (an alignment is never exact), written in MUSE's text format (``count dim`` header, then
``word v1 … vd``) as ``wiki.multi.{lang}.vec``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from xlclust.atomic import write_text_atomic
from xlclust.demo.fake_languages import language_rewrites
from xlclust.demo.ner import TOKEN
from xlclust.vocabulary.hashing import stable_hash


def muse_text(words: list[str], vectors: np.ndarray) -> str:
    rows = (f"{word} {' '.join(f'{value:.5f}' for value in row)}\n" for word, row in zip(words, vectors))
    return f"{len(words)} {vectors.shape[1]}\n" + "".join(rows)


def build_demo_vectors(
    root: str | Path, texts: list[str], fake_languages: dict[str, dict], *, dim: int, epochs: int, noise: float, seed: int
) -> dict[str, int]:
    """Write ``root/wiki.multi.{lang}.vec`` for English and each fake language; returns words per file.
    ``noise``: the fake languages' vectors move by this fraction of the vectors' RMS norm."""
    from gensim.models import Word2Vec

    sentences = [TOKEN.findall(text.lower()) for text in texts]
    model = Word2Vec(sentences, vector_size=dim, sg=1, window=5, epochs=epochs, min_count=2, seed=seed, workers=1, hashfxn=stable_hash)
    words, vectors = list(model.wv.index_to_key), model.wv.vectors.astype(np.float32)
    scale = noise * float(np.sqrt((vectors**2).sum(1).mean() / dim))
    counts = {}
    for lang, rewrite in language_rewrites(fake_languages).items():
        moved = vectors if lang == "en" else vectors + np.random.default_rng([seed, *lang.encode()]).normal(scale=scale, size=vectors.shape)
        write_text_atomic(Path(root) / f"wiki.multi.{lang}.vec", muse_text([rewrite(word) for word in words], moved))
        counts[lang] = len(words)
    return counts
