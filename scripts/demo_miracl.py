"""Rule demo_miracl: the demo's MIRACL stand-in, retrieval topics with judgements known by construction."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.demo.retrieval import build_demo_miracl
from xlclust.runlog import start_job

start_job(snakemake)
counts = build_demo_miracl(snakemake.params.root, snakemake.params.fake_languages)
logging.info("demo MIRACL files: %s", counts)
