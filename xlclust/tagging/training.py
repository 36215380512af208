"""Training a tagger (van der Heijden et al. §Training): the baselines with Adam (lr 1e-3, L2 1e-3),
the LASER-based ones with SGD under the 1cycle policy; at most so many epochs, stopping after
``patience`` bad dev rounds (``stop_on``: rounds in a row scoring below the round before — the
baselines' rule as §Training states it — or rounds without a new best; ``patience`` None: no early
stop) and keeping the best round's weights. A checkpoint after
every epoch holds the model, optimizer, schedule, the best weights and the log, and batches and
dropout follow from (seed, epoch): a killed run resumes to the weights of an uninterrupted one."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from xlclust.errors import ConfigError
from xlclust.training import checkpoint as ckpt
from xlclust.training.runtime import Preempted, StopRequest
from xlclust.training.schedule import linear_schedule

log = logging.getLogger(__name__)

OPTIMIZERS = ("adam", "sgd_1cycle", "adamw_linear")
STOP_RULES = ("decrease", "no_improvement")
LOG_FIELDS = ["epoch", "steps", "loss", "dev_score", "best", "learning_rate"]


@dataclass(frozen=True)
class TaggerTraining:
    """``tagging.training.{baseline,laser,finetuned}``."""

    optimizer: str  # adam; sgd_1cycle (SGD with momentum under the 1cycle policy); adamw_linear (fine-tuning)
    learning_rate: float  # Adam's rate; the peak of the 1cycle schedule; AdamW's start, decayed linearly to 0
    weight_decay: float  # L2
    momentum: float  # SGD's momentum at the cycle's ends (it dips to 0.85 at the peak rate)
    epochs: int
    batch_size: int
    patience: int | None  # bad dev rounds before stopping; None: every epoch runs
    max_grad_norm: float  # 0: no clipping
    stop_on: str  # a bad round: "decrease" (below the round before) or "no_improvement" (no new best)


def epoch_seed(seed: int, epoch: int) -> int:
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


def optimizer_and_schedule(parameters, settings: TaggerTraining, steps_per_epoch: int):
    if settings.optimizer == "adam":
        optimizer = torch.optim.Adam(parameters, lr=settings.learning_rate, weight_decay=settings.weight_decay)
        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    if settings.optimizer == "sgd_1cycle":
        optimizer = torch.optim.SGD(parameters, lr=settings.learning_rate, momentum=settings.momentum, weight_decay=settings.weight_decay)
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=settings.learning_rate, total_steps=settings.epochs * steps_per_epoch, max_momentum=settings.momentum
        )
        return optimizer, schedule
    if settings.optimizer == "adamw_linear":  # BERT's fine-tuning: AdamW, linear decay, no warm-up
        optimizer = torch.optim.AdamW(parameters, lr=settings.learning_rate, weight_decay=settings.weight_decay)
        schedule = linear_schedule(0, settings.epochs * steps_per_epoch, one_minus=True)  # 1 − step/total, as it always was
        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    raise ConfigError(f"tagging training: optimizer {settings.optimizer!r} is not one of {OPTIMIZERS}")


@dataclass
class EpochProgress:
    """Where a tagger's training stands after its last finished epoch: what a checkpoint holds
    besides the model, optimizer and schedule."""

    epoch: int = 0
    rows: list[dict] = field(default_factory=list)
    best: float = -np.inf
    best_state: dict | None = None
    bad_rounds: int = 0


def resume_progress(checkpoint_dir: Path, run: str, model, optimizer, schedule) -> EpochProgress:
    """The newest checkpoint's weights, optimizer and schedule loaded into the run, and its
    progress; a fresh start's progress where there is none."""
    resumed = ckpt.load_latest(checkpoint_dir, run)
    if resumed is None:
        return EpochProgress()
    state = resumed[0]
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    schedule.load_state_dict(state["schedule"])
    progress = EpochProgress(state["step"], list(state["rows"]), state["best"], state["best_model"], state["bad_rounds"])
    log.info("resumed after epoch %d (best dev %.4f)", progress.epoch, progress.best)
    return progress


