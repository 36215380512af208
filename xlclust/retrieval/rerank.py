"""monoBERT (Nogueira & Cho 2019): a cross-encoder over (query, passage) pairs with a two-way head,
trained on each query's judged positive and judged negatives (MIRACL's hard negatives), and the
candidates of a first-stage run reordered by the relevant class's logit minus the other's."""

from __future__ import annotations

import logging
import os
import random

import numpy as np

from xlclust.models import ModelSource
from xlclust.training.checkpoint import lines_digest
from xlclust.training.finetuning import FinetuneSpec, batched_outputs, feature_rows, load_classifier, train

log = logging.getLogger(__name__)
LABELS = ["not_relevant", "relevant"]


def encode_pairs(tokenizer, queries: list[str], titles: list[str], texts: list[str], max_length: int) -> list[dict]:
    """(query, title + text) pairs, the passage cut first."""
    passages = [f"{title} {text}".strip() for title, text in zip(titles, texts)]
    return feature_rows(tokenizer(queries, passages, truncation="only_second", max_length=max_length), len(queries))


def training_pairs(examples: list[dict], negatives: int, seed: int) -> list[dict]:
    """Each query's judged positives (label 1) and a seeded draw of ``negatives`` of its judged
    negatives (label 0)."""
    pairs = []
    for example in examples:
        drawn = list(example["negatives"])
        random.Random(f"{seed}/{example['qid']}").shuffle(drawn)
        pairs += [{"query": example["query"], **p, "label": 1} for p in example["positives"]]
        pairs += [{"query": example["query"], **p, "label": 0} for p in drawn[:negatives]]
    return pairs


def _collator(tokenizer):
    from transformers import DataCollatorWithPadding

    return DataCollatorWithPadding(tokenizer)


def finetune_monobert(
    source: ModelSource, examples: list[dict], spec: FinetuneSpec, settings: dict, checkpoint_root: str | os.PathLike, config_key: str
):
    """(model, tokenizer, run) of a cross-encoder trained on ``examples`` (qid, query, positives, negatives)."""
    from transformers import AutoModelForSequenceClassification

    tokenizer, model = load_classifier(
        source, AutoModelForSequenceClassification, LABELS, spec.seed, settings["max_length"], f"{config_key}.max_length"
    )
    pairs = training_pairs(examples, settings["negatives"], spec.seed)
    features = encode_pairs(
        tokenizer, [p["query"] for p in pairs], [p["title"] for p in pairs], [p["text"] for p in pairs], settings["max_length"]
    )
    for feature, pair in zip(features, pairs):
        feature["labels"] = pair["label"]
    identity = {
        "task": "monobert",
        "model": source.identity(),
        "settings": settings,
        "ids_sha256": lines_digest(e["qid"] for e in examples),
    }
    run = train(model, features, _collator(tokenizer), spec, identity, checkpoint_root, f"{config_key}.training")
    return run.trainer.model, tokenizer, run


def relevance_scores(
    model, tokenizer, queries: list[str], titles: list[str], texts: list[str], max_length: int, batch_size: int = 64
) -> np.ndarray:
    """Each pair's score: the relevant class's logit minus the other's."""
    features = encode_pairs(tokenizer, queries, titles, texts, max_length)
    scores = np.zeros(len(features), dtype=np.float64)
    for chosen, _, output in batched_outputs(model, features, _collator(tokenizer), batch_size, desc="pairs"):
        logits = output.logits.float().cpu().numpy()
        scores[chosen] = logits[:, 1] - logits[:, 0]
    return scores
