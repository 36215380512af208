"""From subword pieces to words: every word's vector pooled over its pieces' vectors in one scatter
(van der Heijden et al. max-pool LASER's BPE states over a word's symbols; ``bpe_bow`` combines
embeddings)."""

from __future__ import annotations

import torch

POOLING = ("max", "mean", "sum")
REDUCE = {"max": "amax", "mean": "mean", "sum": "sum"}


def pool_pieces(states: torch.Tensor, word_of_piece: torch.Tensor, words: int, mode: str = "max") -> torch.Tensor:
    """``states`` (batch, pieces, dim) → (batch, words, dim); ``word_of_piece`` (batch, pieces) holds
    each piece's word index, −1 for pieces of no word (specials, padding). A word without pieces is 0."""
    if mode not in POOLING:
        raise ValueError(f"pooling {mode!r} is not one of {POOLING}")
    batch, _, dim = states.shape
    inside = word_of_piece >= 0
    rows = torch.arange(batch, device=states.device).unsqueeze(1).expand_as(word_of_piece)
    slot = (rows * words + word_of_piece)[inside]  # (pieces in words,)
    pooled = states.new_zeros(batch * words, dim)
    pooled = pooled.scatter_reduce(0, slot.unsqueeze(1).expand(-1, dim), states[inside], reduce=REDUCE[mode], include_self=False)
    return pooled.view(batch, words, dim)
