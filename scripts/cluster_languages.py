"""Rule cluster_languages: Ward clustering of one representation's sentence vectors, each language's
cluster by majority vote for every k, and the top of the tree as a dendrogram."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pyarrow.parquet as pq

from xlclust.atomic import write_csv_atomic
from xlclust.langclust.clustering import cluster_languages, node_languages
from xlclust.plots import dendrogram_figure
from xlclust.runlog import start_job

start_job(snakemake)
output = snakemake.output
representation = snakemake.wildcards.representation
languages = pq.read_table(snakemake.input.sentences, columns=["language"]).column("language").to_pylist()
tree, votes, clusters = cluster_languages(np.load(snakemake.input.vectors), languages, snakemake.params.ks)
write_csv_atomic(clusters.assign(representation=representation), output.clusters)
write_csv_atomic(votes.assign(representation=representation), output.votes)
names, counts = node_languages(tree, languages)
dendrogram_figure(tree, counts, names, f"Ward tree of {len(languages)} sentences ({representation})", output.dendrogram)
