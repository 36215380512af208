"""Rule grouped_model: a model source shrunk to its groups, with its grouped tokenizer."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.grouping.model import load_masked_lm, save_grouped_model
from xlclust.models import ModelSource
from xlclust.runlog import start_job

start_job(snakemake)
model, wildcards = snakemake.params.model, snakemake.wildcards
tokenizer, masked_lm = load_masked_lm(ModelSource(**model))
metadata = {
    "pipeline": wildcards.pipeline,
    "model": model,
    "method": wildcards.method,
    "ratio": int(wildcards.ratio) / 100,
    "original_vocab_size": len(tokenizer),
}
save_grouped_model(tokenizer, masked_lm, pd.read_parquet(snakemake.input.map), snakemake.output[0], metadata)
