"""Rule demo_xlm: a tiny random-weight XLM with language embeddings and a BPE tokenizer learnt on the demo NER sentences."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.demo.tiny_model import build_tiny_xlm
from xlclust.runlog import start_job

start_job(snakemake)
texts = [" ".join(tokens) for path in snakemake.input for tokens in pq.read_table(path, columns=["tokens"]).column("tokens").to_pylist()]
params = snakemake.params
size = build_tiny_xlm(texts, snakemake.output[0], languages=list(params.languages), seed=params.seed, **params.settings)
logging.info("demo XLM with %d tokens and languages %s written to %s", size, list(params.languages), snakemake.output[0])
