"""Pretraining examples from the encoded shards: ``[CLS] ids [SEP]``, lines longer than the
sequence length cut into several examples, read one shard at a time.

The order is a pure function of (seed, epoch): shards in a seeded order, examples inside a shard
in a seeded order. Any example index can be reached without reading what comes before it, which
is how a resumed run continues exactly where its checkpoint was taken.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from xlclust.errors import XlclustError


def chunk_bounds(lengths: np.ndarray, body: int) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every example in a shard's flat ID array: each line cut into pieces of at
    most ``body`` IDs; empty lines give none."""
    line_starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    pieces = -(-lengths // body)  # ceil
    line_of = np.repeat(np.arange(len(lengths)), pieces)
    index_in_line = np.arange(pieces.sum()) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    starts = line_starts[line_of] + index_in_line * body
    ends = np.minimum(starts + body, line_starts[line_of] + lengths[line_of])
    return starts, ends


@dataclass
class ExampleStream:
    shards: Sequence[str | os.PathLike]
    max_length: int
    cls_id: int
    sep_id: int
    seed: int

    def __post_init__(self):
        if self.max_length < 3:
            raise XlclustError(f"max_length {self.max_length}: too short for [CLS] x [SEP]")
        self.body = self.max_length - 2
        self.counts = []
        for shard in self.shards:
            lengths = pc.list_value_length(pq.read_table(shard, columns=["input_ids"]).column("input_ids")).to_numpy()
            self.counts.append(int((-(-lengths // self.body)).sum()))
        self.total = sum(self.counts)
        if self.total == 0:
            raise XlclustError(f"no pretraining examples in {len(self.shards)} encoded shards")

    def shard_order(self, epoch: int) -> np.ndarray:
        return np.random.default_rng([self.seed, epoch]).permutation(len(self.shards))

    def _shard_examples(self, shard: int, epoch: int) -> list[np.ndarray]:
        table = pq.read_table(self.shards[shard], columns=["input_ids"]).combine_chunks()
        column = table.column("input_ids").chunk(0) if table.num_rows else None
        if column is None:
            return []
        values = column.values.to_numpy().astype(np.int64)
        lengths = pc.list_value_length(column).to_numpy().astype(np.int64)
        starts, ends = chunk_bounds(lengths, self.body)
        order = np.random.default_rng([self.seed, epoch, shard]).permutation(len(starts))
        cls, sep = np.array([self.cls_id]), np.array([self.sep_id])
        return [np.concatenate([cls, values[starts[i] : ends[i]], sep]) for i in order]

    def iterate(self, start: int = 0) -> Iterator[np.ndarray]:
        """Examples from global index ``start`` on, epoch after epoch, forever."""
        epoch, offset = divmod(start, self.total)
        while True:
            for shard in self.shard_order(epoch):
                if offset >= self.counts[shard]:
                    offset -= self.counts[shard]
                    continue
                examples = self._shard_examples(shard, epoch)
                yield from examples[offset:]
                offset = 0
            epoch += 1
