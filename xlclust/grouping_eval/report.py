"""The semantic-grouping evaluation's tables and figure ("Tomato, Tomahto, Tomate" Table 5, Fig. 9):
every run's scores with its pipeline's settings, relative to the ungrouped oracle (the backbone as
it is, same task, scenario, language and seed: Table 5's "perc"), means over languages, and the
score against the grouping ratio r_G with the 90 % and 80 % bands."""

from __future__ import annotations

import pandas as pd

from xlclust.grouping.pipelines import parse_pipeline

SETTINGS = ["pipeline", "backbone", "clsa", "method", "ratio", "dim", "continual"]
COLUMNS = [*SETTINGS, "task", "scenario", "train_language", "language", "seed", "metric", "value", "relative"]
KEYS = ["backbone", "task", "scenario", "language", "seed", "metric"]
# the metric each task's figure panel shows (Table 5's)
HEADLINE_METRICS = {"masakhaner": "f1", "xnli": "accuracy", "tydiqa": "F1", "miracl_retrieval": "ndcg@10", "miracl_reranking": "ndcg@10"}


def run_rows(pipeline: str, task: str, train_language: str, seed: int, scores: pd.DataFrame) -> pd.DataFrame:
    """One run's scores (language, scenario: in_language or zero_shot, metric, value) with its
    pipeline's settings."""
    return scores.assign(pipeline=pipeline, **parse_pipeline(pipeline).describe(), task=task, train_language=train_language, seed=seed)


def with_relative(frame: pd.DataFrame) -> pd.DataFrame:
    """``relative``: a score in percent of the oracle's (the backbone's own, same keys); empty where
    the oracle was not evaluated."""
    oracle = frame[frame["pipeline"] == frame["backbone"]].set_index(KEYS)["value"].rename("oracle")
    merged = frame.join(oracle, on=KEYS)
    merged["relative"] = merged["value"] / merged["oracle"].where(merged["oracle"] > 0) * 100  # none against an oracle of 0
    return merged.drop(columns="oracle")[COLUMNS].sort_values(["backbone", "pipeline", "task", "scenario", "language", "seed"])


def table5(scores: pd.DataFrame) -> pd.DataFrame:
    """Per pipeline, task and scenario: the mean score over languages and seeds, and its mean share of
    the oracle's ("perc")."""
    grouped = scores.groupby([*SETTINGS, "task", "scenario", "metric"], dropna=False, sort=False)
    table = grouped.agg(languages=("language", "nunique"), seeds=("seed", "nunique"), mean=("value", "mean"), perc=("relative", "mean"))
    return table.reset_index().round({"mean": 2, "perc": 1})


def score_figure(scores: pd.DataFrame, path) -> None:
    """Fig. 9: each grouping's share of the oracle (mean over languages) against r_G (log scale), a
    panel per task and scenario (its headline metric), with the 90 % and 80 % bands."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from xlclust.atomic import save_figure_atomic

    table = table5(scores)
    table = table[table["metric"] == table["task"].map(HEADLINE_METRICS).fillna(table["metric"])]  # one line per model
    grouped = table[table["method"] != "oracle"]
    panels = sorted({(t, s) for t, s in zip(table["task"], table["scenario"])})
    columns = min(4, max(1, len(panels)))  # a grid: ten panels (five tasks, two scenarios) in one row would not read
    rows = -(-max(1, len(panels)) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.5 * columns, 3.6 * rows), squeeze=False)
    for axis in axes.flat[len(panels) :]:
        axis.set_visible(False)
    for axis, (task, scenario) in zip(axes.flat, panels):
        panel = grouped[(grouped["task"] == task) & (grouped["scenario"] == scenario)]
        axis.axhspan(90, 100, color="tab:green", alpha=0.12, label="≥ 90 % of the oracle")
        axis.axhspan(80, 90, color="tab:orange", alpha=0.12, label="80–90 %")
        for label, line in panel.groupby(["backbone", "method", "clsa", "dim", "continual"], dropna=False):
            line = line.sort_values("ratio")
            name = f"{label[0]} {label[1]}" + (f" +CLSA({label[2]})" if label[2] != "none" else "")
            name += (f" d={int(label[3])}" if pd.notna(label[3]) else "") + (" +CPT" if label[4] else "")
            axis.plot(line["ratio"], line["perc"], marker="o", label=name)
        axis.set_xscale("log")
        axis.set_xlabel("grouping ratio r_G (%)")
        axis.set_ylabel("% of the oracle's score")
        axis.set_title(f"{task}, {scenario.replace('_', ' ')}")
        axis.legend(fontsize=6)
    figure.tight_layout()
    save_figure_atomic(figure, path)
