"""Masked-LM pretraining of a BERT (``BertForMaskedLM``) on an encoded corpus (ICEBERT §3.3–3.4).

One loop for every device: CPU, one GPU, several GPUs or nodes (started by ``torchrun`` or
``accelerate launch``; ``accelerate`` wraps the model for data parallelism) and TPUs where
``torch_xla`` is installed. Every step's data, mask and dropout follow from (seed, step), and
checkpoints hold the model, optimizer and schedule, so a run restarted from its last checkpoint
ends with the weights of an uninterrupted one (on CPU exactly; on GPUs up to kernel
non-determinism). SIGTERM or SIGUSR1 (SLURM's warning before preemption) saves a checkpoint at the
end of the current step and stops.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from xlclust.errors import ConfigError
from xlclust.initialization import new_random_model
from xlclust.pretraining.data import ExampleStream
from xlclust.pretraining.flops import flops_per_token
from xlclust.pretraining.masking import MaskingSpec, mask_tokens, pad_batch, replacement_ids
from xlclust.training import checkpoint as ckpt
from xlclust.training.runtime import Preempted, StopRequest, choose_precision
from xlclust.training.saving import ALL_METRICS, FLOAT_METRICS, metrics_text
from xlclust.training.schedule import linear_schedule

log = logging.getLogger(__name__)


@dataclass
class TrainingSpec:
    """Optimisation settings of one model; config.yaml ``pretraining.models.{size}.training`` holds the
    values of each size with their sources; the workflow passes them in full."""

    learning_rate: float
    batch_size: int  # examples per optimizer step, over all devices
    max_steps: int | None = None
    epochs: float | None = None  # instead of max_steps: passes over the corpus
    per_device_batch_size: int | None = None  # micro-batch; gradients accumulate up to batch_size
    max_length: int = 512
    warmup_steps: int = 0
    weight_decay: float = 0.01
    adam_betas: tuple[float, float] = (0.9, 0.999)
    adam_epsilon: float = 1e-6
    max_grad_norm: float = 1.0
    mlm_probability: float = 0.15
    mask_share: float = 0.8
    random_share: float = 0.1
    precision: str = "auto"  # auto: bf16 where the device has it, else fp32; or bf16, fp16, no
    compile: bool = False  # torch.compile the model (faster GPU steps after a compilation pause)
    checkpoint_every: int = 1000  # steps
    keep_checkpoints: int = 2
    log_every: int = 50
    seed: int = 42
    extra: dict = field(default_factory=dict)

    def total_steps(self, examples: int) -> int:
        if (self.max_steps is None) == (self.epochs is None):
            raise ConfigError("pretraining: give exactly one of max_steps and epochs")
        steps = self.max_steps if self.max_steps is not None else math.ceil(self.epochs * examples / self.batch_size)
        if steps < 1:
            raise ConfigError(f"pretraining: {steps} steps to train")
        return steps


def grouped_parameters(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    """No weight decay for biases and LayerNorm weights (BERT's optimizer)."""
    decay, no_decay = [], []
    for name, parameter in model.named_parameters():
        (no_decay if name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name else decay).append(parameter)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def build_model(model_config: dict, tokenizer, max_length: int, seed: int):
    from transformers import BertConfig, BertForMaskedLM

    settings = dict(model_config)
    settings.setdefault("max_position_embeddings", max_length)
    if settings["max_position_embeddings"] < max_length:
        raise ConfigError(
            f"pretraining: max_length {max_length} exceeds the model's max_position_embeddings {settings['max_position_embeddings']}"
        )
    config = BertConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, **settings)
    return new_random_model(BertForMaskedLM, config, seed)  # the project's initialization, not the library's


def load_initial_model(path: str | os.PathLike, tokenizer, max_length: int):
    """A pretrained masked LM to train further (eBERT: mBERT with its extended vocabulary), and what a
    run's fingerprint records of it: its location and its weights' digest, so that a rebuilt start
    never resumes another's checkpoints."""
    from transformers import AutoModelForMaskedLM

    from xlclust.models import load_local_model

    model = load_local_model(path, AutoModelForMaskedLM)  # a dimension-reduced model carries the workflow's own code
    if model.get_input_embeddings().weight.shape[0] != len(tokenizer):
        raise ConfigError(
            f"{path}: {model.get_input_embeddings().weight.shape[0]} embedding rows, but its tokenizer has {len(tokenizer)} IDs"
        )
    if model.config.max_position_embeddings < max_length:
        raise ConfigError(f"pretraining: max_length {max_length} exceeds {path}'s {model.config.max_position_embeddings} positions")
    weights = sorted(Path(path).glob("*.safetensors"))
    identity = {"path": str(path), "weights": {w.name: ckpt.sha256(w) for w in weights}}
    return model, identity


