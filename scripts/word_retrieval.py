"""Rule word_retrieval: contextual word retrieval (CSLS) on one language's test sentences with
English, both directions, with a method's layers (or the LM as it is)."""

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
encoder = load_encoder(ModelSource(**params.encoder), params.encode_batch_size, snakemake.input.get("weights"))
maps = LayerMaps.load(snakemake.input.layers) if "layers" in snakemake.input.keys() else LayerMaps.identity()
english, other, links = read_split(snakemake.input.parallel, "test")
search = settings_from(SearchSettings, params.search, "search")
rows = word_retrieval(encoder, maps, tuple(params.languages), (other, english), [pairs[:, ::-1] for pairs in links], params.csls_k, search)
table = pd.DataFrame(rows).assign(method=wildcards.lowres_method, language=wildcards.lowres_lang)
write_csv_atomic(table[["method", "language", "source", "target", "pairs", "accuracy"]], snakemake.output[0])
