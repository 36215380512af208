"""The system's tables: word retrieval accuracy and zero-shot NER F1 per method and language, with
the average over the languages (Hangya et al. 2022 Tables 2 and 3)."""

from __future__ import annotations

import pandas as pd

from xlclust.errors import XlclustError
from xlclust.lowres.methods import EBERT, MINING_MODES, PREFIX, on_ebert
from xlclust.token_classification import OVERALL


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


# the mining methods and their modes; ebert_*: the same on eBERT (helper methods of Table 5's best-BERT)
MINING_METHODS = {method: mode for base, mode in MINING_MODES.items() for method in (base, PREFIX + base)}
BASELINES = {"base": "mbert", "ebert": "ebert"}  # Table 5's candidates for best-BERT (§5.3)


def best_bert(ner: pd.DataFrame, require_base: bool = True) -> pd.DataFrame:
    """Per language, Table 5's best-BERT: the higher NER F1 of the LM as it is (base, "mBERT"; it wins
    a tie) and eBERT, where eBERT ran for the language. A language without base's score has no
    best-BERT: an error, or (``require_base`` false) no row."""
    scores = headline(ner, "f1")
    baselines = scores[scores["method"].isin(list(BASELINES))]
    missing = sorted(set(scores["language"]) - set(baselines.loc[baselines["method"] == "base", "language"]))
    if missing and require_base:
        raise XlclustError(
            f"Table 5 compares with the best BERT baseline, but base has no NER score for {', '.join(missing)}: keep base in lowres.methods"
        )
    baselines = baselines[~baselines["language"].isin(missing)]
    best = baselines.sort_values(["language", "f1", "method"], ascending=[True, False, True]).drop_duplicates("language")
    return best.rename(columns={"method": "best_bert_method", "f1": "best_bert"})[["language", "best_bert_method", "best_bert"]]


def against_best_bert(table: pd.DataFrame, best: pd.DataFrame) -> pd.DataFrame:
    """Mining methods' rows (method, language, f1, ...) with their language's best-BERT (``best``:
    best_bert's table), ``f1_change`` (F1 − best-BERT's, in F1 points: Table 5's "relative change")
    and ``on_best_bert`` (the method sits on the best-BERT's model: mined* on base, ebert_mined* on
    eBERT; the rows Table 5 reports)."""
    table = table.merge(best, on="language", how="left")
    table["f1_change"] = table["f1"] - table["best_bert"]
    model = table["method"].map(lambda method: EBERT if on_ebert(method) else "base")
    table["on_best_bert"] = model == table["best_bert_method"]
    return table


def mining_modes(retrieval: pd.DataFrame, ner: pd.DataFrame, iterations: pd.DataFrame) -> pd.DataFrame:
    """Table 5 (§5.3): per language and mining method, the retrieval accuracy (mean of both
    directions), the NER F1, its change against the language's best-BERT (``f1_change``, in F1's
    units: Table 5's "relative change" is this difference in points) and the mean pairs mined (and
    their mean similarity) per iteration. ``on_best_bert``: the method sits on the best-BERT's model
    (mined* on mBERT where base wins, ebert_mined* where eBERT does) — the rows Table 5 reports.
    Language 'avg' holds each method's average over the languages."""
    scores = headline(retrieval, "accuracy").merge(headline(ner, "f1"), on=["method", "language"], how="outer")
    mined = (
        iterations.groupby(["method", "language"], sort=False)
        .agg(pairs_per_iteration=("pairs", "mean"), mean_similarity=("mean_similarity", "mean"))
        .reset_index()
    )
    table = mined.merge(scores, on=["method", "language"], how="left")
    table = against_best_bert(table[table["method"].isin(list(MINING_METHODS))], best_bert(ner))
    numeric = ["accuracy", "f1", "best_bert", "f1_change", "pairs_per_iteration", "mean_similarity"]
    average = table.groupby("method", sort=False)[numeric].mean().reset_index().assign(language="avg")
    table = pd.concat([table, average], ignore_index=True)
    table.insert(1, "mode", table["method"].map(MINING_METHODS))
    columns = ["language", "method", "mode", "accuracy", "f1", "best_bert_method", "best_bert", "f1_change", "on_best_bert"]
    columns += ["pairs_per_iteration", "mean_similarity"]
    return table[columns].sort_values(["language", "method"], key=lambda c: c.map({"avg": "~"}).fillna(c)).reset_index(drop=True)
