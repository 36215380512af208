"""Hangya et al. (2022)'s tables from this run's low-resource results: Table 2 (word retrieval accuracy,
%, the mean of both directions, §4.2), Table 3 (zero-shot NER F1, §5.2) and Table 5 (§5.3: each mining
mode's F1 change against the better baseline of mBERT and eBERT, computed here from the NER scores)."""

from __future__ import annotations

import pandas as pd

from xlclust.comparison.cells import cells_frame, printed_only
from xlclust.lowres.report import MINING_METHODS, against_best_bert, best_bert, headline

PAPER = "Hangya"
# Table 5 is not read from results/lowres/mining_modes.csv: that file holds absolute F1 and is made only
# where both mining modes are configured, while every Table 5 cell follows from the NER scores.
INPUTS = {"retrieval": "results/word_retrieval_scores.csv", "ner": "results/lowres_ner_scores.csv"}

# our methods (lowres.methods; xlclust.lowres.methods) -> the row labels of Tables 2 and 3 (§4.2's
# compared systems; `base` is the LM as it is, lowres.model, the paper's mBERT)
ROWS = {
    "base": "mBERT",
    "mined": "mBERT_linear_unsup",
    "linear_sup": "mBERT_linear_sup",
    "full_sup": "mBERT_full_sup",
    "vecmap_id": "mBERT_vecmap_id",
    "vecmap_sup": "mBERT_vecmap_sup",
    "ebert": "eBERT",
    "ebert_mined": "eBERT_linear_unsup",
    "ebert_linear_sup": "eBERT_linear_sup",
    "ebert_full_sup": "eBERT_full_sup",
    "ebert_vecmap_id": "eBERT_vecmap_id",
    "ebert_vecmap_sup": "eBERT_vecmap_sup",
}
# Table 5's rows: our mining modes (xlclust.lowres.report.MINING_METHODS) as the table prints them
MODES = {"intersection": "intersection", "forward_backward": "forward-backward"}
# the paper's languages (Table 1), as its tables' columns print them
COLUMNS = {lang: lang.capitalize() for lang in ("bn", "eu", "mk", "ml", "af", "sw", "kn", "gu", "ne")}
AVERAGE = "avg"  # the retrieval table's source/target of the mean of both directions
OVERALL = "all"  # the NER table's class of the F1 over every class


def table2_cells(retrieval: pd.DataFrame) -> list[list]:
    rows = retrieval[(retrieval["source"] == AVERAGE) & (retrieval["target"] == AVERAGE)]
    rows = rows[rows["method"].isin(list(ROWS)) & rows["language"].isin(list(COLUMNS))]
    return [
        [PAPER, "Table 2", ROWS[m], COLUMNS[lang], lang, "accuracy", 100 * acc]  # a fraction here, % in the paper
        for m, lang, acc in zip(rows["method"], rows["language"], rows["accuracy"])
    ]


def overall_f1(ner: pd.DataFrame) -> pd.DataFrame:
    """F1 over every class (% in both) of the paper's languages: a method × language table."""
    rows = ner[(ner["class"] == OVERALL) & ner["language"].isin(list(COLUMNS))]
    return rows.pivot_table(index="language", columns="method", values="f1", aggfunc="first")


def table3_cells(f1: pd.DataFrame) -> list[list]:
    return [[PAPER, "Table 3", ROWS[m], COLUMNS[lang], lang, "f1", value] for (lang, m), value in f1.stack().dropna().items() if m in ROWS]


def table5_cells(ner: pd.DataFrame) -> list[list]:
    """Per language: the better baseline's F1 (bestBERT, as results/lowres/mining_modes.csv picks it;
    no cells where base has no score) and each mining mode's F1 on that baseline minus it, in F1
    points (the table's 'relative change', +3.13 for Bn)."""
    ner = ner[ner["language"].isin(list(COLUMNS))]
    best = best_bert(ner, require_base=False)
    cells = [[PAPER, "Table 5", "bestBERT", COLUMNS[lang], lang, "f1", f1] for lang, f1 in zip(best["language"], best["best_bert"])]
    scores = headline(ner, "f1")
    mined = against_best_bert(scores[scores["method"].isin(list(MINING_METHODS))], best)
    mined = mined[mined["on_best_bert"]]
    for method, lang, change in zip(mined["method"], mined["language"], mined["f1_change"]):
        cells.append([PAPER, "Table 5", MODES[MINING_METHODS[method]], COLUMNS[lang], lang, "relative_f1_change", change])
    return cells


def our_cells(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    f1 = overall_f1(tables["ner"])
    return printed_only(cells_frame(table2_cells(tables["retrieval"]) + table3_cells(f1) + table5_cells(tables["ner"])))
