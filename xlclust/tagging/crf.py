"""A linear-chain conditional random field over a tagger's emission scores: the sequence
log-likelihood by the forward algorithm and the best tag sequence by Viterbi, batched over padded
sequences (van der Heijden et al.'s tagger tops its Transformer with one)."""

from __future__ import annotations

import torch
from torch import nn


class LinearChainCRF(nn.Module):
    """Start, end and tag-to-tag transition scores; ``emissions`` are (batch, length, tags) and
    ``mask`` (batch, length) marks the real positions, which must come first in every row."""

    def __init__(self, num_tags: int):
        super().__init__()
        self.num_tags = num_tags
        self.start = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        self.end = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        self.transitions = nn.Parameter(torch.empty(num_tags, num_tags).uniform_(-0.1, 0.1))  # [from, to]

    def _check(self, emissions: torch.Tensor, mask: torch.Tensor) -> None:
        if emissions.dim() != 3 or emissions.shape[2] != self.num_tags or mask.shape != emissions.shape[:2]:
            raise ValueError(f"emissions {tuple(emissions.shape)} and mask {tuple(mask.shape)} do not fit a CRF of {self.num_tags} tags")
        if not bool(mask[:, 0].all()):
            raise ValueError("every sequence needs at least one position, at its start")

    def path_scores(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The unnormalized score of the given tag sequences, one per row."""
        mask = mask.to(emissions.dtype)
        rows = torch.arange(emissions.shape[0], device=emissions.device)
        emitted = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)  # (batch, length)
        score = self.start[tags[:, 0]] + emitted[:, 0]
        steps = self.transitions[tags[:, :-1], tags[:, 1:]] + emitted[:, 1:]
        score = score + (steps * mask[:, 1:]).sum(1)
        last = mask.sum(1).long() - 1
        return score + self.end[tags[rows, last]]

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """log Σ over all tag sequences of exp(score), one per row (the forward algorithm)."""
        alpha = self.start + emissions[:, 0]  # (batch, tags)
        for position in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, position].unsqueeze(1), dim=1)
            alpha = torch.where(mask[:, position].unsqueeze(1), step, alpha)
        return torch.logsumexp(alpha + self.end, dim=1)

    def log_likelihood(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """log p(tags | emissions) per row; training minimizes its negative mean."""
        self._check(emissions, mask)
        return self.path_scores(emissions, tags, mask) - self.log_partition(emissions, mask)

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """The highest-scoring tag sequence of every row, as long as its real positions (Viterbi)."""
        self._check(emissions, mask)
        score = self.start + emissions[:, 0]
        history = []
        for position in range(1, emissions.shape[1]):
            candidates = score.unsqueeze(2) + self.transitions  # (batch, from, to)
            best, previous = candidates.max(dim=1)
            history.append(previous)
            score = torch.where(mask[:, position].unsqueeze(1), best + emissions[:, position], score)
        score = score + self.end
        lengths = mask.sum(1).tolist()
        last = score.argmax(1).tolist()
        paths = []
        for row, length in enumerate(lengths):
            tag, path = last[row], [last[row]]
            for previous in reversed(history[: length - 1]):
                tag = int(previous[row, tag])
                path.append(tag)
            paths.append(path[::-1])
        return paths
