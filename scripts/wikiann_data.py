"""Rules wikiann_data and ner_corpus_data: one language's WikiAnn (or CoNLL) splits, or another NER
corpus of a language (the generalization study's), → checked Parquet sentence tables."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.runlog import start_job
from xlclust.settings import DatasetSource
from xlclust.token_classification.data import NerFiles, prepare_language, write_language_tables

start_job(snakemake)
params = snakemake.params
source = DatasetSource.from_config(params.source, params.source_key, NerFiles)
tables, counts, problems = prepare_language(
    source, params.language, params.classes, params.limit, params.seed, params.invalid_tags, params.cache_dir, params.name
)
write_language_tables(tables, counts, problems, snakemake.output)
