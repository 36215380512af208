"""Rule continual_grouped_encoding: the backbone's encoded corpus with every token ID mapped to its group's."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.pretraining.mapped import load_groups, map_encoded
from xlclust.runlog import start_job

start_job(snakemake)
map_encoded(
    snakemake.input.corpus,
    load_groups(snakemake.input.model),
    snakemake.output[0],
    groups_source=snakemake.input.model,
)
