"""Language identification fine-tuning (Shaffer 2021 §3): a pretrained encoder with a sequence
classification head learns which of the configured languages a sentence is in; its accuracy on
held-out sentences says whether the [CLS] vectors it leaves behind know the languages apart."""

from __future__ import annotations

import logging
import os

import numpy as np

from xlclust.models import ModelSource
from xlclust.training.checkpoint import lines_digest
from xlclust.training.finetuning import LOG_FIELDS, FinetuneSpec, batched_outputs, feature_rows, train
from xlclust.training.saving import save_pretrained_model

log = logging.getLogger(__name__)


def sentence_text(tokens: list[str]) -> str:
    """A sentence of word-split NER data as text: its words joined by spaces (for every script)."""
    return " ".join(tokens)


def encode_texts(texts: list[str], tokenizer, max_length: int, labels: list[int] | None = None) -> list[dict]:
    features = feature_rows(tokenizer(texts, truncation=True, max_length=max_length), len(texts))
    for feature, label in zip(features, labels or []):
        feature["labels"] = label
    return features


def padding_collator(tokenizer):
    from transformers import DataCollatorWithPadding

    return DataCollatorWithPadding(tokenizer)


def finetune_langid(
    source: ModelSource,
    texts: list[str],
    languages: list[str],
    text_languages: list[str],
    spec: FinetuneSpec,
    max_length: int,
    checkpoint_root: str | os.PathLike,
    output_dir: str | os.PathLike,
    callbacks: list | None = None,
) -> tuple[object, object, dict]:
    """Fine-tune on ``texts`` labelled with ``text_languages`` (each one of ``languages``); write
    the model (with id2label = the languages), tokenizer, training log and summary to ``output_dir``."""
    from transformers import AutoModelForSequenceClassification, set_seed

    set_seed(spec.seed)
    label = {lang: i for i, lang in enumerate(languages)}
    tokenizer, model = source.load(
        AutoModelForSequenceClassification, num_labels=len(languages), id2label=dict(enumerate(languages)), label2id=label
    )
    features = encode_texts(texts, tokenizer, max_length, [label[lang] for lang in text_languages])
    digest = lines_digest(f"{lang}\t{text}" for lang, text in zip(text_languages, texts))
    run_identity = {
        "task": "langid",
        "model": source.identity(),
        "languages": languages,
        "max_length": max_length,
        "sentences_sha256": digest,
    }
    run = train(model, features, padding_collator(tokenizer), spec, run_identity, checkpoint_root, "langclust.langid.training", callbacks)
    counts = dict(zip(*np.unique(text_languages, return_counts=True)))
    summary = {"sentences_per_language": {k: int(v) for k, v in counts.items()}, **run.summary}
    summary["sentences_per_second"] = summary.pop("examples_per_second")
    if run.trainer.is_world_process_zero():
        save_pretrained_model(run.trainer.model, tokenizer, run.rows, summary, output_dir, list(LOG_FIELDS), "language identification loss")
    return run.trainer.model, tokenizer, summary


def identify(model, tokenizer, texts: list[str], max_length: int, batch_size: int = 64) -> list[str]:
    """The predicted language of each text."""
    predicted = [None] * len(texts)
    features = encode_texts(texts, tokenizer, max_length)
    for chosen, _, output in batched_outputs(model, features, padding_collator(tokenizer), batch_size, desc="sentences"):
        for index, best in zip(chosen, output.logits.argmax(-1).cpu().tolist()):
            predicted[index] = model.config.id2label[best]
    return predicted


def accuracy_table(gold: list[str], predicted: list[str]):
    """Accuracy per language and over all sentences (language 'all')."""
    import pandas as pd

    frame = pd.DataFrame({"language": gold, "correct": np.asarray(gold) == np.asarray(predicted)})
    rows = [
        {
            "language": lang,
            "sentences": len(group),
            "correct": int(group["correct"].sum()),
            "accuracy": 100 * float(group["correct"].mean()),
        }
        for lang, group in frame.groupby("language", sort=True)
    ]
    rows.append(
        {
            "language": "all",
            "sentences": len(frame),
            "correct": int(frame["correct"].sum()),
            "accuracy": 100 * float(frame["correct"].mean()),
        }
    )
    return pd.DataFrame(rows)
