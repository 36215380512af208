"""Rule translation_graph: the mutual top-k graph over the joint vocabulary's language tokens."""
import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)
import logging

import numpy as np
import pandas as pd
import scipy.sparse as sparse

from xlclust.atomic import atomic_path
from xlclust.cluster.graph import mutual_top_k_graph
from xlclust.runlog import setup_logging

setup_logging(snakemake.log[0])
joint = pd.read_parquet(snakemake.input.joint)
nodes = joint.loc[~joint["is_special"], ["token", "language", "rank"]].reset_index(drop=True)
spaces = {}
for lang, path in zip(snakemake.params.languages, snakemake.input.mapped):
    spaces[lang] = np.load(path)[nodes.loc[nodes["language"] == lang, "rank"].to_numpy()]
graph, offsets = mutual_top_k_graph(spaces, snakemake.params.k)
logging.info("%d nodes, %d edges, %d isolated", graph.shape[0], graph.nnz // 2, int((np.diff(graph.indptr) == 0).sum()))
with atomic_path(snakemake.output.graph, suffix=".npz") as tmp:
    sparse.save_npz(tmp, graph)
with atomic_path(snakemake.output.nodes, suffix=".parquet") as tmp:
    nodes.to_parquet(tmp, index=False)
