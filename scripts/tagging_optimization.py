"""Rule tagging_optimization: one Bayesian-optimization study (task × LASER-based embedder) of the
tagger's dropouts and L2, all its trials in this job → every trial and the chosen one, as a CSV."""

from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.runlog import start_job
from xlclust.settings import settings_from
from xlclust.tagging.optimization import run_study
from xlclust.tagging.run import Resources
from xlclust.tagging.training import TaggerTraining

start_job(snakemake)
params, wildcards, inputs = snakemake.params, snakemake.wildcards, snakemake.input
trials = run_study(
    task=wildcards.tagging_task,
    embedder=wildcards.embedder,
    data={Path(directory).name: directory for directory in inputs.data},
    english=params.english,
    classes=params.classes,
    ner_mode=params.ner_mode,
    resources=Resources(inputs.laser),
    tagger_settings=params.tagger,
    embedder_settings=params.embedder_settings,
    training=settings_from(TaggerTraining, params.training, "tagging.training.laser"),
    lowercase=params.lowercase,
    study=params.study,
    seed=params.seed,
    checkpoint_dir=params.checkpoints,
)
write_csv_atomic(trials.assign(task=wildcards.tagging_task, embedder=wildcards.embedder), snakemake.output[0])
