"""NER fine-tuning and tagging (Shaffer 2021 §4-5): a pretrained encoder with a new token-
classification head per run, trained on the sentences of every language of a group; a word's
tag is read from its first subword (later subwords are not trained on), as in XTREME.

Sentences longer than ``max_length`` subwords are cut; their cut-off words are tagged ``O`` at
prediction and counted, so a too short ``max_length`` shows in the log instead of in the scores.
"""

from __future__ import annotations

import logging
import os
import time

from xlclust.models import ModelSource
from xlclust.training.checkpoint import lines_digest
from xlclust.training.finetuning import FinetuneSpec, batched_outputs, feature_rows, load_classifier, train

log = logging.getLogger(__name__)
IGNORED = -100  # label of the positions the loss skips (specials, later subwords)


def label_names(classes: list[str]) -> list[str]:
    """The head's labels: O, then B- and I- of each class."""
    return ["O", *(f"{prefix}-{name}" for name in classes for prefix in "BI")]


def encode(sentences: list[dict], tokenizer, max_length: int, labels: list[str] | None = None) -> tuple[list[dict], list[list]]:
    """Model inputs of word-split sentences (and, with ``labels``, the first subword of each
    word labelled): (features, word index of each position per sentence)."""
    encoded = tokenizer([s["tokens"] for s in sentences], is_split_into_words=True, truncation=True, max_length=max_length)
    features = feature_rows(encoded, len(sentences))
    word_ids = [encoded.word_ids(row) for row in range(len(sentences))]
    if labels is not None:
        label_id = {name: i for i, name in enumerate(labels)}
        for feature, words, sentence in zip(features, word_ids, sentences):
            previous, targets = None, []
            for word in words:
                targets.append(IGNORED if word is None or word == previous else label_id[sentence["tags"][word]])
                previous = word
            feature["labels"] = targets
    return features, word_ids


def _collator(tokenizer):
    from transformers import DataCollatorForTokenClassification

    return DataCollatorForTokenClassification(tokenizer, label_pad_token_id=IGNORED)


def finetune_ner(
    source: ModelSource,
    sentences: list[dict],
    classes: list[str],
    spec: FinetuneSpec,
    max_length: int,
    checkpoint_root: str | os.PathLike,
    callbacks: list | None = None,
    max_length_key: str = "ner.max_length",
):
    """Train a new head on ``sentences`` (dicts with ``id``, ``tokens``, ``tags``); returns
    (model, tokenizer, summary). Checkpoints and resume as :func:`xlclust.training.finetuning.train`;
    ``max_length`` beyond the model's positions is refused naming ``max_length_key``."""
    from transformers import AutoModelForTokenClassification

    labels = label_names(classes)
    tokenizer, model = load_classifier(source, AutoModelForTokenClassification, labels, spec.seed, max_length, max_length_key)
    started = time.perf_counter()
    features, _ = encode(sentences, tokenizer, max_length, labels)
    log.info("%d sentences encoded in %.1f s", len(sentences), time.perf_counter() - started)
    ids = lines_digest(s["id"] for s in sentences)
    run_identity = {
        "task": "ner",
        "model": source.identity(),
        "labels": labels,
        "max_length": max_length,
        "sentence_ids_sha256": ids,
    }
    run = train(model, features, _collator(tokenizer), spec, run_identity, checkpoint_root, "ner.training", callbacks)
    return run.trainer.model, tokenizer, run


def predict_tags(model, tokenizer, sentences: list[dict], max_length: int, batch_size: int = 64) -> tuple[list[list[str]], int]:
    """Each sentence's predicted tags (one per word), and how many words were cut off (tagged O)."""
    labels = [model.config.id2label[i] for i in range(len(model.config.id2label))]
    features, word_ids = encode(sentences, tokenizer, max_length)
    predicted = [["O"] * len(s["tokens"]) for s in sentences]
    covered = 0
    for chosen, _, output in batched_outputs(model, features, _collator(tokenizer), batch_size, desc="sentences"):
        best = output.logits.argmax(-1).cpu().numpy()
        for row, index in enumerate(chosen):
            previous = None
            for position, word in enumerate(word_ids[index]):
                if word is not None and word != previous:
                    predicted[index][word] = labels[best[row, position]]
                    covered += 1
                previous = word
    cut = sum(len(s["tokens"]) for s in sentences) - covered
    if cut:
        log.warning("%d words beyond %d subwords (or without any subword) were tagged O", cut, max_length)
    return predicted, cut


def evaluate_languages(
    model, tokenizer, tests: dict[str, list[dict]], classes: list[str], max_length: int, batch_size: int = 64, mode: str = "strict"
):
    """Span scores of each language's test sentences: (score rows with a ``language`` column,
    a table of the predicted tags, words cut off over all languages)."""
    import pyarrow as pa

    from xlclust.token_classification.metrics import span_scores

    rows, predictions, cut_total = [], [], 0
    for lang, sentences in sorted(tests.items()):
        predicted, cut = predict_tags(model, tokenizer, sentences, max_length, batch_size)
        cut_total += cut
        scores = span_scores([s["tags"] for s in sentences], predicted, classes, mode)
        rows += [{"language": lang, **row} for row in scores]
        log.info(
            "%s: F1 %.1f over %d sentences (%s)",
            lang,
            scores[-1]["f1"],
            len(sentences),
            ", ".join(f"{r['class']} {r['f1']:.1f}" for r in scores[:-1]),
        )
        predictions += [{"id": s["id"], "language": lang, "predicted": tags} for s, tags in zip(sentences, predicted)]
    schema = pa.schema([("id", pa.string()), ("language", pa.string()), ("predicted", pa.list_(pa.string()))])
    return rows, pa.Table.from_pylist(predictions, schema=schema), cut_total
