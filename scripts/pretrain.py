"""Rules pretrain and ebert_model: a BERT masked LM on one tokenizer's corpus, from random weights or
from a model's (``input.initial_model``); resumes from its last checkpoint."""

import os

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.pretraining.run import launch
from xlclust.runlog import start_job

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
description = {
    "tokenizer": snakemake.input.tokenizer,
    "corpus": snakemake.input.corpus,
    "size": wildcards.get("size"),
    "config_key": params.config_key,
    "architecture": params.model.get("architecture", {}),
    "initial_model": snakemake.input.get("initial_model"),
    "training": {"seed": params.seed} | params.model["training"],
    "checkpoints": params.checkpoints,
    "output": snakemake.output[0],
}
launch(description, os.path.join(params.checkpoints, "run.json"), params.launcher)
