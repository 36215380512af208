"""Rule seed_dictionary: train and test pairs of a language with the pivot, and their coverage."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.align.dictionaries import DictionarySpec, seed_dictionary, write_pairs
from xlclust.atomic import write_text_atomic
from xlclust.runlog import start_job
from xlclust.vocab.build import read_pieces

start_job(snakemake)
language_pieces, pivot_pieces = read_pieces(snakemake.input.pieces), read_pieces(snakemake.input.pivot_pieces)
lang = snakemake.wildcards.lang
train, test, report = seed_dictionary(lang, DictionarySpec.from_config(snakemake.params.spec, lang), language_pieces, pivot_pieces)
write_pairs(train, language_pieces, pivot_pieces, snakemake.output.train)
write_pairs(test, language_pieces, pivot_pieces, snakemake.output.test)
write_text_atomic(snakemake.output.coverage, json.dumps(report, indent=2) + "\n")
