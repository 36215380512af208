"""A Hugging Face tokenizer's subwords of tagged sentences, each piece knowing its word: the inputs of
the fine-tuned Transformers (mBERT, XLM) that van der Heijden et al. compare with the word embedders.
Every distinct word is tokenized once (slow tokenizers such as XLM's included), a sentence is its
words' pieces between the model's special tokens, and words past the model's length get no pieces
(the tagger marks them; they are counted in the log)."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import numpy as np

from xlclust.errors import ConfigError

log = logging.getLogger(__name__)


def special_token_frame(tokenizer) -> tuple[list[int], list[int]]:
    """The special token IDs a single sequence gets before and after its pieces."""
    plain = tokenizer.encode("a", add_special_tokens=False)
    framed = tokenizer.encode("a")
    at = next(i for i in range(len(framed) - len(plain) + 1) if framed[i : i + len(plain)] == plain)
    return framed[:at], framed[at + len(plain) :]


def model_language_id(config, language: str, unlisted: str | None, key: str) -> int | None:
    """The language embedding ID a model with language embeddings (XLM) takes for ``language``;
    languages it was not pretrained on take ``unlisted``'s (None: refused). None for other models."""
    lang2id = getattr(config, "lang2id", None) or {}
    if not getattr(config, "use_lang_emb", False) or getattr(config, "n_langs", 1) <= 1 or not lang2id:
        return None
    if language in lang2id:
        return int(lang2id[language])
    if unlisted is None or unlisted not in lang2id:
        raise ConfigError(
            f"{key}: the model has no language embedding for {language!r} (it knows {sorted(lang2id)}); "
            "name one of those as tagging.finetuned.unlisted_language to stand in"
        )
    log.info("%s: %r takes the language embedding of %r", key, language, unlisted)
    return int(lang2id[unlisted])


class SubwordPieces:
    """(piece IDs, word of each piece) of a sentence's words under ``tokenizer``."""

    def __init__(self, tokenizer, max_length: int, language: str | None = None):
        self.tokenizer, self.max_length, self.language = tokenizer, max_length, language
        self.per_language = hasattr(tokenizer, "languages")  # the project's cluster tokenizers segment per language
        with self.in_language():
            self.prefix, self.suffix = special_token_frame(tokenizer)
        self.uses_language = hasattr(tokenizer, "lang2id")  # XLM's Moses step is language-specific
        self.cache: dict[str, list[int]] = {}
        self.cut_words = 0

    def word_pieces(self, words: list[str]) -> None:
        new = list(dict.fromkeys(word for word in words if word not in self.cache))
        if not new:
            return
        if self.uses_language:
            encoded = [self.tokenizer.convert_tokens_to_ids(self.tokenizer.tokenize(word, lang=self.language)) for word in new]
        else:
            with self.in_language():
                encoded = self.tokenizer(new, add_special_tokens=False)["input_ids"]
        self.cache.update(zip(new, encoded))

    @contextmanager
    def in_language(self):
        if not self.per_language:
            yield
            return
        previous, self.tokenizer.language = getattr(self.tokenizer, "language", None), self.language
        try:
            yield
        finally:
            self.tokenizer.language = previous

    def encode(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        self.word_pieces(tokens)
        pieces = [self.cache[token] for token in tokens]
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        kept = int(np.searchsorted(np.cumsum(lengths), self.max_length - len(self.prefix) - len(self.suffix), side="right"))
        self.cut_words += len(tokens) - kept
        ids = np.fromiter((piece for word in (self.prefix, *pieces[:kept], self.suffix) for piece in word), dtype=np.int64)
        words = np.concatenate([np.full(len(self.prefix), -1), np.repeat(np.arange(kept), lengths[:kept]), np.full(len(self.suffix), -1)])
        return ids, words.astype(np.int64)
