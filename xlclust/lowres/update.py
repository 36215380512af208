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
from dataclasses import asdict
from functools import partial
from pathlib import Path

import numpy as np

from xlclust.errors import ConfigError
from xlclust.lowres.layers import LayerMaps, build_layers
from xlclust.lowres.settings import UpdateSettings
from xlclust.pretraining.train import linear_schedule
from xlclust.training import checkpoint as ckpt
from xlclust.training.runtime import Preempted, StopRequest
from xlclust.training.saving import metrics_text

log = logging.getLogger(__name__)
LOG_FIELDS = ["step", "iteration", "pairs", "loss", "learning_rate"]
ITERATION_FIELDS = ["iteration", "step", "source_words", "target_words", "pairs", "backward_pairs", "mean_similarity"]
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

    source_lang, target_lang = languages
    torch.manual_seed(seed)
    layers = build_layers(list(languages), dim, settings.init_noise, settings.bias, seed)
    optimizer, scheduler = optimizer_and_schedule(layers.parameters(), settings)
    kept = {k: v for k, v in asdict(settings).items() if k not in ("checkpoint_every", "log_every")}
    run_fingerprint = ckpt.fingerprint({**run_identity, "languages": list(languages), "update": kept, "seed": seed, "dim": dim})
    checkpoint_dir = Path(checkpoint_root) / run_fingerprint

    step, iteration, cursor, rows, iteration_rows, window = 0, 0, 0, [], [], []
    examples_state = None
    resumed = ckpt.load_latest(checkpoint_dir, run_fingerprint)
    if resumed is not None:
        state, _, _ = resumed
        layers.load_state_dict(state["layers"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, iteration, cursor = state["step"], state["iteration"], state["cursor"]
        rows = rows_from_state(state["rows"], LOG_FIELDS)
        iteration_rows = rows_from_state(state["iterations"], ITERATION_FIELDS)
        window = list(state["window"])
        examples_state = {key: value.numpy() for key, value in state["examples"].items()}
        log.info("resumed at step %d (iteration %d, example %d)", step, iteration, cursor)

    def save(examples) -> None:
        state = {
            "layers": layers.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
            "iteration": iteration,
            "cursor": cursor,
            "examples": {key: torch.from_numpy(np.ascontiguousarray(value)) for key, value in examples.state.items()},
            "rows": rows_state(rows, LOG_FIELDS),
            "iterations": rows_state(iteration_rows, ITERATION_FIELDS),
            "window": list(window),
        }
        ckpt.save_checkpoint(checkpoint_dir, step, state, metrics_text(rows, LOG_FIELDS), run_fingerprint, keep=2)

    per_step = settings.batch_size * settings.gradient_accumulation
    examples, order = None, None
    restoring = resumed is not None  # the first examples are the checkpoint's, already logged
    layers.train()
    with StopRequest() as stop:
        while step < settings.steps:
            if examples is None:
                examples = provider.build(iteration, LayerMaps.from_module(layers), state=examples_state)
                fresh, restoring, examples_state = not restoring, False, None
                order = np.random.default_rng([seed, iteration]).permutation(examples.count)
                if fresh and examples.stats:
                    iteration_rows.append({"step": step, **examples.stats, "iteration": iteration})
                    log.info("iteration %d at step %d: %s", iteration, step, examples.stats)
            chosen = order[cursor : cursor + per_step]
            if len(chosen) == 0:  # this iteration's examples are used up (providers never build none)
                iteration, cursor, examples = iteration + 1, 0, None
                continue
            step_loss = 0.0
            for begin in range(0, len(chosen), settings.batch_size):
                pairs = examples.pair_rows(chosen[begin : begin + settings.batch_size])
                source = layers[source_lang](torch.from_numpy(examples.source_vectors[pairs]))
                target = layers[target_lang](torch.from_numpy(examples.target_vectors[pairs]))
                loss = pair_loss(source, target, settings.loss) / settings.gradient_accumulation  # as the Trainer scales it
                loss.backward()
                step_loss += loss.item()
            optimizer_step(layers.parameters(), optimizer, scheduler, settings)
            step, cursor = step + 1, cursor + len(chosen)
            window.append(step_loss)
            if log_due(step, settings):
                rows.append(
                    {
                        "step": step,
                        "iteration": iteration,
                        "pairs": len(examples.source_vectors),
                        "loss": round(float(np.mean(window)), 6),
                        "learning_rate": scheduler.get_last_lr()[0],
                    }
                )
                log.info("step %d/%d iteration %d loss %.4f", step, settings.steps, iteration, rows[-1]["loss"])
                window = []
            after_step(step, settings, stop, partial(save, examples), on_step)
    summary = {"steps": step, "iterations": iteration + 1, "fingerprint": run_fingerprint, "final_loss": rows[-1]["loss"] if rows else None}
    return LayerMaps.from_module(layers), rows, iteration_rows, summary
