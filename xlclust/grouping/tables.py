"""The pipelines' own tables ("Tomato, Tomahto, Tomate"): Table 3 — model size, peak memory and
speed of continual pretraining per grouping ratio and embedding dimension, from each run's
``training.json`` and ``throughput.csv`` — and, after each grouping, how many translations share a
group (CLSA's effect), from each ``translations.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from xlclust.pipelines import parse_pipeline


def continual_table(runs: dict[str, str]) -> pd.DataFrame:
    """``runs``: pipeline (ending in cpt) → its model directory."""
    rows = []
    for pipeline, directory in runs.items():
        summary = json.loads((Path(directory) / "training.json").read_text(encoding="utf-8"))
        windows = pd.read_csv(Path(directory) / "throughput.csv")
        steps = windows["step"].diff().fillna(windows["step"].iloc[0]) if len(windows) else pd.Series(dtype=float)
        rows.append(
            parse_pipeline(pipeline).describe()
            | {
                "pipeline": pipeline,
                "vocab_size": summary["vocab_size"],
                "parameters": summary["parameters"],
                "model_mb": round(summary["parameters"] * 4 / 2**20, 1),
                "peak_memory_mb": summary.get("peak_memory_mb"),
                "tokens_per_s": round(windows["tokens"].sum() / windows["seconds"].sum(), 1) if len(windows) else None,
                "steps_per_s": round(steps.sum() / windows["seconds"].sum(), 3) if len(windows) else None,
                "precision": summary["precision"],
                "processes": summary["processes"],
            }
        )
    return pd.DataFrame(rows).sort_values(["backbone", "ratio", "dim"], na_position="last", ignore_index=True)


def translations_table(checks: dict[str, str]) -> pd.DataFrame:
    """``checks``: grouping pipeline → its ``translations.json``."""
    rows = [parse_pipeline(p).describe() | {"pipeline": p} | json.loads(Path(f).read_text(encoding="utf-8")) for p, f in checks.items()]
    return pd.DataFrame(rows).sort_values(["backbone", "method", "ratio", "clsa"], ignore_index=True)
