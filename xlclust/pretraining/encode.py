"""Encoding the pretraining mix with a tokenizer, in shards, in parallel.

Every tokenizer's corpus keeps the mix's lines in the mix's order (``position``), so the
cluster-ID and baseline models see the same text in the same order. SentencePiece itself does the
segmenting (:mod:`xlclust.tokenization.fast_encoder`); the first lines of every shard are checked
against the tokenizer. IDs are stored without
special tokens; the pretraining data adds ``[CLS]``/``[SEP]`` and cuts long lines.
"""

from __future__ import annotations

import json
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from xlclust.atomic import atomic_directory
from xlclust.errors import XlclustError
from xlclust.models import load_local_tokenizer
from xlclust.tokenization.fast_encoder import FastEncoder, TokenizerEncoder, corpus_encoder

log = logging.getLogger(__name__)

ENCODED = pa.schema(
    [
        pa.field("position", pa.int64(), nullable=False),  # the line's position in the mix
        pa.field("lang", pa.string(), nullable=False),
        pa.field("input_ids", pa.list_(pa.int32()), nullable=False),
    ],
    metadata={"xlclust.table": "encoded"},
)
MANIFEST = "manifest.json"


def load_tokenizer(path: str | os.PathLike):
    return load_local_tokenizer(path)


def shard_row_groups(mix_path: str | os.PathLike, shard_lines: int) -> list[list[int]]:
    """Consecutive row groups of the mix, at least ``shard_lines`` rows per shard (the last may be short)."""
    metadata = pq.ParquetFile(mix_path).metadata
    shards, current, rows = [], [], 0
    for group in range(metadata.num_row_groups):
        current.append(group)
        rows += metadata.row_group(group).num_rows
        if rows >= shard_lines:
            shards.append(current)
            current, rows = [], 0
    if current:
        shards.append(current)
    return shards


def encode_table(encoder: FastEncoder | TokenizerEncoder, table: pa.Table, check_lines: int = 0) -> tuple[pa.Table, int, int]:
    """One encoded row per mix row, in the same order; each language goes through its segmenter.
    Also returns how many of the first ``check_lines`` lines per language were checked against the
    tokenizer itself, and how many of those differ."""
    langs = np.asarray(table.column("lang").to_pylist(), dtype=object)
    texts = table.column("text").to_pylist()
    ids: list = [None] * len(texts)
    checked = differing = 0
    for lang in dict.fromkeys(langs):
        rows = np.flatnonzero(langs == lang)
        lang_texts = [texts[i] for i in rows]
        for row, row_ids in zip(rows, encoder.encode(lang_texts, lang)):
            ids[row] = row_ids
        if check_lines:
            sample = lang_texts[:check_lines]
            checked, differing = checked + len(sample), differing + encoder.check(sample, lang)
    lengths = np.fromiter((len(i) for i in ids), dtype=np.int64, count=len(ids))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    values = np.concatenate(ids).astype(np.int32) if len(ids) and lengths.sum() else np.zeros(0, dtype=np.int32)
    input_ids = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values))
    return pa.Table.from_arrays([table.column("position"), table.column("lang"), input_ids], schema=ENCODED), checked, differing


_worker_encoder = None


def _init_worker(tokenizer_path: str) -> None:
    global _worker_encoder
    os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one process per shard is the parallelism
    _worker_encoder = corpus_encoder(tokenizer_path, load_tokenizer(tokenizer_path))


def _encode_shard(args: tuple[str, list[int], str, int]) -> dict:
    mix_path, row_groups, output, check_lines = args
    start = time.perf_counter()
    table = pq.ParquetFile(mix_path).read_row_groups(row_groups, columns=["position", "lang", "text"])
    encoded, checked, differing = encode_table(_worker_encoder, table, check_lines)
    pq.write_table(encoded, output, compression="zstd")
    return {
        "file": Path(output).name,
        "lines": encoded.num_rows,
        "ids": int(pc.sum(pc.list_value_length(encoded.column("input_ids"))).as_py() or 0),
        "characters": int(sum(len(t) for t in table.column("text").to_pylist())),
        "seconds": time.perf_counter() - start,
        "checked": checked,
        "differing": differing,
    }


def encode_corpus(
    mix_path: str | os.PathLike,
    tokenizer_path: str | os.PathLike,
    output_dir: str | os.PathLike,
    *,
    shard_lines: int,
    workers: int,
    check_lines: int = 100,
    max_differing: float = 0.01,
) -> dict:
    """Write ``shard-NNNNN.parquet`` files and a manifest into ``output_dir`` (atomically: all or nothing)."""
    from tqdm import tqdm

    shards = shard_row_groups(mix_path, shard_lines)
    start = time.perf_counter()
    with atomic_directory(output_dir) as tmp:
        jobs = [(str(mix_path), groups, str(tmp / f"shard-{i:05d}.parquet"), check_lines) for i, groups in enumerate(shards)]
        with ProcessPoolExecutor(max_workers=max(1, workers), initializer=_init_worker, initargs=(str(tokenizer_path),)) as pool:
            stats = list(tqdm(pool.map(_encode_shard, jobs), total=len(jobs), desc="encode shards", mininterval=10))
        seconds = time.perf_counter() - start
        lines, ids = sum(s["lines"] for s in stats), sum(s["ids"] for s in stats)
        checked, differing = sum(s["checked"] for s in stats), sum(s["differing"] for s in stats)
        if differing > max_differing * max(1, checked):
            raise XlclustError(
                f"{tokenizer_path}: {differing} of {checked} checked lines encode differently through the tokenizer "
                f"than through its SentencePiece models; the tokenizer and its segmenters do not belong together"
            )
        manifest = {
            "tokenizer": str(tokenizer_path),
            "shards": stats,
            "lines": lines,
            "ids": ids,
            "checked_against_tokenizer": checked,
            "differing": differing,
            "workers": workers,
            "seconds": round(seconds, 3),
            "ids_per_second": round(ids / seconds, 1) if seconds else None,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    log.info(
        "encoded %d lines into %d IDs in %d shards, %.1f s (%.0f IDs/s with %d workers)",
        lines,
        ids,
        len(stats),
        seconds,
        ids / max(seconds, 1e-9),
        workers,
    )
    return manifest


def encoded_shards(directory: str | os.PathLike) -> list[Path]:
    manifest = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    return [Path(directory) / shard["file"] for shard in manifest["shards"]]
