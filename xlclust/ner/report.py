"""The NER tables: every run's scores in one tidy table, the seed paper's Table 3 — F1 per
language × scheme as mean (std) over seeds — and its Table 5, the generalization study."""

from __future__ import annotations

import pandas as pd

from xlclust.ner.groups import GENERALIZATION, TRAININGS
from xlclust.token_classification.metrics import OVERALL

SCHEME_ORDER = ("monolingual", "family", "cluster", "multilingual", "zeroshot")  # Shaffer's Table 3 columns
SCORE_COLUMNS = ["scheme", "group", "language", "class", "seed", "precision", "recall", "f1", "support"]


def ordered_schemes(present) -> list[str]:
    """The schemes present, in the order of :data:`SCHEME_ORDER` (others after, sorted)."""
    present = set(present)
    return [g for g in SCHEME_ORDER if g in present] + sorted(present - set(SCHEME_ORDER))


def summarize(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds of each (scheme, group, language, class)."""
    summary = (
        scores.groupby(["scheme", "group", "language", "class"], sort=True)["f1"]
        .agg(f1_mean="mean", f1_std="std", seeds="count")
        .reset_index()
    )
    summary["f1_std"] = summary["f1_std"].fillna(0.0)
    return summary


def mean_std_cells(summary: pd.DataFrame) -> list[str]:
    """F1 as the papers' tables print it: 'mean (std)' over seeds."""
    return [f"{m:.1f} ({s:.1f})" for m, s in zip(summary["f1_mean"], summary["f1_std"])]


def table3(summary: pd.DataFrame) -> pd.DataFrame:
    """Overall F1 'mean (std)' with a row per language and a column per scheme (zero-shot
    rows only where the language was held out)."""
    overall = summary[summary["class"] == OVERALL].copy()
    overall["cell"] = mean_std_cells(overall)
    wide = overall.pivot_table(index="language", columns="scheme", values="cell", aggfunc="first")
    return wide[ordered_schemes(wide.columns)].reset_index()


def table5(summary: pd.DataFrame, corpus: str) -> pd.DataFrame:
    """Shaffer (2021) Table 5: for each training of the generalization study (WikiAnn, the corpus,
    both, the language's cluster), F1 'mean (std)' over seeds on ``corpus``'s test set, overall and
    per class."""
    rows = summary[(summary["scheme"] == GENERALIZATION) & (summary["language"] == corpus)].copy()
    rows["cell"] = mean_std_cells(rows)
    wide = rows.pivot_table(index="group", columns="class", values="cell", aggfunc="first")
    wide = wide.reindex([t for t in TRAININGS if t in wide.index])
    classes = [OVERALL] + sorted(c for c in wide.columns if c != OVERALL)
    return wide[classes].rename_axis(index="training", columns=None).reset_index()
