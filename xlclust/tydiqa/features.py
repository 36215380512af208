"""Questions and contexts as model inputs: overlapping windows over long contexts, answer spans
mapped from characters to token positions and back (Devlin et al. 2019 §4.2, SQuAD).

Everything goes through the model's own tokenizer and its offsets, so a cluster-ID tokenizer,
where one character range may give several IDs, is handled like any other. Cluster tokenizers
segment each language with its own segmenter: they get ``language=`` on every call.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import groupby

import numpy as np

from xlclust.errors import ConfigError
from xlclust.tokenization import language_kwargs

NO_OFFSET = -1


@dataclass(frozen=True)
class FeatureSpec:
    max_length: int = 384  # Devlin et al. (2019) SQuAD settings, as XTREME uses them
    doc_stride: int = 128
    max_query_length: int = 64

    def check(self, model_max_positions: int | None = None) -> None:
        if self.doc_stride >= self.max_length - self.max_query_length - 3:  # BERT's 3 specials
            raise ConfigError(
                f"config key 'tydiqa.features.doc_stride': {self.doc_stride} leaves no new context in windows "
                f"of {self.max_length} with questions of up to {self.max_query_length}"
            )
        if model_max_positions is not None and self.max_length > model_max_positions:
            raise ConfigError(f"tydiqa.features.max_length {self.max_length} exceeds the model's {model_max_positions} positions")


def is_mark(character: str) -> bool:
    """Combining marks and format characters (vowel signs, ZWNJ) belong to the character before."""
    category = unicodedata.category(character)
    return category[0] == "M" or category == "Cf"


def extend_over_marks(text: str, end: int) -> int:
    """Move a span's end past the marks right after it: normalization (NFKC composing a vowel
    sign, a deleted direction mark) can leave them outside every token's offsets."""
    while end < len(text) and is_mark(text[end]):
        end += 1
    return end


def truncate_questions(tokenizer, questions: list[str], limit: int, language: str) -> tuple[list[str], list[int]]:
    """Questions cut after their first ``limit`` tokens (BERT's max_query_length), at a token's
    end, and their lengths in tokens."""
    questions = [q.lstrip() for q in questions]  # leading spaces only shift offsets
    encoded = tokenizer(questions, add_special_tokens=False, return_offsets_mapping=True, **language_kwargs(tokenizer, language))
    cut = [
        q if len(offsets) <= limit else q[: extend_over_marks(q, int(offsets[limit - 1][1]))]
        for q, offsets in zip(questions, encoded["offset_mapping"])
    ]
    return cut, [min(len(ids), limit) for ids in encoded["input_ids"]]


@dataclass
class Window:
    """One window of one question: the model inputs and, per token, its context offsets."""

    example: int
    inputs: dict
    offsets: np.ndarray  # NO_OFFSET outside the context


def windows(examples: list[dict], tokenizer, spec: FeatureSpec, chunk: int = 512):
    """Every window of every question, language by language, in the questions' order within one.

    As BERT's run_squad (and XTREME) do it, consecutive windows start ``doc_stride`` context
    tokens apart; the tokenizer's ``stride`` is the overlap, which therefore depends on the
    question's length: questions are encoded in groups of equal length."""
    question_first = tokenizer.padding_side == "right"
    context_index = 1 if question_first else 0
    specials = tokenizer.num_special_tokens_to_add(pair=True)
    for language, group in _by_language(examples):
        group = list(group)
        for begin in range(0, len(group), chunk):
            part = group[begin : begin + chunk]
            questions, lengths = truncate_questions(tokenizer, [e["question"] for _, e in part], spec.max_query_length, language)
            found: dict[int, list[Window]] = {}
            for length in sorted(set(lengths)):
                members = [i for i, n in enumerate(lengths) if n == length]
                room = spec.max_length - length - specials
                pair = ([questions[i] for i in members], [part[i][1]["context"] for i in members])
                batch = tokenizer(
                    *(pair if question_first else pair[::-1]),
                    truncation="only_second" if question_first else "only_first",
                    max_length=spec.max_length,
                    stride=max(0, room - spec.doc_stride),
                    return_overflowing_tokens=True,
                    return_offsets_mapping=True,
                    **language_kwargs(tokenizer, language),
                )
                for index, sample in enumerate(batch["overflow_to_sample_mapping"]):
                    offsets = np.asarray(batch["offset_mapping"][index], dtype=np.int64).reshape(-1, 2)
                    offsets[np.array([s != context_index for s in batch.sequence_ids(index)])] = NO_OFFSET
                    inputs = {"input_ids": batch["input_ids"][index], "attention_mask": batch["attention_mask"][index]}
                    if "token_type_ids" in batch:
                        inputs["token_type_ids"] = batch["token_type_ids"][index]
                    position = members[sample]
                    found.setdefault(position, []).append(Window(part[position][0], inputs, offsets))
            for position in range(len(part)):
                yield from found[position]


def answer_positions(offsets: np.ndarray, start_char: int, end_char: int) -> tuple[int, int] | None:
    """Token positions of the first and last token covering the characters [start_char,
    end_char); None when the window does not hold the whole answer."""
    context = np.flatnonzero(offsets[:, 0] != NO_OFFSET)
    if context.size == 0:
        return None
    starts, ends = offsets[context, 0], offsets[context, 1]
    if starts[0] > start_char or ends[-1] < end_char:
        return None
    first = int(np.searchsorted(ends, start_char, side="right"))  # the first token ending after start_char
    last = int(np.searchsorted(starts, end_char, side="left")) - 1  # the last token starting before end_char
    if first >= len(context) or last < first:
        return None
    return int(context[first]), int(context[last])


def _by_language(examples: list[dict]):
    """(language, [(index, example)]) runs: cluster tokenizers encode one language per call."""
    ordered = sorted(enumerate(examples), key=lambda pair: pair[1]["language"])
    return groupby(ordered, key=lambda pair: pair[1]["language"])


def training_features(examples: list[dict], tokenizer, spec: FeatureSpec) -> tuple[list[dict], int]:
    """Model inputs with ``start_positions``/``end_positions`` for every window of every question;
    windows without the whole (first) answer point at the [CLS] token (XLM-R's <s>), as in BERT.

    Returns the features and how many questions have no window holding their answer (an answer
    longer than a window's context)."""
    features, reached = [], set()
    for window in windows(examples, tokenizer, spec):
        answers = examples[window.example]["answers"]
        start_char = answers["answer_start"][0]
        positions = answer_positions(window.offsets, start_char, start_char + len(answers["text"][0]))
        if positions is not None:
            reached.add(window.example)
        start, end = positions if positions is not None else (0, 0)
        features.append(window.inputs | {"start_positions": start, "end_positions": end})
    return features, len(examples) - len(reached)


class Collator:
    """Pads a list of features to the longest (a multiple of 8) and stacks them as tensors."""

    def __init__(self, pad_id: int, multiple: int = 8):
        self.pad_id, self.multiple = pad_id, multiple

    def __call__(self, features: list[dict]) -> dict:
        import torch

        length = max(len(f["input_ids"]) for f in features)
        length = -(-length // self.multiple) * self.multiple
        batch = {}
        for key in features[0]:
            if key in ("start_positions", "end_positions"):
                batch[key] = torch.tensor([f[key] for f in features], dtype=torch.long)
                continue
            fill = self.pad_id if key == "input_ids" else 0
            rows = np.full((len(features), length), fill, dtype=np.int64)
            for row, feature in enumerate(features):
                rows[row, : len(feature[key])] = feature[key]
            batch[key] = torch.from_numpy(rows)
        return batch
