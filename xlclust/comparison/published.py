"""The papers' published results, transcribed from their tables into one tidy CSV
(``xlclust/data/published/tables.csv``): one row per cell, in the paper's own labels and units."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from xlclust.errors import XlclustError

KEYS = ["paper", "table", "row", "column", "language", "metric"]
COLUMNS = [*KEYS, "value", "note"]
PAPERS = ("ICEBERT", "Tomato", "Shaffer", "Hangya", "Heijden")


def published_path():
    return resources.files("xlclust.data") / "published" / "tables.csv"


def load_published(path=None) -> pd.DataFrame:
    """The transcribed cells; ``value`` is float, NaN only where ``note`` says why (a garbled or '-' cell)."""
    path = path or published_path()
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(table.columns) != COLUMNS:
        raise XlclustError(f"{path}: columns {list(table.columns)}, expected {COLUMNS}")
    unknown = sorted(set(table["paper"]) - set(PAPERS))
    if unknown:
        raise XlclustError(f"{path}: unknown papers {unknown}; known: {list(PAPERS)}")
    values = pd.to_numeric(table["value"].where(table["value"] != ""), errors="coerce")
    bad = values.isna() & (table["value"] != "")
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise XlclustError(f"{path}, line {line}: value {table['value'][bad].iloc[0]!r} is not a number")
    unexplained = values.isna() & (table["note"] == "")
    if unexplained.any():
        line = int(unexplained.to_numpy().nonzero()[0][0]) + 2
        raise XlclustError(f"{path}, line {line}: an empty value needs a note saying why")
    duplicated = table.duplicated(KEYS)
    if duplicated.any():
        line = int(duplicated.to_numpy().nonzero()[0][0]) + 2
        raise XlclustError(f"{path}, line {line}: a second row for the cell {table.loc[duplicated, KEYS].iloc[0].tolist()}")
    return table.assign(value=values)
