"""VecMap's self-learning for the orthogonal map of the vecmap baselines (Hangya et al. 2022 §4.2:
VecMap "using iterative refinement"; Artetxe et al. 2018, the loop of vecmap's map_embeddings.py
with an orthogonal map). From the seed dictionary's Procrustes solution it repeats: induce a new
dictionary from the current map — every word's best CSLS partner among the other side's most
frequent words, in both directions, their union — and solve Procrustes on it again. Similarities
are kept with a probability that starts low and doubles whenever the objective (the mean best
cosine of both directions) has not improved for an interval; once everything is kept and it stops
improving again, the last dictionary's map is the result. The seed only starts the loop.

The similarity blocks are torch matrix products (on the GPU where there is one): no per-word loop.
"""

from __future__ import annotations

import logging

import numpy as np

from xlclust.errors import XlclustError
from xlclust.lowres.settings import RefinementSettings

log = logging.getLogger(__name__)

VECMAP_DEFAULTS = RefinementSettings()
BLOCK = 4096  # rows of a similarity block (memory, not results)


def torch_device(device: str) -> str:
    """``search.device``'s choice for torch: auto takes the GPU when torch sees one."""
    import torch

    if device == "gpu" and not torch.cuda.is_available():
        raise XlclustError("config key 'search.device' is gpu, but torch sees no GPU for vecmap's self-learning; set search.device: auto")
    return "cuda" if device != "cpu" and torch.cuda.is_available() else "cpu"


def procrustes(source, target):
    """The orthogonal W minimizing ‖source W − target‖ (torch, rows are the pairs)."""
    import torch

    u, _, vt = torch.linalg.svd((source.T @ target).double())
    return (u @ vt).to(source.dtype)


def top_mean(queries, keys, k: int):
    """Each query row's mean similarity to its ``k`` most similar keys (CSLS's r)."""
    import torch

    return torch.cat(
        [(queries[i : i + BLOCK] @ keys.T).topk(min(k, len(keys)), dim=1).values.mean(1) for i in range(0, len(queries), BLOCK)]
    )


def induce(queries, keys, key_hubness, keep: float, generator):
    """Each query's best key by CSLS (2cos − r_key; the query's own r does not change its argmax),
    a share 1 − ``keep`` of the similarities dropped at random as vecmap does; and its best cosine."""
    import torch

    partners, best = [], []
    for i in range(0, len(queries), BLOCK):
        similarity = queries[i : i + BLOCK] @ keys.T
        best.append(similarity.max(dim=1).values)
        similarity -= key_hubness / 2
        if keep < 1.0:
            # drawn on the CPU's generator whatever the device: one seed gives one mask on CPUs and GPUs
            similarity *= torch.rand(similarity.shape, generator=generator).to(similarity.device) >= 1 - keep
        partners.append(similarity.argmax(dim=1))
    return torch.cat(partners), torch.cat(best)


def self_learning(
    source: np.ndarray,
    target: np.ndarray,
    seed_pairs: np.ndarray,
    settings: RefinementSettings = VECMAP_DEFAULTS,
    device: str = "auto",
    seed: int = 0,
) -> tuple[np.ndarray, list[dict]]:
    """The orthogonal W (source · W ≈ target) after vecmap's self-learning from ``seed_pairs`` (rows of
    normalized, frequency-ordered ``source`` and ``target``), and one report row per iteration."""
    import torch

    where = torch_device(device)
    x, z = (torch.as_tensor(np.asarray(m, np.float32), device=where) for m in (source, target))
    sources = torch.as_tensor(seed_pairs[:, 0], device=where)
    targets = torch.as_tensor(seed_pairs[:, 1], device=where)
    src_size, trg_size = min(len(x), settings.vocabulary_cutoff), min(len(z), settings.vocabulary_cutoff)
    generator = torch.Generator().manual_seed(seed)
    best_objective, last_improvement, keep, iteration, rows = -100.0, 0, settings.stochastic_initial, 1, []
    while True:
        end = False
        if iteration - last_improvement > settings.stochastic_interval:
            end = keep >= 1.0
            keep, last_improvement = min(1.0, settings.stochastic_multiplier * keep), iteration
        mapping = procrustes(x[sources], z[targets])
        if end:
            break
        xw, zw = x[:src_size] @ mapping, z[:trg_size]
        forward, forward_best = induce(xw, zw, top_mean(zw, xw, settings.csls_k), keep, generator)
        backward, backward_best = induce(zw, xw, top_mean(xw, zw, settings.csls_k), keep, generator)
        sources = torch.cat([torch.arange(src_size, device=where), backward])
        targets = torch.cat([forward, torch.arange(trg_size, device=where)])
        objective = float((forward_best.mean() + backward_best.mean()) / 2)
        if objective - best_objective >= settings.threshold:
            last_improvement, best_objective = iteration, objective
        rows.append({"iteration": iteration, "objective": objective, "keep_probability": keep})
        iteration += 1
    log.info("vecmap self-learning: %d iterations, objective %.4f", len(rows), best_objective)
    return mapping.cpu().numpy(), rows
