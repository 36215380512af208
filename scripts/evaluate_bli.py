"""Rule evaluate_bli: BLI of every language with a test dictionary, both directions."""

import json
from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np

from xlclust.alignment.bli import bli_table
from xlclust.alignment.dictionaries import read_pairs
from xlclust.atomic import write_csv_atomic
from xlclust.plots import bli_figure
from xlclust.runlog import start_job
from xlclust.search import SearchSettings
from xlclust.settings import settings_from

start_job(snakemake)
params, settings = snakemake.params, snakemake.params.settings
mapped = {lang: np.load(path) for lang, path in zip(params.languages, snakemake.input.mapped)}
tests = {lang: read_pairs(path) for lang, path in zip(params.non_pivot, snakemake.input.tests)}
coverages = {}
for lang, path in zip(params.non_pivot, snakemake.input.coverage):
    test = json.loads(Path(path).read_text())["test"]
    coverages[lang] = test["coverage"] if test else None
search = settings_from(SearchSettings, params.search, "search")
table = bli_table(
    mapped, tests, coverages, params.pivot, settings["retrieval"], settings["csls_k"], settings["precision_at"], search=search
)
write_csv_atomic(table, snakemake.output.table)
bli_figure(table, snakemake.output.figure)
