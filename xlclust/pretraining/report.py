"""The pretrained models side by side: final loss, throughput, size."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def pretraining_summary(model_dirs: list[str]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """(one row per model, each model's training log by its directory name)."""
    rows, curves = [], {}
    for directory in map(Path, model_dirs):
        log = pd.read_csv(directory / "training_log.csv")
        timing = pd.read_csv(directory / "throughput.csv")
        info = json.loads((directory / "training.json").read_text(encoding="utf-8"))
        tokenizer, size = directory.name.rsplit("-", 1)
        tail = log.tail(max(1, len(log) // 10))  # the last tenth of the logged steps
        rows.append(
            {
                "tokenizer": tokenizer,
                "size": size,
                "steps": info["steps"],
                "parameters": info["parameters"],
                "vocab_size": info.get("vocab_size"),
                "final_loss": round(float(tail["loss"].mean()), 4),
                "tokens": int(log["tokens"].sum()),
                "tokens_per_second": round(float(timing["tokens"].sum() / timing["seconds"].sum()), 1),
                "processes": info["processes"],
                "precision": info["precision"],
            }
        )
        curves[directory.name] = log
    return pd.DataFrame(rows), curves
