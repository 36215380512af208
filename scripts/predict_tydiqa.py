"""Rule predict_tydiqa: a fine-tuned model's zero-shot answers to one language's dev questions."""

import json
import os

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
os.environ.setdefault("OMP_NUM_THREADS", str(snakemake.threads))
tokenizer, model = ModelSource(snakemake.input.model, trust_remote_code=params.trust_remote_code).load(AutoModelForQuestionAnswering)
questions = pq.read_table(snakemake.input.dev).to_pylist()
answers, stats = answer_questions(model, tokenizer, questions, FeatureSpec(**params.features), PredictionSpec(**params.prediction))
write_text_atomic(snakemake.output[0], json.dumps(answers, ensure_ascii=False, indent=1) + "\n")
