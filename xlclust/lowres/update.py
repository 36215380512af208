"""Training of the per-language linear layers (Hangya et al. 2022 §3.2): the LM frozen, both
languages' layers trained to bring paired words together, loss Σ‖E_s − E_t‖² over the pairs of a
batch. With mined examples, mining and updating alternate: each iteration mines anew in the space
of the layers as they are and trains on what it mined, once through, until the configured steps.

Checkpoints hold the layers, optimizer, schedule, position and the current iteration's mined pairs
(the LM vectors are recomputed: the LM is frozen), so a resumed run ends with the weights of an
uninterrupted one; SIGTERM/SIGUSR1 save a checkpoint after the current step and stop.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from xlclust.errors import ConfigError
from xlclust.lowres.layers import LayerMaps, build_layers
from xlclust.lowres.settings import UpdateSettings
from xlclust.training import checkpoint as ckpt
from xlclust.training.runtime import Preempted, StopRequest
from xlclust.training.saving import metrics_text
from xlclust.training.schedule import linear_schedule

log = logging.getLogger(__name__)
LOG_FIELDS = ["step", "iteration", "pairs", "loss", "learning_rate"]
ITERATION_FIELDS = ["iteration", "step", "source_words", "target_words", "pairs", "backward_pairs", "mean_similarity", "both_pairs"]
LOSSES = ("sum", "mean")


def pair_loss(source, target, kind: str):
    """Σ‖E_s − E_t‖² over the pairs (the paper's) or their mean squared error (the public code's)."""
    if kind == "sum":
        return ((source - target) ** 2).sum()
    if kind == "mean":
        return ((source - target) ** 2).mean()
    raise ConfigError(f"config key 'lowres.update.loss': {kind!r} is not one of {LOSSES}")


def optimizer_and_schedule(parameters, settings: UpdateSettings):
    """AdamW with the settings' betas and epsilon and no weight decay (the Trainer's default, which the
    public code trains with), linear warm-up and decay to the last step."""
    import torch

    if settings.loss not in LOSSES:
        raise ConfigError(f"config key 'lowres.update.loss': {settings.loss!r} is not one of {LOSSES}")
    optimizer = torch.optim.AdamW(
        parameters, lr=settings.learning_rate, betas=tuple(settings.adam_betas), eps=settings.adam_epsilon, weight_decay=0.0
    )
    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, linear_schedule(settings.warmup_steps, settings.steps))


def optimizer_step(parameters, optimizer, scheduler, settings: UpdateSettings) -> None:
    """Clip the accumulated gradients, step, advance the schedule, clear the gradients."""
    import torch

    if settings.max_grad_norm:
        torch.nn.utils.clip_grad_norm_(parameters, settings.max_grad_norm)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)


def after_step(step: int, settings: UpdateSettings, stop: StopRequest, save, on_step) -> None:
    """The caller's hook, a checkpoint when one is due or a stop signal came, then the stop itself."""
    if on_step is not None:
        on_step(step)
    stopping = stop.requested  # read once: a signal may land between two reads
    if step % settings.checkpoint_every == 0 or step == settings.steps or stopping:
        save()
    if stopping and step < settings.steps:
        raise Preempted(f"stopped by a signal at step {step} after saving its checkpoint; rerun to resume")


def log_due(step: int, settings: UpdateSettings) -> bool:
    return step % settings.log_every == 0 or step == settings.steps


def rows_state(rows: list[dict], fields: list[str]) -> list[list]:
    """Log rows as plain lists for a checkpoint (weights-only loading takes those), and back."""
    return [[row[field] for field in fields] for row in rows]


def rows_from_state(values: list[list], fields: list[str]) -> list[dict]:
    return [dict(zip(fields, row)) for row in values]


