"""Rule tagging_data: one task's data of one language (NER tags checked, POS tags universal), a table
per split with its counts and problems."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import atomic_directory
from xlclust.runlog import start_job
from xlclust.tagging.data import prepare_task_language
from xlclust.tagging.sources import task_source

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
source, pos, mapping = task_source(params.section, params.key, params.splits, params.cache_dir, params.sha256)
tables, counts, problems = prepare_task_language(
    wildcards.tagging_task,
    source,
    wildcards.tagging_lang,
    params.splits,
    classes=params.classes,
    pos=pos,
    pos_mapping=mapping,
    limits=params.limits,
    seed=params.seed,
    cache_dir=params.cache_dir,
)
with atomic_directory(snakemake.output[0]) as tmp:
    for split, table in tables.items():
        pq.write_table(table, tmp / f"{split}.parquet")
    pd.DataFrame(counts).to_csv(tmp / "counts.csv", index=False)
    pd.DataFrame(problems, columns=["task", "language", "split", "where", "problem", "action"]).to_csv(tmp / "problems.csv", index=False)
