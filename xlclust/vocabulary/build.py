"""One language's subword vocabulary from its configured source, written as the workflow's
vocabulary files: pieces table, embedding matrix, SentencePiece model, metadata."""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from xlclust.atomic import atomic_path, write_text_atomic
from xlclust.errors import XlclustError
from xlclust.vocabulary.bpemb_source import bpemb_vocabulary
from xlclust.vocabulary.bpemb_store import BPEmbStore
from xlclust.vocabulary.normalization import NORMALIZATION
from xlclust.vocabulary.settings import VocabularySettings
from xlclust.vocabulary.space import SubwordSpace, load_space
from xlclust.vocabulary.train import train_space

log = logging.getLogger(__name__)


def build_vocabulary(
    lang: str, source: str, settings: VocabularySettings, *, sentences=None, work_dir, seed: int, threads: int
) -> tuple[SubwordSpace, dict]:
    """The vocabulary of ``lang`` from ``bpemb`` or ``train``."""
    if source not in ("bpemb", "train"):
        raise XlclustError(f"config key 'vocabulary.source.{lang}': unknown source {source!r}; use bpemb or train")
    if getattr(settings, source) is None:
        raise XlclustError(f"config key 'vocabulary.{source}' is missing: the source of {lang!r} is {source}")
    if source == "bpemb":
        bpemb = settings.bpemb
        space, cut = bpemb_vocabulary(
            lang,
            size=settings.size,
            large_vs=bpemb.large_vocab,
            small_vs=bpemb.small_vocab,
            dim=settings.dim,
            store=BPEmbStore.from_settings(bpemb),
            work_dir=work_dir,
        )
        details = {"bpemb": {"base_url": bpemb.base_url, "vs": bpemb.large_vocab, **cut}}
    else:
        if sentences is None:
            raise XlclustError(f"vocabulary of {lang!r}: the train source needs the extracted sentences")
        model, vectors, report = train_space(
            sentences, work_dir, lang, vocab_size=settings.size, dim=settings.dim, seed=seed, threads=threads, settings=settings.train
        )
        space = load_space(model, vectors)
        details = {"train": {**asdict(settings.train), **report}}
    metadata = {
        "language": lang,
        "source": source,
        "size": len(space.pieces),
        "dim": int(space.vectors.shape[1]),
        "normalization": NORMALIZATION,
        **details,
    }
    return space, metadata


def write_vocabulary(space: SubwordSpace, metadata: dict, pieces_path, embeddings_path, model_path, metadata_path) -> None:
    with atomic_path(pieces_path, suffix=".parquet") as tmp:
        pd.DataFrame({"rank": np.arange(len(space.pieces)), "piece": space.pieces}).to_parquet(tmp, index=False)
    with atomic_path(embeddings_path, suffix=".npy") as tmp:
        np.save(tmp, space.vectors.astype(np.float32))
    with atomic_path(model_path, suffix=".model") as tmp:
        shutil.copyfile(space.model_path, tmp)
    write_text_atomic(metadata_path, json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")


def read_pieces(path: str | os.PathLike) -> list[str]:
    return pd.read_parquet(path)["piece"].tolist()


def load_embeddings(path: str | os.PathLike) -> np.ndarray:
    return np.load(Path(path))
