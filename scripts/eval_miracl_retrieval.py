"""Rule eval_miracl_retrieval: a pipeline's model trained as a DPR bi-encoder on MIRACL training
examples (one seed: every training language's together, App. A's all, or one language's); each test
language's whole corpus encoded (resumable shards) and searched through xlclust.search,
its run file and nDCG@10 / recall@100 (Table 2)."""

import json
import shutil
from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import atomic_directory, write_csv_atomic, write_text_atomic
from xlclust.grouping_eval.data import training_rows
from xlclust.grouping_eval.scenario import scenario
from xlclust.models import ModelSource
from xlclust.retrieval.dpr import finetune_dpr
from xlclust.retrieval.evaluation import dpr_run, metric_rows, read_topics_table
from xlclust.retrieval.trec import read_qrels, write_run
from xlclust.runlog import start_job
from xlclust.search import SearchSettings, set_threads
from xlclust.training.finetuning import FinetuneSpec

start_job(snakemake)
params, wildcards, inputs = snakemake.params, snakemake.wildcards, snakemake.input
set_threads(snakemake.threads)
settings = params.spec["retrieval"]
spec = FinetuneSpec(seed=int(wildcards.seed), **settings["training"])
model_settings = {key: value for key, value in settings.items() if key != "training"}
checkpoints = Path(params.checkpoints)
encoder, tokenizer, summary = finetune_dpr(
    ModelSource(**params.model),
    training_rows(inputs.train, params.train_languages, key="qid"),
    spec,
    model_settings,
    checkpoints,
    "grouping.evaluation.miracl.retrieval",
)
# config search (device, lists, probes, links, the run's seed) with the index kind of its own documented key,
# grouping.evaluation.miracl.retrieval.index (search.index does not reach this stage)
search_settings = SearchSettings(**{**params.search, "index": settings["index"]})
rows, reports = [], {}
with atomic_directory(snakemake.output.runs) as runs:
    for lang, corpus, topics, qrels in zip(params.test_languages, inputs.corpus, inputs.topics, inputs.qrels):
        run, reports[lang] = dpr_run(
            encoder,
            tokenizer,
            model_settings,
            corpus,
            read_topics_table(topics),
            checkpoints / f"corpus-{lang}",
            search_settings,
            params.spec["depth"],
        )
        write_run(runs / f"run-{lang}.trec", run, f"dpr-{wildcards.pipeline}".replace("/", "_"))
        rows += [
            {"language": lang, "scenario": scenario(wildcards.eval_lang, lang), **row}
            for row in metric_rows(read_qrels(qrels), run, params.spec["depth"], with_recall=True)
        ]
write_csv_atomic(pd.DataFrame(rows), snakemake.output.scores)
write_text_atomic(snakemake.output.summary, json.dumps(summary | {"search": reports}, indent=1, default=str) + "\n")
shutil.rmtree(checkpoints, ignore_errors=True)  # the encoder and the corpus vectors only served a resume
