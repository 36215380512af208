"""The order First-k keeps subwords in ("Tomato, Tomahto, Tomate" §2.1: the first k subwords that
emerged while the tokenizer was trained), as far as a tokenizer's files tell it.

- BPE with its merges (``tokenizer.json``): the emergence order is known exactly. The base alphabet
  comes first (in ID order), then every merge's result in the order of the merges; a token neither
  in the alphabet nor made by a merge (an added token) comes last. This order is computed from the
  merges, not assumed to be the ID order (they differ where IDs were renumbered).
- WordPiece (mBERT's ``vocab.txt``): the file's line order, i.e. the ID order, is all there is. Google's
  WordPiece trainer is not released and the order of the vocabulary file is not documented as the
  order of emergence (the file lists unused and special tokens, then characters, then pieces).
- Unigram (SentencePiece: XLM-R, XLM-V): the vocabulary is ordered by piece score (log probability),
  not by emergence; unigram training prunes a large seed vocabulary rather than growing one, so no
  emergence order exists in its files. The ID order is kept, and First-k's log says so.

Special tokens are not ranked: First-k always keeps them (:func:`xlclust.grouping.groups.group_table`).
"""

from __future__ import annotations

import json

import numpy as np

ORDERS = {
    "bpe": "BPE: the base alphabet, then the merges' results in merge order (the tokenizer's emergence order)",
    "wordpiece": "WordPiece: the vocabulary file's (ID) order; its emergence order is not documented",
    "unigram": "unigram (SentencePiece): the ID order, which is the pieces' score order; "
    "emergence order cannot be had from the tokenizer files",
    "other": "the ID order (a tokenizer model without a known training order)",
}


def _merge_pair(merge) -> tuple[str, str]:
    return tuple(merge.split(" ", 1)) if isinstance(merge, str) else tuple(merge)


def bpe_emergence_ranks(model: dict, size: int) -> np.ndarray:
    """Each ID's rank in the emergence order of a ``tokenizers`` BPE model (its ``model`` JSON)."""
    vocab = model["vocab"]
    prefix = model.get("continuing_subword_prefix") or ""
    made = {}
    for position, merge in enumerate(model.get("merges", [])):
        left, right = _merge_pair(merge)
        if prefix and right.startswith(prefix):
            right = right[len(prefix) :]
        token = vocab.get(left + right)
        if token is not None and token not in made:
            made[token] = position
    base = [token for token in sorted(vocab.values()) if token not in made and token < size]
    merged = sorted((position, token) for token, position in made.items() if token < size)
    order = base + [token for _, token in merged]
    placed = set(order)
    order += [token for token in range(size) if token not in placed]  # added tokens
    ranks = np.empty(size, dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(size)
    return ranks


def emergence_ranks(tokenizer) -> tuple[np.ndarray, str]:
    """Every ID's First-k rank (lower: kept first) and the order's kind (a key of ``ORDERS``)."""
    size = len(tokenizer)
    model = json.loads(tokenizer.backend_tokenizer.to_str())["model"]
    kind = {"BPE": "bpe", "WordPiece": "wordpiece", "Unigram": "unigram"}.get(model.get("type"), "other")
    if kind == "bpe" and model.get("merges"):
        return bpe_emergence_ranks(model, size), kind
    return np.arange(size, dtype=np.int64), kind if kind != "bpe" else "other"
