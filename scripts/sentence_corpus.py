"""Rules sentence_corpus and ebert_corpus: a pretraining corpus of so many sentences per language (or
all of them), shuffled."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.corpus.sentence_corpus import build_sentence_corpus
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
counts = build_sentence_corpus(
    dict(zip(params.languages, snakemake.input)),
    snakemake.output.corpus,
    per_language=params.per_language,
    seed=params.seed,
    config_key=params.config_key,
)
write_csv_atomic(counts, snakemake.output.counts)
