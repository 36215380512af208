"""The demo's word-aligned parallel corpora: English sentences of the demo world and their fake-
language rewrites, word for word, so that the true links are known (word i ↔ word i) and no aligner
is needed. Written in OPUS's layout (one sentence a line per side) with Pharaoh links."""

from __future__ import annotations

import re

import numpy as np

from xlclust.atomic import write_text_atomic
from xlclust.demo.fake_languages import FakeLanguage
from xlclust.demo.paths import demo_parallel_paths

WORDS = re.compile(r"[A-Za-z]+|[0-9]+")


def parallel_sentences(texts: list[str], fake: FakeLanguage, count: int, min_words: int, max_words: int, seed: int):
    """(English lines, fake-language lines, link lines) of ``count`` seeded, sized sentences."""
    candidates = [words for words in (WORDS.findall(text) for text in texts) if min_words <= len(words) <= max_words]
    chosen = np.random.default_rng(seed).permutation(len(candidates))[:count]
    english, other, links = [], [], []
    for index in chosen:
        words = candidates[index]
        english.append(" ".join(words))
        other.append(" ".join(fake.word(word) if word.isalpha() else word for word in words))
        links.append(" ".join(f"{i}-{i}" for i in range(len(words))))
    return english, other, links


def build_demo_parallel(root, texts: list[str], fake_languages: dict[str, dict], settings: dict, seed: int) -> dict[str, int]:
    counts = {}
    for lang, spec in sorted(fake_languages.items()):
        fake = FakeLanguage(spec["script"], spec.get("reverse_words", False))
        sides = parallel_sentences(texts, fake, settings["sentences"], settings["min_words"], settings["max_words"], seed)
        for path, lines in zip(demo_parallel_paths(root, lang).values(), sides):
            write_text_atomic(path, "".join(f"{line}\n" for line in lines))
        counts[lang] = len(sides[0])
    return counts
