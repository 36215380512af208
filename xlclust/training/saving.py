"""A trained model saved with its logs: ``save_pretrained`` files, the training log, the throughput
log, a summary and the loss curve, written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import os

# training_log.csv: what the run computes, the same bytes for an uninterrupted and a resumed run;
# throughput.csv: what the clock says, different on every run
METRICS = ["step", "epoch", "examples", "tokens", "loss", "learning_rate"]
THROUGHPUT = ["step", "tokens", "seconds", "tokens_per_second"]
ALL_METRICS = METRICS + THROUGHPUT[2:]
FLOAT_METRICS = {"epoch", "loss", "learning_rate", "tokens_per_second", "seconds"}


def metrics_text(rows: list[dict], fields: list[str] = METRICS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def save_pretrained_model(
    model,
    tokenizer,
    rows: list[dict],
    summary: dict,
    output_dir: str | os.PathLike,
    fields: list[str] = METRICS,
    loss_label: str = "masked-LM loss",
) -> None:
    """Model and tokenizer (``save_pretrained``), the training log (``fields`` of ``rows``), the
    throughput log when the rows time their windows, a summary and the loss curve, atomically."""
    from xlclust.atomic import atomic_directory
    from xlclust.plots import training_loss_figure

    with atomic_directory(output_dir) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / "training_log.csv").write_text(metrics_text(rows, fields), encoding="utf-8")
        if rows and all(key in rows[0] for key in THROUGHPUT):
            (tmp / "throughput.csv").write_text(metrics_text(rows, THROUGHPUT), encoding="utf-8")
        (tmp / "training.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
        if rows:
            training_loss_figure(rows, tmp / "loss.png", loss_label, title=f"{loss_label}: {output_dir}")
