"""Rule backbone_model: a backbone of `models` (Hub or local) as a model directory."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import atomic_directory
from xlclust.grouping.model import load_masked_lm
from xlclust.models import ModelSource
from xlclust.runlog import start_job

start_job(snakemake)
tokenizer, masked_lm = load_masked_lm(ModelSource(**snakemake.params.model))
with atomic_directory(snakemake.output[0]) as tmp:
    masked_lm.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
