"""Rule cluster_tokenizer: a cluster-ID tokenizer for a token → cluster map over the joint vocabulary."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import atomic_directory
from xlclust.runlog import start_job
from xlclust.tokenization.build import build_cluster_tokenizer, read_names, save_tokenizer

start_job(snakemake)
params = snakemake.params
segmenters = dict(zip(params.languages, snakemake.input.segmenters))
tokenizer, report = build_cluster_tokenizer(
    pd.read_parquet(snakemake.input.map), read_names(snakemake.input.vocab), segmenters, model_max_length=params.model_max_length
)
with atomic_directory(snakemake.output[0]) as tmp:
    save_tokenizer(tokenizer, tmp, segmenters)
    (tmp / "build.json").write_text(json.dumps(report | {"map": snakemake.input.map}, indent=1) + "\n", encoding="utf-8")
