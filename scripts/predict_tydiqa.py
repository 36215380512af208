"""Rule predict_tydiqa: a fine-tuned model's zero-shot answers to every language's dev questions
(one job per model and seed: the model loads once)."""

import json
import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq
from transformers import AutoModelForQuestionAnswering

from xlclust.atomic import write_text_atomic
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.tydiqa.features import FeatureSpec
from xlclust.tydiqa.predict import PredictionSpec, answer_questions

start_job(snakemake)
params = snakemake.params
tokenizer, model = ModelSource(snakemake.input.model).load(AutoModelForQuestionAnswering)  # its own code only after xlclust.models' check
features, prediction = FeatureSpec(**params.features), PredictionSpec(**params.prediction)
for language, dev, output in zip(params.languages, snakemake.input.dev, snakemake.output, strict=True):
    logging.getLogger("predict_tydiqa").info("answering the %s dev questions", language)
    answers, _ = answer_questions(model, tokenizer, pq.read_table(dev).to_pylist(), features, prediction)
    write_text_atomic(output, json.dumps(answers, ensure_ascii=False, indent=1) + "\n")
