"""Rule grouping_eval_scores: every evaluation run → results/grouping_eval_scores.csv, Table 5 and
the figures of Figs. 3–6 and 9."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.grouping_eval.report import STUDIES, run_rows, study_figure, table5, with_relative
from xlclust.runlog import start_job

start_job(snakemake)
runs = [
    run_rows(run["pipeline"], run["task"], run["train_language"], run["seed"], pd.read_csv(path))
    for run, path in zip(snakemake.params.runs, snakemake.input.scores)
]
scores = with_relative(pd.concat(runs, ignore_index=True))
write_csv_atomic(scores, snakemake.output.scores)
write_csv_atomic(table5(scores), snakemake.output.table5)
for study, path in zip(STUDIES, snakemake.output.figures, strict=True):
    study_figure(scores, study, path)
