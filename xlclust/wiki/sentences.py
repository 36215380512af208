"""Paragraphs to sentences with sentencex (Wikimedia's segmenter for ~300 languages)."""

from __future__ import annotations

import sentencex


def split_sentences(lang: str, paragraph: str, min_chars: int = 1) -> list[str]:
    """Sentences of a paragraph, stripped, dropping those shorter than ``min_chars``.

    Languages sentencex does not know fall back to its language-agnostic rules.
    """
    sentences = (s.strip() for s in sentencex.segment(lang, paragraph))
    return [s for s in sentences if len(s) >= min_chars]
