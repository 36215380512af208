"""Rule reduce_dims: a pipeline's model with its input embeddings cut to their first d dimensions (§2.3)."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.grouping.model import load_masked_lm
from xlclust.grouping.reduction import save_reduced_model
from xlclust.models import ModelSource
from xlclust.runlog import start_job

start_job(snakemake)
model, wildcards = snakemake.params.model, snakemake.wildcards
tokenizer, masked_lm = load_masked_lm(ModelSource(**model))
save_reduced_model(tokenizer, masked_lm, int(wildcards.dim), snakemake.output[0], {"pipeline": wildcards.pipeline, "model": model})
