"""Training a tagger (van der Heijden et al. §Training): the baselines with Adam (lr 1e-3, L2 1e-3),
the LASER-based ones with SGD under the 1cycle policy; at most so many epochs, stopping after
``patience`` dev rounds without improvement and keeping the best round's weights. A checkpoint after
every epoch holds the model, optimizer, schedule, the best weights and the log, and batches and
dropout follow from (seed, epoch): a killed run resumes to the weights of an uninterrupted one."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from xlclust.errors import ConfigError
from xlclust.training import checkpoint as ckpt
from xlclust.training.runtime import Preempted, StopRequest

log = logging.getLogger(__name__)

OPTIMIZERS = ("adam", "sgd_1cycle", "adamw_linear")
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
    patience: int  # dev rounds without a better score before stopping
    max_grad_norm: float  # 0: no clipping


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
        total = settings.epochs * steps_per_epoch
        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, 1.0 - step / total))
    raise ConfigError(f"tagging training: optimizer {settings.optimizer!r} is not one of {OPTIMIZERS}")


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
    from tqdm import tqdm

    steps_per_epoch = -(-examples // settings.batch_size)
    trainable = [p for p in model.parameters() if p.requires_grad]
    device = next(model.parameters()).device  # batches follow the model (a GPU where the run has one)
    optimizer, schedule = optimizer_and_schedule(trainable, settings, steps_per_epoch)
    run = ckpt.fingerprint(identity | {"settings": vars(settings), "seed": seed, "examples": examples})
    checkpoint_dir = Path(checkpoint_dir) / run
    epoch, rows, best, best_state, bad_rounds = 0, [], -np.inf, None, 0
    resumed = ckpt.load_latest(checkpoint_dir, run)
    if resumed is not None:
        state = resumed[0]
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        epoch, rows, best, bad_rounds = state["step"], list(state["rows"]), state["best"], state["bad_rounds"]
        best_state = state["best_model"]
        log.info("resumed after epoch %d (best dev %.4f)", epoch, best)
    with StopRequest() as stop:
        while epoch < settings.epochs and bad_rounds < settings.patience:
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
            epoch += 1
            model.eval()
            with torch.no_grad():
                score = float(dev_score(model))
            improved = score > best
            if improved:
                best, bad_rounds = score, 0
                best_state = {name: value.detach().clone() for name, value in model.state_dict().items()}
            else:
                bad_rounds += 1
            rows.append(
                {
                    "epoch": epoch,
                    "steps": epoch * steps_per_epoch,
                    "loss": round(float(np.mean(losses)), 6),
                    "dev_score": round(score, 6),
                    "best": improved,
                    "learning_rate": schedule.get_last_lr()[0],
                }
            )
            log.info("epoch %d: loss %.4f, dev %.4f%s", epoch, rows[-1]["loss"], score, " (best)" if improved else "")
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "schedule": schedule.state_dict(),
                "step": epoch,
                "rows": rows,
                "best": best,
                "bad_rounds": bad_rounds,
                "best_model": best_state,
            }
            ckpt.save_checkpoint(checkpoint_dir, epoch, state, None, run, keep=1)
    if best_state is not None:
        model.load_state_dict(best_state)
    return model, rows
