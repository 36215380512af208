"""WordPiece vocabularies: learnt reproducibly (through SentencePiece BPE), and mBERT's extended with
a language's most frequent new subwords (E-BERT, Wang et al. 2020 §2; Hangya et al. 2022 §4.1's
eBERT baseline)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from xlclust.errors import XlclustError
from xlclust.models import load_local_tokenizer

log = logging.getLogger(__name__)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
COUNT_BATCH = 10_000  # texts segmented at a time while counting subwords


def wordpiece_vocabulary(texts: Iterable[str], vocab_size: int, seed: int) -> list[str]:
    """A WordPiece vocabulary (``word``, ``##piece``) from a SentencePiece BPE model: the
    tokenizers library's WordPiece trainer breaks frequency ties in hash order, so its IDs
    change from run to run; SentencePiece on one thread does not."""
    processor = train_sentencepiece(texts, vocab_size - len(SPECIALS), "bpe", seed)
    vocabulary = list(SPECIALS)
    for index in range(processor.get_piece_size()):
        if processor.is_control(index) or processor.is_unknown(index):
            continue
        piece = processor.id_to_piece(index)
        words = [piece[1:]] if piece.startswith("▁") else ["##" + piece]
        if len(piece) == 1:  # every character can start a word and continue one
            words = [piece, "##" + piece]
        vocabulary += [w for w in words if w and w != "##"]
    return list(dict.fromkeys(vocabulary))


def train_sentencepiece(texts: Iterable[str], vocab_size: int, model_type: str, seed: int):
    """A SentencePiece model trained in memory on one thread (reproducible IDs)."""
    import io

    import sentencepiece as spm

    from xlclust.vocabulary.segmenter_training import run_sentencepiece_trainer

    model = io.BytesIO()
    run_sentencepiece_trainer(
        texts,
        seed=seed,
        model_writer=model,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=0.9995,
        num_threads=1,
        hard_vocab_limit=False,
    )
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


def wordpiece_tokenizer(vocabulary: list[str]):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tokenizer = Tokenizer(models.WordPiece({token: i for i, token in enumerate(vocabulary)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    cls, sep = vocabulary.index("[CLS]"), vocabulary.index("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return tokenizer


def wordpiece_state(tokenizer) -> dict:
    """The tokenizer's backend as JSON; refuses anything but a WordPiece model (vocabulary extension
    appends pieces that WordPiece's longest-match segmentation then uses)."""
    if not getattr(tokenizer, "is_fast", False):
        raise XlclustError(f"{tokenizer.name_or_path}: vocabulary extension needs a fast (tokenizers) WordPiece tokenizer")
    state = json.loads(tokenizer.backend_tokenizer.to_str())
    if state["model"]["type"] != "WordPiece":
        raise XlclustError(
            f"{tokenizer.name_or_path}: a {state['model']['type']} tokenizer; vocabulary extension (eBERT) extends WordPiece vocabularies (mBERT's)"
        )
    return state


def bert_words(tokenizer, texts: Iterable[str]) -> Iterator[str]:
    """Each text normalized and split into words as ``tokenizer`` does before WordPiece, the words
    joined by spaces: pieces learnt from these never cross a word (or punctuation) boundary."""
    backend = tokenizer.backend_tokenizer
    for text in texts:
        normalized = backend.normalizer.normalize_str(text) if backend.normalizer is not None else text
        words = backend.pre_tokenizer.pre_tokenize_str(normalized) if backend.pre_tokenizer is not None else [(normalized, None)]
        yield " ".join(word for word, _ in words)


def subword_counts(vocabulary: list[str], words: list[str]) -> np.ndarray:
    """How often WordPiece's longest-match segmentation over ``vocabulary`` produces each piece in
    ``words`` (space-separated, already normalized)."""
    from tokenizers import pre_tokenizers

    segmenter = wordpiece_tokenizer(vocabulary)
    segmenter.normalizer = None
    segmenter.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    counts = np.zeros(len(vocabulary), dtype=np.int64)
    for start in range(0, len(words), COUNT_BATCH):
        encodings = segmenter.encode_batch(words[start : start + COUNT_BATCH], add_special_tokens=False)
        ids = np.fromiter((i for encoding in encodings for i in encoding.ids), dtype=np.int64)
        counts += np.bincount(ids, minlength=len(vocabulary))
    return counts


def frequent_new_subwords(tokenizer, texts: Iterable[str], vocab_size: int, count: int, seed: int) -> pd.DataFrame:
    """Wang et al. (2020)'s new subwords: a WordPiece vocabulary of ``vocab_size`` learnt on a
    language's texts; of its pieces that ``tokenizer`` lacks, the ``count`` that occur most often
    when the texts are segmented with the learnt vocabulary (ties: the order SentencePiece learnt
    them in). Columns: piece, count."""
    wordpiece_state(tokenizer)
    words = list(bert_words(tokenizer, texts))
    if not any(words):
        raise XlclustError("vocabulary extension: the corpus has no words")
    learnt = wordpiece_vocabulary(words, vocab_size, seed)
    counts = subword_counts(learnt, words)
    known = tokenizer.get_vocab()
    is_new = np.fromiter((piece not in known for piece in learnt), dtype=bool, count=len(learnt))
    candidates = np.flatnonzero(is_new & (counts > 0))
    ranked = candidates[np.lexsort((candidates, -counts[candidates]))][:count]
    if len(ranked) < count:
        log.warning("only %d new subwords occur in the corpus (%d asked for): all of them are added", len(ranked), count)
    log.info("learnt %d pieces, %d new to the tokenizer; adding %d", len(learnt), int(is_new.sum()), len(ranked))
    return pd.DataFrame({"piece": [learnt[i] for i in ranked], "count": counts[ranked]})


def extend_wordpiece(tokenizer, pieces: list[str], directory: str | os.PathLike):
    """Save ``tokenizer`` into ``directory`` with ``pieces`` appended to its WordPiece vocabulary, as
    E-BERT appends them to mBERT's vocab.txt: the old IDs stay, the new ones follow the last. Returns
    the tokenizer loaded back from ``directory``."""
    state = wordpiece_state(tokenizer)
    vocabulary = state["model"]["vocab"]
    already = [piece for piece in pieces if piece in vocabulary]
    if already:
        raise XlclustError(f"vocabulary extension: {len(already)} pieces are in the vocabulary already, e.g. {already[:5]}")
    first = max([*vocabulary.values(), *(token["id"] for token in state.get("added_tokens", []))]) + 1
    vocabulary.update({piece: first + index for index, piece in enumerate(pieces)})
    directory = Path(directory)
    tokenizer.save_pretrained(directory)
    (directory / "tokenizer.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    vocab_file = directory / "vocab.txt"
    if vocab_file.exists():  # the slow tokenizer's copy of the same vocabulary
        vocab_file.write_text("".join(f"{piece}\n" for piece in sorted(vocabulary, key=vocabulary.get)), encoding="utf-8")
    extended = load_local_tokenizer(directory)
    if extended.convert_tokens_to_ids(pieces) != list(range(first, first + len(pieces))) or len(extended) != first + len(pieces):
        raise XlclustError(f"{directory}: the extended tokenizer does not read back with the appended pieces at their IDs")
    return extended
