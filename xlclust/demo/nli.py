"""The demo's XNLI stand-in: premise–hypothesis pairs built from the demo articles' sentence windows
with labels known by construction, in XNLI's published file layouts (XNLI-MT's per-language
training files, XNLI-1.0's all-language dev and test files), for English and each fake language.

- entailment: the hypothesis is the premise's opening words;
- contradiction: the same opening words with ``not`` after the first word (rewritten into each fake
  language like every other word);
- neutral: the opening words of another sentence.
"""

from __future__ import annotations

import random
from pathlib import Path

from xlclust.atomic import write_text_atomic
from xlclust.demo.fake_languages import language_rewrites
from xlclust.demo.ner import demo_sentences

EVALUATION_COLUMNS = ["language", "gold_label", "sentence1_binary_parse", "sentence2_binary_parse", "sentence1", "sentence2", "pairID"]


def _pairs(sentences: list[list[str]], seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    pairs = []
    for index, tokens in enumerate(sentences):
        cut = max(3, len(tokens) * 2 // 3)
        label = ("entailment", "contradiction", "neutral")[index % 3]
        if label == "entailment":
            hypothesis = tokens[:cut]
        elif label == "contradiction":
            hypothesis = [tokens[0], "not", *tokens[1:cut]]
        else:
            other = sentences[(index + rng.randrange(1, len(sentences))) % len(sentences)]
            hypothesis = other[: max(3, len(other) * 2 // 3)]
        pairs.append((" ".join(tokens), " ".join(hypothesis), label))
    return pairs


def build_demo_nli(root: str | Path, fake_languages: dict[str, dict], seed: int) -> dict[str, int]:
    """Write ``root/multinli.train.{lang}.tsv``, ``root/xnli.dev.tsv`` and ``root/xnli.test.tsv``;
    returns pairs per file."""
    by_split = {split: _pairs([tokens for tokens, _ in sentences], seed) for split, sentences in demo_sentences().items()}
    rewrites = language_rewrites(fake_languages)
    counts = {}
    for lang, rewrite in rewrites.items():
        rows = [
            f"{rewrite(p)}\t{rewrite(h)}\t{'contradictory' if label == 'contradiction' else label}\n" for p, h, label in by_split["train"]
        ]
        write_text_atomic(Path(root) / f"multinli.train.{lang}.tsv", "premise\thypo\tlabel\n" + "".join(rows))
        counts[f"train/{lang}"] = len(rows)
    for split in ("dev", "test"):
        lines = ["\t".join(EVALUATION_COLUMNS) + "\n"]
        for lang, rewrite in rewrites.items():
            for number, (premise, hypothesis, label) in enumerate(by_split[split]):
                lines.append("\t".join([lang, label, "", "", rewrite(premise), rewrite(hypothesis), str(number)]) + "\n")
            counts[f"{split}/{lang}"] = len(by_split[split])
        write_text_atomic(Path(root) / f"xnli.{split}.tsv", "".join(lines))
    return counts
