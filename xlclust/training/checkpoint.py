"""Training checkpoints: written whole or not at all, verified before they are used.

A checkpoint is a directory ``step-NNNNNNNN`` holding ``state.pt`` (model, optimizer, scheduler,
progress) and ``metrics.csv`` (the training log up to that step), with ``checkpoint.json`` naming
each file's SHA-256 and the run's fingerprint. It is assembled in a temporary directory and renamed
into place, so a job killed while saving leaves a temporary directory (removed, and reported, on
the next start) and never a half checkpoint. A checkpoint whose files do not match their checksums,
or that belongs to other settings, stops the run with an error naming it; ``state.pt`` is loaded with
``weights_only=True``, so a file holding anything but tensors and plain values is refused, never run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
from collections.abc import Iterable
from pathlib import Path

from xlclust.atomic import atomic_directory
from xlclust.errors import XlclustError

log = logging.getLogger(__name__)

MANIFEST = "checkpoint.json"
PREFIX = "step-"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def lines_digest(lines: Iterable[str]) -> str:
    """SHA-256 of ``lines`` joined by line ends: a run's training data in its fingerprint."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def fingerprint(settings: dict) -> str:
    """What must match for a checkpoint to continue a run: model, data and training settings."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


def save_checkpoint(directory: str | os.PathLike, step: int, state: dict, metrics_csv: str | None, run_fingerprint: str, keep: int) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{PREFIX}{step:08d}"
    if target.exists():  # the same step again (a run restarted right after saving it)
        shutil.rmtree(target)
    with atomic_directory(target) as tmp:
        import torch  # here: a job that never checkpoints need not load it

        torch.save(state, tmp / "state.pt")
        files = ["state.pt"]
        if metrics_csv is not None:
            (tmp / "metrics.csv").write_text(metrics_csv, encoding="utf-8")
            files.append("metrics.csv")
        manifest = {"step": step, "fingerprint": run_fingerprint, "files": {f: sha256(tmp / f) for f in files}}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for old in checkpoints(directory)[:-keep] if keep > 0 else []:
        shutil.rmtree(old)
    return target


def checkpoints(directory: str | os.PathLike) -> list[Path]:
    """Complete checkpoint directories, oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_dir() and p.name.startswith(PREFIX) and p.name[len(PREFIX) :].isdigit())


def remove_partial(directory: str | os.PathLike) -> list[Path]:
    """Temporary directories of checkpoints whose saving was interrupted; they are removed."""
    directory = Path(directory)
    partial = [p for p in directory.iterdir() if p.name.startswith(".") and PREFIX in p.name] if directory.is_dir() else []
    for path in partial:
        log.warning("%s: removing an unfinished checkpoint (its job was stopped while saving)", path)
        shutil.rmtree(path, ignore_errors=True)
    return partial


def verify(checkpoint: Path, run_fingerprint: str) -> dict:
    manifest_path = checkpoint / MANIFEST
    if not manifest_path.is_file():
        raise XlclustError(f"{checkpoint}: no {MANIFEST}; not a complete checkpoint. Delete it to resume from an earlier one.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise XlclustError(f"{manifest_path}: unreadable ({error}). Delete {checkpoint} to resume from an earlier one.") from error
    for name, expected in manifest["files"].items():
        path = checkpoint / name
        if not path.is_file() or sha256(path) != expected:
            raise XlclustError(
                f"{path}: missing or does not match its checksum in {MANIFEST}; the checkpoint is corrupt. "
                f"Delete {checkpoint} to resume from an earlier one."
            )
    if manifest["fingerprint"] != run_fingerprint:
        raise XlclustError(
            f"{checkpoint}: written with other model, data or training settings (fingerprint "
            f"{manifest['fingerprint']}, this run {run_fingerprint}); move it away or restore the settings."
        )
    return manifest


def load_latest(directory: str | os.PathLike, run_fingerprint: str) -> tuple[dict, str | None, Path] | None:
    """(state, metrics CSV, path) of the newest checkpoint, verified; None when there is none."""
    remove_partial(directory)
    found = checkpoints(directory)
    if not found:
        return None
    latest = found[-1]
    verify(latest, run_fingerprint)
    # weights_only: tensors and plain containers only. Checksums do not make a file trustworthy (whoever
    # can write the directory can recompute them); unpickling arbitrary objects would run their code.
    try:
        import torch

        state = torch.load(latest / "state.pt", map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        raise XlclustError(
            f"{latest / 'state.pt'}: holds objects other than tensors and plain values, which are "
            f"not loaded (loading them could run code from the file); this is not a checkpoint "
            f"xlclust wrote. Delete {latest} to resume from an earlier one."
        ) from error
    metrics = latest / "metrics.csv"
    log.info("resuming from %s (step %d)", latest, state["step"])
    return state, metrics.read_text(encoding="utf-8") if metrics.is_file() else None, latest
