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
from pathlib import Path

import numpy as np

from xlclust.errors import XlclustError
from xlclust.lowres.contextual import last_subword_positions
from xlclust.lowres.settings import UpdateSettings
from xlclust.lowres.update import after_step, log_due, optimizer_and_schedule, optimizer_step, pair_loss, rows_from_state, rows_state
from xlclust.training import checkpoint as ckpt
from xlclust.training.finetuning import position_limit
from xlclust.training.runtime import StopRequest
from xlclust.training.saving import metrics_text

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
    # per sentence pair, the token positions of its linked words (both within the LM's length) and of
    # every English word (the regularizer's), found once
    linked, english = [], []
    for index, pairs in enumerate(links):
        pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
        at = np.stack([source.positions[index][pairs[:, 0]], target.positions[index][pairs[:, 1]]], axis=1)
        linked.append(at[(at >= 0).all(axis=1)])
        english.append(target.positions[index][target.positions[index] >= 0])
    examples = np.array([i for i, at in enumerate(linked) if len(at)], dtype=np.int64)
    if len(examples) == 0:
        raise XlclustError("parallel data: no linked word pair within the LM's length to train on")
    pairs = int(sum(len(linked[i]) for i in examples))
    reference = copy.deepcopy(model).to(device).eval()  # f₀: the LM as it was
    for parameter in reference.parameters():
        parameter.requires_grad_(False)
    model = model.to(device)
    for parameter in model.parameters():  # all of it trains
        parameter.requires_grad_(True)
    torch.manual_seed(seed)
    optimizer, scheduler = optimizer_and_schedule(model.parameters(), settings)
    kept = {k: v for k, v in asdict(settings).items() if k not in ("checkpoint_every", "log_every", "init_noise", "bias")}
    run_fingerprint = ckpt.fingerprint({**run_identity, "update": kept, "regularization": regularization, "seed": seed})
    checkpoint_dir = Path(checkpoint_root) / run_fingerprint
    step, epoch, cursor, rows, window = 0, 0, 0, [], []
    resumed = ckpt.load_latest(checkpoint_dir, run_fingerprint)
    if resumed is not None:
        state, _, _ = resumed
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, epoch, cursor, window = state["step"], state["epoch"], state["cursor"], list(state["window"])
        rows = rows_from_state(state["rows"], LOG_FIELDS)
        log.info("resumed at step %d (epoch %d, example %d)", step, epoch, cursor)

    def save() -> None:
        state = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
            "epoch": epoch,
            "cursor": cursor,
            "window": list(window),
            "rows": rows_state(rows, LOG_FIELDS),
        }
        ckpt.save_checkpoint(checkpoint_dir, step, state, metrics_text(rows, LOG_FIELDS), run_fingerprint, keep=2)

    def states(module, side: EncodedSide, chosen):
        ids, mask = padded([side.ids[i] for i in chosen], tokenizer.pad_token_id)
        return module(input_ids=ids.to(device), attention_mask=mask.to(device)).last_hidden_state

    def gathered(positions: list[np.ndarray], chosen):
        """(batch row, token position) index tensors of the given positions of each chosen pair."""
        parts = [positions[i] for i in chosen]
        rows = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
        return torch.from_numpy(rows).to(device), torch.from_numpy(np.concatenate(parts)).to(device)

    per_step = settings.batch_size * settings.gradient_accumulation
    order, order_epoch = None, None
    model.train()
    with StopRequest() as stop:
        while step < settings.steps:
            if order_epoch != epoch:
                order, order_epoch = np.random.default_rng([seed, epoch]).permutation(examples), epoch
            if cursor >= len(order):
                epoch, cursor = epoch + 1, 0
                continue
            chosen_step = order[cursor : cursor + per_step]
            step_loss = 0.0
            for index, begin in enumerate(range(0, len(chosen_step), settings.batch_size)):
                chosen = chosen_step[begin : begin + settings.batch_size]
                torch.manual_seed(int(np.random.SeedSequence([seed, step, index]).generate_state(1)[0]))  # dropout
                source_states, target_states = states(model, source, chosen), states(model, target, chosen)
                with torch.no_grad():
                    original = states(reference, target, chosen)
                batch_rows, at = gathered(linked, chosen)
                loss = pair_loss(source_states[batch_rows, at[:, 0]], target_states[batch_rows, at[:, 1]], settings.loss)
                batch_rows, at = gathered(english, chosen)
                loss = loss + regularization * pair_loss(target_states[batch_rows, at], original[batch_rows, at], settings.loss)
                loss = loss / settings.gradient_accumulation
                loss.backward()
                step_loss += loss.item()
            optimizer_step(model.parameters(), optimizer, scheduler, settings)
            step, cursor = step + 1, cursor + len(chosen_step)
            window.append(step_loss)
            if log_due(step, settings):
                rows.append(
                    {
                        "step": step,
                        "epoch": epoch,
                        "pairs": pairs,
                        "loss": round(float(np.mean(window)), 6),
                        "learning_rate": scheduler.get_last_lr()[0],
                    }
                )
                log.info("step %d/%d epoch %d loss %.4f", step, settings.steps, epoch, rows[-1]["loss"])
                window = []
            after_step(step, settings, stop, save, on_step)
    summary = {
        "steps": step,
        "epochs": epoch + 1,
        "fingerprint": run_fingerprint,
        "examples": len(examples),
        "final_loss": rows[-1]["loss"] if rows else None,
    }
    return model.cpu(), rows, summary
