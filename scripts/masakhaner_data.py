"""Rule masakhaner_data: one MasakhaNER language's CoNLL files (downloaded once and checked against
their pinned sums, or local) → checked Parquet sentence tables."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.grouping_eval.data import localized_ner_files
from xlclust.runlog import start_job
from xlclust.settings import DatasetSource
from xlclust.token_classification.data import prepare_language, write_language_tables

start_job(snakemake)
params = snakemake.params
files = localized_ner_files(params.files, params.language, params.cache_dir, params.sha256, "grouping.evaluation.masakhaner.files")
tables, counts, problems = prepare_language(
    DatasetSource(files=files), params.language, params.classes, {}, params.seed, "repair", None, "masakhaner"
)
write_language_tables(tables, counts, problems, snakemake.output)
