"""The checks of config section ``tydiqa`` that its schema cannot express (run by xlclust.workflow_config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.config import tydiqa_languages
from xlclust.errors import ConfigError
from xlclust.tydiqa.features import FeatureSpec


def check_tydiqa(config: Mapping[str, Any]) -> None:
    """TyDi QA's training language, reference models and files are configured; its feature settings fit."""
    languages = list(config["languages"])
    tydiqa = config.get("tydiqa", {})
    if not tydiqa:
        return
    # the workflow's own models read a language with that language's segmenter
    train_language = tydiqa["train_language"]
    if train_language not in languages:
        raise ConfigError(
            f"config key 'tydiqa.train_language': {train_language!r} is not one of the configured languages ({', '.join(languages)})"
        )
    models = config.get("models", {})
    for position, name in enumerate(tydiqa["reference_models"]):
        if name not in models:
            raise ConfigError(
                f"config key 'tydiqa.reference_models[{position}]': {name!r} is not a model under 'models' ({', '.join(models) or 'none'})"
            )
    dataset = tydiqa["dataset"]
    if dataset["source"] == "files":
        files = dataset.get("files", {})
        for split, needed in (("train", [train_language]), ("dev", tydiqa_languages(config))):
            for lang in needed:
                if lang not in files.get(split, {}):
                    raise ConfigError(f"config key 'tydiqa.dataset.files.{split}.{lang}': no {split} file for {lang!r}")
    FeatureSpec(**tydiqa["features"]).check()
