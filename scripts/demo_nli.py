"""Rule demo_nli: the demo's XNLI stand-in, sentence pairs with known labels in XNLI's file layouts."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.demo.nli import build_demo_nli
from xlclust.runlog import start_job

start_job(snakemake)
counts = build_demo_nli(snakemake.params.root, snakemake.params.fake_languages, snakemake.params.seed)
logging.info("demo NLI pairs per file: %s", counts)
