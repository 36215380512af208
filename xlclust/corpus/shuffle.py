"""The shuffled pretraining mix, written with bounded memory (a two-pass bucket shuffle).

Pass 1 streams every language's lines, repeats each line as often as the sampling plan says and
sends every copy to a random bucket file; pass 2 loads one bucket at a time, permutes it and
appends it to the mix. A uniformly random bucket followed by a uniform permutation within it
is a uniform shuffle; memory holds one input batch in pass 1 and one bucket in pass 2.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from xlclust.corpus.parquet import iter_batches, parquet_writer
from xlclust.corpus.schema import MIX

BATCH_LINES = 8192  # fixed: the random stream, and so the order, depends on it
BUCKET_SCHEMA = pa.schema([f for f in MIX if f.name != "position"])


def mix_buckets(total_bytes: float, bucket_bytes: float) -> int:
    return max(1, math.ceil(total_bytes / bucket_bytes))


def write_shuffled_mix(
    line_tables: dict[str, str | os.PathLike],
    copies: dict[str, np.ndarray],
    output: str | os.PathLike,
    *,
    seed: int,
    bucket_bytes: float,
) -> int:
    """Write the mix of every language's lines with their copies, uniformly shuffled.

    ``copies[lang][i]`` is how often line i of ``line_tables[lang]`` occurs. Returns the number
    of rows. The same inputs and seed give the same file.
    """
    rng = np.random.default_rng([seed, 0x5EED])
    total_bytes = sum(_text_bytes(line_tables[lang]) * (copies[lang].sum() / max(len(copies[lang]), 1)) for lang in line_tables)
    n_buckets = mix_buckets(total_bytes, bucket_bytes)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".tmp-{output.name}.buckets.", dir=output.parent))
    try:
        _scatter(line_tables, copies, scratch, n_buckets, rng)
        return _gather(scratch, n_buckets, output, rng)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _text_bytes(path) -> int:
    metadata = pq.ParquetFile(path).metadata
    text = metadata.schema.names.index("text")
    return sum(metadata.row_group(g).column(text).total_uncompressed_size for g in range(metadata.num_row_groups))


def _scatter(line_tables, copies, scratch: Path, n_buckets: int, rng: np.random.Generator) -> None:
    sinks = [pa.OSFile(str(scratch / f"{b}.arrow"), "wb") for b in range(n_buckets)]
    writers = [pa.ipc.new_stream(sink, BUCKET_SCHEMA) for sink in sinks]
    try:
        for lang in sorted(line_tables):
            lang_copies = copies[lang]
            start = 0
            for batch in tqdm(
                iter_batches(line_tables[lang], ["line", "n_tokens", "text"], batch_size=BATCH_LINES),
                desc=f"scatter {lang}",
                unit="batch",
                mininterval=30,
            ):
                batch_copies = lang_copies[start : start + batch.num_rows]
                start += batch.num_rows
                # one round per copy number keeps memory at one batch, however large the factor
                for copy_number in range(int(batch_copies.max(initial=0))):
                    rows = np.flatnonzero(batch_copies > copy_number)
                    taken = batch.take(pa.array(rows))
                    table = pa.table(
                        {
                            "lang": pa.array([lang] * len(rows), pa.string()),
                            "line": taken.column("line"),
                            "copy": pa.array(np.full(len(rows), copy_number, np.int32)),
                            "n_tokens": taken.column("n_tokens"),
                            "text": taken.column("text"),
                        },
                        schema=BUCKET_SCHEMA,
                    )
                    buckets = rng.integers(n_buckets, size=len(rows))
                    order = np.argsort(buckets, kind="stable")
                    bounds = np.searchsorted(buckets[order], np.arange(n_buckets + 1))
                    for b in np.flatnonzero(np.diff(bounds)):
                        writers[b].write_table(table.take(pa.array(order[bounds[b] : bounds[b + 1]])))
            if start != len(lang_copies):
                raise ValueError(f"{line_tables[lang]}: {start} lines, but the sampling plan has {len(lang_copies)}")
    finally:
        for writer, sink in zip(writers, sinks):
            writer.close()
            sink.close()


def _gather(scratch: Path, n_buckets: int, output: Path, rng: np.random.Generator) -> int:
    position = 0
    with parquet_writer(output, MIX) as rows:
        for b in tqdm(range(n_buckets), desc="gather buckets", mininterval=30):
            path = scratch / f"{b}.arrow"
            with pa.OSFile(str(path), "rb") as source:
                bucket = pa.ipc.open_stream(source).read_all()
            path.unlink()
            permuted = bucket.take(pa.array(rng.permutation(bucket.num_rows)))
            positions = pa.array(np.arange(position, position + bucket.num_rows, dtype=np.int64))
            rows.write_table(permuted.add_column(0, "position", positions))
            position += bucket.num_rows
    return position
