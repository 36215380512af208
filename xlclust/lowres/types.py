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


def type_counts(types: pd.DataFrame, pairs: pd.DataFrame, language: str) -> dict:
    """Table 9's row of a language: how many word type pairs and word pairs were mined, and how
    many distinct source and target words they hold."""
    return {
        "language": language,
        "pairs": int(types["count"].sum()),
        "type_pairs": len(types),
        "source_types": int(types["source_word"].nunique()),
        "target_types": int(types["target_word"].nunique()),
        "iterations": int(pairs["iteration"].nunique()),
    }


def pair_examples(pairs: pd.DataFrame, source_texts: list[str], target_texts: list[str], language: str, count: int) -> pd.DataFrame:
    """Table 4: the ``count`` most often mined type pairs, each with the sentences of its most similar
    occurrence."""
    best = pairs.sort_values("similarity", ascending=False).drop_duplicates(["source_word", "target_word"])
    frequency = pairs.groupby(["source_word", "target_word"]).size().rename("count")
    best = best.join(frequency, on=["source_word", "target_word"]).sort_values(["count", "similarity"], ascending=False).head(count)
    return pd.DataFrame(
        {
            "language": language,
            "source_word": best["source_word"],
            "target_word": best["target_word"],
            "count": best["count"],
            "similarity": best["similarity"].round(4),
            "source_sentence": [source_texts[i] for i in best["source_sentence"]],
            "target_sentence": [target_texts[i] for i in best["target_sentence"]],
        }
    )
