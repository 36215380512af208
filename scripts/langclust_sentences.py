"""Rule langclust_sentences: the held-out sentences every representation embeds (a seeded sample per language)."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow as pa
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path
from xlclust.langclust.identification import sentence_text
from xlclust.runlog import start_job
from xlclust.subsample import subsample

start_job(snakemake)
params = snakemake.params
rows = []
for lang, path in zip(params.languages, snakemake.input):
    table = pq.read_table(path, columns=["id", "tokens"]).to_pylist()
    chosen = subsample(table, params.per_language, params.seed)
    if len(chosen) < params.per_language:
        logging.warning("%s: %d sentences, fewer than the %d asked for", lang, len(chosen), params.per_language)
    rows += [{"id": row["id"], "language": lang, "text": sentence_text(row["tokens"])} for row in chosen]
with atomic_path(snakemake.output[0], suffix=".parquet") as tmp:
    pq.write_table(pa.Table.from_pylist(rows), tmp)
logging.info("%d sentences of %d languages", len(rows), len(params.languages))
