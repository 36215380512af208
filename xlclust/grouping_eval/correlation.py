"""Fig. 10 ("Tomato, Tomahto, Tomate" App. C): are the languages hurt alike across benchmarks?

Per pair of benchmarks and grouping ratio r_G: Pearson's ρ between the per-language relative drops
(100 − a language's score in percent of the reference's on that language) of the two benchmarks,
over the languages both evaluate, and its one-tailed p (alternative: ρ > 0).

Which runs (ours; App. C does not say): the in-language scores of k-means grouping with CLSA (the
main pair set) and continual pretraining at the full dimension, against the configured reference
(the backbone continually pretrained, full vocabulary). This is the paper's default configuration
(App. B chooses its pair set as the default; Figs. 4, 5 and 9 show SG with both), whose r_G are
Fig. 10's columns; in-language, because a zero-shot source language has no drop to compare and
MasakhaNER, which has no zero-shot runs, shares no language with the other benchmarks anyway.

The pairs. App. C lists five pairs in three groups, but writes "MIRACL (rerank) vs. TyDiQA" twice,
as group I (b) and group III (b). Group I is "different task types and data sources", whose (a)
is MIRACL retrieval (a bi-encoder, §4.1's embedding task) against XNLI; group III is "same task
type, different data sources", reranking (a cross-encoder classifier, one of §4.1's four
classification tasks) against XNLI and TyDi QA. Reranking against TyDi QA is thus group III's; we
read group I (b) as MIRACL (retrieval) vs. TyDi QA, the retrieval counterpart of group I (a), as
group III pairs reranking with both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from xlclust.grouping_eval.report import HEADLINE_METRICS, in_language_from_all, per_language
from xlclust.grouping_eval.studies import aligned, continual, full_dim, grouped

# (group, first benchmark, second benchmark), App. C's order; group I (b) read as retrieval (module docstring)
PAIRS = (
    ("I", "miracl_retrieval", "xnli"),
    ("I", "miracl_retrieval", "tydiqa"),
    ("II", "miracl_retrieval", "miracl_reranking"),
    ("III", "miracl_reranking", "xnli"),
    ("III", "miracl_reranking", "tydiqa"),
)
NAMES = {"miracl_retrieval": "MIRACL (bi)", "miracl_reranking": "MIRACL (cross)", "xnli": "XNLI", "tydiqa": "TyDiQA"}
MIN_LANGUAGES = 3  # fewer overlapping languages: no ρ (the cell says n<3)
COLUMNS = ["backbone", "group", "pair", "ratio", "n", "rho", "p"]


def pair_name(first: str, second: str) -> str:
    return f"{NAMES[first]} vs {NAMES[second]}"


def language_drops(scores: pd.DataFrame, references: dict[str, str]) -> pd.DataFrame:
    """Per backbone, task, r_G and language: 100 − the score in percent of the reference's on that
    language (means over seeds), for the runs the module's docstring names."""
    rows = per_language(in_language_from_all(scores), references)
    rows = rows[
        (rows["scenario"] == "in_language") & (rows["metric"] == rows["task"].map(HEADLINE_METRICS)) & rows["backbone"].isin(references)
    ]
    rows = rows.reset_index(drop=True)
    rows = rows[(grouped(rows) & aligned(rows) & continual(rows) & full_dim(rows)).to_numpy()]
    rows = rows.assign(drop=100 - rows["value"] / rows["ref_value"].where(rows["ref_value"] > 0) * 100)
    return rows.dropna(subset=["drop"])[["backbone", "task", "ratio", "language", "drop"]]


def correlate(first: pd.Series, second: pd.Series) -> tuple[int, float, float]:
    """n, Pearson's ρ and its one-tailed p (ρ > 0) over the languages both series have; ρ and p
    empty under three languages or where a series is constant."""
    both = pd.concat([first.rename("a"), second.rename("b")], axis=1, join="inner").dropna()
    n = len(both)
    if n < MIN_LANGUAGES or both["a"].nunique() < 2 or both["b"].nunique() < 2:
        return n, float("nan"), float("nan")
    result = stats.pearsonr(both["a"], both["b"], alternative="greater")
    return n, float(result.statistic), float(result.pvalue)


def correlations(scores: pd.DataFrame, references: dict[str, str]) -> pd.DataFrame:
    """Fig. 10's cells (results/grouping_eval/fig10.csv): backbone, group, pair, ratio, n, rho, p
    for every pair of App. C and every r_G the runs have."""
    drops = language_drops(scores, references)
    rows = []
    for (backbone, ratio), runs in drops.groupby(["backbone", "ratio"], sort=True):
        series = {task: run.set_index("language")["drop"] for task, run in runs.groupby("task")}
        for group, first, second in PAIRS:
            empty = pd.Series(dtype=float)
            n, rho, p = correlate(series.get(first, empty), series.get(second, empty))
            rows.append(
                {"backbone": backbone, "group": group, "pair": pair_name(first, second), "ratio": ratio, "n": n, "rho": rho, "p": p}
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def heatmap_grid(cells: pd.DataFrame, value: str) -> tuple[list[str], list, np.ndarray, np.ndarray]:
    """Rows (App. C's group and pair, backbone-prefixed where several), columns (r_G) and the ``value`` and
    ``n`` matrices of a heatmap."""
    several = cells["backbone"].nunique() > 1
    labels = cells["group"] + ": " + cells["pair"]
    cells = cells.assign(label=cells["backbone"] + " " + labels if several else labels)
    order = [f"{group}: {pair_name(a, b)}" for group, a, b in PAIRS]
    rows = sorted(
        cells["label"].unique(),
        key=lambda label: (label.split(" ")[0] if several else "", order.index(label.split(" ", 1)[1] if several else label)),
    )
    columns = sorted(cells["ratio"].unique())
    values = cells.pivot_table(index="label", columns="ratio", values=value, dropna=False).reindex(index=rows, columns=columns)
    counts = cells.pivot_table(index="label", columns="ratio", values="n").reindex(index=rows, columns=columns).fillna(0)
    return rows, columns, values.to_numpy(dtype=float), counts.to_numpy(dtype=int)
