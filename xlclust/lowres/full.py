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
from xlclust.lowres.update import LOSSES, pair_loss
from xlclust.pretraining.train import linear_schedule
from xlclust.training import checkpoint as ckpt
from xlclust.training.finetuning import position_limit
from xlclust.training.runtime import Preempted, StopRequest
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

    if settings.loss not in LOSSES:
        raise XlclustError(f"config key 'lowres.update.loss': {settings.loss!r} is not one of {LOSSES}")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    limit = position_limit(model, tokenizer)
    source, target = (encode_side(tokenizer, text, lang, limit) for text, lang in zip(sentences, languages))
    usable = []
    for index, pairs in enumerate(links):
        pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
        keep = (source.positions[index][pairs[:, 0]] >= 0) & (target.positions[index][pairs[:, 1]] >= 0)
        usable.append(pairs[keep])
    examples = np.array([i for i, pairs in enumerate(usable) if len(pairs)], dtype=np.int64)
    if len(examples) == 0:
        raise XlclustError("parallel data: no linked word pair within the LM's length to train on")
    reference = copy.deepcopy(model).to(device).eval()  # f₀: the LM as it was
    for parameter in reference.parameters():
        parameter.requires_grad_(False)
    model = model.to(device)
    for parameter in model.parameters():  # all of it trains
        parameter.requires_grad_(True)
    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=settings.learning_rate, betas=tuple(settings.adam_betas), eps=settings.adam_epsilon, weight_decay=0.0
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_schedule(settings.warmup_steps, settings.steps))
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
        rows = [dict(zip(LOG_FIELDS, values)) for values in state["rows"]]
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
            "rows": [[row[field] for field in LOG_FIELDS] for row in rows],
        }
        ckpt.save_checkpoint(checkpoint_dir, step, state, metrics_text(rows, LOG_FIELDS), run_fingerprint, keep=2)

    def states(module, side: EncodedSide, chosen):
        ids, mask = padded([side.ids[i] for i in chosen], tokenizer.pad_token_id)
        return module(input_ids=ids.to(device), attention_mask=mask.to(device)).last_hidden_state

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
                rows_s = [(b, source.positions[i][p[0]]) for b, i in enumerate(chosen) for p in usable[i]]
                rows_t = [(b, target.positions[i][p[1]]) for b, i in enumerate(chosen) for p in usable[i]]
                english = [(b, int(p)) for b, i in enumerate(chosen) for p in target.positions[i] if p >= 0]
                s_index, t_index, e_index = (torch.tensor(r, dtype=torch.long).T.to(device) for r in (rows_s, rows_t, english))
                loss = pair_loss(source_states[s_index[0], s_index[1]], target_states[t_index[0], t_index[1]], settings.loss)
                loss = loss + regularization * pair_loss(
                    target_states[e_index[0], e_index[1]], original[e_index[0], e_index[1]], settings.loss
                )
                loss = loss / settings.gradient_accumulation
                loss.backward()
                step_loss += loss.item()
            if settings.max_grad_norm:
                torch.nn.utils.clip_grad_norm_(model.parameters(), settings.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step, cursor = step + 1, cursor + len(chosen_step)
            window.append(step_loss)
            if step % settings.log_every == 0 or step == settings.steps:
                pairs = int(sum(len(usable[i]) for i in examples))
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
            if on_step is not None:
                on_step(step)
            stopping = stop.requested
            if step % settings.checkpoint_every == 0 or step == settings.steps or stopping:
                save()
            if stopping and step < settings.steps:
                raise Preempted(f"stopped by a signal at step {step} after saving its checkpoint; rerun to resume")
    summary = {
        "steps": step,
        "epochs": epoch + 1,
        "fingerprint": run_fingerprint,
        "examples": len(examples),
        "final_loss": rows[-1]["loss"] if rows else None,
    }
    return model.cpu(), rows, summary
