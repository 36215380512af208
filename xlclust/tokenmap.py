"""The token map: the ID each token of a tokenizer gets — ICEBERT's clusters, the k-means groups or
First-k — one table schema and one writer for every method, and the BERT specials a map ends with.

``token2cid.parquet``: ``token``; ``language`` ('' for specials); ``cluster_id``, the ID the tokenizer
emits; ``kind``, what put the token there (clusters: graph, isolated, special, bert; groups: grouped,
kept, dropped, special); and, where a model's vocabulary is grouped, ``token_id``, its ID there.
``vocab.txt``: one name per ID, in ID order (the method names its IDs).
"""

from __future__ import annotations

import os

import pandas as pd

from xlclust.atomic import atomic_path, write_text_atomic
from xlclust.errors import XlclustError

BERT_SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
MAP_COLUMNS = ["token", "language", "cluster_id", "kind", "token_id"]
REQUIRED = MAP_COLUMNS[:4]


def write_token_map(table: pd.DataFrame, map_path: str | os.PathLike, vocab_path: str | os.PathLike, names: list[str]) -> None:
    """The map's columns (in schema order) to ``map_path`` and ``names`` to ``vocab_path``, atomically."""
    missing = [column for column in REQUIRED if column not in table]
    if missing:
        raise XlclustError(f"{map_path}: a token map needs the columns {REQUIRED}; missing {missing}")
    with atomic_path(map_path, suffix=".parquet") as tmp:
        table[[column for column in MAP_COLUMNS if column in table]].to_parquet(tmp, index=False)
    write_text_atomic(vocab_path, "".join(f"{name}\n" for name in names))
