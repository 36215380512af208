"""Rule extract_wikipedia: one part of a dump -> sentence table (Parquet) and counts (JSON)."""

import json
from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_text_atomic
from xlclust.runlog import start_job
from xlclust.wiki.extract import extract_part

start_job(snakemake)
settings = snakemake.params.extract
plan = json.loads(Path(snakemake.input.plan).read_text())
counts = extract_part(
    snakemake.input.dump,
    plan["parts"][int(snakemake.wildcards.part)],
    snakemake.wildcards.lang,
    snakemake.output.sentences,
    disambiguation_templates=snakemake.params.disambiguation_templates,
    normalization=settings["unicode_normalization"],
    min_sentence_chars=settings["min_sentence_chars"],
    row_group_size=settings["row_group_size"],
)
write_text_atomic(snakemake.output.summary, json.dumps(counts, indent=2, sort_keys=True) + "\n")
