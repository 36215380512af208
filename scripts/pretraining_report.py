"""Rule pretraining_report: one row per pretrained model and their loss curves in one figure."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.plots import pretraining_comparison_figure
from xlclust.pretraining.report import pretraining_summary
from xlclust.runlog import start_job

start_job(snakemake)
summary, curves = pretraining_summary(snakemake.input)
write_csv_atomic(summary, snakemake.output.table)
pretraining_comparison_figure(curves, snakemake.output.figure)
