"""One tagging run end to end: the scenario's training sentences, the embedder's inputs, the tagger
trained with early stopping on the training languages' dev sets, and its predictions scored on every
evaluation language's test set (NER: span F1 over all classes; POS: accuracy, which is what the
paper's POS "F1" — micro-F1 over tokens — equals). Per sentence it keeps how many tokens were tagged
right, the unit of the sign test."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import torch

from xlclust.errors import ConfigError
from xlclust.ner.metrics import OVERALL, span_scores
from xlclust.tagging.batch import TagBatch, make_batch
from xlclust.tagging.embedders import BpeBow, BpeGru, LaserWords, StaticVectors, random_laser_like
from xlclust.tagging.laser import load_laser
from xlclust.tagging.laser_text import LaserPieces
from xlclust.tagging.pos import UNIVERSAL_TAGS
from xlclust.tagging.scenarios import scenario_sentences
from xlclust.tagging.static import vocabulary_index, word_ids
from xlclust.tagging.tagger import TransformerCrfTagger
from xlclust.tagging.training import TaggerTraining, train_epochs
from xlclust.training.checkpoint import lines_digest, sha256

log = logging.getLogger(__name__)
LASER_EMBEDDERS = ("bpe_bow", "bpe_gru", "laser_top", "laser_elmo", "lstm_nopre")
EVAL_BATCH = 64


@dataclass
class Split:
    """One language's split: its sentences' tokens, tag indices and the embedder's inputs."""

    language: str
    ids: list[str]
    tokens: list[list[str]]
    tags: list[np.ndarray]
    pieces: list | None = None
    word_ids: list | None = None

    def subset(self, rows) -> Split:
        def pick(values):
            return None if values is None else [values[i] for i in rows]

        return Split(self.language, pick(self.ids), pick(self.tokens), pick(self.tags), pick(self.pieces), pick(self.word_ids))

    def batch(self, rows) -> TagBatch:
        return make_batch(
            [self.tags[i] for i in rows],
            pieces=None if self.pieces is None else [self.pieces[i] for i in rows],
            word_ids=None if self.word_ids is None else [self.word_ids[i] for i in rows],
        )


@dataclass
class Resources:
    """What the embedders read: LASER's directory (laser.pt, codes, vocabulary) and static vectors
    per language (words, matrix)."""

    laser_dir: str | os.PathLike | None = None
    vectors: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)


def tag_names(task: str, classes: list[str]) -> list[str]:
    return ["O", *(f"{p}-{c}" for c in classes for p in "BI")] if task == "ner" else list(UNIVERSAL_TAGS)


def read_split(path: str | os.PathLike, language: str, names: list[str]) -> Split:
    table = pq.read_table(path).to_pydict()
    index = {name: i for i, name in enumerate(names)}
    return Split(language, table["id"], table["tokens"], [np.array([index[t] for t in tags], dtype=np.int64) for tags in table["tags"]])


def featurize(splits: list[Split], embedder: str, resources: Resources, dictionary: dict[str, int] | None) -> np.ndarray | None:
    """Fill each split's embedder inputs (LASER's pieces through its ``dictionary``, or word IDs);
    for ``muse``, returns the embedding matrix of every language's words (row 0: unknown)."""
    if embedder in LASER_EMBEDDERS:
        laser, per_language = Path(resources.laser_dir), {}
        for split in splits:
            if split.language not in per_language:
                per_language[split.language] = LaserPieces(laser / "codes", laser / "vocabulary", dictionary, split.language)
            split.pieces = [per_language[split.language].encode(tokens) for tokens in split.tokens]
        return None
    if embedder == "muse":
        blocks, offset, indices = [np.zeros((1, next(iter(resources.vectors.values()))[1].shape[1]), np.float32)], 1, {}
        for language, (words, matrix) in resources.vectors.items():
            indices[language] = {word: row + offset - 1 for word, row in vocabulary_index(words).items()}
            blocks.append(matrix)
            offset += len(words)
        for split in splits:
            if split.language not in indices:
                raise ConfigError(f"tagging.muse: no vectors for {split.language!r}")
            split.word_ids = [word_ids(tokens, indices[split.language]) for tokens in split.tokens]
        return np.concatenate(blocks)
    raise ConfigError(f"tagging.embedders: {embedder!r} is not one of {(*LASER_EMBEDDERS, 'muse')}")


def build_embedder(embedder: str, encoder, matrix: np.ndarray | None, settings: dict, seed: int) -> torch.nn.Module:
    """The embedder over LASER's ``encoder`` (its BPE embeddings, or all of it) or the ``muse`` matrix."""
    torch.manual_seed(seed)
    if embedder == "muse":
        return StaticVectors(torch.from_numpy(matrix))
    if embedder == "bpe_bow":
        return BpeBow(encoder.embed_tokens)
    if embedder == "bpe_gru":
        return BpeGru(encoder.embed_tokens, settings["bpe_gru_hidden"])
    if embedder == "lstm_nopre":
        shape = settings["lstm_nopre"]
        return LaserWords(random_laser_like(encoder.embed_tokens, shape["hidden_size"], shape["layers"], seed), "elmo", train_lstm=True)
    return LaserWords(encoder, "top" if embedder == "laser_top" else "elmo")


