"""Rule miracl_train: a MIRACL training language's queries with their judged passages' texts."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.retrieval.corpus import training_examples, write_examples
from xlclust.retrieval.miracl import MiraclSource, read_split
from xlclust.runlog import start_job

start_job(snakemake)
params, output = snakemake.params, snakemake.output
spec = params.spec
source = MiraclSource(spec["source"], spec["hub"], spec["files"], params.cache_dir)
topics, qrels = read_split(source, params.language, "train")
examples, counts = training_examples(snakemake.input.corpus, topics, qrels)
write_examples(examples, output.examples)
write_csv_atomic(pd.DataFrame([counts]), output.counts)
logging.info("MIRACL %s training examples: %s", params.language, counts)
