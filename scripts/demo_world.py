"""Rule demo_world: build the offline demo dumps and dictionaries."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.demo.world import build_demo_world
from xlclust.runlog import start_job

start_job(snakemake)
counts = build_demo_world(snakemake.params.root, snakemake.params.fake_languages, pages_per_stream=snakemake.params.pages_per_stream)
logging.info("demo world pages per language: %s", counts)
