"""NLI fine-tuning and accuracy: a pretrained encoder with a new three-way sequence-classification head
over (premise, hypothesis) pairs, trained with the shared fine-tuning loop (checkpoints, resume)."""

from __future__ import annotations

import logging
import os

import numpy as np

from xlclust.models import ModelSource
from xlclust.nli.data import LABELS
from xlclust.training.checkpoint import lines_digest
from xlclust.training.finetuning import FinetuneSpec, batched_outputs, feature_rows, load_classifier, train

log = logging.getLogger(__name__)


def encode_pairs(examples: list[dict], tokenizer, max_length: int, with_labels: bool) -> list[dict]:
    """Model inputs of (premise, hypothesis) pairs, cut to ``max_length`` subwords (longest first)."""
    encoded = tokenizer(
        [e["premise"] for e in examples], [e["hypothesis"] for e in examples], truncation="longest_first", max_length=max_length
    )
    features = feature_rows(encoded, len(examples))
    if with_labels:
        for feature, example in zip(features, examples):
            feature["labels"] = int(example["label"])
    return features


def _collator(tokenizer):
    from transformers import DataCollatorWithPadding

    return DataCollatorWithPadding(tokenizer)


def finetune_nli(source: ModelSource, examples: list[dict], spec: FinetuneSpec, max_length: int, checkpoint_root: str | os.PathLike):
    """Train a new head on ``examples`` (dicts with id, premise, hypothesis, label); returns (model,
    tokenizer, run)."""
    from transformers import AutoModelForSequenceClassification

    tokenizer, model = load_classifier(
        source, AutoModelForSequenceClassification, list(LABELS), spec.seed, max_length, "grouping.evaluation.max_length"
    )
    features = encode_pairs(examples, tokenizer, max_length, with_labels=True)
    identity = {"task": "nli", "model": source.identity(), "max_length": max_length, "ids_sha256": lines_digest(e["id"] for e in examples)}
    run = train(model, features, _collator(tokenizer), spec, identity, checkpoint_root, "grouping.evaluation.xnli.training")
    return run.trainer.model, tokenizer, run


def predict_labels(model, tokenizer, examples: list[dict], max_length: int, batch_size: int = 64) -> np.ndarray:
    """Each pair's predicted label ID."""
    features = encode_pairs(examples, tokenizer, max_length, with_labels=False)
    predicted = np.zeros(len(examples), dtype=np.int64)
    for chosen, _, output in batched_outputs(model, features, _collator(tokenizer), batch_size, desc="pairs"):
        predicted[chosen] = output.logits.argmax(-1).cpu().numpy()
    return predicted


def accuracy(examples: list[dict], predicted: np.ndarray) -> float:
    gold = np.array([e["label"] for e in examples])
    return float((gold == predicted).mean() * 100)
