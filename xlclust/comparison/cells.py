"""What the papers' adapters share: the frame of this run's cells, and keeping only the cells a paper
prints (its tables leave cells out: a language it did not test on a model, a '-')."""

from __future__ import annotations

import pandas as pd

from xlclust.comparison.compare import OURS_COLUMNS
from xlclust.comparison.published import KEYS, load_published


def cells_frame(rows: list[list]) -> pd.DataFrame:
    """This run's cells, one ``[paper, table, row, column, language, metric, ours]`` list each."""
    return pd.DataFrame(rows, columns=OURS_COLUMNS)


def joined(*parts: pd.DataFrame) -> pd.DataFrame:
    """The cells of a paper's several tables as one frame (an empty table adds nothing)."""
    kept = [part for part in parts if len(part)]
    return pd.concat(kept, ignore_index=True) if kept else cells_frame([])


def printed_only(cells: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """The cells whose keys the transcription has (``published``: load_published()'s table). The
    adapters' labels come from explicit maps that the tests check against the transcription, so a
    cell dropped here is one the paper has no number for, not a misspelt label."""
    published = load_published() if published is None else published
    keys = published[KEYS].astype(str).drop_duplicates()
    kept = cells.astype({key: str for key in KEYS}).merge(keys, on=KEYS, how="inner")
    return kept[OURS_COLUMNS].reset_index(drop=True)
