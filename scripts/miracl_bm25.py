"""Rule miracl_bm25: each dev topic's BM25 candidates over its language's corpus (a TREC run)."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.retrieval.bm25 import BM25Index
from xlclust.retrieval.trec import write_run
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
corpus = pq.read_table(snakemake.input.corpus)
names = corpus.column("docid").to_pylist()
index = BM25Index((f"{t} {x}" for t, x in zip(corpus.column("title").to_pylist(), corpus.column("text").to_pylist())), **params.bm25)
del corpus
topics = pq.read_table(snakemake.input.topics).to_pylist()
rows, scores = index.search([t["query"] for t in topics], params.depth)
run = {t["qid"]: {names[r]: float(s) for r, s in zip(row, score) if r >= 0} for t, row, score in zip(topics, rows, scores)}
write_run(snakemake.output.run, run, "bm25")
logging.info("BM25 (k1 %s, b %s): %d topics over %d passages", params.bm25["k1"], params.bm25["b"], len(run), len(names))
