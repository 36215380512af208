"""Rule tagging_scores: every run's scores in one tidy table, Tables 2 and 3, the sign tests against
LASER-top, the joint-training gains (Figs. 3–4), the B/I/O confusion of the chosen embedders (Fig. 5),
the languages left out for missing data, and the zero-shot figure."""

import logging
from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.plots import confusion_figure, joint_gain_figure, method_bars_figure
from xlclust.runlog import start_job
from xlclust.tagging.report import bio_confusion, joint_gain, sign_tests, table2, table3

start_job(snakemake)
params, outputs = snakemake.params, snakemake.output
run_keys = ["embedder", "task", "scenario", "train_languages", "seed"]
scores, sentences, confusion = [], [], []
for run in map(Path, snakemake.input):
    run_scores = pd.read_csv(run / "scores.csv")
    identity = run_scores.iloc[0][run_keys]  # each run's rows carry the run's identity
    scores.append(run_scores)
    sentences.append(pd.read_parquet(run / "sentences.parquet").assign(**identity))
    confusion.append(pd.read_csv(run / "confusion.csv").assign(**identity))
scores = pd.concat(scores, ignore_index=True)
sentences = pd.concat(sentences, ignore_index=True)
confusion = pd.concat(confusion, ignore_index=True)
write_csv_atomic(scores, outputs.scores)
write_csv_atomic(table2(scores), outputs.table2)
write_csv_atomic(table3(scores), outputs.table3)
write_csv_atomic(sign_tests(sentences, params.reference), outputs.signs)
left_out = pd.DataFrame(params.left_out, columns=["language", "task", "embedders", "reason", "files"])
for row in left_out.itertuples():
    logging.getLogger("tagging_scores").warning("left out: %s %s for %s embedders (%s)", row.task, row.language, row.embedders, row.reason)
write_csv_atomic(left_out, outputs.left_out)
gains = joint_gain(scores, params.english)
write_csv_atomic(gains, outputs.gains)
joint_gain_figure(gains, params.gain_leave_out, outputs.gain_figure)
focus = params.confusion
bio = bio_confusion(confusion, focus["language"], focus["embedders"], focus["scenario"])
write_csv_atomic(bio, outputs.confusion)
confusion_figure(bio, focus["language"], outputs.confusion_figure)
zero = scores[scores["scenario"] == "zeroshot"]
first_task = zero["task"].iloc[0] if len(zero) else scores["task"].iloc[0]
bars = zero if len(zero) else scores
bars = bars[bars["task"] == first_task].groupby(["embedder", "language"], sort=False)["value"].mean().reset_index()
method_bars_figure(
    bars.rename(columns={"embedder": "method"}), "value", f"{first_task.upper()}: zero-shot from English (mean over seeds)", outputs.figure
)