def predict(model: TransformerCrfTagger, split: Split) -> list[list[int]]:
    model.eval()
    predicted = []
    for start in range(0, len(split.tags), EVAL_BATCH):
        predicted += model.predict(split.batch(range(start, min(start + EVAL_BATCH, len(split.tags)))))
    return predicted


def score(task: str, split: Split, predicted: list[list[int]], names: list[str], classes: list[str], mode: str) -> float:
    gold = [[names[i] for i in tags] for tags in split.tags]
    guess = [[names[i] for i in tags] for tags in predicted]
    if task == "ner":
        return next(row["f1"] for row in span_scores(gold, guess, classes, mode) if row["class"] == OVERALL)
    return 100.0 * float(np.mean(np.concatenate(split.tags) == np.concatenate([np.asarray(p) for p in predicted])))


def run_tagging(
    *,
    task: str,
    embedder: str,
    scenario: str,
    data: dict[str, str | os.PathLike],
    train_languages: list[str],
    eval_languages: list[str],
    english: str,
    share: float,
    classes: list[str],
    ner_mode: str,
    resources: Resources,
    tagger_settings: dict,
    embedder_settings: dict,
    training: TaggerTraining,
    seed: int,
    checkpoint_dir: str | os.PathLike,
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict], dict]:
    """(scores per evaluation language, per-sentence correct tokens, training log, model state)."""
    names = tag_names(task, classes)
    train = {lang: read_split(Path(data[lang]) / "train.parquet", lang, names) for lang in train_languages}
    dev = {lang: read_split(Path(data[lang]) / "dev.parquet", lang, names) for lang in train_languages}
    test = {lang: read_split(Path(data[lang]) / "test.parquet", lang, names) for lang in eval_languages}
    encoder, dictionary = load_laser(Path(resources.laser_dir) / "laser.pt") if embedder in LASER_EMBEDDERS else (None, None)
    matrix = featurize([*train.values(), *dev.values(), *test.values()], embedder, resources, dictionary)
    language = train_languages[0] if scenario == "monolingual" else None
    chosen = scenario_sentences(scenario, {lang: len(s.tags) for lang, s in train.items()}, english, share, seed, language)
    chosen_dev = scenario_sentences(scenario, {lang: len(s.tags) for lang, s in dev.items()}, english, share, seed, language)
    items = [(lang, int(i)) for lang, rows in chosen.items() for i in rows]
    log.info("%s %s %s: %d training sentences from %s", task, embedder, scenario, len(items), ", ".join(chosen))

    def batch_of(indices) -> TagBatch:
        picked = [items[i] for i in indices]
        return make_batch(
            [train[lang].tags[i] for lang, i in picked],
            pieces=None if embedder == "muse" else [train[lang].pieces[i] for lang, i in picked],
            word_ids=None if embedder != "muse" else [train[lang].word_ids[i] for lang, i in picked],
        )

    def dev_score(model) -> float:
        scores = []
        for lang, rows in chosen_dev.items():
            subset = dev[lang].subset(rows)
            scores.append(score(task, subset, predict(model, subset), names, classes, ner_mode))
        return float(np.mean(scores))

    model = TransformerCrfTagger(build_embedder(embedder, encoder, matrix, embedder_settings, seed), len(names), **tagger_settings)
    # what must match for a checkpoint to continue this run: settings, the sentences, the embedder's inputs
    sentences_digest = lines_digest(f"{lang}\t{train[lang].ids[i]}\t{' '.join(train[lang].tokens[i])}" for lang, i in items)
    resource_digest = (
        sha256(Path(resources.laser_dir) / "laser.pt") if encoder is not None else hashlib.sha256(matrix.tobytes()).hexdigest()
    )
    identity = {
        "task": task,
        "embedder": embedder,
        "scenario": scenario,
        "train": train_languages,
        "tagger": tagger_settings,
        "embedder_settings": embedder_settings,
        "sentences": sentences_digest,
        "resources": resource_digest,
    }
    model, rows = train_epochs(model, batch_of, len(items), dev_score, training, seed, checkpoint_dir, identity)
    scores, sentences = [], []
    for lang, split in test.items():
        predicted = predict(model, split)
        value = score(task, split, predicted, names, classes, ner_mode)
        scores.append(
            {"language": lang, "metric": "f1" if task == "ner" else "accuracy", "value": round(value, 4), "sentences": len(split.tags)}
        )
        correct = [int((np.asarray(p) == t).sum()) for p, t in zip(predicted, split.tags)]
        sentences.append(pd.DataFrame({"language": lang, "id": split.ids, "tokens": [len(t) for t in split.tags], "correct": correct}))
    return pd.DataFrame(scores), pd.concat(sentences, ignore_index=True), rows, model.state_dict()
