"""Rule lowres_sentences: a seeded sample of one language's Wikipedia sentences, split into words
(Hangya et al. 2022 §4.1)."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow as pa
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path
from xlclust.errors import XlclustError
from xlclust.lowres.words import sample_sentences, tokenize_lines
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
lang = snakemake.wildcards.lowres_lang
texts = sample_sentences(snakemake.input[0], params.sentences, params.seed)
words = tokenize_lines(texts, params.tokenizer, lang, params.max_words)
kept = [(t, w) for t, w in zip(texts, words) if w]
if not kept:
    raise XlclustError(f"{snakemake.input[0]}: no sentence with words to mine")
if len(kept) < params.sentences:
    logging.warning("%s: %d sentences, fewer than the %d asked for", lang, len(kept), params.sentences)
table = pa.table({"text": [t for t, _ in kept], "words": [w for _, w in kept]})
with atomic_path(snakemake.output[0], suffix=".parquet") as tmp:
    pq.write_table(table, tmp)
logging.info("%s: %d sentences, %d words (%s tokenizer)", lang, len(kept), sum(len(w) for _, w in kept), params.tokenizer)