@dataclass
class StepLog:
    """The step log of a run (the linear layers' or full_sup's): its rows, and the open window of
    step losses since the last row. Both go into checkpoints, so that a resumed run logs the rows
    an uninterrupted one does."""

    phase: str  # the row's field that counts passes: "iteration" (mining rounds) or "epoch"
    logger: logging.Logger  # the training module's own, which names it in the log line
    rows: list[dict] = field(default_factory=list)
    window: list[float] = field(default_factory=list)

    def record(self, step: int, step_loss: float, settings: UpdateSettings, phase_value: int, pairs: int, scheduler) -> None:
        """Add a finished step's loss to the window; where a row is due, close the window into one
        row (its mean loss, the current learning rate) and a log line."""
        self.window.append(step_loss)
        if not log_due(step, settings):
            return
        self.rows.append(
            {
                "step": step,
                self.phase: phase_value,
                "pairs": pairs,
                "loss": round(float(np.mean(self.window)), 6),
                "learning_rate": scheduler.get_last_lr()[0],
            }
        )
        self.logger.info("step %d/%d %s %d loss %.4f", step, settings.steps, self.phase, phase_value, self.rows[-1]["loss"])
        self.window = []


@dataclass
class Checkpoints:
    """A run's checkpoint directory (named by its fingerprint) and what every checkpoint holds the
    state of: the trained module (under ``module_key``), the optimizer and the schedule."""

    directory: Path
    fingerprint: str
    module_key: str
    module: object
    optimizer: object
    scheduler: object

    def resume(self) -> dict | None:
        """The newest checkpoint's state, its weights, optimizer and schedule already loaded into the
        run (the caller restores its position from the rest); None where there is none."""
        resumed = ckpt.load_latest(self.directory, self.fingerprint)
        if resumed is None:
            return None
        state, _, _ = resumed
        self.module.load_state_dict(state[self.module_key])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        return state

    def save(self, step: int, position: dict, rows: list[dict], fields: list[str]) -> None:
        """A checkpoint at ``step``: the weights, optimizer and schedule, then ``position`` (what the
        run needs to go on from there), with the log rows as its metrics; the newest two are kept."""
        state = {
            self.module_key: self.module.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            **position,
        }
        ckpt.save_checkpoint(self.directory, step, state, metrics_text(rows, fields), self.fingerprint, keep=2)


@dataclass
class LayerProgress:
    """Where a run of the linear layers stands, besides its weights, optimizer and schedule."""

    log: StepLog
    step: int = 0
    iteration: int = 0
    cursor: int = 0  # examples of the current iteration used
    iteration_rows: list[dict] = field(default_factory=list)
    examples_state: dict | None = None  # a resumed iteration's examples, until they are rebuilt from it
    restoring: bool = False  # the next examples are the checkpoint's, whose iteration row is logged already


def resume_layers(checkpoints: Checkpoints) -> LayerProgress:
    """The run's progress from its newest checkpoint (the iteration's mined examples included), or
    a fresh start's."""
    progress = LayerProgress(StepLog("iteration", log))
    state = checkpoints.resume()
    if state is None:
        return progress
    progress.step, progress.iteration, progress.cursor = state["step"], state["iteration"], state["cursor"]
    progress.log.rows = rows_from_state(state["rows"], LOG_FIELDS)
    progress.iteration_rows = rows_from_state(state["iterations"], ITERATION_FIELDS)
    progress.log.window = list(state["window"])
    progress.examples_state = {key: value.numpy() for key, value in state["examples"].items()}
    progress.restoring = True
    log.info("resumed at step %d (iteration %d, example %d)", progress.step, progress.iteration, progress.cursor)
    return progress


def save_layers(checkpoints: Checkpoints, progress: LayerProgress, examples) -> None:
    """A checkpoint of the layers' run, with the current iteration's examples: the LM vectors are
    recomputed on resuming, but the mined pairs are not mined again."""
    import torch

    position = {
        "step": progress.step,
        "iteration": progress.iteration,
        "cursor": progress.cursor,
        "examples": {key: torch.from_numpy(np.ascontiguousarray(value)) for key, value in examples.state.items()},
        "rows": rows_state(progress.log.rows, LOG_FIELDS),
        "iterations": rows_state(progress.iteration_rows, ITERATION_FIELDS),
        "window": list(progress.log.window),
    }
    checkpoints.save(progress.step, position, progress.log.rows, LOG_FIELDS)


