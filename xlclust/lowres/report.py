"""The system's tables: word retrieval accuracy and zero-shot NER F1 per method and language, with
the average over the languages (Hangya et al. 2022 Tables 2 and 3)."""

from __future__ import annotations

import pandas as pd

from xlclust.token_classification.metrics import OVERALL


def headline(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per (method, language): the mean of both retrieval directions, or NER's all-class F1."""
    if metric == "accuracy":
        rows = table[table["source"] == "avg"]
    else:
        rows = table[table["class"] == OVERALL]
    return rows[["method", "language", metric]].reset_index(drop=True)


def with_average(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The headline rows and, per method, their average over the languages (language 'avg')."""
    average = table.groupby("method", sort=False)[metric].mean().reset_index().assign(language="avg")
    return pd.concat([table, average[["method", "language", metric]]], ignore_index=True)


MINING_METHODS = {"mined": "forward_backward", "mined_intersection": "intersection"}


def mining_modes(retrieval: pd.DataFrame, ner: pd.DataFrame, iterations: pd.DataFrame) -> pd.DataFrame:
    """Table 5: per language and mining method, the retrieval accuracy (mean of both directions), the
    NER F1 and the mean pairs mined (and their mean similarity) per iteration; language 'avg' holds
    each method's average over the languages."""
    scores = headline(retrieval, "accuracy").merge(headline(ner, "f1"), on=["method", "language"], how="outer")
    mined = (
        iterations.groupby(["method", "language"], sort=False)
        .agg(pairs_per_iteration=("pairs", "mean"), mean_similarity=("mean_similarity", "mean"))
        .reset_index()
    )
    table = mined.merge(scores, on=["method", "language"], how="left")
    table = table[table["method"].isin(list(MINING_METHODS))]
    average = table.drop(columns="language").groupby("method", sort=False).mean().reset_index().assign(language="avg")
    table = pd.concat([table, average], ignore_index=True)
    table.insert(1, "mode", table["method"].map(MINING_METHODS))
    columns = ["language", "method", "mode", "accuracy", "f1", "pairs_per_iteration", "mean_similarity"]
    return table[columns].sort_values(["language", "method"], key=lambda c: c.map({"avg": "~"}).fillna(c)).reset_index(drop=True)
