"""Rules word_retrieval_scores and lowres_ner_scores: every (method, language) row in one tidy table,
and a figure of the headline score with the average over the languages."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.lowres.report import headline, with_average
from xlclust.plots import method_bars_figure
from xlclust.runlog import start_job

start_job(snakemake)
metric = snakemake.params.metric
table = pd.concat([pd.read_csv(path) for path in snakemake.input], ignore_index=True)
write_csv_atomic(table, snakemake.output.scores)
method_bars_figure(with_average(headline(table, metric), metric), metric, snakemake.params.title, snakemake.output.figure)
