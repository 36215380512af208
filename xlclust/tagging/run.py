"""One tagging run end to end: the scenario's training sentences, the embedder's inputs, the tagger
trained with early stopping on the training languages' dev sets, and its predictions scored on every
evaluation language's test set (NER: span F1 over all classes; POS: accuracy, which is what the
paper's POS "F1" — micro-F1 over tokens — equals). Per sentence it keeps how many tokens were tagged
right, the unit of the sign test."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import torch

from xlclust.errors import ConfigError
from xlclust.models import ModelSource
from xlclust.tagging.batch import TagBatch, make_batch
from xlclust.tagging.embedders import BpeBow, BpeGru, LaserWords, StaticVectors, random_laser_like
from xlclust.tagging.finetuned import FinetunedTagger
from xlclust.tagging.laser import load_laser
from xlclust.tagging.laser_text import LaserPieces
from xlclust.tagging.pos import UNIVERSAL_TAGS
from xlclust.tagging.scenarios import scenario_sentences
from xlclust.tagging.static import vocabulary_index, word_ids
from xlclust.tagging.subwords import SubwordPieces, model_language_id
from xlclust.tagging.tagger import TransformerCrfTagger
from xlclust.tagging.training import TaggerTraining, train_epochs
from xlclust.token_classification.metrics import OVERALL, span_scores
from xlclust.training.checkpoint import lines_digest, sha256

log = logging.getLogger(__name__)
LASER_EMBEDDERS = ("bpe_bow", "bpe_gru", "laser_top", "laser_elmo", "lstm_nopre")
FINETUNED = ("bert", "xlm")  # Transformers fine-tuned whole, under a linear layer
LASER_PAD = 1  # LASER's (fairseq's) padding index
EVAL_BATCH = 64
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass
class Split:
    """One language's split: its sentences' tokens, tag indices and the embedder's inputs."""

    language: str
    ids: list[str]
    tokens: list[list[str]]
    tags: list[np.ndarray]
    pieces: list | None = None
    word_ids: list | None = None
    language_id: int | None = None  # a model's language embedding (XLM)
    pad_id: int = LASER_PAD

    def subset(self, rows) -> Split:
        def pick(values):
            return None if values is None else [values[i] for i in rows]

        return replace(
            self, ids=pick(self.ids), tokens=pick(self.tokens), tags=pick(self.tags), pieces=pick(self.pieces), word_ids=pick(self.word_ids)
        )

    def batch(self, rows) -> TagBatch:
        return batch_of_sentences([(self, int(i)) for i in rows])


def batch_of_sentences(picked: list[tuple[Split, int]]) -> TagBatch:
    """One batch of sentences (split, row), from any languages; they share one embedder's inputs."""
    first = picked[0][0]
    return make_batch(
        [split.tags[i] for split, i in picked],
        pieces=None if first.pieces is None else [split.pieces[i] for split, i in picked],
        word_ids=None if first.word_ids is None else [split.word_ids[i] for split, i in picked],
        pad_id=first.pad_id,
        language_ids=None if first.language_id is None else [split.language_id for split, _ in picked],
    )


@dataclass
class Resources:
    """What the embedders read: LASER's directory (laser.pt, codes, vocabulary), static vectors
    per language (words, matrix), or a fine-tuned Transformer's ModelSource fields."""

    laser_dir: str | os.PathLike | None = None
    vectors: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)
    model: dict | None = None


def tag_names(task: str, classes: list[str]) -> list[str]:
    return ["O", *(f"{p}-{c}" for c in classes for p in "BI")] if task == "ner" else list(UNIVERSAL_TAGS)


def read_split(path: str | os.PathLike, language: str, names: list[str]) -> Split:
    table = pq.read_table(path).to_pydict()
    index = {name: i for i, name in enumerate(names)}
    return Split(language, table["id"], table["tokens"], [np.array([index[t] for t in tags], dtype=np.int64) for tags in table["tags"]])


def lowercase_splits(splits: list[Split]) -> None:
    """§Data lower-cases all text (``tagging.lowercase`` says for which embedders)."""
    for split in splits:
        split.tokens = [[token.lower() for token in tokens] for tokens in split.tokens]


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


def featurize_subwords(splits: list[Split], tokenizer, model_config, settings: dict) -> None:
    """Fill each split's subword pieces and language ID for a fine-tuned Transformer."""
    limit = min(settings["max_length"], model_config.max_position_embeddings)
    per_language, language_ids = {}, {}
    for split in splits:
        if split.language not in per_language:
            per_language[split.language] = SubwordPieces(tokenizer, limit, split.language)
            language_ids[split.language] = model_language_id(
                model_config, split.language, settings["unlisted_language"], "tagging.finetuned"
            )
        split.pieces = [per_language[split.language].encode(tokens) for tokens in split.tokens]
        split.pad_id, split.language_id = tokenizer.pad_token_id, language_ids[split.language]
    for language, pieces in per_language.items():
        if pieces.cut_words:
            log.warning("%s: %d words past the model's %d subwords are tagged from the bias alone", language, pieces.cut_words, limit)