def batch_split(spec: TrainingSpec, world: int) -> tuple[int, int]:
    """(per-device micro-batch, gradient accumulation steps) that make ``batch_size`` examples a step
    over ``world`` processes; refuses a batch size they do not divide."""
    micro = spec.per_device_batch_size or spec.batch_size // world
    if spec.batch_size % (micro * world):
        raise ConfigError(
            f"pretraining: batch_size {spec.batch_size} is not a multiple of per_device_batch_size {micro} × {world} processes"
        )
    return micro, spec.batch_size // (micro * world)


def starting_model(model_config: dict, tokenizer, spec: TrainingSpec, initial_model: str | os.PathLike | None):
    """(model, identity of the initial model): random weights of ``model_config`` (identity None),
    or ``initial_model``'s to train further."""
    if initial_model is None:
        return build_model(model_config, tokenizer, spec.max_length, spec.seed), None
    return load_initial_model(initial_model, tokenizer, spec.max_length)


def run_settings(model, spec: TrainingSpec, examples: int, vocab_size: int, start: dict | None) -> dict:
    """What the run's fingerprint covers: the model, the settings that change its weights (not how
    often it checkpoints or logs, nor how the batch is split over devices), the data, the start."""
    settings = {
        "model": model.config.to_diff_dict(),
        "spec": {
            k: v
            for k, v in asdict(spec).items()
            if k not in ("checkpoint_every", "keep_checkpoints", "log_every", "per_device_batch_size", "precision", "compile")
        },
        "examples": examples,
        "vocab_size": vocab_size,
    }
    if start is not None:  # runs from scratch keep their fingerprints
        settings["initial_model"] = start
    return settings


@dataclass
class AcceleratedRun:
    """The accelerator, the model and optimizer it prepared, the schedule, and where the run's
    checkpoints go (a directory named by the run's fingerprint)."""

    accelerator: object
    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: object
    checkpoint_dir: Path
    fingerprint: str

    def unwrapped(self) -> torch.nn.Module:
        return self.accelerator.unwrap_model(self.model, keep_torch_compile=False)

    def summed(self, value: int) -> int:
        """``value`` summed over the processes (a collective: every process must call it)."""
        return int(self.accelerator.reduce(torch.tensor(value, device=self.accelerator.device), reduction="sum").item())


@dataclass
class Progress:
    """Where a pretraining run stands: its step, log rows and open logging window (per-step losses,
    tokens seen, when it opened); checkpoints hold all but the window's start time."""

    step: int = 0
    rows: list[dict] = field(default_factory=list)
    window_loss: list[float] = field(default_factory=list)
    window_tokens: int = 0
    window_start: float = 0.0


def resume_pretraining(run: AcceleratedRun) -> Progress:
    """The newest checkpoint's weights, optimizer and schedule loaded into the run, and its
    progress (a fresh start's where there is none)."""
    resumed = ckpt.load_latest(run.checkpoint_dir, run.fingerprint)
    if resumed is None:
        return Progress()
    state, metrics_csv, _ = resumed
    run.unwrapped().load_state_dict(state["model"])
    run.optimizer.load_state_dict(state["optimizer"])
    run.scheduler.load_state_dict(state["scheduler"])
    rows = (
        [
            {key: float(value) if key in FLOAT_METRICS else int(value) for key, value in row.items()}
            for row in csv.DictReader(io.StringIO(metrics_csv))
        ]
        if metrics_csv
        else []
    )
    window = state.get("log_window", {"loss": [], "tokens": 0})  # checkpoints before the window was saved have none
    tokens = window["tokens"] if run.accelerator.is_main_process else 0  # a sum over the processes
    progress = Progress(state["step"], rows, list(window["loss"]), tokens)
    log.info("resumed at step %d; the checkpoint's logging window holds %d steps", progress.step, len(progress.window_loss))
    return progress


def save_pretraining(run: AcceleratedRun, progress: Progress, keep: int) -> None:
    """A checkpoint at the current step, written by the main process. The open logging window goes
    into it, so that a resumed run logs the rows an uninterrupted one does; its tokens are summed
    over the processes (a collective: all call this)."""
    tokens = run.summed(progress.window_tokens)
    if run.accelerator.is_main_process:
        state = {
            "model": run.unwrapped().state_dict(),
            "optimizer": run.optimizer.state_dict(),
            "scheduler": run.scheduler.state_dict(),
            "step": progress.step,
            "log_window": {"loss": list(progress.window_loss), "tokens": tokens},
        }
        ckpt.save_checkpoint(run.checkpoint_dir, progress.step, state, metrics_text(progress.rows, ALL_METRICS), run.fingerprint, keep)
    run.accelerator.wait_for_everyone()


