"""Rule demo_ner: gazetteer-tagged sentences of the demo world in WikiAnn's and CoNLL's file formats."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.demo.ner import build_demo_ner
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
counts = build_demo_ner(params.root, params.fake_languages, tuple(params.conll_languages))
logging.info("demo NER sentences per file: %s", counts)
