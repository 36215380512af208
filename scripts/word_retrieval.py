"""Rule word_retrieval: contextual word retrieval (CSLS) on one language's test sentences with
English, both directions, for every method: its layers over its backbone (mBERT, or the language's
eBERT for ebert_*), the backbone trained further, or the backbone as it is. One table per language, a
row per method and direction."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.lowres.contextual import load_encoder
from xlclust.lowres.layers import LayerMaps
from xlclust.lowres.parallel import read_split
from xlclust.lowres.retrieval import word_retrieval
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.search import SearchSettings, set_threads
from xlclust.settings import settings_from

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
set_threads(snakemake.threads)
english, other, links = read_split(snakemake.input.parallel, "test")
search = settings_from(SearchSettings, params.search, "search")
other_to_english = [pairs[:, ::-1] for pairs in links]
backbones = {}  # each backbone as it is (by location): loaded once for every method that only maps its outputs
tables = []
for method in params.methods:
    source = ModelSource(**method["encoder"])
    if "weights" in method:
        encoder = load_encoder(source, params.encode_batch_size, method["weights"])
    else:
        if source.location not in backbones:
            backbones[source.location] = load_encoder(source, params.encode_batch_size)
        encoder = backbones[source.location]
    maps = LayerMaps.load(method["layers"]) if "layers" in method else LayerMaps.identity()
    rows = word_retrieval(
        encoder, maps, tuple(params.languages), (other, english), other_to_english, params.csls_k, search, params.candidates
    )
    tables.append(pd.DataFrame(rows).assign(method=method["method"], language=wildcards.lowres_lang))
table = pd.concat(tables, ignore_index=True)
write_csv_atomic(table[["method", "language", "source", "target", "pairs", "candidates", "accuracy"]], snakemake.output[0])
