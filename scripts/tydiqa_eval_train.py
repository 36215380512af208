"""Rule tydiqa_eval_train: the TyDi QA GoldP training questions of one evaluation training (all: every
language's that has training questions, App. A; a language code: that language's) → a checked Parquet
question table."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path, write_csv_atomic
from xlclust.runlog import start_job
from xlclust.settings import DatasetSource
from xlclust.tydiqa.data import prepare_split, records_table

start_job(snakemake)
params = snakemake.params
source = DatasetSource.from_config(params.dataset, "tydiqa.dataset")
options = {"seed": params.seed, "cache_dir": params.cache_dir, "check_published": params.dataset["check_published_sizes"]}
by_language, counts, _ = prepare_split(source, "train", params.languages, params.limit, **options)
with atomic_path(snakemake.output.questions, suffix=".parquet") as tmp:
    pq.write_table(records_table([q for lang in params.languages for q in by_language[lang]]), tmp)
write_csv_atomic(pd.DataFrame(counts), snakemake.output.counts)