@dataclass
class MicroBatches:
    """How this process's share of a step's batch becomes masked micro-batches."""

    micro: int  # examples per micro-batch
    accumulation: int  # micro-batches per process and step
    rank: int
    seed: int
    pad_id: int
    mask_id: int
    special_ids: torch.Tensor
    ordinary: torch.Tensor  # the IDs a random replacement may take
    masking: MaskingSpec

    @classmethod
    def of(cls, tokenizer, spec: TrainingSpec, micro: int, accumulation: int, rank: int) -> MicroBatches:
        special_ids = torch.tensor(sorted(set(tokenizer.all_special_ids)), dtype=torch.long)
        ordinary = replacement_ids(len(tokenizer), special_ids)
        masking = MaskingSpec(spec.mlm_probability, spec.mask_share, spec.random_share)
        return cls(micro, accumulation, rank, spec.seed, tokenizer.pad_token_id, tokenizer.mask_token_id, special_ids, ordinary, masking)

    def mine(self, batch: list) -> list:
        """This process's examples of the global batch."""
        per_process = self.micro * self.accumulation
        return batch[self.rank * per_process : (self.rank + 1) * per_process]

    def masked(self, mine: list, step: int, index: int):
        """(inputs, labels, attention mask) of micro-batch ``index``. Its masks and dropout follow from
        (seed, step, micro-batch of the global batch): the same for any number of processes, and for
        a resumed run; the dropout seed is set here, before the forward pass."""
        micro_seed = int(np.random.SeedSequence([self.seed, step, self.rank * self.accumulation + index]).generate_state(1)[0])
        torch.manual_seed(micro_seed)
        ids, attention = pad_batch(mine[index * self.micro : (index + 1) * self.micro], self.pad_id)
        generator = torch.Generator().manual_seed(micro_seed)
        inputs, labels = mask_tokens(ids, self.special_ids, self.mask_id, self.ordinary, self.masking, generator)
        return inputs, labels, attention


def optimizer_update(run: AcceleratedRun, batches: MicroBatches, batch: list, progress: Progress, max_grad_norm: float):
    """One optimizer step on a global batch: gradients accumulated over this process's micro-batches
    (synchronized across processes on the last only), clipped, applied; the schedule advanced.
    Counts the tokens into the logging window; returns this process's loss of the step."""
    accelerator, model = run.accelerator, run.model
    mine = batches.mine(batch)
    step_loss = torch.zeros((), device=accelerator.device)
    for index in range(batches.accumulation):
        inputs, labels, attention = batches.masked(mine, progress.step, index)
        progress.window_tokens += int(attention.sum())
        with accelerator.no_sync(model) if index < batches.accumulation - 1 else contextlib.nullcontext():
            with accelerator.autocast():
                loss = (
                    model(
                        input_ids=inputs.to(accelerator.device),
                        attention_mask=attention.to(accelerator.device),
                        labels=labels.to(accelerator.device),
                    ).loss
                    / batches.accumulation
                )
            accelerator.backward(loss)
        step_loss += loss.detach()
    if max_grad_norm:
        accelerator.clip_grad_norm_(model.parameters(), max_grad_norm)
    run.optimizer.step()
    run.scheduler.step()
    run.optimizer.zero_grad(set_to_none=True)
    return step_loss


def close_log_window(run: AcceleratedRun, progress: Progress, total_steps: int, batch_size: int, examples: int) -> None:
    """One metrics row and log line of the steps since the last: their mean loss, the tokens the
    processes saw and their rate; then a new window opens."""
    seconds = time.perf_counter() - progress.window_start
    tokens = run.summed(progress.window_tokens)
    progress.rows.append(
        {
            "step": progress.step,
            "epoch": round(progress.step * batch_size / examples, 4),
            "examples": progress.step * batch_size,
            "tokens": tokens,
            "loss": round(float(np.mean(progress.window_loss)), 6),
            "learning_rate": run.scheduler.get_last_lr()[0],
            "tokens_per_second": round(tokens / seconds, 1),
            "seconds": round(seconds, 3),
        }
    )
    row = progress.rows[-1]
    log.info(
        "step %d/%d loss %.4f lr %.3g %.0f tokens/s",
        progress.step,
        total_steps,
        row["loss"],
        row["learning_rate"],
        row["tokens_per_second"],
    )
    progress.window_loss, progress.window_tokens, progress.window_start = [], 0, time.perf_counter()


