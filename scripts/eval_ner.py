"""Rule eval_ner: a pipeline's model fine-tuned on MasakhaNER training sentences (one seed): every
language's together (all, App. A) or one language's; span F1 on every language's test set (Table 2)."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.grouping_eval.data import training_rows
from xlclust.grouping_eval.scenario import scenario
from xlclust.models import ModelSource
from xlclust.ner.training import evaluate_languages, finetune_ner
from xlclust.runlog import start_job
from xlclust.training.finetuning import FinetuneSpec

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
spec = FinetuneSpec(seed=int(wildcards.seed), **params.training)
train = training_rows(snakemake.input.train, params.train_languages)
model, tokenizer, run = finetune_ner(
    ModelSource(**params.model),
    train,
    params.classes,
    spec,
    params.max_length,
    params.checkpoints,
    max_length_key="grouping.evaluation.max_length",
)
tests = {lang: pq.read_table(path).to_pylist() for lang, path in zip(params.test_languages, snakemake.input.test)}
scores, _, cut = evaluate_languages(model, tokenizer, tests, params.classes, params.max_length, mode="conlleval")
overall = pd.DataFrame(scores).query("`class` == 'all'")
rows = [
    {"language": row.language, "scenario": scenario(wildcards.eval_lang, row.language), "metric": "f1", "value": row.f1}
    for row in overall.itertuples()
]
write_csv_atomic(pd.DataFrame(rows), snakemake.output.scores)
write_text_atomic(snakemake.output.summary, json.dumps(run.summary | {"words_cut": cut}, indent=1, default=str) + "\n")
run.remove_checkpoints()  # the scores are the output; the weights are not kept
