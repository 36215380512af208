"""Rule semantic_grouping: k-means over a source's embedding rows → token → group map; the method
(wildcard) is ``kmeans`` (spherical, §2.1) or ``l2kmeans`` (Euclidean, App. E / Fig. 12)."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd

from xlclust.grouping.groups import group_table, kmeans_labels
from xlclust.grouping.outputs import write_group_map
from xlclust.runlog import start_job
from xlclust.search import SearchSettings
from xlclust.settings import settings_from

start_job(snakemake)
params, method = snakemake.params, snakemake.wildcards.method
tokens = pd.read_parquet(snakemake.input.tokens)
search = settings_from(SearchSettings, params.search, "search")
embeddings = np.load(snakemake.input.embeddings)
grouping = kmeans_labels(
    embeddings, params.ratio, seed=params.seed, init=params.init, max_iterations=params.max_iterations, search=search, method=method
)
table = group_table(tokens, grouping.labels, method=method)
write_group_map(
    table,
    snakemake.output,
    method=method,
    ratio=params.ratio,
    extra={
        "iterations": grouping.iterations,
        "objective": grouping.objective,
        "splits": grouping.splits,
        "refilled": grouping.refilled,
        "init": params.init,
        "metric": "cosine" if method == "kmeans" else "euclidean",
    },
)
