"""Word tokenization of the text that is mined and evaluated (Hangya et al. 2022 §4.1): IndicNLP for
Indic scripts, Moses for the other languages. Words are what a contextual word representation is
computed for; the LM's own tokenizer splits them into subwords afterwards."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from xlclust.errors import ConfigError

TOKENIZERS = ("moses", "indic", "whitespace")
# IndicNLP's tokenizer handles the scripts of these languages (indicnlp.common: its language codes)
INDIC_LANGUAGES = {"as", "bn", "gu", "hi", "kn", "kok", "ml", "mr", "ne", "or", "pa", "sa", "sd", "si", "ta", "te", "ur"}


@cache
def word_tokenizer(kind: str, lang: str) -> Callable[[str], list[str]]:
    """A function from a line of text to its words, for ``lang``."""
    if kind == "moses":
        from sacremoses import MosesTokenizer

        moses = MosesTokenizer(lang=lang)
        return lambda text: moses.tokenize(text, escape=False, aggressive_dash_splits=False)
    if kind == "indic":
        if lang not in INDIC_LANGUAGES:
            raise ConfigError(
                f"config key 'lowres.tokenizer.{lang}': IndicNLP cannot tokenize {lang!r} (it knows {', '.join(sorted(INDIC_LANGUAGES))}); use moses"
            )
        from indicnlp.tokenize import indic_tokenize

        return lambda text: indic_tokenize.trivial_tokenize(text, lang)
    if kind == "whitespace":
        return str.split
    raise ConfigError(f"config key 'lowres.tokenizer.{lang}': {kind!r} is not one of {TOKENIZERS}")


def tokenize_lines(lines, kind: str, lang: str, max_words: int) -> list[list[str]]:
    """Every line's words; a line longer than ``max_words`` words is cut (mBERT takes 512 subwords)."""
    tokenize = word_tokenizer(kind, lang)
    return [tokenize(line)[:max_words] for line in lines]


def sample_sentences(path, count: int, seed: int, column: str = "text") -> list[str]:
    """A seeded sample of ``count`` rows of a sentences table (all when it has fewer), in table
    order, read batch by batch so that a large Wikipedia's table never sits in memory whole."""
    import numpy as np
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path)
    total = table.metadata.num_rows
    chosen = np.arange(total) if count >= total else np.sort(np.random.default_rng(seed).choice(total, size=count, replace=False))
    sentences, offset = [], 0
    for batch in table.iter_batches(batch_size=65536, columns=[column]):
        rows = chosen[(chosen >= offset) & (chosen < offset + batch.num_rows)] - offset
        if len(rows):
            sentences += batch.column(0).take(rows).to_pylist()
        offset += batch.num_rows
    return sentences
