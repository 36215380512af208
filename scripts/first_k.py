"""Rule first_k: the baseline map — the first r_G·|V| tokens kept, the rest read as unknown."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd

from xlclust.grouping.groups import first_k_labels, group_table
from xlclust.grouping.outputs import write_group_map
from xlclust.runlog import start_job

start_job(snakemake)
tokens = pd.read_parquet(snakemake.input.tokens)
ranks = tokens.loc[~tokens["is_special"], "frequency_rank"].to_numpy()
labels = first_k_labels(np.argsort(ranks, kind="stable"), snakemake.params.ratio)
write_group_map(group_table(tokens, labels, method="firstk"), snakemake.output, method="firstk", ratio=snakemake.params.ratio)
