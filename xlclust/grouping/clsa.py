"""Cross-lingual subword alignment (CLSA; "Tomato, Tomahto, Tomate" §2.2, App. B): translation pairs
whose words are each a single subword of the model pull their two input-embedding rows together with
InfoNCE over in-batch negatives; only the input embedding matrix trains, every other tensor of the
model stays as it was (a tied output layer is untied first and keeps the original rows).

The paper does not state the optimizer settings (its App. 11): the defaults here are ours. A dev
split of the pairs cannot pick the epoch: only the paired rows move, so a held-out pair's rows never
change (measured: its retrieval accuracy stays flat while the loss falls). The epoch kept is the one
whose pairs retrieve each other best (each source row's partner the nearest of all the pairs' target
rows); ``patience`` stops once that no longer improves."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch

from xlclust.errors import XlclustError
from xlclust.grouping.clsa_pairs import single_subword_pairs
from xlclust.grouping.model import _check_saved

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClsaSettings:
    learning_rate: float = 1e-3  # Adam on the embedding rows (ours)
    batch_size: int = 256  # pairs per batch: the in-batch negatives (ours)
    temperature: float = 0.05  # InfoNCE's τ over cosine similarities (ours)
    epochs: int = 20
    patience: int = 3  # epochs without a better retrieval accuracy before stopping
    seed: int = 1


def info_nce(source: torch.Tensor, target: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE: row i of ``source`` must pick row i of ``target`` among all of the batch's
    targets by cosine similarity, and the other way round."""
    logits = torch.nn.functional.normalize(source, dim=-1) @ torch.nn.functional.normalize(target, dim=-1).T / temperature
    labels = torch.arange(len(source), device=source.device)
    return (torch.nn.functional.cross_entropy(logits, labels) + torch.nn.functional.cross_entropy(logits.T, labels)) / 2


def retrieval_accuracy(weight: torch.Tensor, pairs: np.ndarray) -> float:
    """Of the pairs, the share whose target row is the source row's nearest (cosine) among all the
    pairs' target rows."""
    if len(pairs) == 0:
        return float("nan")
    ids = torch.from_numpy(pairs).to(weight.device)
    source = torch.nn.functional.normalize(weight[ids[:, 0]].float(), dim=-1)
    target = torch.nn.functional.normalize(weight[ids[:, 1]].float(), dim=-1)
    return float((torch.argmax(source @ target.T, dim=1) == torch.arange(len(pairs), device=weight.device)).float().mean())


def align_rows(weight: torch.Tensor, pairs: np.ndarray, settings: ClsaSettings) -> tuple[torch.Tensor, list[dict]]:
    """The embedding matrix after CLSA on ``pairs`` (the best epoch's), and the per-epoch log. Only the
    paired rows train (as their own small parameter: every other row has no gradient and no Adam
    state, so this is the same as training the whole matrix, without its cost)."""
    if len(pairs) < 2:
        raise XlclustError(f"CLSA needs at least two single-subword translation pairs; {len(pairs)} found")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    paired, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(pairs.shape)
    rows = torch.nn.Parameter(weight.detach()[torch.from_numpy(paired)].float().to(device))
    optimizer = torch.optim.Adam([rows], lr=settings.learning_rate)
    generator = torch.Generator().manual_seed(settings.seed)
    log_rows = [{"epoch": 0, "loss": float("nan"), "accuracy": retrieval_accuracy(rows.detach(), local)}]
    best, best_rows, bad_rounds = log_rows[0]["accuracy"], rows.detach().clone(), 0
    for epoch in range(1, settings.epochs + 1):
        order = torch.randperm(len(local), generator=generator).numpy()
        losses = []
        for start in range(0, len(local), settings.batch_size):
            batch = torch.from_numpy(local[order[start : start + settings.batch_size]]).to(device)
            if len(batch) < 2:  # one pair has no negative
                continue
            optimizer.zero_grad(set_to_none=True)
            loss = info_nce(rows[batch[:, 0]], rows[batch[:, 1]], settings.temperature)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        accuracy = retrieval_accuracy(rows.detach(), local)
        log_rows.append({"epoch": epoch, "loss": float(np.mean(losses)) if losses else float("nan"), "accuracy": accuracy})
        log.info("CLSA epoch %d: loss %.4f, pair retrieval accuracy %.4f", epoch, log_rows[-1]["loss"], accuracy)
        if accuracy > best:
            best, best_rows, bad_rounds = accuracy, rows.detach().clone(), 0
        else:
            bad_rounds += 1
            if bad_rounds >= settings.patience:
                break
    aligned = weight.detach().clone()
    aligned[torch.from_numpy(paired)] = best_rows.to(weight.device, weight.dtype)
    return aligned, log_rows


def align_model_embeddings(model, pairs: np.ndarray, settings: ClsaSettings) -> list[dict]:
    """CLSA on ``model``'s input embeddings in place; a tied output layer is untied and keeps the
    rows it had. Returns the per-epoch log."""
    embeddings = model.get_input_embeddings()
    output = model.get_output_embeddings()
    if output is not None and output.weight.data_ptr() == embeddings.weight.data_ptr():
        output.weight = torch.nn.Parameter(embeddings.weight.detach().clone())
        model.config.tie_word_embeddings = False
        if hasattr(model.config, "get_text_config"):
            model.config.get_text_config().tie_word_embeddings = False
        # untied models tie nothing when loaded: a decoder bias that shares its tensor with another
        # parameter (BERT's head bias) would be saved once and come back re-initialized
        bias = getattr(output, "bias", None)
        if bias is not None and sum(p.data_ptr() == bias.data_ptr() for _, p in model.named_parameters(remove_duplicate=False)) > 1:
            output.bias = torch.nn.Parameter(bias.detach().clone())
    aligned, log_rows = align_rows(embeddings.weight, pairs, settings)
    with torch.no_grad():
        embeddings.weight.copy_(aligned)
    return log_rows


def save_aligned_model(tokenizer, model, pairs: list[tuple[str, str]], settings: ClsaSettings, out_dir, metadata: dict) -> dict:
    """CLSA on ``model`` with the single-subword pairs among ``pairs``; the model, its tokenizer, the
    per-epoch log (``clsa_epochs.csv``) and a summary (``clsa.json``) in one directory, atomically,
    checked by loading it back. A reduced model (§2.3) trains its (V, d) rows and keeps its code."""
    import json
    from dataclasses import asdict

    import pandas as pd

    from xlclust.atomic import atomic_directory

    ids, counts = single_subword_pairs(pairs, tokenizer)
    log.info("%d of %d translation pairs are single subwords of the model", counts["kept_pairs"], counts["pairs"])
    epochs = align_model_embeddings(model, ids, settings)
    best = max(epochs, key=lambda row: row["accuracy"])
    summary = metadata | counts | {"settings": asdict(settings), "accuracy_before": epochs[0]["accuracy"], "best_epoch": best["epoch"]}
    summary["accuracy_after"] = best["accuracy"]
    with atomic_directory(out_dir) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        _check_saved(model, tmp)
        pd.DataFrame(epochs).to_csv(tmp / "clsa_epochs.csv", index=False)
        (tmp / "clsa.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary
