"""Rule grouping_report: one table of every grouping of a source, its group size figure, and example
groups of its k-means groupings (Fig. 8)."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.grouping.groups import example_groups
from xlclust.plots import grouping_figure
from xlclust.runlog import start_job

start_job(snakemake)
summaries = [json.loads(open(path, encoding="utf-8").read()) for path in snakemake.input.summaries]
table = pd.DataFrame([{k: v for k, v in s.items() if not isinstance(v, list)} for s in summaries])
write_csv_atomic(table, snakemake.output.summary)
sizes = pd.concat([pd.read_csv(path).assign(method=s["method"], ratio=s["ratio"]) for s, path in zip(summaries, snakemake.input.sizes)])
grouping_figure(sizes, snakemake.wildcards.pipeline, snakemake.output.figure)
examples = [
    example_groups(pd.read_parquet(path), snakemake.params.examples, snakemake.params.seed).assign(method=s["method"], ratio=s["ratio"])
    for s, path in zip(summaries, snakemake.input.maps)
    if s["method"] == "kmeans"
]
write_csv_atomic(pd.concat(examples, ignore_index=True), snakemake.output.examples)
