"""Rule partition_graph: METIS parts of the translation graph (-1: isolated node)."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import scipy.sparse as sparse

from xlclust.atomic import atomic_path
from xlclust.cluster.partition import partition
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
assignment = partition(sparse.load_npz(snakemake.input[0]).tocsr(), params.parts, params.imbalance, params.seed)
logging.info("%d nodes in %d non-empty parts", len(assignment), len(np.unique(assignment[assignment >= 0])))
with atomic_path(snakemake.output[0], suffix=".npy") as tmp:
    np.save(tmp, assignment)
