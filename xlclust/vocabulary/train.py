"""The ``train`` source: SentencePiece BPE and skip-gram (or fastText) vectors trained on the
language's extracted Wikipedia, written in BPEmb's file layout.

Text is normalized as BPEmb's was (lowercase, digits → 0). Training is seeded; with
``deterministic`` the vectors are trained on one thread with a fixed hash, so reruns give the
same file (gensim's word2vec is not reproducible across threads).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import sentencepiece as spm

from xlclust.corpus.parquet import iter_batches
from xlclust.vocabulary.hashing import stable_hash
from xlclust.vocabulary.normalization import normalize
from xlclust.vocabulary.segmenter_training import train_model_file
from xlclust.vocabulary.settings import SubwordTrainingSettings
from xlclust.vocabulary.space import bpemb_paths, save_word2vec

log = logging.getLogger(__name__)


def normalized_sentences(sentences_path: str | os.PathLike, limit: int | None = None) -> Iterator[str]:
    count = 0
    for batch in iter_batches(sentences_path, columns=["text"]):
        for text in batch.column("text").to_pylist():
            if limit is not None and count >= limit:
                return
            yield normalize(text)
            count += 1


def train_segmenter(
    sentences_path,
    model_path: str | os.PathLike,
    *,
    vocab_size: int,
    character_coverage: float,
    max_sentences: int,
    seed: int,
    threads: int = 1,
) -> None:
    """SentencePiece BPE, as BPEmb's models are; vocabulary as large as the text allows, up to
    ``vocab_size`` (a small corpus gets fewer pieces rather than an error)."""
    train_model_file(
        normalized_sentences(sentences_path, max_sentences),
        model_path,
        seed=seed,
        failure=(
            f"{sentences_path}: SentencePiece training failed (vocabulary.size {vocab_size}, "
            f"vocabulary.train.character_coverage {character_coverage})"
        ),
        model_type="bpe",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=character_coverage,
        num_threads=threads,
        bos_id=1,
        eos_id=2,
        unk_id=0,
    )


class SegmentedCorpus:
    """Re-iterable piece sequences of the normalized corpus (gensim reads it once per epoch)."""

    def __init__(self, sentences_path, model_path, limit: int | None):
        self.sentences_path, self.limit = sentences_path, limit
        self.processor = spm.SentencePieceProcessor(model_file=str(model_path))

    def __iter__(self):
        batch: list[str] = []
        for text in normalized_sentences(self.sentences_path, self.limit):
            batch.append(text)
            if len(batch) == 4096:
                yield from self.processor.encode(batch, out_type=str)
                batch = []
        if batch:
            yield from self.processor.encode(batch, out_type=str)


def train_vectors(
    sentences_path,
    model_path,
    vectors_path,
    *,
    dim: int,
    algorithm: str,
    window: int,
    epochs: int,
    negative: int,
    min_count: int,
    max_sentences: int,
    seed: int,
    threads: int,
    deterministic: bool,
) -> dict:
    """Skip-gram or fastText vectors for every piece of the segmenter (zeros for unseen pieces)."""
    from gensim.models import FastText, Word2Vec

    corpus = SegmentedCorpus(sentences_path, model_path, max_sentences)
    model_class = {"skipgram": Word2Vec, "fasttext": FastText}[algorithm]
    model = model_class(
        sentences=corpus,
        vector_size=dim,
        sg=1,
        window=window,
        epochs=epochs,
        negative=negative,
        min_count=min_count,
        seed=seed,
        workers=1 if deterministic else threads,
        hashfxn=stable_hash,
    )
    pieces = [corpus.processor.id_to_piece(i) for i in range(corpus.processor.get_piece_size())]
    vectors = np.zeros((len(pieces), dim), dtype=np.float32)
    seen = [i for i, piece in enumerate(pieces) if piece in model.wv.key_to_index]
    vectors[seen] = model.wv.vectors[[model.wv.key_to_index[pieces[i]] for i in seen]]
    save_word2vec(pieces, vectors, vectors_path)
    return {"pieces": len(pieces), "pieces_with_vectors": len(seen), "corpus_pieces": model.corpus_total_words}


def train_space(
    sentences_path, directory, lang: str, *, vocab_size: int, dim: int, seed: int, threads: int, settings: SubwordTrainingSettings
) -> tuple[Path, Path, dict]:
    """Train segmenter and vectors into ``directory`` in BPEmb's layout; return their paths."""
    model_path, vectors_path = bpemb_paths(directory, lang, vocab_size, dim)
    train_segmenter(
        sentences_path,
        model_path,
        vocab_size=vocab_size,
        character_coverage=settings.character_coverage,
        max_sentences=settings.max_sentences,
        seed=seed,
        threads=threads,
    )
    report = train_vectors(
        sentences_path,
        model_path,
        vectors_path,
        dim=dim,
        algorithm=settings.algorithm,
        window=settings.window,
        epochs=settings.epochs,
        negative=settings.negative,
        min_count=settings.min_count,
        max_sentences=settings.max_sentences,
        seed=seed,
        threads=threads,
        deterministic=settings.deterministic,
    )
    log.info("%s: trained %s", lang, report)
    return model_path, vectors_path, report
