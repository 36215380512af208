"""Rules wikiann_data and ner_corpus_data: one language's WikiAnn (or CoNLL) splits, or another NER
corpus of a language (the generalization study's), → checked Parquet sentence tables."""

import pandas as pd
import pyarrow.parquet as pq
import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import atomic_path, write_csv_atomic
from xlclust.ner.data import PROBLEM_COLUMNS, SPLITS, NerFiles, prepare_language
from xlclust.runlog import start_job
from xlclust.settings import DatasetSource

start_job(snakemake)
params, output = snakemake.params, snakemake.output
source = DatasetSource.from_config(params.source, params.source_key, NerFiles)
tables, counts, problems = prepare_language(
    source, params.language, params.classes, params.limit, params.seed, params.invalid_tags, params.cache_dir, params.name
)
for split in SPLITS:
    with atomic_path(output[split], suffix=".parquet") as tmp:
        pq.write_table(tables[split], tmp)
write_csv_atomic(pd.DataFrame(counts), output.counts)
write_csv_atomic(pd.DataFrame(problems, columns=PROBLEM_COLUMNS), output.problems)
