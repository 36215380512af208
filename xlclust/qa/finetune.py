"""Extractive QA fine-tuning (ICEBERT §3.4): a pretrained encoder with a span head
(``AutoModelForQuestionAnswering``) trained on the English questions only, with the Hugging
Face ``Trainer`` (CPU or a GPU, bf16 where the GPU has it; the Trainer also runs under torchrun).

Checkpoints go to a directory of their own, keyed by the run's settings, and a rerun resumes
from the newest complete one; the finished model is written atomically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from xlclust.pretraining.checkpoint import fingerprint
from xlclust.pretraining.train import Preempted, StopRequest, choose_precision, save_pretrained_model
from xlclust.qa.features import Collator, FeatureSpec, training_features

log = logging.getLogger(__name__)
CHECKPOINT_PREFIX = "checkpoint-"
LOG_FIELDS = ("step", "loss", "learning_rate")  # of the Trainer's log history, to training_log.csv


@dataclass(frozen=True)
class FinetuneSpec:
    learning_rate: float = 1e-5
    batch_size: int = 16
    per_device_batch_size: int | None = None  # None: the whole batch at once
    epochs: float = 2.0
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    precision: str = "auto"  # auto: bf16 where the GPU has it
    checkpoint_every: int = 500
    keep_checkpoints: int = 2
    log_every: int = 10
    seed: int = 1

    def accumulation(self, world_size: int) -> tuple[int, int]:
        """(per-device batch, accumulation steps) that make ``batch_size`` over ``world_size`` processes."""
        per_device = self.per_device_batch_size or max(1, self.batch_size // world_size)
        steps, remainder = divmod(self.batch_size, per_device * world_size)
        if remainder or steps == 0:
            raise ValueError(f"tydiqa.training: batch_size {self.batch_size} is not a multiple of "
                             f"{per_device} per device × {world_size} processes")
        return per_device, steps


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from: a local directory, or a Hub ID with a revision."""

    location: str
    revision: str | None = None
    trust_remote_code: bool = False  # the workflow's own tokenizers carry their code
    cache_dir: str | None = None

    def load(self):
        """(tokenizer, model with a span head; a new head is initialized from the current seed)."""
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer

        options = {"revision": self.revision, "cache_dir": self.cache_dir}
        tokenizer = AutoTokenizer.from_pretrained(self.location, trust_remote_code=self.trust_remote_code, **options)
        model = AutoModelForQuestionAnswering.from_pretrained(self.location, **options)
        return tokenizer, model


def position_limit(model, tokenizer) -> int:
    """The longest input the model takes (XLM-R's 514 positions hold 512 tokens; its tokenizer says so)."""
    limits = [model.config.max_position_embeddings]
    if 0 < getattr(tokenizer, "model_max_length", 0) < 1_000_000:
        limits.append(tokenizer.model_max_length)
    return min(limits)


def complete_checkpoints(directory: Path) -> list[Path]:
    """Trainer checkpoints, oldest first, that were written to the end (``trainer_state.json``
    is written last); interrupted ones are removed."""
    found = []
    for path in sorted(directory.glob(f"{CHECKPOINT_PREFIX}*"), key=lambda p: int(p.name[len(CHECKPOINT_PREFIX):])):
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


def finetune(source: ModelSource, questions: list[dict], spec: FinetuneSpec, features_spec: FeatureSpec,
             checkpoint_root: str | os.PathLike, output_dir: str | os.PathLike, callbacks: list | None = None) -> dict:
    """Fine-tune on ``questions``; write the model, its tokenizer, the training log and a summary
    to ``output_dir``. Returns the summary. SIGTERM/SIGUSR1 (a preempted cluster job) save a
    checkpoint after the current step and raise :class:`Preempted`; a rerun resumes from it."""
    import torch
    from transformers import Trainer, TrainingArguments, set_seed

    set_seed(spec.seed)  # the span head's initialization too
    tokenizer, model = source.load()
    features_spec.check(position_limit(model, tokenizer))
    started = time.perf_counter()
    features, unreachable = training_features(questions, tokenizer, features_spec)
    featurize_seconds = time.perf_counter() - started
    log.info("%d questions → %d windows in %.1f s; %d questions have no window holding their answer",
             len(questions), len(features), featurize_seconds, unreachable)
    if not features:
        raise ValueError("no training windows: every question was skipped")

    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    per_device, accumulation = spec.accumulation(world_size)
    total_steps = math.ceil(math.ceil(len(features) / spec.batch_size) * spec.epochs)
    precision = choose_precision(spec.precision)
    question_ids = hashlib.sha256("\n".join(q["id"] for q in questions).encode()).hexdigest()
    settings = {"spec": asdict(spec), "features": asdict(features_spec), "model": asdict(source) | {"cache_dir": None},
                "questions": len(questions), "question_ids_sha256": question_ids, "windows": len(features), "world_size": world_size}
    checkpoint_dir = Path(checkpoint_root) / fingerprint(settings)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    resume = (complete_checkpoints(checkpoint_dir) or [None])[-1]
    if resume is not None:
        log.info("resuming from %s", resume)

    arguments = TrainingArguments(
        output_dir=str(checkpoint_dir), per_device_train_batch_size=per_device, gradient_accumulation_steps=accumulation,
        learning_rate=spec.learning_rate, weight_decay=spec.weight_decay, num_train_epochs=spec.epochs,
        warmup_steps=int(spec.warmup_ratio * total_steps), lr_scheduler_type="linear", max_grad_norm=spec.max_grad_norm,
        bf16=precision == "bf16", fp16=precision == "fp16", logging_steps=spec.log_every, save_strategy="steps",
        save_steps=spec.checkpoint_every, save_total_limit=spec.keep_checkpoints, seed=spec.seed, data_seed=spec.seed,
        report_to="none", remove_unused_columns=False, dataloader_num_workers=0, disable_tqdm=False,
        use_cpu=not torch.cuda.is_available(),
    )
    with StopRequest() as stop:
        trainer = Trainer(model=model, args=arguments, train_dataset=features, data_collator=Collator(tokenizer.pad_token_id),
                          callbacks=[*(callbacks or []), _stop_callback(stop)])
        result = trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    if stop.requested:
        raise Preempted(f"stopped by a signal at step {trainer.state.global_step} after saving its checkpoint; rerun to resume")
    rows = [{field: entry[field] for field in LOG_FIELDS} for entry in trainer.state.log_history if "loss" in entry]
    summary = {
        "questions": len(questions), "windows": len(features), "unreachable_answers": unreachable,
        "steps": trainer.state.global_step, "epochs": spec.epochs, "precision": precision, "world_size": world_size,
        "train_seconds": result.metrics.get("train_runtime"),
        "windows_per_second": result.metrics.get("train_samples_per_second"),
        "featurize_seconds": featurize_seconds, "resumed_from": str(resume) if resume else None,
        "final_loss": float(np.mean([r["loss"] for r in rows[-5:]])) if rows else None,
        "settings": settings,
    }
    if trainer.is_world_process_zero():
        save_pretrained_model(trainer.model, tokenizer, rows, summary, output_dir, list(LOG_FIELDS), "span loss")
    return summary
