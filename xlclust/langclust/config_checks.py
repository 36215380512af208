"""The checks of config section ``langclust`` (and the WikiAnn files it reads) that the schema cannot express (run by xlclust.workflow_config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.errors import ConfigError


def check_langclust(config: Mapping[str, Any]) -> None:
    """The language clustering's model is configured, every WikiAnn language has its files, and k fits."""
    wikiann, clustering = config.get("wikiann", {}), config.get("langclust", {})
    if not wikiann:
        return
    languages = wikiann["languages"]
    models = config.get("models", {})
    if clustering and clustering["model"] not in models:
        raise ConfigError(
            f"config key 'langclust.model': {clustering['model']!r} is not a model under 'models' ({', '.join(models) or 'none'})"
        )
    if wikiann["dataset"]["source"] == "files":
        for lang in languages:
            if lang not in wikiann["dataset"].get("files", {}):
                raise ConfigError(f"config key 'wikiann.dataset.files.{lang}': no files for {lang!r} (format, train, dev, test)")
    if clustering:
        for position, k in enumerate(clustering["ks"]):
            if k > len(languages):
                raise ConfigError(f"config key 'langclust.ks[{position}]': {k} clusters of {len(languages)} languages (wikiann.languages)")
        if clustering["k"] not in clustering["ks"]:
            raise ConfigError(f"config key 'langclust.k': {clustering['k']} is not one of langclust.ks ({clustering['ks']})")
