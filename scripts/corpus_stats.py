"""Rule corpus_stats: documents, sentences, tokens, characters per language -> CSV and figure."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.corpus.stats import corpus_stats
from xlclust.plots import corpus_stats_figure
from xlclust.runlog import start_job

start_job(snakemake)
languages = snakemake.params.languages
stats = corpus_stats(dict(zip(languages, snakemake.input.sentences)), dict(zip(languages, snakemake.input.summaries)))
write_csv_atomic(stats, snakemake.output.table)
corpus_stats_figure(stats, snakemake.output.figure)
