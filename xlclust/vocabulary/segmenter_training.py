"""Training a SentencePiece model, the one way every subword vocabulary here does it (the trained
BPEmb-style segmenters, the pretraining baseline's, the WordPiece vocabularies'): SentencePiece's
random generator seeded, so that reruns give the same pieces, and its training log silenced."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import sentencepiece as spm

from xlclust.atomic import atomic_path
from xlclust.errors import XlclustError
from xlclust.vocabulary.segmenter_files import drop_training_paths


def run_sentencepiece_trainer(sentences: Iterable[str], *, seed: int, **options) -> None:
    """Train on ``sentences`` with the trainer's flags ``options`` (``model_prefix`` to write files,
    ``model_writer`` to receive the model's bytes)."""
    if options.get("model_type", "unigram") == "unigram":  # SentencePiece's default type
        # unigram's EM sums each thread's share of the expected counts in float, so the pieces and
        # scores differ with the thread count; one thread gives the same bytes on any machine (BPE
        # merges by exact counts and keeps the threads it is given)
        options["num_threads"] = 1
    spm.set_random_generator_seed(seed)
    spm.SentencePieceTrainer.train(sentence_iterator=iter(sentences), minloglevel=2, **options)


def train_model_file(sentences: Iterable[str], model_path: str | os.PathLike, *, seed: int, failure: str, **options) -> None:
    """A SentencePiece model written to ``model_path`` whole or not at all, the same bytes on every
    rerun (the training paths and thread count cleared), without the ``.vocab`` file beside it. A
    failed training raises :class:`XlclustError`: ``failure`` (what was trained, with which settings)
    and SentencePiece's message."""
    with atomic_path(model_path, suffix=".model") as tmp:
        prefix = str(tmp)[: -len(".model")]
        try:
            run_sentencepiece_trainer(sentences, seed=seed, model_prefix=prefix, **options)
        except RuntimeError as error:
            raise XlclustError(f"{failure}: {error}") from error
        Path(prefix + ".vocab").unlink()
        drop_training_paths(tmp)
