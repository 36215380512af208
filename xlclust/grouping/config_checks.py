"""The checks of config section ``grouping`` that its schema cannot express (run by xlclust.workflow_config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.errors import ConfigError
from xlclust.pipelines import expand_pipelines, parse_pipeline, pipeline_choices


def check_grouping(config: Mapping[str, Any]) -> None:
    """The semantic-grouping sections: sources, backbones and pipelines name configured models and
    pair sets, what the evaluation leaves out is a built pipeline, its data sets are given."""
    grouping, models = config.get("grouping", {}), config.get("models", {})
    for position, source in enumerate(grouping.get("embeddings", [])):
        if source != "vocabulary" and source not in models:
            raise ConfigError(
                f"config key 'grouping.embeddings[{position}]': {source!r} is neither 'vocabulary' nor a "
                f"model under 'models' ({', '.join(models) or 'none'})"
            )
    for position, backbone in enumerate(grouping.get("backbones", [])):
        if backbone not in models:
            raise ConfigError(f"config key 'grouping.backbones[{position}]': {backbone!r} is not a model under 'models'")
    pair_sets = grouping.get("clsa", {}).get("pair_sets", {})
    check = grouping.get("translation_check")
    if check is not None and check not in pair_sets:
        raise ConfigError(f"config key 'grouping.translation_check': {check!r} is not a pair set of grouping.clsa.pair_sets")
    templates = [*grouping.get("pipelines", []), *grouping.get("evaluation", {}).get("pipelines", [])]
    for path in expand_pipelines(templates, pipeline_choices(grouping)):
        pipeline = parse_pipeline(path, "config key 'grouping.pipelines'")
        clsa = pipeline.step("clsa")
        if pipeline.backbone not in models:
            raise ConfigError(f"config key 'grouping.pipelines': {path!r} starts from {pipeline.backbone!r}, not a model under 'models'")
        if clsa is not None and clsa.fields["pairs"] not in pair_sets:
            raise ConfigError(
                f"config key 'grouping.pipelines': {path!r} uses the pair set {clsa.fields['pairs']!r}, not in grouping.clsa.pair_sets"
            )
        grouping_step = pipeline.step("grouping")
        if grouping_step is not None and not 0 < int(grouping_step.fields["ratio"]) <= 100:
            raise ConfigError(f"config key 'grouping.pipelines': {path!r}: a grouping ratio is a percentage in 1..100")
    evaluation = grouping.get("evaluation", {})
    built = expand_pipelines(grouping.get("pipelines", []), pipeline_choices(grouping))
    for path in expand_pipelines(evaluation.get("exclude", []), pipeline_choices(grouping)):
        if path not in built:
            raise ConfigError(f"config key 'grouping.evaluation.exclude': {path!r} is not a pipeline of grouping.pipelines")
    xnli = evaluation.get("xnli", {})
    if grouping.get("backbones") and "xnli" in evaluation.get("tasks", []):  # the evaluation runs
        if xnli.get("source") == "hub" and not xnli.get("hub", {}).get("revision"):
            raise ConfigError("config key 'grouping.evaluation.xnli.hub.revision': pin the commit of the Hub's XNLI that runs read")
        if xnli.get("source", "files") == "files" and not xnli.get("files"):
            raise ConfigError("config key 'grouping.evaluation.xnli.files': source is files, but no files are given")
    if grouping.get("backbones") and "masakhaner" in evaluation.get("tasks", []) and not evaluation.get("masakhaner", {}).get("files"):
        raise ConfigError("config key 'grouping.evaluation.masakhaner.files': MasakhaNER is evaluated, but no files are given")
    if "cpt" in str(grouping.get("pipelines", [])) and not grouping.get("continual", {}).get("languages"):
        raise ConfigError("config key 'grouping.continual.languages': continual pretraining (cpt) needs the languages of its corpus")
