"""Rule demo_model: a tiny random-weight BERT with a WordPiece tokenizer trained on the demo text."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.demo.tiny_model import build_tiny_model
from xlclust.runlog import start_job

start_job(snakemake)


def sentences():
    for path in snakemake.input:
        for batch in pq.ParquetFile(path).iter_batches(columns=["text"]):
            yield from batch.column("text").to_pylist()


size = build_tiny_model(sentences(), snakemake.output[0], seed=snakemake.params.seed, **snakemake.params.settings)
logging.info("demo model with %d tokens written to %s", size, snakemake.output[0])