def train_one_epoch(
    model,
    batch_of,
    examples: int,
    epoch: int,
    *,
    seed: int,
    settings: TaggerTraining,
    trainable,
    optimizer,
    schedule,
    device,
    stop,
    on_step,
) -> list[float]:
    """One pass over the examples in the epoch's own order, with the epoch's own dropout seed (so
    that a resumed run repeats it exactly); returns the steps' losses. A stop signal ends the
    run mid-epoch: it resumes after the last finished epoch."""
    from tqdm import tqdm

    model.train()
    torch.manual_seed(epoch_seed(seed, epoch))  # dropout
    order = np.random.default_rng([seed, epoch]).permutation(examples)
    losses = []
    for start in tqdm(range(0, examples, settings.batch_size), desc=f"epoch {epoch + 1}", mininterval=30):
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(batch_of(order[start : start + settings.batch_size]).to(device))
        loss.backward()
        if settings.max_grad_norm:
            torch.nn.utils.clip_grad_norm_(trainable, settings.max_grad_norm)
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if on_step is not None:
            on_step(len(losses))
        if stop.requested:
            raise Preempted(f"stopped by a signal in epoch {epoch + 1}; rerun to resume after epoch {epoch}")
    return losses


def dev_round(
    progress: EpochProgress, model, dev_score, losses: list[float], steps_per_epoch: int, learning_rate: float, stop_on: str
) -> None:
    """Score the finished epoch on the dev sets, keep its weights if they are the best so far, count
    the round as bad or not (``stop_on``), and log the epoch's row."""
    model.eval()
    with torch.no_grad():
        score = float(dev_score(model))
    improved = score > progress.best
    if improved:
        progress.best_state = {name: value.detach().clone() for name, value in model.state_dict().items()}
    previous = progress.rows[-1]["dev_score"] if progress.rows else -np.inf
    bad = score < previous if stop_on == "decrease" else not improved
    progress.best = max(progress.best, score)
    progress.bad_rounds = progress.bad_rounds + 1 if bad else 0
    progress.rows.append(
        {
            "epoch": progress.epoch,
            "steps": progress.epoch * steps_per_epoch,
            "loss": round(float(np.mean(losses)), 6),
            "dev_score": round(score, 6),
            "best": improved,
            "learning_rate": learning_rate,
        }
    )
    log.info("epoch %d: loss %.4f, dev %.4f%s", progress.epoch, progress.rows[-1]["loss"], score, " (best)" if improved else "")


def save_epoch(checkpoint_dir: Path, run: str, progress: EpochProgress, model, optimizer, schedule) -> None:
    """A checkpoint after every epoch (only the newest is kept): all a resumed run needs."""
    state = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "step": progress.epoch,
        "rows": progress.rows,
        "best": progress.best,
        "bad_rounds": progress.bad_rounds,
        "best_model": progress.best_state,
    }
    ckpt.save_checkpoint(checkpoint_dir, progress.epoch, state, None, run, keep=1)


def train_epochs(
    model: torch.nn.Module,
    batch_of: Callable[[Sequence[int]], object],
    examples: int,
    dev_score: Callable[[torch.nn.Module], float],
    settings: TaggerTraining,
    seed: int,
    checkpoint_dir: str | os.PathLike,
    identity: dict,
    on_step: Callable[[int], None] | None = None,
) -> tuple[torch.nn.Module, list[dict]]:
    """Train ``model`` (anything with ``loss(batch)``: the taggers, or the LASER-style encoder–decoder)
    on ``examples`` items, ``batch_of(indices)`` building a batch; returns the model with its best dev
    round's weights (``dev_score``: higher is better) and the per-epoch log."""
    if settings.stop_on not in STOP_RULES:
        raise ConfigError(f"tagging training: stop_on {settings.stop_on!r} is not one of {STOP_RULES}")
    steps_per_epoch = -(-examples // settings.batch_size)
    patience = np.inf if settings.patience is None else settings.patience
    trainable = [p for p in model.parameters() if p.requires_grad]
    device = next(model.parameters()).device  # batches follow the model (a GPU where the run has one)
    optimizer, schedule = optimizer_and_schedule(trainable, settings, steps_per_epoch)
    run = ckpt.fingerprint(identity | {"settings": vars(settings), "seed": seed, "examples": examples})
    checkpoint_dir = Path(checkpoint_dir) / run
    progress = resume_progress(checkpoint_dir, run, model, optimizer, schedule)
    with StopRequest() as stop:
        while progress.epoch < settings.epochs and progress.bad_rounds < patience:
            losses = train_one_epoch(
                model,
                batch_of,
                examples,
                progress.epoch,
                seed=seed,
                settings=settings,
                trainable=trainable,
                optimizer=optimizer,
                schedule=schedule,
                device=device,
                stop=stop,
                on_step=on_step,
            )
            progress.epoch += 1
            dev_round(progress, model, dev_score, losses, steps_per_epoch, schedule.get_last_lr()[0], settings.stop_on)
            save_epoch(checkpoint_dir, run, progress, model, optimizer, schedule)
    if progress.best_state is not None:
        model.load_state_dict(progress.best_state)
    return model, progress.rows
