"""The demo's POS data: the demo NER sentences tagged with Penn Treebank tags by closed word classes,
suffixes and capitals (a rough tagger, but a consistent one), in each fake language too (the tags
carry over word by word), with the Petrov et al. (2011) map of the tags it uses. The tagging
comparison maps them to the 12 universal tags as it maps CoNLL's."""

from __future__ import annotations

import re
from pathlib import Path

from xlclust.atomic import write_text_atomic
from xlclust.demo.fake_languages import language_rewrites
from xlclust.demo.ner import demo_sentences

CLOSED_CLASSES = {
    "DT": "the a an this that these those every each some any no all both another",
    "IN": "of in on at by for with from into during after before about against between through under over as than since "
    "until within without among because while if although whether upon near across",
    "TO": "to",
    "CC": "and or but nor yet",
    "PRP": "he she it they we i you him them us me",
    "PRP$": "his its their our my your",
    "WDT": "which whose",
    "WP": "who whom what",
    "MD": "can could will would shall should may might must",
    "VBZ": "is has does",
    "VBD": "was were had did",
    "VBP": "are have do",
    "VBN": "been",
    "VBG": "being having",
    "VB": "be",
    "RB": "not also only however very then often still now even later too so well just again usually never",
    "EX": "there",
}
WORD_CLASS = {word: tag for tag, words in CLOSED_CLASSES.items() for word in words.split()}
SUFFIXES = [("ly", "RB"), ("ing", "VBG"), ("ed", "VBD")] + [
    (suffix, "JJ") for suffix in ("ous", "ful", "ive", "al", "ic", "able", "ible", "ary", "ish", "less")
]
PUNCTUATION = {".": ".", "!": ".", "?": ".", ",": ",", ";": ":", ":": ":", "-": ":", "(": "-LRB-", ")": "-RRB-", '"': "``"}
NUMBER = re.compile(r"^\d[\d,.]*$")
# Petrov et al.'s en-ptb.map, for the tags above
PTB_UNIVERSAL = {
    **dict.fromkeys(["NN", "NNS", "NNP"], "NOUN"),
    **dict.fromkeys(["VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"], "VERB"),
    "JJ": "ADJ",
    "RB": "ADV",
    "PRP": "PRON",
    "PRP$": "PRON",
    "WP": "PRON",
    "DT": "DET",
    "WDT": "DET",
    "EX": "DET",
    "IN": "ADP",
    "TO": "PRT",
    "CC": "CONJ",
    "CD": "NUM",
    "SYM": "X",
    **dict.fromkeys([".", ",", ":", "-LRB-", "-RRB-", "``"], "."),
}


def ptb_tag(token: str, first: bool) -> str:
    lower = token.lower()
    if token in PUNCTUATION:
        return PUNCTUATION[token]
    if NUMBER.match(token):
        return "CD"
    if lower in WORD_CLASS and (first or token == lower):
        return WORD_CLASS[lower]
    if not token[:1].isalnum():
        return "SYM"
    if token[:1].isupper():
        return "NNP"
    for suffix, tag in SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            return tag
    return "NNS" if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3 else "NN"


def tag_pos(tokens: list[str]) -> list[str]:
    """Penn Treebank tags of one tokenized English sentence (a window: its first token is not always
    the sentence's)."""
    return [ptb_tag(token, index == 0) for index, token in enumerate(tokens)]


def build_demo_pos(root: str | Path, fake_languages: dict[str, dict]) -> dict[str, int]:
    """Write ``root/{lang}/{train,dev,test}`` in CoNLL columns for English and each fake language, and
    ``root/demo-ptb.map``; returns sentences per file."""
    by_split = demo_sentences()
    rewrites = language_rewrites(fake_languages)
    counts = {}
    for lang, rewrite in rewrites.items():
        for split, sentences in by_split.items():
            lines = ["".join(f"{rewrite(t)} {g}\n" for t, g in zip(tokens, tag_pos(tokens))) + "\n" for tokens, _ in sentences]
            write_text_atomic(Path(root) / lang / split, "".join(lines))
            counts[f"{lang}/{split}"] = len(sentences)
    write_text_atomic(Path(root) / "demo-ptb.map", "".join(f"{tag}\t{universal}\n" for tag, universal in PTB_UNIVERSAL.items()))
    return counts
