"""The checks of config section ``pretraining`` that its schema cannot express (run by xlclust.workflow_config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.errors import ConfigError


def check_pretraining(config: Mapping[str, Any]) -> None:
    """Every size `all` pretrains is a configured model, and each model's settings fit together (and
    fit TyDi QA's sequence length where that size is fine-tuned on it)."""
    pretraining = config.get("pretraining", {})
    for position, size in enumerate(pretraining.get("sizes", [])):
        if size not in pretraining.get("models", {}):
            raise ConfigError(
                f"config key 'pretraining.sizes[{position}]': {size!r} is not a model under 'pretraining.models' "
                f"({', '.join(pretraining.get('models', {})) or 'none'})"
            )
    qa_length = config.get("tydiqa", {}).get("features", {}).get("max_length")
    for size, model in pretraining.get("models", {}).items():  # the sizes `all` pretrains are fine-tuned on TyDi QA
        _check_pretraining_model(size, model, qa_length if size in pretraining.get("sizes", []) else None)


def _check_pretraining_model(size: str, model: Mapping[str, Any], qa_length: int | None) -> None:
    """What would otherwise fail only when `pretrain` or `finetune_tydiqa` starts, after every upstream job."""
    key, training, architecture = f"pretraining.models.{size}", model["training"], model["architecture"]
    steps, epochs = training.get("max_steps"), training.get("epochs")
    if (steps is None) == (epochs is None):
        raise ConfigError(f"config key '{key}.training': give exactly one of max_steps and epochs")
    micro = training.get("per_device_batch_size")
    if micro is not None and training["batch_size"] % micro:
        raise ConfigError(
            f"config key '{key}.training.per_device_batch_size': {micro} does not divide batch_size "
            f"{training['batch_size']} (gradients accumulate whole micro-batches)"
        )
    if architecture["hidden_size"] % architecture["num_attention_heads"]:
        raise ConfigError(
            f"config key '{key}.architecture.hidden_size': {architecture['hidden_size']} is not a multiple "
            f"of num_attention_heads {architecture['num_attention_heads']}"
        )
    max_length = training.get("max_length", 512)
    positions = architecture.get("max_position_embeddings", max_length)  # build_model's default
    for needed, what in ((max_length, f"{key}.training.max_length"), (qa_length, "tydiqa.features.max_length")):
        if needed is not None and positions < needed:
            raise ConfigError(
                f"config key '{key}.architecture.max_position_embeddings': the model has {positions} positions, but {what} is {needed}"
            )
