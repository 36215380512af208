"""This run's cells beside the published ones: every transcribed cell, with this run's value where its
adapter produced the same cell (paper, table, row, column, language, metric), and their difference."""

from __future__ import annotations

from types import ModuleType

import pandas as pd

from xlclust.comparison.published import KEYS
from xlclust.errors import XlclustError

OURS_COLUMNS = [*KEYS, "ours"]
COMPARISON_COLUMNS = [*KEYS, "published", "ours", "difference"]


def adapter_cells(adapter: ModuleType, paths: dict[str, str]) -> pd.DataFrame:
    """One paper's cells of this run: its adapter applied to the result tables it names (INPUTS)."""
    missing = sorted(set(adapter.INPUTS) - set(paths))
    if missing:
        raise XlclustError(f"{adapter.PAPER}: no path given for its input tables {missing}")
    cells = adapter.our_cells({name: pd.read_csv(paths[name]) for name in adapter.INPUTS})
    if list(cells.columns) != OURS_COLUMNS:
        raise XlclustError(f"{adapter.__name__}.our_cells: columns {list(cells.columns)}, expected {OURS_COLUMNS}")
    others = sorted(set(cells["paper"]) - {adapter.PAPER})
    if others:
        raise XlclustError(f"{adapter.__name__}.our_cells: cells of {others}, not of its paper {adapter.PAPER}")
    return cells


def compare(published: pd.DataFrame, ours: pd.DataFrame) -> pd.DataFrame:
    """Every published cell in the published order, with ours (NaN where this run has no such cell).

    A cell of ours that matches no published cell is an adapter's mistake (a label spelt otherwise than
    the transcription's), so it is refused rather than dropped."""
    ours = ours.assign(language=ours["language"].fillna("")).astype({key: str for key in KEYS})
    duplicated = ours.duplicated(KEYS)
    if duplicated.any():
        raise XlclustError(f"two values of ours for the cell {ours.loc[duplicated, KEYS].iloc[0].tolist()}")
    found = ours.merge(published[KEYS], on=KEYS, how="left", indicator=True)
    unmatched = found[found["_merge"] == "left_only"]
    if len(unmatched):
        listed = "; ".join("/".join(map(str, cell)) for cell in unmatched[KEYS].head(5).itertuples(index=False))
        raise XlclustError(f"{len(unmatched)} cells of this run match no published cell (first: {listed}): fix the adapter's labels")
    merged = published.rename(columns={"value": "published"}).merge(ours, on=KEYS, how="left")
    ours_values = pd.to_numeric(merged["ours"], errors="raise")
    return merged.assign(ours=ours_values, difference=ours_values - merged["published"])[COMPARISON_COLUMNS].reset_index(drop=True)


def run_comparison(published: pd.DataFrame, adapters, paths: dict[str, dict[str, str]]) -> pd.DataFrame:
    """The comparison of every paper whose adapter is given; ``paths[paper][name]`` = its input tables."""
    ours = [adapter_cells(adapter, paths.get(adapter.PAPER, {})) for adapter in adapters]
    ours = [cells for cells in ours if len(cells)]
    cells = pd.concat(ours, ignore_index=True) if ours else pd.DataFrame(columns=OURS_COLUMNS)
    return compare(published, cells)
