"""Rule eval_xnli: a pipeline's model fine-tuned on one language's XNLI training pairs (one seed),
accuracy on the test pairs of that language, or of every language when it is the zero-shot source."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.models import ModelSource
from xlclust.nli.training import accuracy, finetune_nli, predict_labels
from xlclust.runlog import start_job
from xlclust.training.finetuning import FinetuneSpec

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
spec = FinetuneSpec(seed=int(wildcards.seed), **params.training)
train = pq.read_table(snakemake.input.train).to_pylist()
model, tokenizer, run = finetune_nli(ModelSource(**params.model), train, spec, params.max_length, params.checkpoints)
rows = []
for lang, path in zip(params.test_languages, snakemake.input.test):
    test = pq.read_table(path).to_pylist()
    score = accuracy(test, predict_labels(model, tokenizer, test, params.max_length))
    scenario = "in_language" if lang == wildcards.eval_lang else "zero_shot"
    rows.append({"language": lang, "scenario": scenario, "metric": "accuracy", "value": score})
write_csv_atomic(pd.DataFrame(rows), snakemake.output.scores)
write_text_atomic(snakemake.output.summary, json.dumps(run.summary, indent=1, default=str) + "\n")
run.remove_checkpoints()
