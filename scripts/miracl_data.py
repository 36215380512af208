"""Rule miracl_data: a MIRACL language's corpus (Parquet), its dev topics and judgements."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import atomic_path, write_csv_atomic
from xlclust.retrieval.corpus import write_corpus
from xlclust.retrieval.miracl import MiraclSource, iter_passages, read_split
from xlclust.retrieval.trec import write_qrels
from xlclust.runlog import start_job

start_job(snakemake)
params, output = snakemake.params, snakemake.output
spec, lang = params.spec, params.language
source = MiraclSource(spec["source"], spec["hub"], spec["files"], params.cache_dir)
topics, qrels = read_split(source, lang, "dev")
passages = write_corpus(iter_passages(source.corpus_files(lang)), output.corpus)
with atomic_path(output.topics, suffix=".parquet") as tmp:
    pd.DataFrame({"qid": list(qrels), "query": [topics[q] for q in qrels]}).to_parquet(tmp, index=False)
write_qrels(output.qrels, qrels)
counts = {"passages": passages, "dev_topics": len(qrels), "dev_judgements": sum(map(len, qrels.values()))}
write_csv_atomic(pd.DataFrame([counts]), output.counts)
logging.info("MIRACL %s: %s", lang, counts)
