"""Which runs each figure of "Tomato, Tomahto, Tomate" compares, against which reference.

A study is one figure: the scenario, the pipelines it keeps (by their settings), what tells its
lines apart, the x-axis (r_G, or Fig. 6's share of the embedding parameters) and the reference
rule (:mod:`xlclust.grouping_eval.report`). Where several CLSA pair sets were evaluated, the
studies of the paper's main configuration (Figs. 4, 5, 6, 7, 9, 10) keep the *main* pair set: the
one evaluated at the most settings (App. B's ablation, Fig. 11, adds the others at r_G = 5 % only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from xlclust.grouping_eval.report import HEADLINE_METRICS, UNGROUPED, in_language_from_all, own_clsa_reference, reference_of, summarize

FIGURES = ("fig3", "fig4", "fig5", "fig6", "fig7", "fig9", "fig10", "fig11", "fig12")


@dataclass(frozen=True)
class Study:
    """One line figure: its title, scenario, the runs it keeps, their line labels, the x column,
    the reference rule, whether it shows the colour bands, and a pipeline template that puts a run
    in it (the note on an empty figure)."""

    title: str
    scenario: str
    keep: Callable[[pd.DataFrame], pd.Series]
    line: Callable[[pd.DataFrame], pd.Series]
    example: str
    x: str = "r_G"
    rule: Callable = reference_of
    bands: bool = True


def grouped(table: pd.DataFrame, methods=("kmeans",)) -> pd.Series:
    return table["method"].isin(methods)


def full_dim(table: pd.DataFrame) -> pd.Series:
    return table["dim"].isna()


def continual(table: pd.DataFrame) -> pd.Series:
    return table["continual"].astype(bool)


def main_pairs(table: pd.DataFrame) -> str | None:
    """The CLSA pair set of the paper's main configuration: the one with the most k-means settings."""
    aligned = table[grouped(table) & (table["clsa"] != "none")]
    if aligned.empty:
        return None
    counts = aligned.drop_duplicates(["clsa", "ratio", "dim", "continual"]).groupby("clsa").size()
    return counts.sort_index().idxmax()


def aligned(table: pd.DataFrame) -> pd.Series:
    return table["clsa"] == main_pairs(table)


def _switch(flag: pd.Series, yes: str, no: str) -> pd.Series:
    return flag.map({True: yes, False: no})


def _fig6_line(table: pd.DataFrame) -> pd.Series:
    reduced = _switch(table["method"].isin(UNGROUPED), "DR (full vocabulary)", "SG")
    return reduced.where(reduced != "SG", "SG at d=" + table["d"].astype("Int64").astype(str))


def _fig12_keep(table: pd.DataFrame) -> pd.Series:
    """k-means (cosine) and L2 k-means, at the settings where both were run (App. E)."""
    both = grouped(table, ("kmeans", "l2kmeans"))
    settings = ["backbone", "clsa", "continual", "dim"]
    with_l2 = table.loc[table["method"] == "l2kmeans", settings].drop_duplicates().assign(pair=True)
    return both & table[settings].merge(with_l2, on=settings, how="left")["pair"].eq(True).to_numpy()


def _fig12_line(table: pd.DataFrame) -> pd.Series:
    metric = table["method"].map({"kmeans": "cosine", "l2kmeans": "L2"})
    return metric + " k-means, d=" + table["d"].astype("Int64").astype(str) + _switch(continual(table), " + CPT", "")


STUDIES = {
    "fig3": Study(
        "Fig. 3: semantic grouping (SG) and First-k, with and without continual pretraining (CPT)",
        "in_language",
        lambda t: grouped(t, ("kmeans", "firstk")) & (t["clsa"] == "none") & full_dim(t),
        lambda t: t["method"].map({"kmeans": "SG", "firstk": "First-k"}) + _switch(continual(t), " + CPT", " (no CPT)"),
        "{backbone}/{grouping}/cpt",
    ),
    "fig4": Study(
        "Fig. 4: SG with and without CLSA, with and without CPT",
        "in_language",
        lambda t: grouped(t) & full_dim(t) & ((t["clsa"] == "none") | aligned(t)),
        lambda t: "SG" + _switch(t["clsa"] != "none", " + CLSA", "") + _switch(continual(t), " + CPT", " (no CPT)"),
        "{backbone}/clsa-all/kmeans{ratio}/cpt",
    ),
    "fig5": Study(
        "Fig. 5: SG with CLSA and CPT at each embedding dimension d",
        "in_language",
        lambda t: grouped(t) & aligned(t) & continual(t),
        lambda t: "d=" + t["d"].astype("Int64").astype(str).replace("<NA>", "full"),
        "{backbone}/d{dim}/clsa-all/kmeans{ratio}/cpt",
    ),
    "fig6": Study(
        "Fig. 6: dimension reduction (DR) against SG at reduced d, by word-embedding parameters",
        "in_language",
        lambda t: (
            continual(t)
            & t["embedding_share"].notna()
            & (
                (t["method"].isin(UNGROUPED) & (t["clsa"] == "none"))  # DR (the reference: d = D)
                | (grouped(t) & aligned(t) & t["dim"].notna())  # SG after DR
            )
        ),
        _fig6_line,
        "{backbone}/d{dim}/cpt",
        x="embedding_share",
    ),
    "fig7": Study(
        "Fig. 7: SG with CLSA, no CPT, per backbone (each against its own 100 % CLSA row)",
        "in_language",
        lambda t: aligned(t) & full_dim(t) & ~continual(t) & (grouped(t) | t["method"].isin(UNGROUPED)),
        lambda t: t["backbone"],
        "{compared}/clsa-all/kmeans{ratio}",
        rule=own_clsa_reference,
        bands=False,
    ),
    "fig9": Study(
        "Fig. 9: zero-shot from English, SG with CLSA and CPT (against zero-shot without grouping)",
        "zero_shot",
        lambda t: grouped(t) & aligned(t) & continual(t) & full_dim(t),
        lambda t: pd.Series("SG + CLSA + CPT", index=t.index),
        "Add '{backbone}/cpt' and '{backbone}/clsa-all/kmeans{ratio}/cpt' to grouping.evaluation.zero_shot.",
    ),
    "fig12": Study(
        "Fig. 12: k-means on cosine against Euclidean (L2) distance",
        "in_language",
        _fig12_keep,
        _fig12_line,
        "{backbone}/l2kmeans{ratio}",
    ),
}


