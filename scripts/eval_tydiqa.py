"""Rule eval_tydiqa: a pipeline's model fine-tuned on TyDi QA GoldP training questions (all languages'
or one language's; one seed), SQuAD EM/F1 on every language's dev set."""

import json
import shutil
import tempfile

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq
from transformers import AutoModelForQuestionAnswering

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.grouping_eval.scenario import scenario
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.training.finetuning import FinetuneSpec
from xlclust.tydiqa.features import FeatureSpec
from xlclust.tydiqa.finetune import finetune
from xlclust.tydiqa.metrics import squad_scores
from xlclust.tydiqa.predict import PredictionSpec, answer_questions
from xlclust.tydiqa.report import gold_answers

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
features = FeatureSpec(**params.features)
questions = pq.read_table(snakemake.input.train).to_pylist()
rows = []
with tempfile.TemporaryDirectory() as model_dir:  # the scores are the output; the weights are not kept
    spec = FinetuneSpec(seed=int(wildcards.seed), **params.training)
    summary = finetune(ModelSource(**params.model), questions, spec, features, params.checkpoints, f"{model_dir}/model")
    tokenizer, model = ModelSource(f"{model_dir}/model").load(AutoModelForQuestionAnswering)
    for lang, path in zip(params.test_languages, snakemake.input.dev):
        answers, _ = answer_questions(model, tokenizer, pq.read_table(path).to_pylist(), features, PredictionSpec(**params.prediction))
        scores = squad_scores(answers, gold_answers(path))
        label = scenario(wildcards.eval_lang, lang)
        rows += [{"language": lang, "scenario": label, "metric": metric, "value": scores[metric]} for metric in ("EM", "F1")]
write_csv_atomic(pd.DataFrame(rows), snakemake.output.scores)
write_text_atomic(snakemake.output.summary, json.dumps(summary, indent=1, default=str) + "\n")
shutil.rmtree(params.checkpoints, ignore_errors=True)  # this run's checkpoints only serve a resume
