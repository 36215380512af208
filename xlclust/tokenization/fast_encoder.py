"""Corpus-speed encoding: the SentencePiece models behind a tokenizer, run by SentencePiece itself.

The Hugging Face backends replay SentencePiece piece for piece but run at about 0.4 of its speed
once normalization is included (benchmarks/encoding.py), so corpora are encoded by the
SentencePiece models saved beside the tokenizer (``segmenters/{lang}.model`` for cluster
tokenizers, ``sentencepiece.model`` for the baseline), each piece mapped to the tokenizer's ID by
one array look-up. :meth:`FastEncoder.check` compares a sample with the tokenizer itself. WordPiece
tokenizers (mBERT's, eBERT's) have no SentencePiece model; their own Rust backend encodes them.
"""

from __future__ import annotations

import itertools
import os
import unicodedata
from pathlib import Path

import numpy as np
import sentencepiece as spm

from xlclust.errors import XlclustError
from xlclust.tokenization import language_kwargs, segments_per_language
from xlclust.vocabulary.normalization import normalize

SEGMENTERS = "segmenters"
BASELINE_MODEL = "sentencepiece.model"


class FastEncoder:
    def __init__(self, tokenizer_dir: str | os.PathLike, tokenizer):
        directory = Path(tokenizer_dir)
        self.tokenizer = tokenizer
        self.per_language = segments_per_language(tokenizer)
        models = {p.stem: p for p in (directory / SEGMENTERS).glob("*.model")} if self.per_language else {None: directory / BASELINE_MODEL}
        if self.per_language and sorted(models) != sorted(tokenizer.languages):
            raise XlclustError(
                f"{directory / SEGMENTERS}: segmenters for {sorted(models)}, but the tokenizer has {sorted(tokenizer.languages)}"
            )
        self.processors, self.id_maps = {}, {}
        for lang, path in models.items():
            if not path.is_file():
                raise XlclustError(f"{path}: the SentencePiece model behind the tokenizer is missing")
            processor = spm.SentencePieceProcessor(model_file=str(path))
            pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
            self.processors[lang] = processor
            self.id_maps[lang] = self._id_map(pieces, lang)

    def _id_map(self, pieces: list[str], lang) -> np.ndarray:
        """The tokenizer's ID of every SentencePiece ID (−1 for pieces it can never produce)."""
        ids = np.full(len(pieces), -1, dtype=np.int64)
        if self.per_language:
            with self.tokenizer.using_language(lang):
                backend, clusters = self.tokenizer.backend_tokenizer, self.tokenizer._groups
                for i, piece in enumerate(pieces):
                    index = backend.token_to_id(piece)
                    if index is not None:
                        ids[i] = clusters[index]
        else:
            vocab = self.tokenizer.get_vocab()
            ids[:] = [vocab.get(piece, -1) for piece in pieces]
        return ids

    def encode(self, texts: list[str], language: str | None) -> list[np.ndarray]:
        key = language if self.per_language else None
        if key not in self.processors:
            raise XlclustError(f"no segmenter for language {language!r}")
        # the Hugging Face backends put NFKC before SentencePiece's own normalization (see
        # sentencepiece_normalizers); the cluster side's normalize() starts with it as well
        inputs = [normalize(t) for t in texts] if self.per_language else [unicodedata.normalize("NFKC", t) for t in texts]
        encoded = self.processors[key].encode(inputs, num_threads=1)
        lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
        flat = np.fromiter(itertools.chain.from_iterable(encoded), dtype=np.int64, count=int(lengths.sum()))
        mapped = self.id_maps[key][flat]
        if (mapped < 0).any():
            raise XlclustError(f"SentencePiece produced pieces the tokenizer does not have (language {language!r})")
        return np.split(mapped, np.cumsum(lengths)[:-1]) if len(lengths) else []

    def check(self, texts: list[str], language: str | None) -> int:
        """How many of ``texts`` the tokenizer itself encodes differently (a unigram model's
        equal-score ties can; BPE models never should)."""
        reference = self.tokenizer(texts, add_special_tokens=False, **language_kwargs(self.tokenizer, language))["input_ids"]
        return sum(list(mine) != theirs for mine, theirs in zip(self.encode(texts, language), reference))


class TokenizerEncoder:
    """Corpus encoding through the tokenizer's own fast backend, for tokenizers without SentencePiece
    models behind them (WordPiece: mBERT's, and eBERT's extension of it)."""

    def __init__(self, tokenizer):
        if not getattr(tokenizer, "is_fast", False):
            raise XlclustError(f"{tokenizer.name_or_path}: neither SentencePiece models nor a fast tokenizer to encode a corpus with")
        self.tokenizer = tokenizer

    def encode(self, texts: list[str], language: str | None) -> list[np.ndarray]:
        encoded = self.tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]  # long lines are cut later
        return [np.asarray(ids, dtype=np.int64) for ids in encoded]

    def check(self, texts: list[str], language: str | None) -> int:
        return 0  # it is the tokenizer


def corpus_encoder(tokenizer_dir: str | os.PathLike, tokenizer) -> FastEncoder | TokenizerEncoder:
    """SentencePiece itself for the workflow's cluster and baseline tokenizers (their segmenters lie
    beside them), the tokenizer's own backend for WordPiece tokenizers."""
    if segments_per_language(tokenizer) or (Path(tokenizer_dir) / BASELINE_MODEL).exists():
        return FastEncoder(tokenizer_dir, tokenizer)
    return TokenizerEncoder(tokenizer)
