"""Rule encode_corpus: a pretraining corpus (the mix or a sentence sample) as token IDs of one tokenizer, in Parquet shards."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.pretraining.encode import encode_corpus
from xlclust.runlog import start_job

start_job(snakemake)
encode_corpus(
    snakemake.input.corpus,
    snakemake.input.tokenizer,
    snakemake.output[0],
    shard_lines=snakemake.params.shard_lines,
    workers=snakemake.threads,
)
