"""The sign test of van der Heijden et al. (each embedder against LASER-top, α = 0.05): paired outcomes,
ties dropped, an exact two-sided binomial test on the wins."""

from __future__ import annotations

import numpy as np
from scipy.stats import binomtest


def sign_test_p(wins: int, losses: int) -> float:
    """The two-sided p-value of ``wins`` against ``losses`` under p = ½ (ties already dropped)."""
    return float(binomtest(wins, wins + losses, 0.5, alternative="two-sided").pvalue) if wins + losses else 1.0


def sign_test(scores: np.ndarray, reference: np.ndarray) -> dict:
    """Wins, losses and ties of ``scores`` over ``reference`` (paired, e.g. per sentence) and the
    two-sided p-value of as lopsided a split of the untied pairs under p = ½."""
    scores, reference = np.asarray(scores, dtype=float), np.asarray(reference, dtype=float)
    if scores.shape != reference.shape:
        raise ValueError(f"paired outcomes of different shapes: {scores.shape} and {reference.shape}")
    wins, losses = int((scores > reference).sum()), int((scores < reference).sum())
    return {"wins": wins, "losses": losses, "ties": int(scores.size - wins - losses), "p_value": sign_test_p(wins, losses)}
