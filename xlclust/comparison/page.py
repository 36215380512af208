"""The comparison as one HTML page: each published table laid out as the paper prints it (its rows and
columns), every cell "published / ours", so a reader sees at a glance which numbers this run reproduced."""

from __future__ import annotations

import html

import pandas as pd

from xlclust.comparison.published import KEYS

DEMO_NOTICE = (
    "A demo run: tiny random-weight models on the offline demo world. Its numbers show that every cell is "
    "computed and matched; they are not a reproduction of the papers and are not comparable with them."
)


def _cell(published: float, ours: float, note: str) -> str:
    shown = "—" if pd.isna(published) else f"{published:g}"
    if note:
        shown += f" <abbr title='{html.escape(note, quote=True)}'>*</abbr>"
    return f"{shown} / {'·' if pd.isna(ours) else f'{ours:.4g}'}"


def table_html(cells: pd.DataFrame) -> str:
    """One published table: its rows and columns in the order the transcription lists them; where a table
    prints two metrics under one column (a score and its deviation), the column names its metric."""
    shown = cells.assign(cell=[_cell(p, o, n) for p, o, n in zip(cells["published"], cells["ours"], cells["note"])])
    if shown.duplicated(["row", "column"]).any():
        shown = shown.assign(column=shown["column"] + " · " + shown["metric"])
    layout = shown.pivot_table(index="row", columns="column", values="cell", aggfunc="first", sort=False)
    layout = layout.reindex(index=pd.unique(shown["row"]), columns=pd.unique(shown["column"])).fillna("")
    return layout.to_html(escape=False, border=0, classes="comparison")


def comparison_page(comparison: pd.DataFrame, published: pd.DataFrame, demo: bool, compared: list[str]) -> str:
    """The whole page, with the transcription's notes on the cells that have one; ``compared``: the papers
    whose stage this run's config plans (the others' published cells stand alone)."""
    comparison = comparison.merge(published[[*KEYS, "note"]], on=KEYS, how="left")
    parts = [
        "<!doctype html><meta charset='utf-8'><title>The papers' numbers beside this run's</title>",
        "<style>body{font-family:sans-serif} table.comparison td{padding:2px 8px;text-align:right}</style>",
        "<h1>The papers' published numbers beside this run's</h1>",
    ]
    if demo:
        parts.append(f"<p><strong>{html.escape(DEMO_NOTICE)}</strong></p>")
    matched = comparison["ours"].notna()
    parts.append(
        f"<p>{int(matched.sum())} of {len(comparison)} published cells have a value of this run. "
        "Each cell: published / ours (· where this run has no such cell; * a note on the transcription).</p>"
    )
    for paper, of_paper in comparison.groupby("paper", sort=False):
        parts.append(f"<h2>{html.escape(paper)}</h2>")
        if paper not in compared:
            parts.append("<p>This run's config plans none of this paper's stage: its published cells stand alone.</p>")
        for table, cells in of_paper.groupby("table", sort=False):
            metrics = ", ".join(pd.unique(cells["metric"]))
            parts.append(f"<h3>{html.escape(table)} ({html.escape(metrics)})</h3>{table_html(cells)}")
    return "\n".join(parts) + "\n"
