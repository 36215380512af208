"""Shaffer (2021)'s NER tables (§5) from this run's NER summary: Table 3 (F1 per class, mean and
standard deviation over seeds, per language and training scheme), Table 4 (the zero-shot check and its
difference to the cluster model) and Table 5 (the English generalization study on CoNLL-2003)."""

from __future__ import annotations

import pandas as pd

from xlclust.comparison.cells import cells_frame, printed_only
from xlclust.ner.groups import GENERALIZATION

PAPER = "Shaffer"
INPUTS = {"summary": "results/ner/summary.csv", "groups": "results/ner/groups.csv"}

# our training schemes -> Table 3's column groups (§4: one model per language, per linguistic family,
# per language cluster, one for all)
SCHEMES = {"monolingual": "Monolingual", "family": "Language Family", "cluster": "Clustering", "multilingual": "Multilingual"}
CLASSES = ("LOC", "ORG", "PER")
ZERO_SHOT = "zeroshot"  # our scheme of Table 4: a cluster trained without some members, scored on them
# our generalization trainings -> Table 5's columns (§5: its WikiAnn model trains on Cluster 2's WikiAnn
# sentences, which is our `cluster` training)
TRAININGS = {
    "cluster": "WikiAnn",
    "corpus": "CoNLL-2003",
    # approximate: the paper's All is every WikiAnn language with CoNLL-2003, ours the language's
    # WikiAnn with the corpus. Our `wikiann` (English WikiAnn alone) has no column, and the paper's
    # Cluster Comb. (Cluster 2's WikiAnn with CoNLL-2003) no training of ours.
    "both": "All",
}
TABLE5_ROW = "CoNLL-2003 English test"  # the table has one unlabelled row (see the transcription's note)
OVERALL = "all"  # the summary's class of the F1 over every class (Table 5's "Average F1")


def table3_cells(summary: pd.DataFrame) -> list[list]:
    rows = summary[summary["scheme"].isin(list(SCHEMES)) & summary["class"].isin(CLASSES)]
    cells = []
    for scheme, lang, cls, mean, std in zip(rows["scheme"], rows["language"], rows["class"], rows["f1_mean"], rows["f1_std"]):
        column = f"{SCHEMES[scheme]} / {cls}"
        cells += [[PAPER, "Table 3", lang, column, lang, "f1", mean], [PAPER, "Table 3", lang, column, lang, "f1_std", std]]
    return cells


def table4_cells(summary: pd.DataFrame) -> list[list]:
    """The held-out languages' F1 and its difference to the cluster model's on the same class."""
    keys = ["language", "class"]
    zero = summary[(summary["scheme"] == ZERO_SHOT) & summary["class"].isin(CLASSES)]
    cluster = summary.loc[summary["scheme"] == "cluster", [*keys, "f1_mean"]].rename(columns={"f1_mean": "cluster_f1"})
    zero = zero.merge(cluster, on=keys, how="left")
    cells = []
    for lang, cls, f1, cluster_f1 in zip(zero["language"], zero["class"], zero["f1_mean"], zero["cluster_f1"]):
        cells.append([PAPER, "Table 4", lang, cls, lang, "f1", f1])
        if pd.notna(cluster_f1):
            cells.append([PAPER, "Table 4", lang, cls, lang, "f1_difference", f1 - cluster_f1])
    return cells


def generalization_language(groups: pd.DataFrame) -> str | None:
    """The WikiAnn language of the generalization study: what its `wikiann` and `both` trainings train
    on besides the corpus they are scored on; None where neither was run (the language is then not
    in the results: the `cluster` training trains on the whole cluster)."""
    study = groups[groups["scheme"] == GENERALIZATION]
    corpora = set(study.loc[study["role"] == "evaluate", "language"])
    own = set(study.loc[(study["role"] == "train") & study["group"].isin(["wikiann", "both"]), "language"]) - corpora
    return own.pop() if len(own) == 1 else None


def table5_cells(summary: pd.DataFrame, groups: pd.DataFrame) -> list[list]:
    """Only for an English study (the paper's): F1 over every class on the corpus's test set."""
    if generalization_language(groups) != "en":
        return []
    rows = summary[(summary["scheme"] == GENERALIZATION) & (summary["class"] == OVERALL) & summary["group"].isin(list(TRAININGS))]
    return [[PAPER, "Table 5", TABLE5_ROW, TRAININGS[g], "en", "f1", f1] for g, f1 in zip(rows["group"], rows["f1_mean"])]


def our_cells(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    summary = tables["summary"]
    cells = table3_cells(summary) + table4_cells(summary) + table5_cells(summary, tables["groups"])
    return printed_only(cells_frame(cells))
