"""A corpus encoded into vector shards that survive a killed job: shard i holds the passages
[i·size, (i+1)·size) of the corpus Parquet file as ``shard-iiiii.npy``, written atomically; a rerun
encodes only the shards that are missing. The shards are the exact index (searched one at a time,
memory bounded by a shard) and the input of an approximate one."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path, write_text_atomic
from xlclust.errors import XlclustError

log = logging.getLogger(__name__)


def shard_path(directory: Path, number: int) -> Path:
    return directory / f"shard-{number:05d}.npy"


def encode_corpus(
    corpus: str | Path, directory: str | Path, encode: Callable[[list[str], list[str]], np.ndarray], shard_size: int, encoder: str = ""
) -> dict:
    """Encode ``corpus`` (Parquet: docid, title, text) with ``encode(titles, texts)`` into shards
    under ``directory``; returns {passages, shards, encoded: shards made by this call}. Shards of
    another corpus file, shard size or ``encoder`` (what identifies the model) are refused."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stat = Path(corpus).stat()
    meta = {
        "corpus_rows": pq.ParquetFile(corpus).metadata.num_rows,
        "corpus": {"bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns},
        "shard_size": shard_size,
        "encoder": encoder,
    }
    meta_file = directory / "shards.json"
    if meta_file.is_file() and json.loads(meta_file.read_text()) != meta:
        raise XlclustError(
            f"{directory}: its shards were made from another corpus, shard size or encoder ({meta_file}); remove the directory"
        )
    write_text_atomic(meta_file, json.dumps(meta) + "\n")
    batches = pq.ParquetFile(corpus).iter_batches(batch_size=shard_size, columns=["title", "text"])
    encoded = shards = 0
    for number, batch in enumerate(batches):
        shards += 1
        target = shard_path(directory, number)
        if target.is_file():
            continue
        vectors = np.ascontiguousarray(encode(batch.column("title").to_pylist(), batch.column("text").to_pylist()), dtype=np.float32)
        with atomic_path(target, suffix=".npy") as tmp:
            np.save(tmp, vectors)
        encoded += 1
        log.info("shard %d encoded (%d passages)", number, len(vectors))
    return {"passages": meta["corpus_rows"], "shards": shards, "encoded": encoded}


def read_shards(directory: str | Path):
    """Yield (first row, vectors) of each shard in order, checked against shards.json."""
    directory = Path(directory)
    meta = json.loads((directory / "shards.json").read_text())
    count = -(-meta["corpus_rows"] // meta["shard_size"])
    first = 0
    for number in range(count):
        path = shard_path(directory, number)
        if not path.is_file():
            raise XlclustError(f"{path}: missing; encode the corpus first")
        vectors = np.load(path, allow_pickle=False)
        yield first, vectors
        first += len(vectors)
    if first != meta["corpus_rows"]:
        raise XlclustError(f"{directory}: the shards hold {first} vectors, the corpus {meta['corpus_rows']} passages")
