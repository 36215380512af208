"""Rule xnli_data: one XNLI language's training (XNLI-MT), dev and test pairs → Parquet tables."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.grouping_eval.data import prepare_xnli, write_pair_tables
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
tables, counts = prepare_xnli(params.spec, params.language, params.cache_dir, params.sha256, params.seed)
write_pair_tables(tables, counts, snakemake.output)
