"""A Hugging Face fast tokenizer whose IDs are clusters of monolingual subwords (ICEBERT §2).

Every language keeps its own segmenter (its SentencePiece model as a ``tokenizers`` backend, the
vocabulary's normalization in front); the language of the text picks it:
``tokenizer(text, language="sw")``, or ``tokenizer.language = "sw"`` for code that cannot pass
it. The segmenter's pieces are language-marked and looked up in the cluster map, so each ID is a
cluster ID. Text the segmenter does not know comes out as its unknown piece, which maps to
``[UNK]``; so does a piece the map lacks (the build counts those). Offsets, word IDs and the
special-tokens mask are the segmenter's, so span tasks work on the original text.

This module is saved beside the tokenizer with ``grouped.py`` (``register_for_auto_class``); it
imports nothing from xlclust, so ``AutoTokenizer.from_pretrained(path, trust_remote_code=True)``
loads it anywhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import unicodedata

import numpy as np
from tokenizers import Tokenizer
from transformers.tokenization_utils_tokenizers import TokenizersBackend

from .grouped import GroupedTokenizer

CLUSTERS_FILE = "cluster_tokenizer.json"
WORD_START = "\u2581"


class ClusterTokenizer(GroupedTokenizer):
    vocab_files_names = {"clusters_file": CLUSTERS_FILE}

    def __init__(self, clusters_file=None, *, clusters=None, language=None, **kwargs):
        if clusters is None:
            if clusters_file is None or not os.path.isfile(clusters_file):
                raise ValueError(f"a cluster tokenizer needs its {CLUSTERS_FILE} (got {clusters_file!r})")
            with open(clusters_file, encoding="utf-8") as handle:
                clusters = json.load(handle)
        self._names = list(clusters["names"])
        self._ids_by_name = {name: i for i, name in enumerate(self._names)}
        self._backends, self._clusters, self._members = {}, {}, {}
        for lang, spec in clusters["languages"].items():
            backend = Tokenizer.from_str(json.dumps(spec["segmenter"]))
            ids = np.asarray(spec["cluster_ids"], dtype=np.int64)
            if len(ids) != backend.get_vocab_size(with_added_tokens=True):
                raise ValueError(f"{lang}: {len(ids)} cluster IDs for {backend.get_vocab_size(with_added_tokens=True)} segmenter tokens")
            if len(ids) and not (0 <= ids.min() and ids.max() < len(self._names)):
                raise ValueError(f"{lang}: cluster IDs must lie in 0…{len(self._names) - 1}")
            members = np.full(len(self._names), -1, dtype=np.int64)  # per cluster, its first piece in this language
            present, first = np.unique(ids, return_index=True)
            members[present] = first
            self._backends[lang], self._clusters[lang], self._members[lang] = backend, ids, members
        if not self._backends:
            raise ValueError(f"{CLUSTERS_FILE} names no language")
        self._active = None
        self._reference = next(iter(self._backends))  # answers for the special tokens, which all languages share
        self.language = language
        TokenizersBackend.__init__(self, language=language, **kwargs)

    # --- which language's segmenter is in use ----------------------------------------------------

    @property
    def languages(self) -> list[str]:
        return list(self._backends)

    def _requested_language(self, explicit=None):
        return explicit or self._active or getattr(self, "language", None)

    def _current_language(self, required: bool):
        lang = self._requested_language()
        if lang is None:
            if required:
                raise ValueError(
                    f"say which language the text is in: tokenizer(text, language=...) or tokenizer.language = ...; one of {self.languages}"
                )
            return self._reference
        if lang not in self._backends:
            raise ValueError(f"no segmenter for language {lang!r}; this tokenizer has {self.languages}")
        return lang

    @property
    def _tokenizer(self):
        return self._backends[self._current_language(required=False)]

    @property
    def _groups(self):
        return self._clusters[self._current_language(required=False)]

    @contextlib.contextmanager
    def using_language(self, language):
        """Encode in ``language`` inside the block (the tokenizer's own ``language`` otherwise)."""
        if language is not None and not isinstance(language, str):
            raise ValueError("one language per call: encode a batch of mixed languages language by language")
        previous, self._active = self._active, language
        try:
            self._current_language(required=True)
            yield
        finally:
            self._active = previous

    def _encode_plus(self, text, text_pair=None, *args, language=None, **kwargs):
        with self.using_language(language):
            batch = super()._encode_plus(text, text_pair, *args, **kwargs)
        if "offset_mapping" in batch and not kwargs.get("is_split_into_words"):
            batched = not isinstance(text, str) or kwargs.get("return_overflowing_tokens") or kwargs.get("return_tensors") is not None
            _attach_marks(batch, text, text_pair, batched)
        return batch

    def _encode_without_added_tokens(self, text: str) -> list[int]:
        self._current_language(required=True)
        return super()._encode_without_added_tokens(text)

    # --- the cluster vocabulary --------------------------------------------------------------------

    def _add_tokens(self, new_tokens, special_tokens=False) -> int:
        unknown = [str(token) for token in new_tokens if str(token) not in self._ids_by_name]
        if unknown:
            raise ValueError(f"a cluster tokenizer's vocabulary is fixed; cannot add {unknown[:5]}")
        return 0

    def _convert_token_to_id_with_added_voc(self, token: str) -> int:
        """A cluster name (``[C17]``, ``[MASK]``) or, with a language set, one of its pieces."""
        if token in self._ids_by_name:
            return self._ids_by_name[token]
        lang = self._requested_language()
        index = self._backends[lang].token_to_id(token) if lang in self._backends else None
        if index is None:
            return self.unk_token_id if token != self.unk_token else None
        return int(self._clusters[lang][index])

    def _convert_id_to_token(self, index: int) -> str | None:
        return self._names[int(index)]

    def _decode(self, token_ids, skip_special_tokens: bool = False, clean_up_tokenization_spaces=None, language=None, **kwargs) -> str:
        """Each cluster as one of its pieces in the language (``language=`` or the tokenizer's);
        clusters with no piece in it, and calls without a language, as cluster names."""
        if isinstance(token_ids, dict):
            token_ids = token_ids["input_ids"]
        if isinstance(token_ids, int):
            token_ids = [token_ids]
        token_ids = [int(i) for i in token_ids]
        if skip_special_tokens:
            skip = set(self.all_special_ids)
            token_ids = [i for i in token_ids if i not in skip]
        lang = self._requested_language(language)
        if lang is None:
            return " ".join(self._names[i] for i in token_ids)
        backend, members = self._backends[lang], self._members[lang]
        words = []
        for index in token_ids:
            piece = backend.id_to_token(int(members[index])) if members[index] >= 0 else None
            words.append(piece if piece is not None else f"{WORD_START}{self._names[index]}")
        return "".join(words).replace(WORD_START, " ").strip()

    @property
    def vocab_size(self) -> int:
        return len(self._names)

    def get_vocab(self) -> dict[str, int]:
        return dict(self._ids_by_name)

    def _save_pretrained(self, save_directory, file_names, legacy_format=None, filename_prefix=None):
        # no tokenizer.json: a single backend's file would load, wrongly, as a plain tokenizer
        path = os.path.join(str(save_directory), (filename_prefix + "-" if filename_prefix else "") + CLUSTERS_FILE)
        languages = {
            lang: {"segmenter": json.loads(backend.to_str()), "cluster_ids": self._clusters[lang].tolist()}
            for lang, backend in self._backends.items()
        }
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"names": self._names, "languages": languages}, handle, ensure_ascii=False)
        return tuple(file_names) + (path,)


