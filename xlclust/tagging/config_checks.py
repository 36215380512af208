"""The checks of config section ``tagging`` that its schema cannot express (run by xlclust.workflow_config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.errors import ConfigError


def check_tagging(config: Mapping[str, Any]) -> None:
    """Every language the tagging comparison trains or evaluates on has each task's data configured
    (a licensed optional one may still lack its files: the workflow then leaves it out and lists it)."""
    tagging = config.get("tagging", {})
    if not tagging:
        return
    if tagging["english"] not in tagging["languages"]:
        raise ConfigError(
            f"config key 'tagging.languages': {tagging['english']!r} (tagging.english, the zero-shot source) is not among them"
        )
    for task in tagging["tasks"]:
        for lang in [*tagging["languages"], *tagging["evaluation_only"].get(task, [])]:
            if task not in tagging["data"].get(lang, {}):
                raise ConfigError(
                    f"config key 'tagging.data.{lang}.{task}': no {task} data for {lang!r}, which tagging.languages or .evaluation_only names"
                )
            if task == "pos" and "map" not in tagging["data"][lang][task]:
                raise ConfigError(f"config key 'tagging.data.{lang}.pos.map': POS data needs the universal-tags map of its tagset")
    _check_muse_languages(tagging)
    _check_tagging_choices(config, tagging)


def muse_left_out(tagging: Mapping[str, Any], evaluation: list[str]) -> list[str]:
    """The evaluation languages the muse embedder's runs leave out: those without MUSE vectors in
    ``tagging.muse`` (Table 2, note 2: none for Basque). Empty where muse does not run."""
    if "muse" not in tagging["embedders"]:
        return []
    return [lang for lang in evaluation if lang not in tagging["muse"]]


def _check_muse_languages(tagging: Mapping[str, Any]) -> None:
    """The muse embedder trains on every training language: each needs its vectors (an evaluation-only
    language without them is left out of the muse runs and listed instead)."""
    if "muse" not in tagging["embedders"]:
        return
    for lang in tagging["languages"]:
        if lang not in tagging["muse"]:
            raise ConfigError(
                f"config key 'tagging.muse.{lang}': the muse embedder trains on {lang!r} (tagging.languages) but has no vectors "
                "for it; name its MUSE file, or leave muse out of tagging.embedders"
            )


def _check_tagging_choices(config: Mapping[str, Any], tagging: Mapping[str, Any]) -> None:
    """The tagging comparison's choices that name other parts of the config: the aligned space's
    languages, Fig. 5's language, embedders and scenario, the fine-tuned models."""
    for lang, location in tagging["muse"].items():
        if location == "aligned" and lang not in config.get("languages", []):
            raise ConfigError(
                f"config key 'tagging.muse.{lang}': 'aligned' reads the alignment stage's space, but {lang!r} is not among `languages`"
            )
    for key in ("task_embedders", "scenario_embedders"):
        for name, embedders in tagging[key].items():
            if not set(embedders) <= set(tagging["embedders"]):
                raise ConfigError(
                    f"config key 'tagging.{key}.{name}': {sorted(set(embedders) - set(tagging['embedders']))} not among tagging.embedders"
                )
    focus = tagging["confusion"]
    if "ner" in tagging["tasks"]:
        evaluated = [*tagging["languages"], *tagging["evaluation_only"].get("ner", [])]
        if focus["language"] not in evaluated:
            raise ConfigError(
                f"config key 'tagging.confusion.language': {focus['language']!r} is not a NER evaluation language ({evaluated})"
            )
        for name, chosen, among in (
            (
                "embedders",
                focus["embedders"],
                sorted(
                    set(tagging["task_embedders"].get("ner", tagging["embedders"]))
                    & set(tagging["scenario_embedders"].get(focus["scenario"], tagging["embedders"]))
                ),
            ),
            ("scenario", [focus["scenario"]], tagging["scenarios"]),
        ):
            if not set(chosen) <= set(among):
                raise ConfigError(
                    f"config key 'tagging.confusion.{name}': {chosen} not all among NER's {name if name == 'embedders' else 'scenarios'} {among}"
                )
    for embedder in ("bert", "xlm"):
        model = tagging["finetuned_models"].get(embedder)
        if embedder in tagging["embedders"] and model not in config.get("models", {}):
            raise ConfigError(f"config key 'tagging.finetuned_models.{embedder}': {model!r} is not a model of `models`")
