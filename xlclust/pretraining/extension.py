"""A pretrained masked LM given rows for the subwords appended to its vocabulary (E-BERT, Wang et al.
2020 §2), ready for further pretraining from its own weights."""

from __future__ import annotations

import logging
import os

import pandas as pd

from xlclust.atomic import atomic_directory
from xlclust.errors import ConfigError
from xlclust.tokenization.wordpiece import extend_wordpiece, frequent_new_subwords

log = logging.getLogger(__name__)

NEW_ROWS = ("random", "mean")


def extend_embeddings(model, vocab_size: int, new_rows: str, seed: int) -> int:
    """Grow the input embeddings (and the tied output layer) to ``vocab_size`` rows; returns how many
    were added. ``random``: drawn like BERT's own initialisation, N(0, initializer_range), the
    output biases 0 (E-BERT); ``mean``: from a normal around the old rows' mean and covariance
    (Hewitt 2021, transformers' ``mean_resizing``). Old rows are untouched; draws follow ``seed``."""
    import torch

    if new_rows not in NEW_ROWS:
        raise ConfigError(f"lowres.ebert.new_rows: {new_rows!r} is not one of {NEW_ROWS}")
    old = model.get_input_embeddings().weight.shape[0]
    if vocab_size < old:
        raise ConfigError(f"vocabulary extension: {vocab_size} rows asked for, but the model has {old} already")
    torch.manual_seed(seed)  # mean_resizing draws from the global generator
    model.resize_token_embeddings(vocab_size, mean_resizing=new_rows == "mean")
    added = vocab_size - old
    if new_rows == "random" and added:
        generator = torch.Generator().manual_seed(seed)
        weight = model.get_input_embeddings().weight
        rows = torch.randn(added, weight.shape[1], generator=generator) * model.config.initializer_range
        with torch.no_grad():
            weight[old:] = rows.to(weight.dtype)
            output = model.get_output_embeddings()
            if output is not None and getattr(output, "bias", None) is not None:
                output.bias[old:] = 0
    log.info("embeddings: %d rows + %d new (%s)", old, added, new_rows)
    return added


def extend_model(
    source, texts: list[str], directory: str | os.PathLike, *, vocab_size: int, new_subwords: int, new_rows: str, seed: int
) -> pd.DataFrame:
    """``source``'s masked LM (an :class:`xlclust.models.ModelSource` with a WordPiece tokenizer) with
    the ``new_subwords`` most frequent new pieces of ``texts`` (of a ``vocab_size`` vocabulary learnt
    on them) appended to its vocabulary and new embedding rows, written to ``directory`` with
    ``new_subwords.csv`` (piece, count), atomically; returns that table."""
    from transformers import AutoModelForMaskedLM

    tokenizer, model = source.load(AutoModelForMaskedLM)
    added = frequent_new_subwords(tokenizer, texts, vocab_size, new_subwords, seed)
    with atomic_directory(directory) as tmp:
        extended = extend_wordpiece(tokenizer, added["piece"].tolist(), tmp)
        extend_embeddings(model, len(extended), new_rows, seed)
        model.save_pretrained(tmp)
        added.to_csv(tmp / "new_subwords.csv", index=False)
    return added
