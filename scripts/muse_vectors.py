"""Rule muse_vectors: the MUSE vectors of the words one language's data has (as written and lower-cased),
or with `aligned` the alignment stage's mapped space read as word vectors."""

from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path
from xlclust.runlog import start_job
from xlclust.tagging.sources import fetch
from xlclust.tagging.static import aligned_word_vectors, read_vectors

start_job(snakemake)
params = snakemake.params
words = set()
for directory in snakemake.input.data:
    for split in ("train", "dev", "test"):
        path = Path(directory) / f"{split}.parquet"
        if not path.exists():  # evaluation-only languages have a test split only
            continue
        tokens = pq.read_table(path, columns=["tokens"]).column(0).to_pylist()
        words |= {token for sentence in tokens for form in sentence for token in (form, form.lower())}
if params.location == "aligned":  # the alignment stage's mapped subword space, its whole-word pieces
    pieces = pq.read_table(snakemake.input.pieces).sort_by("rank").column("piece").to_pylist()
    found, matrix = aligned_word_vectors(pieces, np.load(snakemake.input.mapped), words)
else:
    found, matrix = read_vectors(fetch(params.location, params.cache_dir, params.sha256, params.key), words, params.key)
table = pa.table({"word": found, "vector": pa.FixedSizeListArray.from_arrays(pa.array(matrix.reshape(-1)), matrix.shape[1])})
with atomic_path(snakemake.output[0], suffix=".parquet") as tmp:
    pq.write_table(table, tmp)
