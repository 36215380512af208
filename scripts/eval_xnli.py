"""Rule eval_xnli: a pipeline's model fine-tuned on XNLI training pairs (one seed): every language's
XNLI-MT set together (all, App. A) or one language's (zero-shot elsewhere, Fig. 9); accuracy on every
language's test pairs."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.grouping_eval.data import training_rows
from xlclust.grouping_eval.scenario import scenario
from xlclust.models import ModelSource
from xlclust.nli.training import accuracy, finetune_nli, predict_labels
from xlclust.runlog import start_job
from xlclust.training.finetuning import FinetuneSpec

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
spec = FinetuneSpec(seed=int(wildcards.seed), **params.training)
train = training_rows(snakemake.input.train, params.train_languages)
model, tokenizer, run = finetune_nli(ModelSource(**params.model), train, spec, params.max_length, params.checkpoints)
rows = []
for lang, path in zip(params.test_languages, snakemake.input.test):
    test = pq.read_table(path).to_pylist()
    score = accuracy(test, predict_labels(model, tokenizer, test, params.max_length))
    rows.append({"language": lang, "scenario": scenario(wildcards.eval_lang, lang), "metric": "accuracy", "value": score})
write_csv_atomic(pd.DataFrame(rows), snakemake.output.scores)
write_text_atomic(snakemake.output.summary, json.dumps(run.summary, indent=1, default=str) + "\n")
run.remove_checkpoints()
