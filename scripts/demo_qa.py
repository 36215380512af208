"""Rule demo_qa: typed questions over the demo world's articles, SQuAD JSON per language."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.demo.qa import build_demo_qa
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
counts = build_demo_qa(params.root, params.fake_languages, **params.settings)
logging.info("demo questions per file: %s", counts)
