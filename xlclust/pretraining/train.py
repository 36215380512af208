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


def linear_schedule(warmup: int, total: int) -> Callable[[int], float]:
    """Linear warm-up to the peak learning rate, then linear decay to 0 at the last step (BERT)."""

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))

    return factor


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

    from xlclust.own_code import require_own_code

    require_own_code(path)  # a dimension-reduced model carries the workflow's own model code
    model = AutoModelForMaskedLM.from_pretrained(path, trust_remote_code=True)
    if model.get_input_embeddings().weight.shape[0] != len(tokenizer):
        raise ConfigError(
            f"{path}: {model.get_input_embeddings().weight.shape[0]} embedding rows, but its tokenizer has {len(tokenizer)} IDs"
        )
    if model.config.max_position_embeddings < max_length:
        raise ConfigError(f"pretraining: max_length {max_length} exceeds {path}'s {model.config.max_position_embeddings} positions")
    weights = sorted(Path(path).glob("*.safetensors"))
    identity = {"path": str(path), "weights": {w.name: ckpt.sha256(w) for w in weights}}
    return model, identity


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
    world = accelerator.num_processes

    def unwrapped(module):
        return accelerator.unwrap_model(module, keep_torch_compile=False)

    micro = spec.per_device_batch_size or spec.batch_size // world
    if spec.batch_size % (micro * world):
        raise ConfigError(
            f"pretraining: batch_size {spec.batch_size} is not a multiple of per_device_batch_size {micro} × {world} processes"
        )
    accumulation = spec.batch_size // (micro * world)

    stream = ExampleStream(shards, spec.max_length, tokenizer.cls_token_id, tokenizer.sep_token_id, spec.seed)
    total_steps = spec.total_steps(stream.total)
    if initial_model is None:
        model, start = build_model(model_config, tokenizer, spec.max_length, spec.seed), None
    else:
        model, start = load_initial_model(initial_model, tokenizer, spec.max_length)
    optimizer = torch.optim.AdamW(
        grouped_parameters(model, spec.weight_decay), lr=spec.learning_rate, betas=tuple(spec.adam_betas), eps=spec.adam_epsilon
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_schedule(spec.warmup_steps, total_steps))
    settings = {
        "model": model.config.to_diff_dict(),
        "spec": {
            k: v
            for k, v in asdict(spec).items()
            if k not in ("checkpoint_every", "keep_checkpoints", "log_every", "per_device_batch_size", "precision", "compile")
        },
        "examples": stream.total,
        "vocab_size": len(tokenizer),
    }
    if start is not None:  # runs from scratch keep their fingerprints
        settings["initial_model"] = start
    if spec.compile:
        model = torch.compile(model)
    run_fingerprint = ckpt.fingerprint(settings)
    checkpoint_dir = Path(checkpoint_dir) / run_fingerprint  # other settings start afresh beside it
    model, optimizer = accelerator.prepare(model, optimizer)

    step, rows = 0, []
    window_loss, window_tokens = [], 0  # the open logging window: per-step losses, tokens seen
    resumed = ckpt.load_latest(checkpoint_dir, run_fingerprint)
    if resumed is not None:
        state, metrics_csv, _ = resumed
        unwrapped(model).load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = state["step"]
        rows = (
            [
                {key: float(value) if key in FLOAT_METRICS else int(value) for key, value in row.items()}
                for row in csv.DictReader(io.StringIO(metrics_csv))
            ]
            if metrics_csv
            else []
        )
        window = state.get("log_window", {"loss": [], "tokens": 0})  # checkpoints before the window was saved have none
        window_loss = list(window["loss"])
        window_tokens = window["tokens"] if accelerator.is_main_process else 0  # a sum over the processes
        log.info("resumed at step %d; the checkpoint's logging window holds %d steps", step, len(window_loss))

    special_ids = torch.tensor(sorted(set(tokenizer.all_special_ids)), dtype=torch.long)
    ordinary = replacement_ids(len(tokenizer), special_ids)
    masking = MaskingSpec(spec.mlm_probability, spec.mask_share, spec.random_share)
    examples = stream.iterate(step * spec.batch_size)
    rank = accelerator.process_index
    per_process = micro * accumulation

    def save(at_step: int) -> None:
        # the open logging window goes into the checkpoint, so that a resumed run logs the rows an
        # uninterrupted one does; its tokens are summed over the processes (a collective: all call save)
        tokens = int(accelerator.reduce(torch.tensor(window_tokens, device=accelerator.device), reduction="sum").item())
        if accelerator.is_main_process:
            state = {
                "model": unwrapped(model).state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "step": at_step,
                "log_window": {"loss": list(window_loss), "tokens": tokens},
            }
            ckpt.save_checkpoint(checkpoint_dir, at_step, state, metrics_text(rows, ALL_METRICS), run_fingerprint, spec.keep_checkpoints)
        accelerator.wait_for_everyone()

    model.train()
    window_start = time.perf_counter()
    progress = tqdm(total=total_steps, initial=step, desc="pretrain", mininterval=30, disable=not accelerator.is_local_main_process)
    with StopRequest() as stop:
        while step < total_steps:
            batch = [next(examples) for _ in range(spec.batch_size)]
            mine = batch[rank * per_process : (rank + 1) * per_process]
            step_loss = torch.zeros((), device=accelerator.device)
            for index in range(accumulation):
                # masks and dropout follow from (seed, step, micro-batch of the global batch): the same
                # for any number of processes, and for a resumed run
                micro_seed = int(np.random.SeedSequence([spec.seed, step, rank * accumulation + index]).generate_state(1)[0])
                torch.manual_seed(micro_seed)
                ids, attention = pad_batch(mine[index * micro : (index + 1) * micro], tokenizer.pad_token_id)
                generator = torch.Generator().manual_seed(micro_seed)
                inputs, labels = mask_tokens(ids, special_ids, tokenizer.mask_token_id, ordinary, masking, generator)
                window_tokens += int(attention.sum())
                with accelerator.no_sync(model) if index < accumulation - 1 else contextlib.nullcontext():
                    with accelerator.autocast():
                        loss = (
                            model(
                                input_ids=inputs.to(accelerator.device),
                                attention_mask=attention.to(accelerator.device),
                                labels=labels.to(accelerator.device),
                            ).loss
                            / accumulation
                        )
                    accelerator.backward(loss)
                step_loss += loss.detach()
            if spec.max_grad_norm:
                accelerator.clip_grad_norm_(model.parameters(), spec.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            progress.update(1)
            window_loss.append(accelerator.reduce(step_loss, reduction="mean").item())
            if step % spec.log_every == 0 or step == total_steps:
                seconds = time.perf_counter() - window_start
                window_tokens = int(accelerator.reduce(torch.tensor(window_tokens, device=accelerator.device), reduction="sum").item())
                rows.append(
                    {
                        "step": step,
                        "epoch": round(step * spec.batch_size / stream.total, 4),
                        "examples": step * spec.batch_size,
                        "tokens": window_tokens,
                        "loss": round(float(np.mean(window_loss)), 6),
                        "learning_rate": scheduler.get_last_lr()[0],
                        "tokens_per_second": round(window_tokens / seconds, 1),
                        "seconds": round(seconds, 3),
                    }
                )
                log.info(
                    "step %d/%d loss %.4f lr %.3g %.0f tokens/s",
                    step,
                    total_steps,
                    rows[-1]["loss"],
                    rows[-1]["learning_rate"],
                    rows[-1]["tokens_per_second"],
                )
                window_loss, window_tokens, window_start = [], 0, time.perf_counter()
            if on_step is not None:
                on_step(step)
            stopping = stop.requested  # read once: a signal may land between two reads
            if step % spec.checkpoint_every == 0 or step == total_steps or stopping:
                save(step)
            if stopping and step < total_steps:
                raise Preempted(f"stopped by a signal at step {step} after saving its checkpoint; rerun to resume")
    progress.close()
    summary = {
        "steps": total_steps,
        "examples_per_epoch": stream.total,
        "batch_size": spec.batch_size,
        "per_device_batch_size": micro,
        "gradient_accumulation": accumulation,
        "processes": world,
        "precision": precision,
        "flops_per_token": flops_per_token(unwrapped(model).config, spec.max_length),
        "parameters": sum(p.numel() for p in unwrapped(model).parameters()),
        "vocab_size": len(tokenizer),
        "fingerprint": run_fingerprint,
        "initial_model": None if start is None else start["path"],
        "peak_memory_mb": peak_memory_mb(),
    }
    return unwrapped(model), rows, summary, accelerator


def peak_memory_mb() -> float:
    """This process's peak memory so far: allocated GPU memory on a GPU, resident memory otherwise
    ("Tomato, Tomahto, Tomate" Table 3 compares it across grouping ratios and dimensions)."""
    import resource

    if torch.cuda.is_available():
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: kB
