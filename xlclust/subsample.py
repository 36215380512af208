"""Seeded subsamples that keep the original order (data sets cut to a configured size)."""

from __future__ import annotations

import numpy as np


def subsample(items: list, limit: int | None, seed: int) -> list:
    """At most ``limit`` items, a seeded sample in the original order (all when ``limit`` is None)."""
    if limit is None or len(items) <= limit:
        return items
    chosen = np.sort(np.random.default_rng(seed).choice(len(items), size=limit, replace=False))
    return [items[i] for i in chosen]
