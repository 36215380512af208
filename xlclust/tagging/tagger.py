"""van der Heijden et al.'s sequence tagger: a word embedder, dropout, a 2-layer Transformer encoder
(2 heads, 300-d Q/K/V and feed-forward) with sinusoidal positions, and a CRF over its emissions."""

from __future__ import annotations

import math

import torch
from torch import nn

from xlclust.tagging.batch import TagBatch
from xlclust.tagging.crf import LinearChainCRF


def sinusoidal_positions(length: int, dim: int) -> torch.Tensor:
    position = torch.arange(length).unsqueeze(1)
    frequency = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)[:, : dim // 2]
    return table


class TransformerCrfTagger(nn.Module):
    def __init__(
        self,
        embedder: nn.Module,
        num_tags: int,
        *,
        model_dim: int = 300,
        heads: int = 2,
        layers: int = 2,
        feedforward: int = 300,
        embedding_dropout: float = 0.25,
        dropout: float = 0.15,
        max_words: int = 512,
    ):
        super().__init__()
        self.embedder = embedder
        self.embedding_dropout = nn.Dropout(embedding_dropout)
        self.project = nn.Linear(embedder.dim, model_dim)
        self.register_buffer("positions", sinusoidal_positions(max_words, model_dim), persistent=False)
        layer = nn.TransformerEncoderLayer(model_dim, heads, feedforward, dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.emit = nn.Linear(model_dim, num_tags)
        self.crf = LinearChainCRF(num_tags)

    def emissions(self, batch: TagBatch) -> torch.Tensor:
        if batch.words > len(self.positions):
            raise ValueError(f"a sentence of {batch.words} words; the tagger takes at most {len(self.positions)}")
        words = self.project(self.embedding_dropout(self.embedder(batch)))
        hidden = self.encoder(words + self.positions[: batch.words], src_key_padding_mask=~batch.word_mask)
        return self.emit(hidden)

    def loss(self, batch: TagBatch) -> torch.Tensor:
        """The mean negative log-likelihood of the gold tags."""
        tags = batch.tags.clamp(min=0)  # padded positions are masked out
        return -self.crf.log_likelihood(self.emissions(batch), tags, batch.word_mask).mean()

    @torch.no_grad()
    def predict(self, batch: TagBatch) -> list[list[int]]:
        return self.crf.decode(self.emissions(batch), batch.word_mask)
