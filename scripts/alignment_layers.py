"""Rule alignment_layers: one language's and English's linear layers over the frozen LM, trained on
mined word pairs (Hangya et al. 2022 §3; mined_intersection: §5.3's mining) or on the parallel
training sentences' links (linear_sup); on mBERT, or on the language's eBERT (ebert_*: params.encoder)."""

import json
import logging
from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import atomic_directory
from xlclust.lowres.contextual import load_encoder
from xlclust.lowres.examples import AlignedExamples, MinedExamples, recorded_pairs
from xlclust.lowres.parallel import read_split
from xlclust.lowres.settings import MiningSettings, UpdateSettings
from xlclust.lowres.types import mined_types
from xlclust.lowres.update import ITERATION_FIELDS, LOG_FIELDS, train_layers
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.search import SearchSettings, set_threads
from xlclust.settings import settings_from
from xlclust.training.checkpoint import fingerprint, lines_digest

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
set_threads(snakemake.threads)
source = ModelSource(**params.encoder)
languages = tuple(params.languages)  # (the language, English)
update = settings_from(UpdateSettings, params.training, "lowres.update")
encoder = load_encoder(source, params.encode_batch_size)
mined = params.base in ("mined", "mined_intersection")  # the method without its backbone (ebert_mined: mined)
if mined:
    sentences = {
        lang: pq.read_table(path, columns=["words"]).column(0).to_pylist() for lang, path in zip(languages, snakemake.input.sentences)
    }
    data = {lang: lines_digest(" ".join(words) for words in sentences[lang]) for lang in languages}
    mining = settings_from(MiningSettings, params.mining, "lowres.mining")
    identity = {
        "task": "lowres",
        "method": wildcards.trained_method,
        "model": source.identity(),
        "sentences": data,
        "mining": params.mining,
    }
    record_dir = Path(params.checkpoints) / f"mined-{fingerprint(identity | {'update': params.training, 'seed': params.seed})}"
    search = settings_from(SearchSettings, params.search, "search")
    provider = MinedExamples(encoder, sentences, languages, mining, params.seed, search, record_dir)
else:
    english, other, links = read_split(snakemake.input.parallel, "train")
    identity = {
        "task": "lowres",
        "method": "linear_sup",
        "model": source.identity(),
        "parallel": lines_digest(" ".join(s) for s in other + english),
    }
    provider = AlignedExamples(encoder, languages, other, english, [pairs[:, ::-1] for pairs in links])
maps, rows, iterations, summary = train_layers(provider, languages, encoder.dim, update, params.seed, params.checkpoints, identity)
with atomic_directory(snakemake.output.layers) as tmp:
    maps.save(tmp, {"languages": list(languages), "method": wildcards.trained_method, "model": source.identity(), **summary})
    pd.DataFrame(rows, columns=LOG_FIELDS).to_csv(tmp / "training_log.csv", index=False)
    if mined:
        pd.DataFrame(iterations, columns=ITERATION_FIELDS).to_csv(tmp / "iterations.csv", index=False)
        pairs = recorded_pairs(record_dir)
        pq.write_table(pairs, tmp / "mined_pairs.parquet")
        mined_types(pairs.to_pandas()).to_csv(tmp / "mined_types.csv", index=False)
    (tmp / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
logging.info("%s layers of %s: %s", wildcards.trained_method, "-".join(languages), summary)
