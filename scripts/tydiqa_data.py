"""Rule tydiqa_data: TyDi QA GoldP from the Hub or local files → checked Parquet question tables."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path, write_csv_atomic
from xlclust.runlog import start_job
from xlclust.settings import DatasetSource
from xlclust.tydiqa.data import PROBLEM_COLUMNS, prepare_split, records_table

start_job(snakemake)
params, output = snakemake.params, snakemake.output
dataset = params.dataset
source = DatasetSource.from_config(dataset, "tydiqa.dataset")
options = {"seed": params.seed, "cache_dir": params.cache_dir, "check_published": dataset["check_published_sizes"]}
train, train_counts, train_problems = prepare_split(source, "train", [params.train_language], params.limit["train"], **options)
dev, dev_counts, dev_problems = prepare_split(source, "dev", params.languages, params.limit["dev"], **options)


def write_questions(records, path):
    with atomic_path(path, suffix=".parquet") as tmp:
        pq.write_table(records_table(records), tmp)


write_questions(train[params.train_language], output.train)
for lang, path in zip(params.languages, output.dev):
    write_questions(dev[lang], path)
write_csv_atomic(pd.DataFrame(train_counts + dev_counts), output.counts)
write_csv_atomic(pd.DataFrame(train_problems + dev_problems, columns=PROBLEM_COLUMNS), output.problems)
