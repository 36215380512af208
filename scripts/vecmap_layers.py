"""Rule vecmap_layers: the vecmap baselines (Hangya et al. 2022 §4.2) — type-level anchors of the
language and English, an orthogonal map seeded by identical words (vecmap_id) or a dictionary
(vecmap_sup) and refined by VecMap's self-learning (lowres.vecmap.self_learning), saved as the
language's layer (English's: the identity); on mBERT, or on the language's eBERT (ebert_vecmap_*:
params.encoder)."""

import json
import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.alignment.dictionaries import check_order
from xlclust.atomic import atomic_directory
from xlclust.lowres.anchors import dictionary_pairs, identical_pairs, type_anchors, vecmap_layer
from xlclust.lowres.contextual import load_encoder
from xlclust.lowres.dictionary import lowres_dictionary
from xlclust.lowres.layers import LayerMaps
from xlclust.lowres.settings import VecmapSettings
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.search import SearchSettings, set_threads
from xlclust.settings import settings_from

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
set_threads(snakemake.threads)
settings = settings_from(VecmapSettings, params.vecmap, "lowres.vecmap")
source = ModelSource(**params.encoder)
lang, english = params.languages
supervised = params.base == "vecmap_sup"  # the method without its backbone (ebert_vecmap_sup: vecmap_sup)
if supervised:  # read (and checked) before the anchors are computed
    spec = params.dictionary
    dictionary = lowres_dictionary(spec, lang, english)
encoder = load_encoder(source, params.encode_batch_size)
anchors = {}
for side, path in zip(params.languages, snakemake.input.sentences):  # side: not lang, which stays the language's
    sentences = pq.read_table(path, columns=["words"]).column(0).to_pylist()
    anchors[side] = type_anchors(encoder, sentences, side, settings.words, settings.sentences_per_word, params.seed)
if not supervised:
    seeds = identical_pairs(anchors[lang].words, anchors[english].words)
else:
    seeds = dictionary_pairs(anchors[lang].words, anchors[english].words, dictionary)
    swapped = dictionary_pairs(anchors[lang].words, anchors[english].words, [(b, a) for a, b in dictionary])
    where = f"{spec['file']} (config key 'lowres.dictionaries.{lang}')"
    check_order(len(seeds), len(swapped), len(dictionary), where, "varieties" if spec["format"] == "panlex_swadesh" else "pivot_first")
search = settings_from(SearchSettings, params.search, "search")
weight, report = vecmap_layer(
    anchors[lang],
    anchors[english],
    seeds,
    settings.normalize,
    settings.self_learning,
    settings.rounds,
    search,
    settings.refinement,
    params.seed,
)
with atomic_directory(snakemake.output.layers) as tmp:
    LayerMaps({lang: weight}).save(
        tmp, {"languages": [lang, english], "method": wildcards.vecmap_method, "model": source.identity(), **report}
    )
    for side in (lang, english):
        pd.DataFrame({"word": anchors[side].words, "occurrences": anchors[side].occurrences}).to_csv(
            tmp / f"anchors_{side}.csv", index=False
        )
    (tmp / "summary.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
logging.info("%s %s: %s", wildcards.vecmap_method, lang, report)