def model_digest(source: ModelSource) -> dict:
    """What a run's fingerprint records of a fine-tuned model: where it comes from, and for a local
    directory its weights' sha256 (a rebuilt model never resumes another's checkpoints)."""
    weights = sorted(Path(source.location).glob("*.safetensors")) if Path(source.location).is_dir() else []
    return source.identity() | {"weights": {path.name: sha256(path) for path in weights}}


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


def predict(model: TransformerCrfTagger | FinetunedTagger, split: Split) -> list[list[int]]:
    model.eval()
    device = next(model.parameters()).device
    predicted = []
    for start in range(0, len(split.tags), EVAL_BATCH):
        predicted += model.predict(split.batch(range(start, min(start + EVAL_BATCH, len(split.tags)))).to(device))
    return predicted


def score(task: str, split: Split, predicted: list[list[int]], names: list[str], classes: list[str], mode: str) -> float:
    gold = [[names[i] for i in tags] for tags in split.tags]
    guess = [[names[i] for i in tags] for tags in predicted]
    if task == "ner":
        return next(row["f1"] for row in span_scores(gold, guess, classes, mode) if row["class"] == OVERALL)
    return 100.0 * float(np.mean(np.concatenate(split.tags) == np.concatenate([np.asarray(p) for p in predicted])))


