"""Supervised fine-tuning with the Hugging Face ``Trainer``, shared by every task head (TyDi QA
spans, language identification, NER tags): CPU or GPUs (the Trainer also runs under torchrun),
bf16 where the GPU has it, checkpoints in a directory keyed by the run's settings, resume from
the newest complete one, and a checkpoint-then-stop on SIGTERM/SIGUSR1 (a preempted cluster job).
"""

from __future__ import annotations

import json
import logging
import math
import os
import pickle
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from xlclust.errors import ConfigError, XlclustError
from xlclust.training.checkpoint import fingerprint
from xlclust.training.runtime import Preempted, StopRequest, choose_precision

log = logging.getLogger(__name__)
CHECKPOINT_PREFIX = "checkpoint-"
LOG_FIELDS = ("step", "loss", "learning_rate")  # of the Trainer's log history, to training_log.csv


@dataclass(frozen=True)
class FinetuneSpec:
    """One fine-tuning run's settings; the defaults are the schema's (``$defs/finetuning``, checked by
    workflow_tests/test_defaults.py), each task's published values come from its config section."""

    learning_rate: float = 2e-5
    batch_size: int = 20
    per_device_batch_size: int | None = None  # None: the whole batch at once
    epochs: float = 3.0
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    adam_beta1: float = 0.9  # AdamW's first-moment decay (the Trainer's default; "Tomato" Table 2's for every task)
    adam_beta2: float = 0.999  # AdamW's second-moment decay ("Tomato" Table 2's tasks set 0.99 in their config blocks)
    max_grad_norm: float = 1.0
    precision: str = "auto"  # auto: bf16 where the GPU has it
    checkpoint_every: int = 1000
    keep_checkpoints: int = 2
    log_every: int = 10
    seed: int = 1

    def accumulation(self, world_size: int, config_key: str = "training") -> tuple[int, int]:
        """(per-device batch, accumulation steps) that make ``batch_size`` over ``world_size`` processes."""
        per_device = self.per_device_batch_size or max(1, self.batch_size // world_size)
        steps, remainder = divmod(self.batch_size, per_device * world_size)
        if remainder or steps == 0:
            raise ConfigError(
                f"{config_key}: batch_size {self.batch_size} is not a multiple of {per_device} per device × {world_size} processes"
            )
        return per_device, steps


MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def feature_rows(encoded, count: int, keys=MODEL_INPUTS) -> list[dict]:
    """A batch encoding as one dict per example, of the ``keys`` the tokenizer produced."""
    present = [key for key in keys if key in encoded]
    return [{key: encoded[key][row] for key in present} for row in range(count)]


def position_limit(model, tokenizer) -> int:
    """The longest input the model takes (XLM-R's 514 positions hold 512 tokens; its tokenizer says so)."""
    limits = [model.config.max_position_embeddings]
    if 0 < getattr(tokenizer, "model_max_length", 0) < 1_000_000:
        limits.append(tokenizer.model_max_length)
    return min(limits)


def load_classifier(source, auto_class, labels: list[str], seed: int, max_length: int, config_key: str):
    """(tokenizer, model) of ``source`` with a new head over ``labels``, initialized from ``seed``;
    refuses a ``max_length`` beyond the model's positions."""
    from transformers import set_seed

    set_seed(seed)  # the new head's initialization
    tokenizer, model = source.load(
        auto_class, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)}
    )
    limit = position_limit(model, tokenizer)
    if max_length > limit:
        raise ConfigError(f"{config_key}: {max_length} subwords, the model takes at most {limit}")
    return tokenizer, model


def complete_checkpoints(directory: Path) -> list[Path]:
    """Trainer checkpoints, oldest first, that were written to the end (``trainer_state.json``
    is written last); interrupted ones are removed."""
    found = []
    for path in sorted(directory.glob(f"{CHECKPOINT_PREFIX}*"), key=lambda p: int(p.name[len(CHECKPOINT_PREFIX) :])):
        try:
            json.loads((path / "trainer_state.json").read_text(encoding="utf-8"))
            found.append(path)
        except (OSError, ValueError):
            log.warning("%s: an interrupted checkpoint (no complete trainer_state.json); removed", path)
            shutil.rmtree(path, ignore_errors=True)
    return found


def _stop_callback(stop: StopRequest):
    """Makes the Trainer save a checkpoint and stop after the step in which a stop signal came."""
    from transformers import TrainerCallback

    class StopOnSignal(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if stop.requested:
                control.should_save = control.should_training_stop = True
            return control

    return StopOnSignal()


@dataclass
class TrainingRun:
    """What a finished :func:`train` leaves: the Trainer (its model and state) and a summary."""

    trainer: object
    rows: list[dict]
    summary: dict
    checkpoint_dir: Path

    def remove_checkpoints(self) -> None:
        """Delete this run's checkpoints once its outputs are written (they only serve a resume;
        at XLM-R base size each is ~3 GB with the optimizer state)."""
        shutil.rmtree(self.checkpoint_dir, ignore_errors=True)
        log.info("checkpoints of the finished run removed: %s", self.checkpoint_dir)


def resumable_checkpoint(checkpoint_dir: Path) -> Path | None:
    """Create the run's checkpoint directory; return its newest complete checkpoint, from which a
    rerun continues (None: a fresh start)."""
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    resume = (complete_checkpoints(checkpoint_dir) or [None])[-1]
    if resume is not None:
        log.info("resuming from %s", resume)
    return resume


def training_arguments(spec: FinetuneSpec, checkpoint_dir: Path, per_device: int, accumulation: int, warmup_steps: int, precision: str):
    """The Trainer's arguments for ``spec``: AdamW with linear warm-up and decay, checkpoints every
    ``checkpoint_every`` steps into the run's own directory, seeded data order, no reporting."""
    import torch
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(checkpoint_dir),
        per_device_train_batch_size=per_device,
        gradient_accumulation_steps=accumulation,
        learning_rate=spec.learning_rate,
        weight_decay=spec.weight_decay,
        adam_beta1=spec.adam_beta1,
        adam_beta2=spec.adam_beta2,
        num_train_epochs=spec.epochs,
        warmup_steps=warmup_steps,
        lr_scheduler_type="linear",
        max_grad_norm=spec.max_grad_norm,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        logging_steps=spec.log_every,
        save_strategy="steps",
        save_steps=spec.checkpoint_every,
        save_total_limit=spec.keep_checkpoints,
        seed=spec.seed,
        data_seed=spec.seed,
        report_to="none",
        remove_unused_columns=False,
        dataloader_num_workers=0,
        disable_tqdm=False,
        use_cpu=not torch.cuda.is_available(),
    )


