"""The checks of config section ``ner`` that its schema cannot express (run by xlclust.workflow_config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.config import check_length_fits
from xlclust.errors import ConfigError


def check_ner(config: Mapping[str, Any]) -> None:
    """NER's model is configured, its schemes' languages have families, its cluster representation
    is one langclust computes, its held-out and generalization languages are WikiAnn's, and its
    max_length fits the model's positions where the model is on this machine."""
    wikiann, clustering, ner = (config.get(key, {}) for key in ("wikiann", "langclust", "ner"))
    if not wikiann or not ner:
        return
    languages, models = wikiann["languages"], config.get("models", {})
    if ner["model"] not in models:
        raise ConfigError(f"config key 'ner.model': {ner['model']!r} is not a model under 'models' ({', '.join(models) or 'none'})")
    if "family" in ner["schemes"]:
        for lang in languages:
            if lang not in wikiann["families"]:
                raise ConfigError(
                    f"config key 'wikiann.families.{lang}': {lang!r} has no family (needed by the 'family' scheme of ner.schemes)"
                )
    if ner["cluster_representation"] not in clustering.get("representations", []):
        raise ConfigError(
            f"config key 'ner.cluster_representation': {ner['cluster_representation']!r} is not one of langclust.representations"
        )
    for position, lang in enumerate(ner["zero_shot"]["held_out"]):
        if lang not in languages:
            raise ConfigError(f"config key 'ner.zero_shot.held_out[{position}]': {lang!r} is not one of wikiann.languages")
    _check_generalization(ner.get("generalization"), languages)
    check_length_fits(config, ner["model"], ner["max_length"], "ner.max_length")


def _check_generalization(study: Mapping[str, Any] | None, languages: list[str]) -> None:
    if not study:
        return
    if study["language"] not in languages:
        raise ConfigError(
            f"config key 'ner.generalization.language': {study['language']!r} is not one of "
            f"wikiann.languages (its WikiAnn sentences are trained on)"
        )
    if study["name"] in languages:
        raise ConfigError(
            f"config key 'ner.generalization.name': {study['name']!r} is a WikiAnn language's code; name the corpus otherwise"
        )
    dataset = study["dataset"]
    if dataset["source"] not in dataset:
        raise ConfigError(f"config key 'ner.generalization.dataset.{dataset['source']}': missing for source {dataset['source']!r}")
