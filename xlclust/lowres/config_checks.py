"""The checks of config section ``lowres`` that its schema cannot express (run by xlclust.workflow_config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.errors import ConfigError

PANLEX = "panlex_swadesh"  # lowres.dictionaries.<lang>.format of a PanLex Swadesh seed dictionary


def panlex_varieties(spec: Mapping[str, Any], lang: str, english: str) -> dict[str, str]:
    """The PanLex varieties of ``lang`` and ``english`` a ``panlex_swadesh`` dictionary names."""
    varieties = spec.get("varieties", {})
    missing = [side for side in (lang, english) if side not in varieties]
    if missing:
        key = f"lowres.dictionaries.{lang}.varieties"
        raise ConfigError(f"config key '{key}': no PanLex variety for {missing[0]!r}; name one (e.g. {english}: eng-000)")
    return {side: varieties[side] for side in (lang, english)}


def check_lowres(config: Mapping[str, Any]) -> None:
    """The low-resource system: its model is a registered one, every language has a parallel corpus
    with English (the retrieval test) and, with WikiAnn read from files, NER files."""
    lowres = config.get("lowres", {})
    if not lowres:
        return
    models = config.get("models", {})
    for key, name in [("lowres.model", lowres["model"]), ("lowres.ebert.model", lowres["ebert"]["model"])]:
        if name is not None and name not in models:
            raise ConfigError(f"config key '{key}': {name!r} is not a model under 'models' ({', '.join(models) or 'none'})")
    for position, lang in enumerate(lowres["languages"]):
        if lang == lowres["english"]:
            raise ConfigError(f"config key 'lowres.languages[{position}]': {lang!r} is lowres.english, the other side of every pair")
        if lang not in lowres["parallel"]:
            raise ConfigError(
                f"config key 'lowres.parallel.{lang}': no parallel corpus of {lang!r} with {lowres['english']!r} (english, other)"
            )
    _check_dictionaries(lowres)
    wikiann = config.get("wikiann", {})
    if wikiann and wikiann["dataset"]["source"] == "files":
        for lang in [lowres["english"], *lowres["languages"]]:
            if lang not in wikiann["dataset"].get("files", {}):
                raise ConfigError(
                    f"config key 'wikiann.dataset.files.{lang}': no WikiAnn files for {lang!r}, which zero-shot NER (lowres) reads"
                )


def _check_dictionaries(lowres: Mapping[str, Any]) -> None:
    """A PanLex seed dictionary names the variety of its language and of English (its two files)."""
    for lang, spec in lowres["dictionaries"].items():
        if spec["format"] == PANLEX:
            panlex_varieties(spec, lang, lowres["english"])
