"""Rule demo_xlmr: a tiny random-weight XLM-R with a SentencePiece tokenizer trained on the demo NER sentences."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.demo.tiny_model import build_tiny_xlmr
from xlclust.runlog import start_job

start_job(snakemake)


def sentences():
    for path in snakemake.input:
        for tokens in pq.read_table(path, columns=["tokens"]).column("tokens").to_pylist():
            yield " ".join(tokens)


size = build_tiny_xlmr(sentences(), snakemake.output[0], seed=snakemake.params.seed, **snakemake.params.settings)
logging.info("demo XLM-R with %d tokens written to %s", size, snakemake.output[0])
