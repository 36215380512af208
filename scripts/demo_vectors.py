"""Rule demo_vectors: MUSE-format aligned word vectors for English and the fake languages."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.demo.vectors import build_demo_vectors
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
texts = pq.read_table(snakemake.input[0], columns=["text"]).column(0).to_pylist()
counts = build_demo_vectors(params.root, texts, params.fake_languages, seed=params.seed, **params.settings)
logging.info("demo aligned vectors, words per language: %s", counts)
