"""The figures of "Tomato, Tomahto, Tomate" §4 and its appendices from the evaluation's scores:
results/grouping_eval/fig{3,4,5,6,7,9,10,11,12}.png (:mod:`xlclust.grouping_eval.studies` says which
runs each compares). A figure no run belongs to says so, and names a pipeline that would fill it;
one whose reference was not evaluated names the missing reference pipeline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlclust.grouping_eval.correlation import correlations, heatmap_grid
from xlclust.grouping_eval.report import BANDS
from xlclust.grouping_eval.studies import STUDIES, Study, alignment_bars, missing_references, study_lines

READ_AS = "I: MIRACL (bi) vs TyDiQA"  # App. C's group I (b), read as retrieval (xlclust/grouping_eval/correlation.py)
BAND_COLOURS = {"green": "tab:green", "yellow": "gold", "red": "tab:red", "dark red": "darkred"}
X_LABELS = {"r_G": "grouping ratio r_G (%, log scale)", "embedding_share": "word-embedding parameters (% of |V|·D, log scale)"}
EXAMPLES = {
    "fig10": "Evaluate '{backbone}/clsa-all/kmeans{ratio}/cpt' on MIRACL, XNLI and TyDi QA.",
    "fig11": "{backbone}/clsa-{pairs}/kmeans5/cpt",
}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _grid(plt, panels: int, width: float = 4.5, height: float = 3.6):
    columns = min(3, max(1, panels))
    rows = -(-max(1, panels) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False)
    for axis in axes.flat[panels:]:
        axis.set_visible(False)
    return figure, axes


def _note(axes, text: str) -> None:
    axes[0, 0].set_visible(True)
    axes[0, 0].axis("off")
    axes[0, 0].text(0.5, 0.5, text, ha="center", va="center", wrap=True)


def empty_note(example: str, missing: list[str]) -> str:
    if missing:
        return f"No score of the reference pipeline {', '.join(map(repr, missing))}:\nevaluate it to fill this figure."
    hint = example if example[:1].isupper() else f"Add e.g. {example!r} to grouping.pipelines."
    return f"No evaluated pipeline belongs to this figure.\n{hint}"


def _bands(axis, low: float, high: float) -> None:
    """Fig. 3's background: > 90 % green, 70-90 % yellow, 50-70 % red, < 50 % dark red."""
    tops = [float("inf"), *list(BANDS.values())[:-1]]
    for (name, floor), top in zip(BANDS.items(), tops):
        floor = -1e9 if name == "dark red" else floor
        axis.axhspan(max(floor, low), min(top, high), color=BAND_COLOURS[name], alpha=0.15, lw=0)
    axis.set_ylim(low, high)


def _line_panel(axis, study: Study, task: str, metric: str, lines: dict[str, pd.DataFrame]) -> None:
    percs = [value for line in lines.values() for value in line["perc"].dropna()]
    for label, line in lines.items():
        axis.plot(line[study.x], line["perc"], marker="o", label=label, linestyle="--" if "no CPT" in label else "-")  # Fig. 3's dashes
    axis.axhline(100, color="tab:green", linestyle="--", lw=1, label="reference (100 %)")
    if study.bands and percs:
        _bands(axis, min(min(percs), 100) - 5, max(max(percs), 100) + 3)
    axis.set_xscale("log")
    ticks = sorted({x for line in lines.values() for x in line[study.x].dropna()})
    if study.x == "embedding_share" and ticks:  # shares crowd: powers of ten over their range
        ticks = [10.0**k for k in range(int(np.floor(np.log10(ticks[0]))), int(np.ceil(np.log10(ticks[-1]))) + 1)]
    axis.set_xticks(ticks, [f"{x:g}" for x in ticks])  # r_G: the settings run, not powers of ten
    axis.minorticks_off()
    axis.set_xlabel(X_LABELS[study.x])
    axis.set_ylabel(f"% of the reference's {metric}")
    axis.set_title(task)
    axis.legend(fontsize=6)


def line_figure(scores: pd.DataFrame, name: str, path, references: dict[str, str], sizes: pd.DataFrame | None = None) -> None:
    """A line study's figure: a panel per task, each line's perc (mean over languages, ratio of
    means against the study's reference) against r_G (Fig. 6: the embedding share) on a log scale."""
    plt = _pyplot()
    from xlclust.atomic import save_figure_atomic

    study = STUDIES[name]
    panels = study_lines(scores, study, references, sizes)
    panels = {key: lines for key, lines in panels.items() if any(line["perc"].notna().any() for line in lines.values())}
    figure, axes = _grid(plt, len(panels))
    missing = missing_references(scores, study, references)
    if not panels:
        _note(axes, empty_note(study.example, missing))
    elif missing:  # some tasks lack their reference's scores: their panels are left out
        figure.text(0.01, 0.0, f"No score of {', '.join(missing)} on some tasks: their panels are left out.", fontsize=7)
    for axis, ((task, metric), lines) in zip(axes.flat, panels.items()):
        _line_panel(axis, study, task, metric, lines)
    figure.suptitle(f"{study.title} ({study.scenario.replace('_', ' ')})")
    figure.tight_layout()
    save_figure_atomic(figure, path)


