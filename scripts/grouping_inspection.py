"""Rule grouping_inspection: a grouping's keyword, number and punctuation groups (Figs. 8 and 13) as a
table and a figure."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.grouping.inspection import inspected_groups, inspection_figure
from xlclust.runlog import start_job

start_job(snakemake)
groups = inspected_groups(pd.read_parquet(snakemake.input.map), snakemake.params.keywords, snakemake.params.members)
write_csv_atomic(groups, snakemake.output.groups)
inspection_figure(groups, f"Inspected groups of {snakemake.wildcards.pipeline}", snakemake.output.figure)