def confusion_counts(gold: list[np.ndarray], predicted: list[list[int]], names: list[str]) -> pd.DataFrame:
    """Tokens per (gold tag, predicted tag), the pairs that occur."""
    pairs = np.concatenate(gold) * len(names) + np.concatenate([np.asarray(p, dtype=np.int64) for p in predicted])
    counts = np.bincount(pairs, minlength=len(names) ** 2)
    found = np.flatnonzero(counts)
    return pd.DataFrame(
        {"gold": [names[i] for i in found // len(names)], "predicted": [names[i] for i in found % len(names)], "tokens": counts[found]}
    )


@dataclass
class TaggingResult:
    scores: pd.DataFrame  # per evaluation language: metric, value, sentences
    sentences: pd.DataFrame  # per test sentence: tokens, tokens tagged right (the sign test's unit)
    confusion: pd.DataFrame  # per evaluation language: tokens per (gold, predicted) tag
    log: list[dict]  # per epoch
    state: dict  # the best dev round's weights


def read_splits(data: dict, train_languages: list[str], eval_languages: list[str], names: list[str]):
    """(train, dev, test): each language's split, the training languages' train and dev sets and
    the evaluation languages' test sets."""
    train = {lang: read_split(Path(data[lang]) / "train.parquet", lang, names) for lang in train_languages}
    dev = {lang: read_split(Path(data[lang]) / "dev.parquet", lang, names) for lang in train_languages}
    test = {lang: read_split(Path(data[lang]) / "test.parquet", lang, names) for lang in eval_languages}
    return train, dev, test


@dataclass
class EmbedderInputs:
    """What the embedder is built from, once every split's inputs are filled in, and what a run's
    fingerprint records of it (``digest``)."""

    digest: str | dict
    encoder: object = None  # LASER's
    matrix: np.ndarray | None = None  # muse's vectors
    transformer: object = None  # a fine-tuned embedder's Transformer


def embedder_inputs(embedder: str, resources: Resources, splits: list[Split], embedder_settings: dict, seed: int) -> EmbedderInputs:
    """Load the embedder's resources (a Transformer, LASER, or static vectors) and fill every
    split's inputs from them."""
    if embedder in FINETUNED:
        from transformers import AutoModel

        source = ModelSource(**resources.model)
        torch.manual_seed(seed)
        tokenizer, transformer = source.load(AutoModel)
        log.info("%s: %s at commit %s", embedder, source.location, getattr(transformer.config, "_commit_hash", None) or "(local)")
        featurize_subwords(splits, tokenizer, transformer.config, embedder_settings["finetuned"])
        return EmbedderInputs(model_digest(source), transformer=transformer)
    if embedder in LASER_EMBEDDERS:
        encoder, dictionary = load_laser(Path(resources.laser_dir) / "laser.pt")
        featurize(splits, embedder, resources, dictionary)
        return EmbedderInputs(sha256(Path(resources.laser_dir) / "laser.pt"), encoder=encoder)
    matrix = featurize(splits, embedder, resources, None)
    return EmbedderInputs(hashlib.sha256(matrix.tobytes()).hexdigest(), matrix=matrix)


def scenario_items(scenario: str, train: dict, dev: dict, train_languages: list[str], english: str, share: float, seed: int):
    """(training sentences as (split, row), the dev rows per language, the languages the training
    sentences come from): what the scenario trains and stops early on."""
    language = train_languages[0] if scenario == "monolingual" else None
    chosen = scenario_sentences(scenario, {lang: len(s.tags) for lang, s in train.items()}, english, share, seed, language)
    chosen_dev = scenario_sentences(scenario, {lang: len(s.tags) for lang, s in dev.items()}, english, share, seed, language)
    items = [(train[lang], int(i)) for lang, rows in chosen.items() for i in rows]
    return items, chosen_dev, list(chosen)


def dev_score(model, dev: dict[str, Split], chosen_dev: dict, task: str, names: list[str], classes: list[str], ner_mode: str) -> float:
    """Early stopping's measure: the mean score over the training languages' chosen dev sentences."""
    scores = []
    for lang, rows in chosen_dev.items():
        subset = dev[lang].subset(rows)
        scores.append(score(task, subset, predict(model, subset), names, classes, ner_mode))
    return float(np.mean(scores))


def build_tagger(embedder: str, inputs: EmbedderInputs, tags: int, tagger_settings: dict, embedder_settings: dict, seed: int):
    """The tagger over the embedder, its new weights drawn from ``seed``, on the run's device."""
    torch.manual_seed(seed)
    if embedder in FINETUNED:
        model = FinetunedTagger(inputs.transformer, tags, embedder_settings["finetuned"]["dropout"])
    else:
        embedding = build_embedder(embedder, inputs.encoder, inputs.matrix, embedder_settings, seed)
        model = TransformerCrfTagger(embedding, tags, **tagger_settings)
    model.to(DEVICE)
    return model


def evaluate(model, test: dict[str, Split], task: str, names: list[str], classes: list[str], ner_mode: str):
    """(scores, sentences, confusion) of the trained tagger on every evaluation language's test
    set: its score, each sentence's tokens tagged right (the sign test's unit), the tag confusions."""
    scores, sentences, confusion = [], [], []
    for lang, split in test.items():
        predicted = predict(model, split)
        value = score(task, split, predicted, names, classes, ner_mode)
        scores.append(
            {"language": lang, "metric": "f1" if task == "ner" else "accuracy", "value": round(value, 4), "sentences": len(split.tags)}
        )
        correct = [int((np.asarray(p) == t).sum()) for p, t in zip(predicted, split.tags)]
        sentences.append(pd.DataFrame({"language": lang, "id": split.ids, "tokens": [len(t) for t in split.tags], "correct": correct}))
        confusion.append(confusion_counts(split.tags, predicted, names).assign(language=lang))
    return (
        pd.DataFrame(scores),
        pd.concat(sentences, ignore_index=True),
        pd.concat(confusion, ignore_index=True)[["language", "gold", "predicted", "tokens"]],
    )


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
    lowercase: bool = False,
) -> TaggingResult:
    """One tagging run, from the data to the test scores (see the module's doc): the best dev
    round's tagger, scored on every evaluation language."""
    names = tag_names(task, classes)
    train, dev, test = read_splits(data, train_languages, eval_languages, names)
    if lowercase:  # the test sentences too: the tagger reads what it was trained on
        lowercase_splits([*train.values(), *dev.values(), *test.values()])
    inputs = embedder_inputs(embedder, resources, [*train.values(), *dev.values(), *test.values()], embedder_settings, seed)
    items, chosen_dev, sources = scenario_items(scenario, train, dev, train_languages, english, share, seed)
    log.info("%s %s %s: %d training sentences from %s", task, embedder, scenario, len(items), ", ".join(sources))
    model = build_tagger(embedder, inputs, len(names), tagger_settings, embedder_settings, seed)
    # what must match for a checkpoint to continue this run: settings, the sentences, the embedder's inputs
    sentences_digest = lines_digest(f"{split.language}\t{split.ids[i]}\t{' '.join(split.tokens[i])}" for split, i in items)
    identity = {
        "task": task,
        "embedder": embedder,
        "scenario": scenario,
        "train": train_languages,
        "tagger": tagger_settings,
        "embedder_settings": embedder_settings,
        "sentences": sentences_digest,  # lower-cased or not
        "resources": inputs.digest,
    }
    model, rows = train_epochs(
        model,
        lambda rows: batch_of_sentences([items[i] for i in rows]),
        len(items),
        lambda tagger: dev_score(tagger, dev, chosen_dev, task, names, classes, ner_mode),
        training,
        seed,
        checkpoint_dir,
        identity,
    )
    return TaggingResult(*evaluate(model, test, task, names, classes, ner_mode), rows, model.state_dict())
