"""Rule eval_miracl_reranking: a pipeline's model trained as a monoBERT cross-encoder on MIRACL
training examples (one seed: every training language's together, App. A's all, or one language's);
each test language's first-stage candidates (BM25, or the same pipeline's DPR run) reranked, its run
file and nDCG@10 (Table 2)."""

import json
from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import atomic_directory, write_csv_atomic, write_text_atomic
from xlclust.grouping_eval.data import training_rows
from xlclust.grouping_eval.scenario import scenario
from xlclust.models import ModelSource
from xlclust.retrieval import trec
from xlclust.retrieval.evaluation import metric_rows, read_topics_table, reranked_run
from xlclust.retrieval.rerank import finetune_monobert
from xlclust.retrieval.trec import read_qrels, read_run, write_run
from xlclust.runlog import start_job
from xlclust.training.finetuning import FinetuneSpec

start_job(snakemake)
params, wildcards, inputs = snakemake.params, snakemake.wildcards, snakemake.input
settings, depth = params.spec["reranking"], params.spec["depth"]
spec = FinetuneSpec(seed=int(wildcards.seed), **settings["training"])
model_settings = {key: value for key, value in settings.items() if key != "training"}
model, tokenizer, training = finetune_monobert(
    ModelSource(**params.model),
    training_rows(inputs.train, params.train_languages, key="qid"),
    spec,
    model_settings,
    params.checkpoints,
    "grouping.evaluation.miracl.reranking",
)
if isinstance(inputs.candidates, str):  # the DPR runs' directory
    candidate_files = [Path(inputs.candidates) / f"run-{lang}.trec" for lang in params.test_languages]
else:
    candidate_files = list(inputs.candidates)
rows = []
with atomic_directory(snakemake.output.runs) as runs:
    for lang, corpus, topics, qrels, candidates in zip(params.test_languages, inputs.corpus, inputs.topics, inputs.qrels, candidate_files):
        run = reranked_run(model, tokenizer, read_run(candidates), read_topics_table(topics), corpus, depth, settings["max_length"])
        write_run(runs / f"run-{lang}.trec", run, f"monobert-{wildcards.pipeline}".replace("/", "_"))
        label = scenario(wildcards.eval_lang, lang)
        judged = read_qrels(qrels)
        rows += [{"language": lang, "scenario": label, **row} for row in metric_rows(judged, run, depth, with_recall=False)]
        first_stage = trec.ndcg(judged, read_run(candidates), 10, depth)  # what reranking started from
        rows.append({"language": lang, "scenario": label, "metric": "first_stage_ndcg@10", "value": 100 * first_stage})
write_csv_atomic(pd.DataFrame(rows), snakemake.output.scores)
write_text_atomic(
    snakemake.output.summary, json.dumps(training.summary | {"candidates": settings["candidates"]}, indent=1, default=str) + "\n"
)
training.remove_checkpoints()
