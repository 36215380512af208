"""Rule embed_sentences: one vector per sentence from the fine-tuned or the original encoder."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path, write_text_atomic
from xlclust.langclust.embedding import REPRESENTATIONS, sentence_vectors
from xlclust.models import ModelSource
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
_, pooling = REPRESENTATIONS[snakemake.wildcards.representation]
if snakemake.wildcards.representation.startswith("finetuned"):
    source = ModelSource(snakemake.input.model)
else:
    source = ModelSource(**params.encoder)  # its local directory, if any, is the rule's input too
texts = pq.read_table(snakemake.input.sentences, columns=["text"]).column("text").to_pylist()
vectors, stats = sentence_vectors(source, texts, pooling, params.embedding["max_length"], params.embedding["batch_size"])
with atomic_path(snakemake.output.vectors, suffix=".npy") as tmp:
    np.save(tmp, vectors)
write_text_atomic(snakemake.output.stats, json.dumps(stats, indent=1) + "\n")
