"""The word embedders van der Heijden et al. compare under one tagger. Each maps a :class:`TagBatch`
to (batch, words, dim):

- ``bpe_bow``: the mean (or sum) of a word's LASER BPE embeddings;
- ``bpe_gru``: a bidirectional GRU over a word's BPE embeddings, max-pooled over its pieces;
- ``muse``: static aligned word vectors;
- ``laser_top``: LASER's top BiLSTM layer, per piece the max over both directions, scaled by a
  learned γ, max-pooled over the word's pieces;
- ``laser_elmo``: the same over an ELMo mix (softmax weights, γ) of all LASER layers;
- ``lstm_nopre``: ``laser_elmo``'s shape with a randomly initialized 2-layer BiLSTM instead of LASER.

LASER's weights stay frozen (the paper's feature extraction); the mixes, γ and the baselines' own
layers train with the tagger.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from xlclust.tagging.batch import TagBatch
from xlclust.tagging.laser import LaserEncoder, ScalarMix, direction_max
from xlclust.tagging.pooling import pool_pieces

EMBEDDERS = ("bpe_bow", "bpe_gru", "muse", "laser_top", "laser_elmo", "lstm_nopre")


def embedding_copy(embedding: nn.Embedding, freeze: bool) -> nn.Embedding:
    return nn.Embedding.from_pretrained(embedding.weight.detach().clone(), freeze=freeze, padding_idx=embedding.padding_idx)


class BpeBow(nn.Module):
    def __init__(self, embedding: nn.Embedding, pooling: str = "mean", freeze: bool = True):
        super().__init__()
        self.embedding, self.pooling, self.dim = embedding_copy(embedding, freeze), pooling, embedding.embedding_dim

    def forward(self, batch: TagBatch) -> torch.Tensor:
        return pool_pieces(self.embedding(batch.piece_ids), batch.word_of_piece, batch.words, self.pooling)


def word_piece_sequences(states: torch.Tensor, word_of_piece: torch.Tensor, words: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Every word's pieces as its own sequence: (batch × words, longest word, dim), each word's piece
    count, and which of the batch × words slots hold a word with pieces. A word's pieces are contiguous."""
    batch, pieces, dim = states.shape
    inside = word_of_piece >= 0
    slot = (torch.arange(batch, device=states.device).unsqueeze(1) * words + word_of_piece)[inside]
    counts = torch.bincount(slot, minlength=batch * words)
    first = torch.cumsum(counts, 0) - counts
    position = torch.arange(len(slot), device=states.device) - first[slot]
    sequences = states.new_zeros(batch * words, int(counts.max()) if len(slot) else 1, dim)
    sequences[slot, position] = states[inside]
    return sequences, counts, counts > 0


class BpeGru(nn.Module):
    def __init__(self, embedding: nn.Embedding, hidden_size: int = 150, freeze: bool = True):
        super().__init__()
        self.embedding = embedding_copy(embedding, freeze)
        self.gru = nn.GRU(embedding.embedding_dim, hidden_size, batch_first=True, bidirectional=True)
        self.dim = 2 * hidden_size

    def forward(self, batch: TagBatch) -> torch.Tensor:
        sequences, counts, present = word_piece_sequences(self.embedding(batch.piece_ids), batch.word_of_piece, batch.words)
        out = sequences.new_zeros(len(counts), self.dim)
        packed = pack_padded_sequence(sequences[present], counts[present].cpu(), batch_first=True, enforce_sorted=False)
        states, _ = pad_packed_sequence(self.gru(packed)[0], batch_first=True, padding_value=float("-inf"))
        out[present] = states.max(dim=1).values
        return out.view(batch.word_mask.shape[0], batch.words, self.dim)


class StaticVectors(nn.Module):
    """Pretrained word vectors (row 0: unknown words, zero), frozen."""

    def __init__(self, vectors: torch.Tensor):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(vectors, freeze=True, padding_idx=0)
        self.dim = vectors.shape[1]

    def forward(self, batch: TagBatch) -> torch.Tensor:
        return self.embedding(batch.word_ids)


class LaserWords(nn.Module):
    """LASER (or ``lstm_nopre``'s random stand-in) pooled into words: ``top`` takes the top layer,
    ``elmo`` mixes all layers. The BPE embeddings stay frozen; the BiLSTM trains when ``train_lstm``."""

    def __init__(self, encoder: LaserEncoder, mixing: str, train_lstm: bool = False):
        super().__init__()
        self.encoder, self.mixing, self.train_lstm = encoder, mixing, train_lstm
        encoder.embed_tokens.weight.requires_grad_(False)
        for parameter in encoder.lstm.parameters():
            parameter.requires_grad_(train_lstm)
        self.mix = ScalarMix(len(encoder.lstm.layers) if mixing == "elmo" else 1)
        self.dim = encoder.lstm.layers[0].hidden_size

    def train(self, mode: bool = True):
        super().train(mode)
        if not self.train_lstm:
            self.encoder.eval()  # a frozen LASER runs without dropout
        return self

    def forward(self, batch: TagBatch) -> torch.Tensor:
        with torch.set_grad_enabled(self.train_lstm and torch.is_grad_enabled()):
            states = self.encoder(batch.piece_ids, batch.piece_lengths)
        symbols = [direction_max(layer) for layer in (states if self.mixing == "elmo" else states[-1:])]
        return pool_pieces(self.mix(symbols), batch.word_of_piece, batch.words, "max")


def random_laser_like(embedding: nn.Embedding, hidden_size: int, layers: int, seed: int) -> LaserEncoder:
    """``lstm_nopre``'s encoder: LASER's BPE embeddings under a randomly initialized BiLSTM."""
    torch.manual_seed(seed)
    encoder = LaserEncoder(embedding.num_embeddings, embedding.padding_idx, embedding.embedding_dim, hidden_size, layers, True)
    encoder.embed_tokens.weight.data.copy_(embedding.weight.detach())
    return encoder
