"""Rule token_clusters: the token → cluster-ID map, its vocab.txt, counts and analysis."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd
import scipy.sparse as sparse

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.cluster.clusters import cluster_analysis, cluster_names, sample_clusters, token_clusters
from xlclust.plots import clusters_figure
from xlclust.runlog import start_job
from xlclust.tokenmap import write_token_map

start_job(snakemake)
inputs, out, params = snakemake.input, snakemake.output, snakemake.params
graph = sparse.load_npz(inputs.graph).tocsr()
joint = pd.read_parquet(inputs.joint)
table, summary = token_clusters(
    pd.read_parquet(inputs.nodes),
    graph,
    np.load(inputs.parts),
    joint.loc[joint["is_special"], "token"].tolist(),
    params.parts,
)
write_token_map(table, out.map, out.vocab, cluster_names(table))
write_text_atomic(out.summary, json.dumps(summary, indent=2) + "\n")
analysis = cluster_analysis(table, graph)
for name in ("sizes", "languages", "path_lengths"):
    write_csv_atomic(analysis[name], out[name])
write_csv_atomic(sample_clusters(table, params.sample, params.seed), out.sample)
clusters_figure(analysis, out.figure)
