"""Rule grouping_pipelines_report: Table 3 (continual pretraining per r_G and d) and the translations
sharing a group after each grouping, as tables."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.grouping.tables import continual_table, translations_table
from xlclust.runlog import start_job

start_job(snakemake)
params, inputs = snakemake.params, snakemake.input
write_csv_atomic(continual_table(dict(zip(params.continual, inputs.continual))), snakemake.output.table3)
write_csv_atomic(translations_table(dict(zip(params.translations, inputs.translations))), snakemake.output.translations)
