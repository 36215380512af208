"""The full_sup baseline (Hangya et al. 2022 §4.2, after Cao et al. 2020 §3): the whole LM trained on
word-aligned parallel sentences, pulling each linked word's vector (its last subword, last layer) to
its partner's, with Cao et al.'s regularizer keeping the English side's vectors near those of the LM
as it was: loss = Σ‖f(s_i) − f(t_j)‖² + λ Σ‖f(t) − f₀(t)‖², over a batch's links and English words.

The schedule is the linear layers' (`lowres.update`): batches of sentence pairs, gradient
accumulation, warm-up and linear decay, checkpoints (weights, optimizer, position) from which a
killed run resumes to the uninterrupted weights on a CPU; dropout follows from (seed, step, micro-batch).
"""

from __future__ import annotations

import copy
import logging
import os
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np

from xlclust.errors import XlclustError
from xlclust.lowres.contextual import last_subword_positions
from xlclust.lowres.settings import UpdateSettings
from xlclust.lowres.update import (
    Checkpoints,
    StepLog,
    after_step,
    optimizer_and_schedule,
    optimizer_step,
    pair_loss,
    rows_from_state,
    rows_state,
)
from xlclust.training import checkpoint as ckpt
from xlclust.training.finetuning import position_limit
from xlclust.training.runtime import StopRequest

log = logging.getLogger(__name__)
LOG_FIELDS = ["step", "epoch", "pairs", "loss", "learning_rate"]


@dataclass
class EncodedSide:
    ids: list[list[int]]
    positions: list[np.ndarray]  # per sentence: each word's last-subword position, -1 where cut off


def encode_side(tokenizer, sentences: list[list[str]], language: str, max_length: int) -> EncodedSide:
    if hasattr(tokenizer, "language"):
        tokenizer.language = language
    encoded = tokenizer(sentences, is_split_into_words=True, truncation=True, max_length=max_length)
    positions = []
    for row, words in enumerate(sentences):
        last, word = last_subword_positions(encoded.word_ids(row))
        where = np.full(len(words), -1, np.int64)
        where[word] = last
        positions.append(where)
    return EncodedSide(encoded["input_ids"], positions)


def padded(ids: list[list[int]], pad_id: int):
    import torch

    width = max(map(len, ids))
    batch = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, sequence in enumerate(ids):
        batch[row, : len(sequence)] = torch.tensor(sequence)
        mask[row, : len(sequence)] = 1
    return batch, mask


def link_positions(source: EncodedSide, target: EncodedSide, links: list[np.ndarray]):
    """Per sentence pair, the token positions of its linked words (both within the LM's length) and
    of every English word (the regularizer's), found once; with the pairs that have a link to train
    on. Raises where none has."""
    linked, english = [], []
    for index, pairs in enumerate(links):
        pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
        at = np.stack([source.positions[index][pairs[:, 0]], target.positions[index][pairs[:, 1]]], axis=1)
        linked.append(at[(at >= 0).all(axis=1)])
        english.append(target.positions[index][target.positions[index] >= 0])
    examples = np.array([i for i, at in enumerate(linked) if len(at)], dtype=np.int64)
    if len(examples) == 0:
        raise XlclustError("parallel data: no linked word pair within the LM's length to train on")
    return linked, english, examples


def reference_and_trainable(model, device):
    """f₀, a frozen copy of the LM as it was (the regularizer's target), and the LM itself with all
    of it set to train, both on ``device``."""
    reference = copy.deepcopy(model).to(device).eval()
    for parameter in reference.parameters():
        parameter.requires_grad_(False)
    model = model.to(device)
    for parameter in model.parameters():
        parameter.requires_grad_(True)
    return reference, model


@dataclass
class FullProgress:
    """Where a full_sup run stands, besides its weights, optimizer and schedule."""

    log: StepLog
    step: int = 0
    epoch: int = 0
    cursor: int = 0  # examples of the current epoch's order used


def resume_full(checkpoints: Checkpoints) -> FullProgress:
    """The run's progress from its newest checkpoint, or a fresh start's."""
    progress = FullProgress(StepLog("epoch", log))
    state = checkpoints.resume()
    if state is not None:
        progress.step, progress.epoch, progress.cursor = state["step"], state["epoch"], state["cursor"]
        progress.log.window = list(state["window"])
        progress.log.rows = rows_from_state(state["rows"], LOG_FIELDS)
        log.info("resumed at step %d (epoch %d, example %d)", progress.step, progress.epoch, progress.cursor)
    return progress


def save_full(checkpoints: Checkpoints, progress: FullProgress) -> None:
    """A checkpoint of the full_sup run: its position in the epoch's order and its step log."""
    position = {
        "step": progress.step,
        "epoch": progress.epoch,
        "cursor": progress.cursor,
        "window": list(progress.log.window),
        "rows": rows_state(progress.log.rows, LOG_FIELDS),
    }
    checkpoints.save(progress.step, position, progress.log.rows, LOG_FIELDS)


