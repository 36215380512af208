"""Rule semantic_grouping: spherical k-means over a source's embedding rows → token → group map."""

import numpy as np
import pandas as pd
import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)
from threadpoolctl import threadpool_limits

from xlclust.grouping.groups import group_table, kmeans_labels
from xlclust.grouping.outputs import write_group_map
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
tokens = pd.read_parquet(snakemake.input.tokens)
with threadpool_limits(snakemake.threads):
    grouping = kmeans_labels(
        np.load(snakemake.input.embeddings), params.ratio, seed=params.seed, init=params.init, max_iterations=params.max_iterations
    )
table = group_table(tokens, grouping.labels, method="kmeans")
write_group_map(
    table,
    snakemake.output,
    method="kmeans",
    ratio=params.ratio,
    extra={"iterations": grouping.iterations, "moved": grouping.moved, "init": params.init},
)
