"""A pretraining corpus of so many sentences per language (ICEBERT §3.3's small models: 20k Wikipedia
sentences per language, shuffled), in the mix's table layout so that every tokenizer encodes it the
same way. Memory stays bounded by the sample: rows are drawn by index from the Parquet metadata's
counts, then read row group by row group."""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path
from xlclust.corpus.schema import MIX
from xlclust.errors import ConfigError

log = logging.getLogger(__name__)
ROW_GROUP_ROWS = 5000  # encoding shards are cut at row groups


def sample_rows(path: str | os.PathLike, count: int, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """``count`` distinct rows of a sentence table, drawn uniformly: their indices (ascending) and texts."""
    table = pq.ParquetFile(path)
    chosen = np.sort(rng.choice(table.metadata.num_rows, size=count, replace=False))
    texts, start = [], 0
    for group in range(table.num_row_groups):
        rows = table.metadata.row_group(group).num_rows
        inside = chosen[(chosen >= start) & (chosen < start + rows)] - start
        if len(inside):
            column = table.read_row_group(group, columns=["text"]).column("text")
            texts += column.take(pa.array(inside)).to_pylist()
        start += rows
    return chosen, texts


def build_sentence_corpus(
    sentences: dict[str, str | os.PathLike], output: str | os.PathLike, per_language: int | None, seed: int, config_key: str
) -> pd.DataFrame:
    """``per_language`` sentences of each language (None: all) drawn with ``seed``, shuffled together → ``output``
    (the mix's columns: position, lang, line = row in the language's sentence table, copy = 0,
    n_tokens, text); one row per language with the sentences available and drawn."""
    rng = np.random.default_rng(seed)
    frames, counts = [], []
    for lang, path in sentences.items():
        available = pq.ParquetFile(path).metadata.num_rows
        drawn = available if per_language is None else per_language
        if available < drawn or not available:
            raise ConfigError(f"config key '{config_key}': {drawn} sentences per language, but {path} holds {available} for {lang!r}")
        rows, texts = sample_rows(path, drawn, rng)
        frames.append(pd.DataFrame({"lang": lang, "line": rows, "text": texts}))
        counts.append({"language": lang, "sentences_available": available, "sentences_drawn": drawn})
        log.info("%s: %d of %d sentences", lang, drawn, available)
    corpus = pd.concat(frames, ignore_index=True)
    corpus = corpus.iloc[rng.permutation(len(corpus))].reset_index(drop=True)
    corpus.insert(0, "position", np.arange(len(corpus), dtype=np.int64))
    corpus["copy"] = np.zeros(len(corpus), dtype=np.int32)
    corpus["n_tokens"] = corpus["text"].str.split().str.len().astype(np.int32)
    table = pa.Table.from_pandas(corpus[MIX.names], schema=MIX, preserve_index=False)
    with atomic_path(output, suffix=".parquet") as tmp:
        pq.write_table(table, tmp, row_group_size=ROW_GROUP_ROWS)
    return pd.DataFrame(counts)