def iteration_examples(provider, layers, progress: LayerProgress):
    """The current iteration's examples, mined in the space of the layers as they are (or restored
    from the checkpoint); a fresh iteration's mining statistics become its row and a log line."""
    examples = provider.build(progress.iteration, LayerMaps.from_module(layers), state=progress.examples_state)
    fresh, progress.restoring, progress.examples_state = not progress.restoring, False, None
    if fresh and examples.stats:
        progress.iteration_rows.append({"step": progress.step, **examples.stats, "iteration": progress.iteration})
        log.info("iteration %d at step %d: %s", progress.iteration, progress.step, examples.stats)
    return examples


def layers_step_loss(layers, languages: tuple[str, str], examples, chosen, settings: UpdateSettings) -> float:
    """Accumulate the gradients of one optimizer step over its micro-batches of ``chosen`` pairs;
    returns the step's loss."""
    import torch

    source_lang, target_lang = languages
    step_loss = 0.0
    for begin in range(0, len(chosen), settings.batch_size):
        pairs = examples.pair_rows(chosen[begin : begin + settings.batch_size])
        source = layers[source_lang](torch.from_numpy(examples.source_vectors[pairs]))
        target = layers[target_lang](torch.from_numpy(examples.target_vectors[pairs]))
        loss = pair_loss(source, target, settings.loss) / settings.gradient_accumulation  # as the Trainer scales it
        loss.backward()
        step_loss += loss.item()
    return step_loss


def train_layers(
    provider,
    languages: tuple[str, str],
    dim: int,
    settings: UpdateSettings,
    seed: int,
    checkpoint_root: str | os.PathLike,
    run_identity: dict,
    on_step=None,
) -> tuple[LayerMaps, list[dict], list[dict], dict]:
    """Train both languages' layers on ``provider``'s examples; returns (layers, training log rows,
    one row per iteration, summary)."""
    import torch

    torch.manual_seed(seed)
    layers = build_layers(list(languages), dim, settings.init_noise, settings.bias, seed)
    optimizer, scheduler = optimizer_and_schedule(layers.parameters(), settings)
    kept = {k: v for k, v in asdict(settings).items() if k not in ("checkpoint_every", "log_every")}
    run_fingerprint = ckpt.fingerprint({**run_identity, "languages": list(languages), "update": kept, "seed": seed, "dim": dim})
    checkpoints = Checkpoints(Path(checkpoint_root) / run_fingerprint, run_fingerprint, "layers", layers, optimizer, scheduler)
    progress = resume_layers(checkpoints)
    per_step = settings.batch_size * settings.gradient_accumulation
    examples, order = None, None
    layers.train()
    with StopRequest() as stop:
        while progress.step < settings.steps:
            if examples is None:
                examples = iteration_examples(provider, layers, progress)
                order = np.random.default_rng([seed, progress.iteration]).permutation(examples.count)
            chosen = order[progress.cursor : progress.cursor + per_step]
            if len(chosen) == 0:  # this iteration's examples are used up (providers never build none)
                progress.iteration, progress.cursor, examples = progress.iteration + 1, 0, None
                continue
            step_loss = layers_step_loss(layers, languages, examples, chosen, settings)
            optimizer_step(layers.parameters(), optimizer, scheduler, settings)
            progress.step, progress.cursor = progress.step + 1, progress.cursor + len(chosen)
            progress.log.record(progress.step, step_loss, settings, progress.iteration, len(examples.source_vectors), scheduler)
            after_step(progress.step, settings, stop, partial(save_layers, checkpoints, progress, examples), on_step)
    rows = progress.log.rows
    summary = {
        "steps": progress.step,
        "iterations": progress.iteration + 1,
        "fingerprint": run_fingerprint,
        "final_loss": rows[-1]["loss"] if rows else None,
    }
    return LayerMaps.from_module(layers), rows, progress.iteration_rows, summary
