"""Rule demo_pos: the demo NER sentences with Penn Treebank tags, in CoNLL columns, and their universal-tags map."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.demo.pos import build_demo_pos
from xlclust.runlog import start_job

start_job(snakemake)
counts = build_demo_pos(snakemake.params.root, snakemake.params.fake_languages)
logging.info("demo POS sentences per file: %s", counts)
