"""Rule seed_dictionary: train and test pairs of a language with the pivot, and their coverage."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.alignment.dictionaries import DictionarySpec, seed_dictionary, write_pairs
from xlclust.atomic import write_text_atomic
from xlclust.runlog import start_job
from xlclust.vocabulary.build import read_pieces

start_job(snakemake)
language_pieces, pivot_pieces = read_pieces(snakemake.input.pieces), read_pieces(snakemake.input.pivot_pieces)
lang = snakemake.wildcards.lang
mined = None
if "mined" in snakemake.input.keys():  # the low-resource system's mined type pairs (unsupervised: mined)
    types = pd.read_csv(f"{snakemake.input.mined}/mined_types.csv", keep_default_na=False, dtype={"source_word": str, "target_word": str})
    mined = list(zip(types["source_word"], types["target_word"], types["count"]))
spec = DictionarySpec.from_config(snakemake.params.spec, lang)
train, test, report = seed_dictionary(lang, spec, language_pieces, pivot_pieces, mined)
write_pairs(train, language_pieces, pivot_pieces, snakemake.output.train)
write_pairs(test, language_pieces, pivot_pieces, snakemake.output.test)
write_text_atomic(snakemake.output.coverage, json.dumps(report, indent=2) + "\n")
