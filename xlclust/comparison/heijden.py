"""Heijden's published cells matched with this run's results (skeleton: its helper replaces the body)."""

from __future__ import annotations

import pandas as pd

PAPER = "Heijden"
INPUTS: dict[str, str] = {}


def our_cells(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.DataFrame(columns=["paper", "table", "row", "column", "language", "metric", "ours"])
