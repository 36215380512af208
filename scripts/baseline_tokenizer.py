"""Rule baseline_tokenizer: SentencePiece on an even sample of every language, as a fast tokenizer."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import atomic_directory
from xlclust.runlog import start_job
from xlclust.tokenization.build import (
    BERT_SPECIALS,
    balanced_sample,
    build_baseline_tokenizer,
    read_names,
    save_tokenizer,
    train_baseline_segmenter,
)

start_job(snakemake)
params = snakemake.params
vocab_size = len(read_names(snakemake.input.cluster_vocab))  # as many IDs as the cluster vocabulary
sample = balanced_sample(dict(zip(params.languages, snakemake.input.sentences)), params.sentences, params.seed)
with atomic_directory(snakemake.output[0]) as tmp:
    model = tmp / "sentencepiece.model"
    train_baseline_segmenter(
        sample,
        model,
        vocab_size=vocab_size - len(BERT_SPECIALS),
        model_type=params.model_type,
        character_coverage=params.character_coverage,
        seed=params.seed,
        threads=snakemake.threads,
    )
    tokenizer = build_baseline_tokenizer(model, model_max_length=params.model_max_length)
    save_tokenizer(tokenizer, tmp, model)
    report = {
        "vocab_size": len(tokenizer),
        "sentences": params.sentences,
        "model_type": params.model_type,
        "character_coverage": params.character_coverage,
        "seed": params.seed,
    }
    (tmp / "build.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
