"""Rule langclust_report: every representation's language clusters in one table, and the t-SNE
projection of the sentence vectors before and after fine-tuning (Shaffer 2021 Fig. 1)."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import write_csv_atomic
from xlclust.langclust.projection import sample_per_language, tsne
from xlclust.plots import projection_figure
from xlclust.runlog import start_job

start_job(snakemake)
params, output = snakemake.params, snakemake.output
columns = ["representation", "k", "language", "cluster", "vote_share"]
write_csv_atomic(pd.concat([pd.read_csv(p) for p in snakemake.input.clusters])[columns], output.clusters)
write_csv_atomic(pd.concat([pd.read_csv(p) for p in snakemake.input.votes])[columns[:4] + ["sentences", "share"]], output.votes)
languages = pq.read_table(snakemake.input.sentences, columns=["language"]).column("language").to_pylist()
chosen = sample_per_language(languages, params.projection["sentences_per_language"], params.seed)
panels = {
    name: tsne(np.load(path)[chosen], params.projection["perplexity"], params.seed)
    for name, path in zip(params.representations, snakemake.input.vectors)
}
projection_figure(panels, [languages[i] for i in chosen], output.projection)
