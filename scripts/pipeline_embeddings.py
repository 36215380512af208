"""Rule pipeline_embeddings: the token table and embedding rows of a pipeline's vocabulary (a model's input
embeddings, or the joint mapped vocabulary) that grouping groups. A reduced model's rows are its (V, d)
ones (§4.2: grouping after dimension reduction); the table carries First-k's order (xlclust.grouping.emergence)."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd

from xlclust.atomic import atomic_path
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
if snakemake.wildcards.pipeline == "vocabulary":
    from xlclust.grouping.vocabulary import vocabulary_source

    mapped = {lang: np.load(path) for lang, path in zip(params.languages, snakemake.input.mapped)}
    tokens, embeddings = vocabulary_source(pd.read_parquet(snakemake.input.joint), mapped)
else:
    from xlclust.grouping.model import load_masked_lm, model_vocabulary
    from xlclust.models import ModelSource

    tokenizer, masked_lm = load_masked_lm(ModelSource(**params.model))
    tokens, embeddings = model_vocabulary(tokenizer, masked_lm)
logging.info("%d tokens, %d to group, dimension %d", len(tokens), len(embeddings), embeddings.shape[1])
with atomic_path(snakemake.output.tokens, suffix=".parquet") as tmp:
    tokens.to_parquet(tmp, index=False)
with atomic_path(snakemake.output.embeddings, suffix=".npy") as tmp:
    np.save(tmp, embeddings)
