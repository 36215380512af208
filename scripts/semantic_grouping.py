"""Rule semantic_grouping: spherical k-means over a source's embedding rows → token → group map."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd

from xlclust.grouping.groups import group_table, kmeans_labels
from xlclust.grouping.outputs import write_group_map
from xlclust.runlog import start_job
from xlclust.search import SearchSettings
from xlclust.settings import settings_from

start_job(snakemake)
params = snakemake.params
tokens = pd.read_parquet(snakemake.input.tokens)
search = settings_from(SearchSettings, params.search, "search")
embeddings = np.load(snakemake.input.embeddings)
grouping = kmeans_labels(embeddings, params.ratio, seed=params.seed, init=params.init, max_iterations=params.max_iterations, search=search)
table = group_table(tokens, grouping.labels, method="kmeans")
write_group_map(
    table,
    snakemake.output,
    method="kmeans",
    ratio=params.ratio,
    extra={
        "iterations": grouping.iterations,
        "objective": grouping.objective,
        "splits": grouping.splits,
        "refilled": grouping.refilled,
        "init": params.init,
    },
)
