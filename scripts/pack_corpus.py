"""Rule pack_corpus: a language's sentences -> pretraining lines of at most sampling.max_line_tokens whitespace tokens."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.corpus.packing import pack_sentence_table
from xlclust.runlog import start_job

start_job(snakemake)
counts = pack_sentence_table(snakemake.input[0], snakemake.output[0], snakemake.params.max_line_tokens)
logging.info("%s: %s", snakemake.wildcards.lang, counts)