@dataclass
class PairBatches:
    """Both sides' encoded sentences and word positions, and how a batch of them reaches the LM."""

    source: EncodedSide
    target: EncodedSide
    linked: list[np.ndarray]
    english: list[np.ndarray]
    pad_id: int
    device: object

    def states(self, module, side: EncodedSide, chosen):
        """The last layer's states of the chosen sentences of one side."""
        ids, mask = padded([side.ids[i] for i in chosen], self.pad_id)
        return module(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).last_hidden_state

    def gathered(self, positions: list[np.ndarray], chosen):
        """(batch row, token position) index tensors of the given positions of each chosen pair."""
        import torch

        parts = [positions[i] for i in chosen]
        rows = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
        return torch.from_numpy(rows).to(self.device), torch.from_numpy(np.concatenate(parts)).to(self.device)


def full_step_loss(
    model, reference, batches: PairBatches, chosen_step, step: int, seed: int, settings: UpdateSettings, regularization: float
):
    """Accumulate the gradients of one optimizer step over its micro-batches: linked words pulled
    together, English words held near f₀'s; dropout seeded by (seed, step, micro-batch). Returns
    the step's loss."""
    import torch

    step_loss = 0.0
    for index, begin in enumerate(range(0, len(chosen_step), settings.batch_size)):
        chosen = chosen_step[begin : begin + settings.batch_size]
        torch.manual_seed(int(np.random.SeedSequence([seed, step, index]).generate_state(1)[0]))  # dropout
        source_states, target_states = batches.states(model, batches.source, chosen), batches.states(model, batches.target, chosen)
        with torch.no_grad():
            original = batches.states(reference, batches.target, chosen)
        batch_rows, at = batches.gathered(batches.linked, chosen)
        loss = pair_loss(source_states[batch_rows, at[:, 0]], target_states[batch_rows, at[:, 1]], settings.loss)
        batch_rows, at = batches.gathered(batches.english, chosen)
        loss = loss + regularization * pair_loss(target_states[batch_rows, at], original[batch_rows, at], settings.loss)
        loss = loss / settings.gradient_accumulation
        loss.backward()
        step_loss += loss.item()
    return step_loss


def train_full(
    model,
    tokenizer,
    languages: tuple[str, str],
    sentences: tuple[list[list[str]], list[list[str]]],
    links: list[np.ndarray],
    settings: UpdateSettings,
    regularization: float,
    seed: int,
    checkpoint_root: str | os.PathLike,
    run_identity: dict,
    on_step=None,
):
    """Train ``model`` (an ``AutoModel``) so that linked words of ``sentences`` (the language's, then
    English's) meet; returns (model, log rows, summary)."""
    import torch

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    limit = position_limit(model, tokenizer)
    source, target = (encode_side(tokenizer, text, lang, limit) for text, lang in zip(sentences, languages))
    linked, english, examples = link_positions(source, target, links)
    batches = PairBatches(source, target, linked, english, tokenizer.pad_token_id, device)
    pairs = int(sum(len(linked[i]) for i in examples))
    reference, model = reference_and_trainable(model, device)
    torch.manual_seed(seed)
    optimizer, scheduler = optimizer_and_schedule(model.parameters(), settings)
    kept = {k: v for k, v in asdict(settings).items() if k not in ("checkpoint_every", "log_every", "init_noise", "bias")}
    run_fingerprint = ckpt.fingerprint({**run_identity, "update": kept, "regularization": regularization, "seed": seed})
    checkpoints = Checkpoints(Path(checkpoint_root) / run_fingerprint, run_fingerprint, "model", model, optimizer, scheduler)
    progress = resume_full(checkpoints)
    per_step = settings.batch_size * settings.gradient_accumulation
    order, order_epoch = None, None
    model.train()
    with StopRequest() as stop:
        while progress.step < settings.steps:
            if order_epoch != progress.epoch:
                order, order_epoch = np.random.default_rng([seed, progress.epoch]).permutation(examples), progress.epoch
            if progress.cursor >= len(order):
                progress.epoch, progress.cursor = progress.epoch + 1, 0
                continue
            chosen_step = order[progress.cursor : progress.cursor + per_step]
            step_loss = full_step_loss(model, reference, batches, chosen_step, progress.step, seed, settings, regularization)
            optimizer_step(model.parameters(), optimizer, scheduler, settings)
            progress.step, progress.cursor = progress.step + 1, progress.cursor + len(chosen_step)
            progress.log.record(progress.step, step_loss, settings, progress.epoch, pairs, scheduler)
            after_step(progress.step, settings, stop, partial(save_full, checkpoints, progress), on_step)
    rows = progress.log.rows
    summary = {
        "steps": progress.step,
        "epochs": progress.epoch + 1,
        "fingerprint": run_fingerprint,
        "examples": len(examples),
        "final_loss": rows[-1]["loss"] if rows else None,
    }
    return model.cpu(), rows, summary