def study_table(scores: pd.DataFrame, study: Study, references: dict[str, str], sizes: pd.DataFrame | None = None) -> pd.DataFrame:
    """A study's rows of Table 5 (its scenario, each task's headline metric, its reference rule),
    with ``d``, ``embedding_share`` (from ``sizes`` where given), ``r_G`` and ``line``."""
    table = summarize(in_language_from_all(scores), references, study.rule)
    table = table[(table["scenario"] == study.scenario) & (table["metric"] == table["task"].map(HEADLINE_METRICS))]
    if study.rule is reference_of:  # Figs. 3-6, 9-12: the backbones of grouping.backbones (Fig. 7 compares the others)
        table = table[table["backbone"].isin(references)]
    if sizes is not None and len(sizes):
        table = table.merge(sizes, on="pipeline", how="left")
        table["d"] = table["dim"].fillna(table["d"])
    else:
        table = table.assign(d=table["dim"], embedding_share=float("nan"))
    table = table.assign(r_G=table["ratio"]).reset_index(drop=True)
    table = table[study.keep(table).to_numpy()]
    if table.empty:
        return table.assign(line=pd.Series(dtype=str))
    return table.assign(line=study.line(table).to_numpy())


def study_lines(
    scores: pd.DataFrame, study: Study, references: dict[str, str], sizes: pd.DataFrame | None = None
) -> dict[tuple[str, str], dict[str, pd.DataFrame]]:
    """A study's points: per panel (task, its headline metric) and line, ``perc`` and ``mean``
    against the study's x, sorted by it. A line names its backbone where a panel has several."""
    table = study_table(scores, study, references, sizes)
    if table["backbone"].nunique() > 1 and study.rule is not own_clsa_reference:
        table = table.assign(line=table["backbone"] + ": " + table["line"])
    panels = {}
    for (task, metric), panel in table.groupby(["task", "metric"], sort=True):
        panels[(task, metric)] = {
            name: line.sort_values(study.x)[[study.x, "perc", "mean", "reference"]].reset_index(drop=True)
            for name, line in panel.groupby("line", sort=True)
        }
    return panels


def missing_references(scores: pd.DataFrame, study: Study, references: dict[str, str]) -> list[str]:
    """The reference pipelines a study's runs name but that have no score on a task of theirs in
    its scenario (those runs' ``perc`` stays empty; the figure names the pipelines)."""
    table = summarize(in_language_from_all(scores), references, study.rule)
    table = table[table["scenario"] == study.scenario].reset_index(drop=True)
    scored = set(zip(table["pipeline"], table["task"]))
    if study.rule is reference_of:
        table = table[table["backbone"].isin(references)].reset_index(drop=True)
    kept = table[study.keep(table.assign(d=table["dim"], embedding_share=0.0, r_G=table["ratio"])).to_numpy()]
    named = {(study.rule(b, c, references), task) for b, c, task in zip(kept["backbone"], kept["clsa"], kept["task"])}
    return sorted({reference for reference, task in named if reference is not None and (reference, task) not in scored})


def alignment_bars(scores: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
    """Fig. 11 (App. B): per task (headline metric), the mean score over languages of each pair
    set's r_G = 5 % k-means with CPT at full dimension, and "no alignment" (the same without CLSA)."""
    table = summarize(in_language_from_all(scores), {})
    table = table[(table["scenario"] == "in_language") & (table["metric"] == table["task"].map(HEADLINE_METRICS))]
    table = table[grouped(table) & (table["ratio"] == 5) & continual(table) & full_dim(table)]
    label = table["clsa"].where(table["clsa"] != "none", "no alignment")
    if table["backbone"].nunique() > 1:
        label = table["backbone"] + ": " + label
    table = table.assign(label=label)
    return {(task, metric): panel.set_index("label")["mean"].sort_index() for (task, metric), panel in table.groupby(["task", "metric"])}
