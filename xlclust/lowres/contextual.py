"""Contextual word representations (Hangya et al. 2022 §3.1, after Cao et al. 2020): the LM's last
hidden layer at the *last* subword of each word; the special tokens ([CLS], [SEP]) are no words.

The LM is frozen throughout this system, so a sentence's representations are computed once per
use, in batches of similar length, and kept as one float32 matrix with the sentence and word
index of every row."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xlclust.training.finetuning import batched_outputs, position_limit

log = logging.getLogger(__name__)


@dataclass
class WordVectors:
    """One row per word: its vector, the sentence it is in and its index there."""

    vectors: np.ndarray  # float32, words × hidden size
    sentence: np.ndarray  # int64
    word: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.vectors)

    def rows_of(self, sentences: np.ndarray, words: np.ndarray) -> np.ndarray:
        """The rows of (sentence, word) pairs; -1 where a word has no vector (cut off, or empty)."""
        sentences, words = np.asarray(sentences, np.int64), np.asarray(words, np.int64)
        if len(self) == 0:
            return np.full(len(words), -1, np.int64)
        width = int(max(self.word.max(), words.max(initial=0))) + 1
        keys = self.sentence * width + self.word  # ascending: rows are in (sentence, word) order
        wanted = sentences * width + words
        found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[found] == wanted, found, -1)


def last_subword_positions(word_ids: list) -> tuple[np.ndarray, np.ndarray]:
    """(positions, word indices) of the last subword of every word in one encoded sentence."""
    ids = np.array([-1 if w is None else w for w in word_ids], dtype=np.int64)
    following = np.append(ids[1:], -1)
    last = np.flatnonzero((ids >= 0) & (ids != following))
    return last, ids[last]


class ContextualEncoder:
    """A frozen LM (``AutoModel``) and its tokenizer, turning word-split sentences into word vectors."""

    def __init__(self, model, tokenizer, batch_size: int = 64, device=None):
        self.model, self.tokenizer, self.batch_size, self.device = model.eval(), tokenizer, batch_size, device
        self.max_length = position_limit(model, tokenizer)
        for parameter in model.parameters():
            parameter.requires_grad_(False)

    @property
    def dim(self) -> int:
        return self.model.config.hidden_size

    def encode(self, sentences: list[list[str]], language: str | None = None) -> WordVectors:
        """The word vectors of ``sentences`` in ``language`` (the workflow's own cluster tokenizers map
        each language's subwords to its clusters, so they are told which it is)."""
        from transformers import DataCollatorWithPadding

        if language is not None and hasattr(self.tokenizer, "language"):
            self.tokenizer.language = language
        kept = [i for i, words in enumerate(sentences) if words]
        encoded = self.tokenizer([sentences[i] for i in kept], is_split_into_words=True, truncation=True, max_length=self.max_length)
        features = [{"input_ids": ids, "attention_mask": mask} for ids, mask in zip(encoded["input_ids"], encoded["attention_mask"])]
        collate = DataCollatorWithPadding(self.tokenizer)
        vectors, sentence_index, word_index = [], [], []
        cut = 0
        for chosen, _, output in batched_outputs(
            self.model, features, collate, self.batch_size, self.device, f"{language or ''} sentences"
        ):
            states = output.last_hidden_state.float().cpu().numpy()
            for row, feature_index in enumerate(chosen):
                positions, words = last_subword_positions(encoded.word_ids(int(feature_index)))
                vectors.append(states[row, positions])
                sentence_index.append(np.full(len(words), kept[feature_index], dtype=np.int64))
                word_index.append(words)
                cut += len(sentences[kept[feature_index]]) - len(words)
        if cut:
            log.info("%d words beyond the model's %d positions (or without subwords) have no vector", cut, self.max_length)
        if not vectors:
            return WordVectors(np.zeros((0, self.dim), np.float32), np.zeros(0, np.int64), np.zeros(0, np.int64))
        order_vectors = np.concatenate(vectors).astype(np.float32, copy=False)
        sentence_all, word_all = np.concatenate(sentence_index), np.concatenate(word_index)
        order = np.lexsort((word_all, sentence_all))  # sentence order, whatever order the batches ran in
        return WordVectors(order_vectors[order], sentence_all[order], word_all[order])


def load_encoder(source, batch_size: int = 64, weights: str | None = None) -> ContextualEncoder:
    """The frozen LM of ``source`` (an :class:`xlclust.models.ModelSource`) as an encoder; ``weights``:
    a directory of this LM trained further — full_sup's weights, read with the source's tokenizer, or
    a whole model with its own tokenizer (eBERT's extended vocabulary), read instead of the source."""
    from transformers import AutoModel

    from xlclust.errors import XlclustError
    from xlclust.models import ModelSource, load_local_model

    if weights is not None and (Path(weights) / "tokenizer_config.json").is_file():
        source, weights = ModelSource(str(weights)), None
    tokenizer, model = source.load(AutoModel)
    if weights is not None:
        model = load_local_model(weights, AutoModel)
    if not tokenizer.is_fast:
        raise XlclustError(f"{source.location}: its tokenizer has no fast version, which word positions need")
    return ContextualEncoder(model, tokenizer, batch_size)
