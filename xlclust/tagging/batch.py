"""Padded batches of tagged sentences: the words, their tags, and each embedder's inputs (LASER's BPE
pieces with each piece's word, or word IDs into a static vocabulary)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

IGNORED = -1  # a padded tag or piece position


@dataclass
class TagBatch:
    word_mask: torch.Tensor  # (batch, words) bool
    tags: torch.Tensor  # (batch, words), IGNORED where padded
    piece_ids: torch.Tensor | None = None  # (batch, pieces)
    piece_lengths: torch.Tensor | None = None  # (batch,)
    word_of_piece: torch.Tensor | None = None  # (batch, pieces), −1 for pieces of no word and padding
    word_ids: torch.Tensor | None = None  # (batch, words) into a static vocabulary
    language_ids: torch.Tensor | None = None  # (batch,) a model's language embedding IDs (XLM)

    @property
    def words(self) -> int:
        return self.word_mask.shape[1]

    def to(self, device) -> TagBatch:
        return TagBatch(**{name: None if value is None else value.to(device) for name, value in vars(self).items()})


def pad(rows: list[np.ndarray], value: int) -> torch.Tensor:
    width = max((len(row) for row in rows), default=0)
    out = np.full((len(rows), width), value, dtype=np.int64)
    for index, row in enumerate(rows):
        out[index, : len(row)] = row
    return torch.from_numpy(out)


def make_batch(
    tags: list[np.ndarray],
    pieces: list[tuple[np.ndarray, np.ndarray]] | None = None,
    word_ids: list[np.ndarray] | None = None,
    pad_id: int = 1,
    language_ids: list[int] | None = None,
) -> TagBatch:
    """One batch from per-sentence tag indices and, where the embedder reads them, (piece IDs, piece
    → word) pairs (padded with ``pad_id``), word IDs, or language IDs."""
    lengths = torch.tensor([len(t) for t in tags])
    batch = TagBatch(word_mask=torch.arange(int(lengths.max())) < lengths.unsqueeze(1), tags=pad(tags, IGNORED))
    if pieces is not None:
        batch.piece_ids = pad([ids for ids, _ in pieces], pad_id)
        batch.word_of_piece = pad([words for _, words in pieces], -1)
        batch.piece_lengths = torch.tensor([len(ids) for ids, _ in pieces])
    if word_ids is not None:
        batch.word_ids = pad(word_ids, 0)
    if language_ids is not None:
        batch.language_ids = torch.tensor(language_ids, dtype=torch.long)
    return batch
