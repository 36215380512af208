"""Mined word types (Hangya et al. 2022 Table 9) and examples of mined pairs in context (Table 4)."""

from __future__ import annotations

import pandas as pd


def mined_types(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per mined (source word, target word) type: how often it was mined, its mean
    similarity and the iterations it was mined in; most frequent first."""
    grouped = pairs.groupby(["source_word", "target_word"], sort=False)
    table = grouped.agg(count=("similarity", "size"), mean_similarity=("similarity", "mean"), first_iteration=("iteration", "min"))
    return table.reset_index().sort_values(["count", "mean_similarity", "source_word", "target_word"], ascending=[False, False, True, True])


def dictionary_precision(types: pd.DataFrame, dictionary: set[tuple[str, str]]) -> dict:
    """Share of mined types (and of mined pairs, weighted by count) that a dictionary lists."""
    listed = [(s, t) in dictionary for s, t in zip(types["source_word"], types["target_word"])]
    weights = types["count"].to_numpy()
    return {
        "types": len(types),
        "type_precision": float(sum(listed) / len(types)) if len(types) else float("nan"),
        "pair_precision": float((weights * listed).sum() / weights.sum()) if len(types) else float("nan"),
    }
