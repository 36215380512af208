"""Zero-shot NER over the aligned, frozen encoder (Hangya et al. 2022 §4.2): a dropout and one linear
layer tag each word's contextual representation (its last subword, mapped by its language's layer),
trained on English, with early stopping on the target language's dev set; span F1 on its test set.

The encoder and the layers are frozen, so every sentence is encoded once and the tagger trains on
the stored word vectors (minutes on a CPU where re-running the LM each step would take hours). It
is small and quick, so it keeps no checkpoints: a killed job starts over.
"""

from __future__ import annotations

import logging

import numpy as np

from xlclust.lowres.contextual import WordVectors
from xlclust.lowres.settings import ProbeSettings
from xlclust.token_classification.metrics import span_scores
from xlclust.training.schedule import linear_schedule

log = logging.getLogger(__name__)


def label_names(classes: list[str]) -> list[str]:
    return ["O", *(f"{prefix}-{name}" for name in classes for prefix in "BI")]


def flat_positions(vectors: WordVectors, lengths: list[int]) -> np.ndarray:
    """Each vector's word as an index into all sentences' words laid end to end."""
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return starts[vectors.sentence] + vectors.word


def word_labels(vectors: WordVectors, tags: list[list[str]], labels: list[str]) -> np.ndarray:
    index = {name: i for i, name in enumerate(labels)}
    flat = np.array([index[tag] for sentence in tags for tag in sentence], dtype=np.int64)
    return flat[flat_positions(vectors, [len(t) for t in tags])]


def predicted_tags(logits: np.ndarray, vectors: WordVectors, lengths: list[int], labels: list[str]) -> list[list[str]]:
    """Each sentence's tags; a word without a vector (cut off by the LM's length) is O."""
    flat = np.zeros(sum(lengths), dtype=np.int64)  # label 0 is O
    flat[flat_positions(vectors, lengths)] = logits.argmax(1)
    names = np.array(labels, dtype=object)[flat]
    ends = np.cumsum(lengths)
    return [list(names[end - n : end]) for end, n in zip(ends, lengths)]


def train_tagger(
    train: tuple[np.ndarray, np.ndarray],
    dev: tuple[np.ndarray, WordVectors, list[list[str]]],
    labels: list[str],
    classes: list[str],
    train_sentences: np.ndarray,
    settings: ProbeSettings,
    seed: int,
    mode: str = "conlleval",
):
    """Train on (mapped vectors, label ids) of the English words, grouped in batches of
    ``batch_size`` sentences; keep the weights of the best dev F1. Returns (tagger, log rows)."""
    import torch

    features, targets = train
    dev_features, dev_vectors, dev_tags = dev
    torch.manual_seed(seed)
    tagger = torch.nn.Sequential(torch.nn.Dropout(settings.dropout), torch.nn.Linear(features.shape[1], len(labels)))
    optimizer = torch.optim.AdamW(tagger.parameters(), lr=settings.learning_rate, weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_schedule(settings.warmup_steps, settings.max_steps))
    sentence_ids = np.unique(train_sentences)
    offsets = np.searchsorted(train_sentences, sentence_ids)  # rows are in sentence order
    ends = np.append(offsets[1:], len(train_sentences))
    features_t, targets_t = torch.from_numpy(features), torch.from_numpy(targets)
    rng = np.random.default_rng(seed)
    best_f1, best_state, waited, rows, step = -1.0, None, 0, [], 0
    order, cursor = rng.permutation(len(sentence_ids)), 0
    while step < settings.max_steps:
        if cursor >= len(order):
            order, cursor = rng.permutation(len(sentence_ids)), 0
        chosen = order[cursor : cursor + settings.batch_size]
        cursor += settings.batch_size
        words = np.concatenate([np.arange(offsets[i], ends[i]) for i in chosen])
        tagger.train()
        loss = torch.nn.functional.cross_entropy(tagger(features_t[words]), targets_t[words])
        loss.backward()
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        if step % settings.evaluate_every == 0 or step == settings.max_steps:
            f1 = span_scores(dev_tags, tag(tagger, dev_features, dev_vectors, [len(t) for t in dev_tags], labels), classes, mode)[-1]["f1"]
            rows.append({"step": step, "loss": round(loss.item(), 6), "dev_f1": f1})
            log.info("step %d loss %.4f dev F1 %.2f", step, loss.item(), f1)
            if f1 > best_f1:
                best_f1, best_state, waited = f1, {k: v.clone() for k, v in tagger.state_dict().items()}, 0
            else:
                waited += 1
                if waited >= settings.patience:
                    log.info("no better dev F1 in %d evaluations: stopping at step %d", waited, step)
                    break
    tagger.load_state_dict(best_state)
    return tagger, rows


def tag(tagger, features: np.ndarray, vectors: WordVectors, lengths: list[int], labels: list[str]) -> list[list[str]]:
    import torch

    tagger.eval()
    with torch.no_grad():
        logits = tagger(torch.from_numpy(features)).numpy() if len(features) else np.zeros((0, len(labels)), np.float32)
    return predicted_tags(logits, vectors, lengths, labels)