def _is_mark(character: str) -> bool:
    """Combining marks and format characters (vowel signs, ZWNJ, direction marks) belong to the
    character before them."""
    return unicodedata.category(character)[0] == "M" or unicodedata.category(character) == "Cf"


def _attach_marks(batch, text, text_pair, batched: bool) -> None:
    """Extend each ID's end over the marks right after it that no ID covers.

    Normalization deletes some marks (direction marks) and composes others into the character
    before them (a decomposed Bengali vowel sign); the backend then reports the ID's offsets
    without them, and a span cut from those offsets would drop them."""
    texts = [text] if isinstance(text, str) else list(text)
    pairs = [text_pair] if isinstance(text_pair, str) else (list(text_pair) if text_pair is not None else None)
    rows = batch["offset_mapping"] if batched else [batch["offset_mapping"]]
    samples = batch.get("overflow_to_sample_mapping", range(len(batch.encodings)))
    for row, encoding, sample in zip(rows, batch.encodings, samples):
        for position, sequence in enumerate(encoding.sequence_ids):
            if sequence is None:
                continue
            source = texts[sample] if sequence == 0 else pairs[sample]
            start, end = (int(v) for v in row[position])
            following = row[position + 1] if position + 1 < len(row) and encoding.sequence_ids[position + 1] == sequence else None
            limit = int(following[0]) if following is not None and int(following[0]) >= end else len(source)
            while end < limit and _is_mark(source[end]):
                end += 1
            if end != int(row[position][1]):
                row[position] = (start, end) if isinstance(row[position], tuple) else type(row[position])([start, end])
