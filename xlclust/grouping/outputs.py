"""The files of one token → group map: the table, its vocab.txt, a summary and the size counts."""

from __future__ import annotations

import json

import pandas as pd

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.grouping.groups import group_names, group_summary, size_distribution
from xlclust.tokenmap import write_token_map


def write_group_map(table: pd.DataFrame, outputs, *, method: str, ratio: float, extra: dict | None = None) -> dict:
    """``outputs``: map, vocab, summary, sizes (paths); returns the summary."""
    write_token_map(table, outputs.map, outputs.vocab, group_names(table))
    summary = group_summary(table, method=method, ratio=ratio) | (extra or {})
    write_text_atomic(outputs.summary, json.dumps(summary, indent=2) + "\n")
    write_csv_atomic(size_distribution(table), outputs.sizes)
    return summary
