"""Rule tagging_scores: every run's scores in one tidy table, Tables 2 and 3, the sign tests against
LASER-top, the languages left out for missing data, and the zero-shot figure."""

from pathlib import Path

import pandas as pd
import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.plots import method_bars_figure
from xlclust.runlog import start_job
from xlclust.tagging.report import sign_tests, table2, table3

start_job(snakemake)
params, outputs = snakemake.params, snakemake.output
runs = [(pd.read_csv(Path(run) / "scores.csv"), pd.read_parquet(Path(run) / "sentences.parquet")) for run in snakemake.input]
scores = pd.concat([run_scores for run_scores, _ in runs], ignore_index=True)
# each run's sentences with the run's identity (its scores' first row)
run_keys = ["embedder", "task", "scenario", "train_languages", "seed"]
sentences = pd.concat([run_sentences.assign(**run_scores.iloc[0][run_keys]) for run_scores, run_sentences in runs], ignore_index=True)
write_csv_atomic(scores, outputs.scores)
write_csv_atomic(table2(scores), outputs.table2)
write_csv_atomic(table3(scores), outputs.table3)
write_csv_atomic(sign_tests(sentences, params.reference), outputs.signs)
write_csv_atomic(pd.DataFrame(params.left_out, columns=["language", "task", "files"]), outputs.left_out)
zero = scores[scores["scenario"] == "zeroshot"]
first_task = zero["task"].iloc[0] if len(zero) else scores["task"].iloc[0]
bars = zero if len(zero) else scores
bars = bars[bars["task"] == first_task].groupby(["embedder", "language"], sort=False)["value"].mean().reset_index()
method_bars_figure(
    bars.rename(columns={"embedder": "method"}), "value", f"{first_task.upper()}: zero-shot from English (mean over seeds)", outputs.figure
)
