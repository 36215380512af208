"""Rule clsa_pairs: a CLSA pair set's translation pairs, gathered from its lexicons' files."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_text_atomic
from xlclust.download import fetch_verified
from xlclust.grouping.clsa_pairs import gather_pairs, write_pairs
from xlclust.runlog import start_job

start_job(snakemake)
spec = snakemake.params.spec


def fetch(location, where):
    return fetch_verified(location, spec["cache_dir"], spec["sha256"].get(location), f"{where} (grouping.clsa.sha256)")


pairs, counts = gather_pairs(snakemake.params.sources, spec, fetch)
write_pairs(pairs, snakemake.output.pairs)
write_text_atomic(snakemake.output.counts, json.dumps({"pairs": len(pairs), "by_source": counts}, indent=2) + "\n")
