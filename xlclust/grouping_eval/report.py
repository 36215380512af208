"""The semantic-grouping evaluation's tables and figures ("Tomato, Tomahto, Tomate" Table 5, Figs.
3–6 and 9): every run's scores with its pipeline's settings, relative to the ungrouped oracle (the
backbone as it is, same task, scenario, language and seed: Table 5's "perc"), means over languages,
and per study the score against the grouping ratio r_G (or the dimensions d) with the 90 % and 80 %
bands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from xlclust.pipelines import parse_pipeline

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


@dataclass(frozen=True)
class Study:
    """One of the paper's result figures: which pipelines it compares, in which scenario, against
    which setting (r_G or d), and what tells its lines apart."""

    title: str
    scenario: str
    x: str
    lines: tuple[str, ...]
    keep: Callable[[pd.DataFrame], pd.Series]
    example: str  # a pipeline template that puts a run in it, for the note on an empty figure


def _grouped(table: pd.DataFrame) -> pd.Series:
    return table["method"] != "oracle"


def _full_width(table: pd.DataFrame) -> pd.Series:
    return table["dim"].isna()


def _grouping_alone(table: pd.DataFrame) -> pd.Series:
    return _grouped(table) & (table["clsa"] == "none") & _full_width(table) & ~table["continual"].astype(bool)


STUDIES = {
    "grouping": Study(
        "Figs. 3–4: grouping alone",
        "in_language",
        "ratio",
        ("backbone", "method"),
        _grouping_alone,
        "{backbone}/{grouping}",
    ),
    "clsa": Study(
        "Fig. 5: CLSA before grouping",
        "in_language",
        "ratio",
        ("backbone", "method", "clsa"),
        lambda t: _grouped(t) & _full_width(t) & ~t["continual"].astype(bool),
        "{backbone}/clsa-all/{grouping}",
    ),
    "continual": Study(
        "§3.3: continual pretraining after grouping",
        "in_language",
        "ratio",
        ("backbone", "method", "continual"),
        lambda t: _grouped(t) & (t["clsa"] == "none") & _full_width(t),
        "{backbone}/{grouping}/cpt",
    ),
    "reduction": Study(
        "Fig. 6: dimension reduction, then continual pretraining",
        "in_language",
        "dim",
        ("backbone", "clsa", "method", "ratio"),
        lambda t: t["dim"].notna(),
        "{backbone}/d{dim}/cpt",
    ),
    "zero_shot": Study(
        "Fig. 9: zero-shot from English",
        "zero_shot",
        "ratio",
        ("backbone", "method"),
        _grouping_alone,
        "{backbone}/{grouping}",
    ),
}


def _line_name(keys: tuple[str, ...], values: tuple) -> str:
    parts = []
    for key, value in zip(keys, values):
        if key == "clsa":
            parts.append("no CLSA" if value == "none" else f"+CLSA({value})")
        elif key == "continual":
            parts.append("+CPT" if value else "no CPT")
        elif key == "ratio":
            parts.append("" if value == 100 else f"r_G {value:g} %")  # 100: the method says "ungrouped"
        elif key == "method" and value == "oracle":
            parts.append("ungrouped")
        else:
            parts.append(str(value))
    return " ".join(part for part in parts if part)


def study_lines(scores: pd.DataFrame, study: Study) -> dict[tuple[str, str], dict[str, pd.DataFrame]]:
    """A study's points: per panel (task, its headline metric) and line, the mean share of the
    oracle (Table 5's "perc") against the study's setting, sorted by it."""
    table = table5(scores)
    table = table[table["metric"] == table["task"].map(HEADLINE_METRICS).fillna(table["metric"])]
    table = table[(table["scenario"] == study.scenario) & study.keep(table)]
    panels = {}
    for (task, metric), panel in table.groupby(["task", "metric"], sort=True):
        panels[(task, metric)] = {
            _line_name(study.lines, key): line.sort_values(study.x)[[study.x, "perc", "mean"]].reset_index(drop=True)
            for key, line in panel.groupby(list(study.lines), dropna=False, sort=True)
        }
    return panels


def study_figure(scores: pd.DataFrame, name: str, path) -> None:
    """A study's figure: a panel per task, the share of the oracle (mean over languages) against r_G
    or d on a log scale, with the 90 % and 80 % bands. A study none of the configured pipelines
    belongs to gets a figure that says so and which pipeline would fill it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from xlclust.atomic import save_figure_atomic

    study = STUDIES[name]
    panels = study_lines(scores, study)
    columns = min(3, max(1, len(panels)))
    rows = -(-max(1, len(panels)) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.5 * columns, 3.6 * rows), squeeze=False)
    for axis in axes.flat[len(panels) :]:
        axis.set_visible(False)
    if not panels:
        axes[0, 0].set_visible(True)
        axes[0, 0].axis("off")
        note = f"No evaluated pipeline belongs to this study.\nAdd e.g. {study.example!r} to grouping.pipelines."
        axes[0, 0].text(0.5, 0.5, note, ha="center", va="center", wrap=True)
    for axis, ((task, metric), lines) in zip(axes.flat, panels.items()):
        axis.axhspan(90, 100, color="tab:green", alpha=0.12, label="≥ 90 % of the oracle")
        axis.axhspan(80, 90, color="tab:orange", alpha=0.12, label="80–90 %")
        for label, line in lines.items():
            axis.plot(line[study.x], line["perc"], marker="o", label=label)
        axis.set_xscale("log", base=2 if study.x == "dim" else 10)
        ticks = sorted({x for line in lines.values() for x in line[study.x]})
        axis.set_xticks(ticks, [f"{x:g}" for x in ticks])  # the settings run, not powers of the base
        axis.minorticks_off()
        axis.set_xlabel("embedding dimensions d" if study.x == "dim" else "grouping ratio r_G (%)")
        axis.set_ylabel(f"% of the oracle's {metric}")
        axis.set_title(task)
        axis.legend(fontsize=6)
    figure.suptitle(f"{study.title} ({study.scenario.replace('_', ' ')})")
    figure.tight_layout()
    save_figure_atomic(figure, path)