def run_trainer(model, arguments, examples, collator, callbacks: list | None, resume: Path | None):
    """Run the Trainer to the end, from ``resume`` where given; returns (trainer, its train result).
    A stop signal makes it checkpoint and stop after the current step, then raises :class:`Preempted`."""
    from transformers import Trainer

    with StopRequest() as stop:
        trainer = Trainer(
            model=model,
            args=arguments,
            train_dataset=examples,
            data_collator=collator,
            callbacks=[*(callbacks or []), _stop_callback(stop)],
        )
        result = _train_from(trainer, resume)
    if stop.requested:
        raise Preempted(f"stopped by a signal at step {trainer.state.global_step} after saving its checkpoint; rerun to resume")
    return trainer, result


def _train_from(trainer, resume: Path | None):
    """``trainer.train``, from ``resume`` where given. The Trainer reads a checkpoint's optimizer,
    scheduler and RNG states weights-only; a file that holds anything else is refused, never unpickled."""
    try:
        return trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    except pickle.UnpicklingError as error:
        if resume is None:
            raise
        raise XlclustError(
            f"{_refused_file(resume)}: holds objects other than tensors and plain values, which are not loaded "
            f"(loading them could run code from the file); this is not a checkpoint the workflow wrote. "
            f"Delete {resume} to resume from an earlier checkpoint (or to start the run again)."
        ) from error


def _refused_file(checkpoint: Path) -> Path:
    """Which of the checkpoint's pickled files the Trainer's weights-only load refused (the error does not say)."""
    import torch

    for path in sorted(checkpoint.glob("*.pt*")) + sorted(checkpoint.glob("*.bin")):
        if path.name == "training_args.bin":  # saved as a whole object, and never loaded on resume
            continue
        try:
            torch.load(path, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError:
            return path
    return checkpoint


def train(
    model,
    examples,
    collator,
    spec: FinetuneSpec,
    run_identity: dict,
    checkpoint_root: str | os.PathLike,
    config_key: str = "training",
    callbacks: list | None = None,
) -> TrainingRun:
    """Train ``model`` on ``examples`` (a list of feature dicts) with ``collator``. Checkpoints go
    to ``checkpoint_root/<fingerprint of run_identity (what the task says identifies the run: its data,
    model, features) and spec>``; a rerun resumes from the newest
    complete one. SIGTERM/SIGUSR1 save a checkpoint after the current step and raise
    :class:`Preempted`."""
    if not examples:
        raise ValueError("no training examples")
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    per_device, accumulation = spec.accumulation(world_size, config_key)
    total_steps = math.ceil(math.ceil(len(examples) / spec.batch_size) * spec.epochs)
    precision = choose_precision(spec.precision)
    settings = {**run_identity, "spec": asdict(spec), "examples": len(examples), "world_size": world_size}
    checkpoint_dir = Path(checkpoint_root) / fingerprint(settings)
    resume = resumable_checkpoint(checkpoint_dir)
    arguments = training_arguments(spec, checkpoint_dir, per_device, accumulation, int(spec.warmup_ratio * total_steps), precision)
    trainer, result = run_trainer(model, arguments, examples, collator, callbacks, resume)
    rows = [{field: entry[field] for field in LOG_FIELDS} for entry in trainer.state.log_history if "loss" in entry]
    summary = {
        "examples": len(examples),
        "steps": trainer.state.global_step,
        "epochs": spec.epochs,
        "precision": precision,
        "world_size": world_size,
        "train_seconds": result.metrics.get("train_runtime"),
        "examples_per_second": result.metrics.get("train_samples_per_second"),
        "resumed_from": str(resume) if resume else None,
        "final_loss": float(np.mean([r["loss"] for r in rows[-5:]])) if rows else None,
        "settings": settings,
    }
    return TrainingRun(trainer, rows, summary, checkpoint_dir)


def batched_outputs(model, features: list[dict], collate, batch_size: int, device=None, desc: str = "batches"):
    """Run ``model`` over ``features`` in batches of similar length (little padding), longest
    first, without gradients (bf16 autocast on GPUs that have it); yields (indices, batch, output)."""
    import contextlib

    import torch
    from tqdm.auto import tqdm

    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    model = model.to(device).eval()
    bf16 = device.type == "cuda" and torch.cuda.is_bf16_supported()
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
    order = np.argsort([-len(f["input_ids"]) for f in features], kind="stable")
    with torch.inference_mode(), autocast:
        for begin in tqdm(range(0, len(order), batch_size), desc=desc, unit="batch", mininterval=10):
            chosen = order[begin : begin + batch_size]
            batch = {k: v.to(device) for k, v in collate([features[i] for i in chosen]).items()}
            yield chosen, batch, model(**batch)
