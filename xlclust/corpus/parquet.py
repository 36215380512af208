"""Streaming Parquet writing: rows are buffered into row groups and written atomically."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path

ROW_GROUP_TEXT_BYTES = 16 * 2**20


class RowGroupWriter:
    """Collects rows and writes a row group every ``row_group_size`` rows, or sooner once the
    buffered ``text`` reaches ROW_GROUP_TEXT_BYTES, so memory is bounded for long lines too."""

    def __init__(self, writer: pq.ParquetWriter, schema: pa.Schema, row_group_size: int):
        self.writer = writer
        self.schema = schema
        self.row_group_size = row_group_size
        self.columns: dict[str, list] = {name: [] for name in schema.names}
        self.buffered_text = 0
        self.rows_written = 0

    def append(self, **row) -> None:
        for name, values in self.columns.items():
            values.append(row[name])
        self.buffered_text += len(row.get("text", ""))
        if len(self.columns[self.schema.names[0]]) >= self.row_group_size or self.buffered_text >= ROW_GROUP_TEXT_BYTES:
            self.flush()

    def extend(self, **columns: list) -> None:
        """Append many rows at once, given column by column."""
        for name, values in self.columns.items():
            values.extend(columns[name])
        self.buffered_text += sum(map(len, columns.get("text", ())))
        if len(self.columns[self.schema.names[0]]) >= self.row_group_size or self.buffered_text >= ROW_GROUP_TEXT_BYTES:
            self.flush()

    def write_table(self, table: pa.Table) -> None:
        self.flush()
        self.writer.write_table(table.cast(self.schema), row_group_size=self.row_group_size)
        self.rows_written += table.num_rows

    def flush(self) -> None:
        count = len(self.columns[self.schema.names[0]])
        if count:
            self.writer.write_table(pa.table(self.columns, schema=self.schema))
            self.rows_written += count
            self.columns = {name: [] for name in self.schema.names}
            self.buffered_text = 0


@contextmanager
def parquet_writer(path: str | os.PathLike, schema: pa.Schema, row_group_size: int = 50_000) -> Iterator[RowGroupWriter]:
    """Write a Parquet file with ``schema`` atomically; an empty table if no rows come."""
    with atomic_path(path, suffix=".parquet") as tmp:
        writer = pq.ParquetWriter(tmp, schema, compression="zstd")
        rows = RowGroupWriter(writer, schema, row_group_size)
        try:
            yield rows
            rows.flush()
        finally:
            writer.close()


def open_parquet(path: str | os.PathLike) -> pq.ParquetFile:
    """A ParquetFile that reads as it goes: pyarrow's default pre-buffering keeps every column
    chunk it has read, so memory would grow with the file."""
    return pq.ParquetFile(path, pre_buffer=False)


def iter_batches(path: str | os.PathLike, columns: list[str] | None = None, batch_size: int = 65_536) -> Iterator[pa.RecordBatch]:
    yield from open_parquet(path).iter_batches(batch_size=batch_size, columns=columns)
