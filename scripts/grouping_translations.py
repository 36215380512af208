"""Rule grouping_translations: how many single-subword translation pairs share a group."""

import json
import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_text_atomic
from xlclust.grouping.clsa_pairs import read_pairs, single_subword_pairs
from xlclust.grouping.translations import translation_sharing
from xlclust.models import ModelSource
from xlclust.runlog import start_job

start_job(snakemake)
tokenizer = ModelSource(**snakemake.params.model).load_tokenizer()
pair_ids, counts = single_subword_pairs(read_pairs(snakemake.input.pairs), tokenizer)
result = translation_sharing(pd.read_parquet(snakemake.input.map), pair_ids)
logging.info("%s", result)
write_text_atomic(snakemake.output[0], json.dumps(counts | result, indent=2) + "\n")
