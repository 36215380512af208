"""Rule train_tagger: one tagger (task, embedder, scenario, training set, seed), trained with early
stopping and scored on every evaluation language's test set; per sentence, the tokens tagged right."""

from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import atomic_directory
from xlclust.runlog import start_job
from xlclust.settings import settings_from
from xlclust.tagging.optimization import apply_chosen, chosen_values
from xlclust.tagging.run import Resources, run_tagging
from xlclust.tagging.training import TaggerTraining

start_job(snakemake)
params, wildcards, inputs = snakemake.params, snakemake.wildcards, snakemake.input
train_languages, eval_languages = params.languages
vectors = {}
for path in inputs.get("vectors", []):
    table = pq.read_table(path)
    vectors[Path(path).stem] = (
        table.column("word").to_pylist(),
        np.asarray(table.column("vector").combine_chunks().flatten()).reshape(table.num_rows, -1),
    )
tagger, training = params.tagger, settings_from(TaggerTraining, params.training, "tagging.training")
study = inputs.get("optimization")
if study:  # a LASER-based tagger: its study's dropouts and L2
    tagger, training = apply_chosen(tagger, training, chosen_values(pd.read_csv(study), study))
result = run_tagging(
    task=wildcards.tagging_task,
    embedder=wildcards.embedder,
    scenario=wildcards.tagging_scenario,
    data={Path(directory).name: directory for directory in inputs.data},
    train_languages=train_languages,
    eval_languages=eval_languages,
    english=params.english,
    share=params.share,
    classes=params.classes,
    ner_mode=params.ner_mode,
    resources=Resources(inputs.get("laser"), vectors, params.model),
    tagger_settings=tagger,
    embedder_settings=params.embedder_settings,
    training=training,
    seed=int(wildcards.seed),
    checkpoint_dir=params.checkpoints,
    lowercase=params.lowercase,
)
run = {
    "embedder": wildcards.embedder,
    "task": wildcards.tagging_task,
    "scenario": wildcards.tagging_scenario,
    "train_languages": " ".join(train_languages),
    "seed": int(wildcards.seed),
}
with atomic_directory(snakemake.output[0]) as tmp:
    result.scores.assign(**run)[[*run, "language", "metric", "value", "sentences"]].to_csv(tmp / "scores.csv", index=False)
    result.sentences.to_parquet(tmp / "sentences.parquet", index=False)
    result.confusion.to_csv(tmp / "confusion.csv", index=False)
    pd.DataFrame(result.log).to_csv(tmp / "training_log.csv", index=False)
