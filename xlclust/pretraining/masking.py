"""BERT's masked-LM inputs (Devlin et al. 2019 §3.1): a share of the real tokens is chosen
(15 %); of those 80 % become ``[MASK]``, 10 % a random token, 10 % stay. Special tokens and
padding are never chosen; random replacements are never special tokens.

Every batch draws from its own generator, seeded by (seed, step, micro-batch), so masks do not
depend on what ran before: a resumed run masks exactly as an uninterrupted one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

IGNORE = -100  # the label of positions without a loss (PyTorch's cross-entropy default)


@dataclass(frozen=True)
class MaskingSpec:
    probability: float = 0.15
    mask_share: float = 0.8
    random_share: float = 0.1


def pad_batch(examples: list[np.ndarray], pad_id: int, multiple: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded IDs and attention mask, the length rounded up to ``multiple`` (tensor cores)."""
    length = max(len(e) for e in examples)
    length = -(-length // multiple) * multiple
    ids = np.full((len(examples), length), pad_id, dtype=np.int64)
    for row, example in enumerate(examples):
        ids[row, : len(example)] = example
    ids = torch.from_numpy(ids)
    return ids, (ids != pad_id).long()


def replacement_ids(vocab_size: int, special_ids: torch.Tensor) -> torch.Tensor:
    """The IDs a chosen token may be replaced by at random: every ID but the specials."""
    return torch.from_numpy(np.setdiff1d(np.arange(vocab_size), special_ids.numpy()))


def mask_tokens(
    input_ids: torch.Tensor, special_ids: torch.Tensor, mask_id: int, ordinary: torch.Tensor, spec: MaskingSpec, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """(masked inputs, labels); labels are IGNORE except at the chosen positions; random
    replacements are drawn from ``ordinary`` (:func:`replacement_ids`)."""
    candidates = ~torch.isin(input_ids, special_ids)
    chosen = (torch.rand(input_ids.shape, generator=generator) < spec.probability) & candidates
    labels = torch.where(chosen, input_ids, torch.full_like(input_ids, IGNORE))
    action = torch.rand(input_ids.shape, generator=generator)
    to_mask = chosen & (action < spec.mask_share)
    to_random = chosen & (action >= spec.mask_share) & (action < spec.mask_share + spec.random_share)
    random_tokens = ordinary[torch.randint(len(ordinary), input_ids.shape, generator=generator)]
    masked = torch.where(to_mask, torch.full_like(input_ids, mask_id), input_ids)
    masked = torch.where(to_random, random_tokens, masked)
    return masked, labels
