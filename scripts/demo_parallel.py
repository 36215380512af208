"""Rule demo_parallel: the demo's word-aligned parallel sentences, English with each fake language."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.demo.parallel import build_demo_parallel
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
texts = pq.read_table(snakemake.input[0], columns=["text"]).column(0).to_pylist()
counts = build_demo_parallel(params.root, texts, params.fake_languages, params.settings, params.seed)
logging.info("demo parallel sentence pairs: %s", counts)
