"""The project's own weight initialization, so that random weights depend on the seed and on each
parameter's name only: not on the order in which a library builds its modules, on the global random
state, or on a library release's idea of a default initialization (Hugging Face's ``_init_weights``
has changed between releases before). The demo's random-weight models, the pretraining runs' fresh
BERTs and every new task head take their weights from here.

The rule is BERT's (Devlin et al. 2019, as Hugging Face's BERT initializes): matrices (linear
layers, embeddings) N(0, ``initializer_range``), biases 0, normalization weights 1, an embedding's
padding row 0. Each parameter draws from its own generator, seeded with (seed, name)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

DEFAULT_RANGE = 0.02  # BERT's initializer_range, for configs that name none (XLM's)


def parameter_seed(seed: int, name: str) -> int:
    """A 63-bit seed for one parameter, from the run's seed and the parameter's name."""
    return int.from_bytes(hashlib.sha256(f"{int(seed)}\0{name}".encode()).digest()[:8], "little") >> 1


def initializer_range(model) -> float:
    config = getattr(model, "config", None)
    return float(getattr(config, "initializer_range", None) or getattr(config, "init_std", None) or DEFAULT_RANGE)


def _is_norm(module) -> bool:
    import torch.nn as nn

    return isinstance(module, nn.LayerNorm | nn.modules.batchnorm._NormBase | nn.GroupNorm) or "norm" in type(module).__name__.lower()


def seeded_init(model, seed: int, names: Iterable[str] | None = None, std: float | None = None):
    """Initialize ``model``'s parameters in place (those in ``names`` only, if given: e.g. a new
    head's); returns the model. A parameter the rule does not cover is refused by name."""
    import torch

    std = initializer_range(model) if std is None else std
    modules = dict(model.named_modules())
    aliases: dict[int, list[str]] = {}  # a tied tensor (BERT's decoder and word embeddings) under each of its names
    for name, parameter in model.named_parameters(remove_duplicate=False):
        aliases.setdefault(id(parameter), []).append(name)
    wanted = None if names is None else set(names)
    with torch.no_grad():
        for parameter in {id(p): p for _, p in model.named_parameters()}.values():
            all_names = sorted(aliases[id(parameter)])
            if wanted is not None and not wanted.intersection(all_names):
                continue
            name = all_names[0]  # the same name whatever order a library registers its modules in
            owners = [modules[alias.rpartition(".")[0]] for alias in all_names]
            leaf = name.rpartition(".")[2]
            if any(_is_norm(owner) for owner in owners):
                parameter.fill_(1.0 if leaf == "weight" else 0.0)
            elif leaf == "bias":
                parameter.zero_()
            elif parameter.dim() >= 2:
                generator = torch.Generator().manual_seed(parameter_seed(seed, name))
                parameter.copy_((torch.randn(parameter.shape, generator=generator) * std).to(parameter.dtype))
                for owner in owners:
                    if isinstance(owner, torch.nn.Embedding) and owner.padding_idx is not None:
                        parameter[owner.padding_idx].zero_()
            else:
                raise ValueError(f"seeded_init: no rule for parameter {name} (shape {tuple(parameter.shape)}) of {type(model).__name__}")
    return model


def new_random_model(model_class, config, seed: int):
    """``model_class(config)`` with the project's initialization from ``seed``."""
    return seeded_init(model_class(config), seed)
