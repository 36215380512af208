"""Rule align_embeddings: map a language's vectors into the pivot space (the pivot: normalized only)."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np

from xlclust.alignment.dictionaries import read_pairs
from xlclust.alignment.procrustes import align, normalize
from xlclust.atomic import atomic_path, write_text_atomic
from xlclust.runlog import start_job
from xlclust.search import SearchSettings
from xlclust.settings import settings_from

start_job(snakemake)
settings = snakemake.params.settings
source = normalize(np.load(snakemake.input.embeddings), settings["normalize"])
if snakemake.params.is_pivot:
    mapping, report = np.eye(source.shape[1], dtype=np.float32), {"pivot": True, "rounds": []}
else:
    target = normalize(np.load(snakemake.input.pivot_embeddings), settings["normalize"])
    alignment = align(
        source,
        target,
        read_pairs(snakemake.input.train),
        self_learning=settings["self_learning"],
        rounds=settings["rounds"],
        most_frequent=settings["most_frequent"],
        csls_k=settings["csls_k"],
        search=settings_from(SearchSettings, snakemake.params.search, "search"),
    )
    mapping, report = alignment.mapping, {"pivot": False, "rounds": alignment.rounds}
for name, matrix in (("mapping", mapping), ("mapped", source @ mapping)):
    with atomic_path(snakemake.output[name], suffix=".npy") as tmp:
        np.save(tmp, matrix.astype(np.float32))
write_text_atomic(snakemake.output.report, json.dumps({**report, "normalize": settings["normalize"]}, indent=2) + "\n")
