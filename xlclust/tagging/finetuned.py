"""van der Heijden et al.'s fine-tuned Transformers (mBERT, XLM): the whole model under a linear
classification layer in place of the word embedder + Transformer + CRF tagger. A word is tagged from
its first subword's state (Devlin et al. 2019 §5.3, the usual reading for NER); a word that got no
pieces (past the model's length) is scored from the layer's bias alone. Models with language
embeddings (XLM) read each sentence's language ID."""

from __future__ import annotations

import torch
from torch import nn

from xlclust.tagging.batch import IGNORED, TagBatch


def first_piece_states(states: torch.Tensor, word_of_piece: torch.Tensor, words: int) -> torch.Tensor:
    """(batch, words, dim): each word's first piece's state; zeros for a word without pieces."""
    batch, pieces, dim = states.shape
    position = torch.arange(pieces, device=states.device).expand(batch, pieces)
    first = torch.full((batch, words + 1), pieces, device=states.device, dtype=torch.long)
    slot = torch.where(word_of_piece >= 0, word_of_piece, words)  # pieces of no word go to a spare slot
    first = first.scatter_reduce(1, slot, position, "amin")[:, :words]
    padded = torch.cat([states, states.new_zeros(batch, 1, dim)], dim=1)  # index ``pieces``: no piece
    return padded.gather(1, first.unsqueeze(-1).expand(batch, words, dim))


class FinetunedTagger(nn.Module):
    def __init__(self, encoder: nn.Module, num_tags: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.classify = nn.Linear(encoder.config.hidden_size, num_tags)

    def logits(self, batch: TagBatch) -> torch.Tensor:
        attention = torch.arange(batch.piece_ids.shape[1], device=batch.piece_ids.device) < batch.piece_lengths.unsqueeze(1)
        inputs = {"input_ids": batch.piece_ids, "attention_mask": attention.long()}
        if batch.language_ids is not None:
            inputs["langs"] = batch.language_ids.unsqueeze(1).expand_as(batch.piece_ids)
        states = self.encoder(**inputs).last_hidden_state
        return self.classify(self.dropout(first_piece_states(states, batch.word_of_piece, batch.words)))

    def loss(self, batch: TagBatch) -> torch.Tensor:
        """The mean cross-entropy over the batch's words."""
        return nn.functional.cross_entropy(self.logits(batch).flatten(0, 1), batch.tags.flatten(), ignore_index=IGNORED)

    @torch.no_grad()
    def predict(self, batch: TagBatch) -> list[list[int]]:
        best = self.logits(batch).argmax(-1)
        return [best[row, :length].tolist() for row, length in enumerate(batch.word_mask.sum(1).tolist())]
