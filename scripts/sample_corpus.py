"""Rule sample_corpus: α-smoothed sampling, duplication and the shared shuffle of all lines."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.corpus.mix import build_mix
from xlclust.plots import sampling_figure
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
sampling = build_mix(
    dict(zip(params.languages, snakemake.input)),
    snakemake.output.mix,
    alpha=params.alpha,
    seed=params.seed,
    bucket_mb=params.bucket_mb,
)
write_csv_atomic(sampling, snakemake.output.table)
sampling_figure(sampling, params.alpha, snakemake.output.figure)
