"""Rule train_ner: one NER model trained on a group's languages (one seed), scored on each
evaluated language's test set."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path, write_csv_atomic, write_text_atomic
from xlclust.models import ModelSource
from xlclust.ner.training import evaluate_languages, finetune_ner
from xlclust.runlog import start_job
from xlclust.training.finetuning import LOG_FIELDS, FinetuneSpec

start_job(snakemake)
params, output, wildcards = snakemake.params, snakemake.output, snakemake.wildcards
source = ModelSource(**params.encoder)  # its local directory, if any, is the rule's input too
train = [row for path in snakemake.input.train for row in pq.read_table(path).to_pylist()]
spec = FinetuneSpec(seed=int(wildcards.seed), **params.training)
model, tokenizer, run = finetune_ner(source, train, params.classes, spec, params.max_length, params.checkpoints)
# each test set by its data set's name: a WikiAnn language's code, or the generalization corpus's name
tests = {name: pq.read_table(path).to_pylist() for name, path in zip(params.test_names, snakemake.input.test)}
scores, predictions, cut = evaluate_languages(
    model, tokenizer, tests, params.classes, params.max_length, params.evaluation["batch_size"], params.evaluation["mode"]
)
scores = pd.DataFrame(scores).assign(scheme=wildcards.scheme, group=wildcards.group, seed=int(wildcards.seed))
write_csv_atomic(scores, output.scores)
with atomic_path(output.predictions, suffix=".parquet") as tmp:
    pq.write_table(predictions, tmp)
write_csv_atomic(pd.DataFrame(run.rows, columns=list(LOG_FIELDS)), output.training_log)
write_text_atomic(
    output.summary,
    json.dumps(
        {**run.summary, "train_languages": sorted({r["language"] for r in train}), "evaluated_languages": sorted(tests), "words_cut": cut},
        indent=1,
    )
    + "\n",
)
run.remove_checkpoints()  # the scores and predictions are the outputs; the weights are not kept
