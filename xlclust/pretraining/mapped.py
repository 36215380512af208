"""An encoded corpus mapped through a grouping: a grouped pipeline's corpus from its backbone's.

Dimension reduction and CLSA keep the backbone's tokenizer, and a grouped tokenizer
(:mod:`xlclust.tokenization.grouped`) segments exactly as the original and replaces each token ID
by its group's. So "Tomato, Tomahto, Tomate" §2.4's continual-pretraining corpus is encoded once
per backbone (:func:`xlclust.pretraining.encode.encode_corpus`), and a grouped pipeline's encoding
is the backbone's with every ID mapped through the model directory's ``token_groups.json``: the
same rows, positions and languages, in the same shards, vectorised (no per-token Python loop) and
shard by shard, one record batch at a time.

Only numpy and pyarrow: the rule runs in the light corpus env.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from xlclust.atomic import atomic_directory
from xlclust.errors import XlclustError

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"  # as xlclust.pretraining.encode's
GROUPS_FILE = "token_groups.json"  # xlclust.tokenization.grouped.GROUPS_FILE (that module imports transformers)
BATCH_ROWS = 65536


def load_groups(model_dir: str | os.PathLike) -> np.ndarray:
    """A grouped model directory's map, original token ID → group ID (its ``token_groups.json``)."""
    path = Path(model_dir) / GROUPS_FILE
    if not path.is_file():
        raise XlclustError(f"{model_dir}: no {GROUPS_FILE}; not a grouped model directory")
    saved = json.loads(path.read_text(encoding="utf-8"))
    groups = np.asarray(saved["groups"], dtype=np.int64)
    if groups.ndim != 1:
        raise XlclustError(f"{path}: 'groups' is no list of group IDs")
    return groups


def _map_ids(column: pa.ListArray, groups: np.ndarray, where: str) -> pa.ListArray:
    """The list column with every ID replaced by ``groups[ID]``, the rows' lengths unchanged."""
    if column.null_count:
        raise XlclustError(f"{where}: {column.null_count} rows have no input_ids")
    offsets = np.asarray(column.offsets, dtype=np.int64)
    values = column.flatten()  # the values of these rows only, also for a sliced array
    ids = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)
    if ids.size:
        bad = (ids < 0) | (ids >= len(groups))
        if bad.any():
            first = int(ids[np.argmax(bad)])
            raise XlclustError(
                f"{where}: {int(bad.sum())} token IDs lie outside the group map of {len(groups)} IDs "
                f"(first: {first}); the encoding and the grouping come from different tokenizers"
            )
    mapped = groups[ids].astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets - offsets[0], type=pa.int32()), pa.array(mapped, type=pa.int32()))


def _map_shard(path: Path, output: Path, groups: np.ndarray) -> tuple[int, int]:
    """One shard mapped, record batch by record batch; its rows and IDs."""
    reader = pq.ParquetFile(path)
    schema = reader.schema_arrow  # the source's fields and metadata
    lines = ids = 0
    with pq.ParquetWriter(output, schema, compression="zstd") as writer:
        for batch in reader.iter_batches(batch_size=BATCH_ROWS):
            input_ids = _map_ids(batch.column("input_ids"), groups, str(path))
            columns = [input_ids if name == "input_ids" else batch.column(name) for name in schema.names]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))
            lines, ids = lines + batch.num_rows, ids + len(input_ids.values)
    return lines, ids


def _checked_groups(groups, where: str) -> np.ndarray:
    groups = np.asarray(groups)
    if groups.ndim != 1 or not np.issubdtype(groups.dtype, np.integer):
        raise XlclustError(f"{where}: a group map is a 1-d array of integer group IDs")
    groups = groups.astype(np.int64)
    if groups.size and (groups.min() < 0 or groups.max() > np.iinfo(np.int32).max):
        raise XlclustError(f"{where}: group IDs must lie in 0…2³¹−1")
    return groups


def map_encoded(
    source_dir: str | os.PathLike,
    groups: np.ndarray,
    output_dir: str | os.PathLike,
    *,
    groups_source: str | os.PathLike | None = None,
) -> dict:
    """Write ``source_dir``'s shards with every input ID mapped through ``groups`` (original ID →
    group ID) into ``output_dir`` (atomically: all or nothing), with a manifest naming the encoding
    and the map. ``groups_source``: where the map comes from (the grouped model directory)."""
    source_dir = Path(source_dir)
    source = json.loads((source_dir / MANIFEST).read_text(encoding="utf-8"))
    groups = _checked_groups(groups, str(groups_source) if groups_source is not None else "the group map")
    start, stats = time.perf_counter(), []
    with atomic_directory(output_dir) as tmp:
        for shard in source["shards"]:
            shard_start = time.perf_counter()
            lines, ids = _map_shard(source_dir / shard["file"], tmp / shard["file"], groups)
            if lines != shard.get("lines", lines):
                raise XlclustError(f"{source_dir / shard['file']}: {lines} rows, but {source_dir / MANIFEST} says {shard['lines']}")
            seconds = round(time.perf_counter() - shard_start, 3)
            stats.append({"file": shard["file"], "lines": lines, "ids": ids, "characters": shard.get("characters"), "seconds": seconds})
        seconds = time.perf_counter() - start
        manifest = {
            "tokenizer": str(groups_source) if groups_source is not None else None,
            "mapped_from": {
                "encoding": str(source_dir),
                "tokenizer": source.get("tokenizer"),
                "groups": str(groups_source) if groups_source is not None else None,
                "map_ids": int(len(groups)),
                "n_groups": int(groups.max()) + 1 if groups.size else 0,
                "map_sha256": hashlib.sha256(groups.astype("<i8").tobytes()).hexdigest(),
            },
            "shards": stats,
            "lines": sum(s["lines"] for s in stats),
            "ids": sum(s["ids"] for s in stats),
            "seconds": round(seconds, 3),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    log.info(
        "mapped %d lines (%d IDs, %d shards) of %s through %d groups in %.1f s",
        *(manifest["lines"], manifest["ids"], len(stats), source_dir, manifest["mapped_from"]["n_groups"], seconds),
    )
    return manifest