def alignment_figure(scores: pd.DataFrame, path) -> None:
    """Fig. 11 (App. B): per task, a bar per alignment pair set (and "no alignment"): the mean score
    over languages at r_G = 5 % with continual pretraining."""
    plt = _pyplot()
    from xlclust.atomic import save_figure_atomic

    panels = alignment_bars(scores)
    figure, axes = _grid(plt, len(panels), height=2.8)
    if not panels:
        _note(axes, empty_note(EXAMPLES["fig11"], []))
    for axis, ((task, metric), bars) in zip(axes.flat, panels.items()):
        axis.barh(bars.index, bars.to_numpy(), color=["tab:gray" if "no alignment" in label else "tab:orange" for label in bars.index])
        axis.set_xlabel(f"mean {metric} over languages")
        axis.set_title(task)
    figure.suptitle("Fig. 11: alignment pair sets before SG at r_G = 5 % and CPT")
    figure.tight_layout()
    save_figure_atomic(figure, path)


def _heatmap(axis, rows, columns, values, counts, title, colours, vmin, vmax) -> None:
    image = axis.imshow(np.ma.masked_invalid(values), cmap=colours, vmin=vmin, vmax=vmax, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(columns)):
            text = "n<3" if counts[i, j] < 3 else ("" if np.isnan(values[i, j]) else f"{values[i, j]:.2f}")
            axis.text(j, i, text, ha="center", va="center", fontsize=7)
    axis.set_xticks(range(len(columns)), [f"{c:g} %" for c in columns])
    axis.set_yticks(range(len(rows)), rows, fontsize=7)
    axis.set_xlabel("grouping ratio r_G")
    axis.set_title(title)
    axis.figure.colorbar(image, ax=axis, fraction=0.05)


def correlation_figure(scores: pd.DataFrame, path, table_path, references: dict[str, str]) -> pd.DataFrame:
    """Fig. 10 (App. C): heatmaps of Pearson's ρ (left) and the one-tailed p (right) per benchmark
    pair (rows) and r_G (columns); a cell of fewer than 3 shared languages is empty, marked n<3.
    Writes the cells to ``table_path`` (results/grouping_eval/fig10.csv) and returns them."""
    plt = _pyplot()
    from xlclust.atomic import save_figure_atomic, write_csv_atomic

    cells = correlations(scores, references)
    write_csv_atomic(cells, table_path)
    figure, axes = plt.subplots(
        1, 2, figsize=(11, 1.2 + 0.45 * max(5, cells["pair"].nunique() * cells["backbone"].nunique())), squeeze=False
    )
    if cells.empty:
        axes[0, 1].set_visible(False)
        _note(axes, empty_note(EXAMPLES["fig10"], []))
    else:
        rows, columns, rho, counts = heatmap_grid(cells, "rho")
        _, _, p, _ = heatmap_grid(cells, "p")
        rows = [f"{row} *" if row.endswith(READ_AS) else row for row in rows]
        figure.text(
            0.01,
            0.01,
            "* App. C lists reranking vs TyDiQA in groups I and III; group I's is read as retrieval (correlation.py)",
            fontsize=7,
        )
        _heatmap(axes[0, 0], rows, columns, rho, counts, "Pearson ρ", "Blues", -1, 1)
        _heatmap(axes[0, 1], [""] * len(rows), columns, p, counts, "one-tailed p (ρ > 0)", "Reds_r", 0, 1)
    figure.suptitle("Fig. 10: do the benchmarks hurt the same languages? (per-language relative drops)")
    figure.tight_layout()
    save_figure_atomic(figure, path)
    return cells


def write_figures(scores: pd.DataFrame, paths: dict[str, str], fig10_table: str, references: dict[str, str], sizes=None) -> None:
    """Every figure of ``paths`` (figure name → file)."""
    for name, path in paths.items():
        if name == "fig10":
            correlation_figure(scores, path, fig10_table, references)
        elif name == "fig11":
            alignment_figure(scores, path)
        else:
            line_figure(scores, name, path, references, sizes)
