"""The system's tables: word retrieval accuracy and zero-shot NER F1 per method and language, with
the average over the languages (Hangya et al. 2022 Tables 2 and 3)."""

from __future__ import annotations

import pandas as pd

from xlclust.ner.metrics import OVERALL


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
