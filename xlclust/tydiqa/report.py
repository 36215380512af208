"""The TyDi QA tables: EM/F1 per model, seed and language, and their mean ± std over seeds
with the average over the zero-shot (non-training) languages, as ICEBERT's Table 2 reports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from xlclust.tydiqa.metrics import squad_scores

ZERO_SHOT_AVERAGE = "avg"
SCORE_COLUMNS = ["model", "tokenizer", "size", "seed", "language", "n", "EM", "F1"]


def gold_answers(dev_file: str | Path) -> dict[str, list[str]]:
    table = pq.read_table(dev_file, columns=["id", "answers"]).to_pylist()
    return {row["id"]: row["answers"]["text"] for row in table}


def score_runs(runs: list[dict]) -> pd.DataFrame:
    """One row per run (``model, tokenizer, size, seed, language, predictions, dev``): its EM and F1.

    A question without a prediction scores 0 (the official script's rule); that count goes to
    the log, not the table."""
    rows, gold = [], {}
    for run in runs:
        if run["dev"] not in gold:  # one dev file serves every model and seed
            gold[run["dev"]] = gold_answers(run["dev"])
        predictions = json.loads(Path(run["predictions"]).read_text(encoding="utf-8"))
        scores = squad_scores(predictions, gold[run["dev"]])
        if scores["missing"]:
            raise ValueError(f"{run['predictions']}: no prediction for {scores['missing']} of {scores['n']} questions")
        rows.append({key: run[key] for key in SCORE_COLUMNS[:5]} | {"n": scores["n"], "EM": scores["EM"], "F1": scores["F1"]})
    return pd.DataFrame(rows, columns=SCORE_COLUMNS).sort_values(["model", "seed", "language"], ignore_index=True)


def summarize_scores(scores: pd.DataFrame, train_language: str) -> pd.DataFrame:
    """Mean and standard deviation over seeds per model and language, and per model the same for
    the average over the languages other than ``train_language`` (row language ``avg``)."""
    keys = ["model", "tokenizer", "size"]
    zero_shot = scores[scores["language"] != train_language]
    average = zero_shot.groupby([*keys, "seed"], as_index=False)[["EM", "F1"]].mean().assign(language=ZERO_SHOT_AVERAGE)
    combined = pd.concat([scores, average], ignore_index=True)
    summary = combined.groupby([*keys, "language"], sort=False).agg(
        seeds=("seed", "nunique"), EM_mean=("EM", "mean"), EM_std=("EM", "std"), F1_mean=("F1", "mean"), F1_std=("F1", "std")
    )
    summary = summary.reset_index().fillna({"EM_std": 0.0, "F1_std": 0.0})  # one seed: no spread
    order = {lang: i for i, lang in enumerate([*sorted(scores["language"].unique()), ZERO_SHOT_AVERAGE])}
    return summary.sort_values(["model", "language"], key=lambda c: c.map(order) if c.name == "language" else c, ignore_index=True)
