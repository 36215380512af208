"""Rule translation_graph: the mutual top-k graph over the joint vocabulary's language tokens."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd
import scipy.sparse as sparse

from xlclust.atomic import atomic_path, write_csv_atomic
from xlclust.cluster.cliques import clique_analysis
from xlclust.cluster.graph import mutual_graph, neighbour_lists
from xlclust.plots import cliques_figure
from xlclust.runlog import start_job
from xlclust.search import SearchSettings
from xlclust.settings import settings_from

start_job(snakemake)
joint = pd.read_parquet(snakemake.input.joint)
nodes = joint.loc[~joint["is_special"], ["token", "language", "rank"]].reset_index(drop=True)
spaces = {}
for lang, path in zip(snakemake.params.languages, snakemake.input.mapped):
    spaces[lang] = np.load(path)[nodes.loc[nodes["language"] == lang, "rank"].to_numpy()]
k, sweep = snakemake.params.k, sorted(snakemake.params.sweep)
search = settings_from(SearchSettings, snakemake.params.search, "search")
params = snakemake.params
lists = neighbour_lists(spaces, max(k, *sweep), search, params.pairs, params.pivot)  # one search; smaller k are prefixes
sizes = {lang: len(space) for lang, space in spaces.items()}
graph, _ = mutual_graph(lists, sizes, k)
logging.info("k = %d: %d nodes, %d edges, %d isolated", k, graph.shape[0], graph.nnz // 2, int((np.diff(graph.indptr) == 0).sum()))
tokens, cliques = [], []
for sweep_k in sweep:
    by_size, languages = clique_analysis(mutual_graph(lists, sizes, sweep_k)[0], nodes["language"].to_numpy())
    tokens.append(by_size.assign(k=sweep_k))
    cliques.append(languages.assign(k=sweep_k))
    logging.info("k = %d: clique analysis done", sweep_k)
tokens, cliques = pd.concat(tokens)[["k", "s", "tokens_in_cliques_up_to_s"]], pd.concat(cliques)[["k", "size", "cliques", "mean_languages"]]
write_csv_atomic(tokens, snakemake.output.cliques)
write_csv_atomic(cliques, snakemake.output.clique_languages)
cliques_figure(tokens, cliques, snakemake.output.figure)
with atomic_path(snakemake.output.graph, suffix=".npz") as tmp:
    sparse.save_npz(tmp, graph)
with atomic_path(snakemake.output.nodes, suffix=".parquet") as tmp:
    nodes.to_parquet(tmp, index=False)
