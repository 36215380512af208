"""Rule langid_finetune: the encoder fine-tuned to identify the WikiAnn languages; accuracy on
held-out (dev) sentences."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.atomic import write_csv_atomic
from xlclust.langclust.identification import accuracy_table, finetune_langid, identify, sentence_text
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.subsample import subsample
from xlclust.training.finetuning import FinetuneSpec

start_job(snakemake)
params, output = snakemake.params, snakemake.output
settings = params.settings


def labelled_texts(paths, limit):
    texts, languages = [], []
    for lang, path in zip(params.languages, paths):
        tokens = subsample(pq.read_table(path, columns=["tokens"]).column("tokens").to_pylist(), limit, params.seed)
        texts += [sentence_text(t) for t in tokens]
        languages += [lang] * len(tokens)
    return texts, languages


source = ModelSource(**params.encoder)  # its local directory, if any, is the rule's input too
texts, languages = labelled_texts(snakemake.input.train, settings["sentences_per_language"])
spec = FinetuneSpec(seed=params.seed, **settings["training"])
model, tokenizer, _ = finetune_langid(
    source, texts, params.languages, languages, spec, settings["max_length"], params.checkpoints, output.model
)
held_out, gold = labelled_texts(snakemake.input.dev, settings["eval_sentences_per_language"])
accuracy = accuracy_table(gold, identify(model, tokenizer, held_out, settings["max_length"]))
logging.info("held-out language identification accuracy:\n%s", accuracy.to_string(index=False))
write_csv_atomic(accuracy, output.accuracy)