def pretrain_summary(
    run: AcceleratedRun, spec: TrainingSpec, total_steps: int, examples: int, split: tuple[int, int], precision: str, tokenizer, start
):
    """The finished run in one record: its size, batch geometry, devices, cost per token and memory."""
    micro, accumulation = split
    return {
        "steps": total_steps,
        "examples_per_epoch": examples,
        "batch_size": spec.batch_size,
        "per_device_batch_size": micro,
        "gradient_accumulation": accumulation,
        "processes": run.accelerator.num_processes,
        "precision": precision,
        "flops_per_token": flops_per_token(run.unwrapped().config, spec.max_length),
        "parameters": sum(p.numel() for p in run.unwrapped().parameters()),
        "vocab_size": len(tokenizer),
        "fingerprint": run.fingerprint,
        "initial_model": None if start is None else start["path"],
        "peak_memory_mb": peak_memory_mb(),
    }


def pretrain(
    *,
    shards: list,
    tokenizer,
    model_config: dict,
    spec: TrainingSpec,
    checkpoint_dir: str | os.PathLike,
    on_step: Callable[[int], None] | None = None,
    initial_model: str | os.PathLike | None = None,
):
    """Train and return (model, metrics rows, summary, accelerator); only the main process's values are
    complete, and the accelerator lets the caller save from the main process only. ``initial_model``:
    a model directory to start from (its architecture; ``model_config`` is then unused) instead of
    random weights."""
    from accelerate import Accelerator
    from accelerate.utils import is_torch_xla_available
    from tqdm import tqdm

    precision = choose_precision(spec.precision)
    # CUDA and XLA (TPU) are found by themselves; processes on CPUs only (gloo) need cpu=True
    accelerator = Accelerator(mixed_precision=precision, cpu=not torch.cuda.is_available() and not is_torch_xla_available())
    micro, accumulation = batch_split(spec, accelerator.num_processes)
    stream = ExampleStream(shards, spec.max_length, tokenizer.cls_token_id, tokenizer.sep_token_id, spec.seed)
    total_steps = spec.total_steps(stream.total)
    model, start = starting_model(model_config, tokenizer, spec, initial_model)
    optimizer = torch.optim.AdamW(
        grouped_parameters(model, spec.weight_decay), lr=spec.learning_rate, betas=tuple(spec.adam_betas), eps=spec.adam_epsilon
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_schedule(spec.warmup_steps, total_steps))
    settings = run_settings(model, spec, stream.total, len(tokenizer), start)
    if spec.compile:
        model = torch.compile(model)
    run_fingerprint = ckpt.fingerprint(settings)
    model, optimizer = accelerator.prepare(model, optimizer)
    # other settings start afresh beside this run's directory
    run = AcceleratedRun(accelerator, model, optimizer, scheduler, Path(checkpoint_dir) / run_fingerprint, run_fingerprint)
    progress = resume_pretraining(run)
    batches = MicroBatches.of(tokenizer, spec, micro, accumulation, accelerator.process_index)
    examples = stream.iterate(progress.step * spec.batch_size)
    model.train()
    progress.window_start = time.perf_counter()
    bar = tqdm(total=total_steps, initial=progress.step, desc="pretrain", mininterval=30, disable=not accelerator.is_local_main_process)
    with StopRequest() as stop:
        while progress.step < total_steps:
            step_loss = optimizer_update(run, batches, [next(examples) for _ in range(spec.batch_size)], progress, spec.max_grad_norm)
            progress.step += 1
            bar.update(1)
            progress.window_loss.append(accelerator.reduce(step_loss, reduction="mean").item())
            if progress.step % spec.log_every == 0 or progress.step == total_steps:
                close_log_window(run, progress, total_steps, spec.batch_size, stream.total)
            if on_step is not None:
                on_step(progress.step)
            stopping = stop.requested  # read once: a signal may land between two reads
            if progress.step % spec.checkpoint_every == 0 or progress.step == total_steps or stopping:
                save_pretraining(run, progress, spec.keep_checkpoints)
            if stopping and progress.step < total_steps:
                raise Preempted(f"stopped by a signal at step {progress.step} after saving its checkpoint; rerun to resume")
    bar.close()
    summary = pretrain_summary(run, spec, total_steps, stream.total, (micro, accumulation), precision, tokenizer, start)
    return run.unwrapped(), progress.rows, summary, accelerator


def peak_memory_mb() -> float:
    """This process's peak memory so far: allocated GPU memory on a GPU, resident memory otherwise
    ("Tomato, Tomahto, Tomate" Table 3 compares it across grouping ratios and dimensions)."""
    import resource

    if torch.cuda.is_available():
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: kB
