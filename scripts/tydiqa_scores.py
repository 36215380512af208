"""Rule tydiqa_scores: SQuAD v1.1 EM/F1 per model, seed and language; mean ± std over seeds; figure."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.plots import tydiqa_figure
from xlclust.runlog import start_job
from xlclust.tydiqa.report import score_runs, summarize_scores

start_job(snakemake)
scores = score_runs(snakemake.params.runs)
summary = summarize_scores(scores, snakemake.params.train_language)
logging.info("TyDi QA GoldP, mean over seeds:\n%s", summary.to_string(index=False, float_format="%.1f"))
write_csv_atomic(scores, snakemake.output.scores)
write_csv_atomic(summary, snakemake.output.summary)
tydiqa_figure(summary, snakemake.output.figure)
