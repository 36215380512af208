"""Rule gather_wikipedia: the parts of one language -> results/corpus/{lang}/sentences.parquet."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.runlog import start_job
from xlclust.wiki.extract import gather_parts

start_job(snakemake)
totals = gather_parts(
    snakemake.input.sentences,
    snakemake.input.summaries,
    snakemake.output.sentences,
    snakemake.output.summary,
    where=f"language {snakemake.wildcards.lang!r} ({len(snakemake.input.sentences)} extracted parts)",
)
logging.info("%s: %s", snakemake.wildcards.lang, totals)
