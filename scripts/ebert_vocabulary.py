"""Rule ebert_vocabulary: the LM with its WordPiece vocabulary extended by the language's most frequent
new subwords and as many new embedding rows (E-BERT, Wang et al. 2020; Hangya et al. 2022 §4.1's
eBERT), the start of its masked-LM training."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.models import ModelSource
from xlclust.pretraining.extension import extend_model
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
settings = params.settings
extend_model(
    ModelSource(**params.encoder),
    pq.read_table(snakemake.input.corpus, columns=["text"]).column(0).to_pylist(),
    snakemake.output[0],
    vocab_size=settings["wordpiece_vocab_size"],
    new_subwords=settings["new_subwords"],
    new_rows=settings["new_rows"],
    seed=params.seed,
)
