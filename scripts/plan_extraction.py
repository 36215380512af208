"""Rule plan_extraction: the byte ranges of a dump that the extraction jobs take."""

import json
import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_text_atomic
from xlclust.runlog import start_job
from xlclust.wiki.extract import plan_extraction

start_job(snakemake)
plan = plan_extraction(snakemake.input.dump, snakemake.input.multistream_index, snakemake.params.n_parts)
logging.info("%d streams in %d bytes -> %d parts", plan["streams"], plan["dump_bytes"], len(plan["parts"]))
write_text_atomic(snakemake.output[0], json.dumps(plan, indent=1) + "\n")
