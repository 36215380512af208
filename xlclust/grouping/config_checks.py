"""The checks of config section ``grouping`` that its schema cannot express (run by xlclust.workflow_config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.config import local_model_directory, model_limits
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
    for key in ("backbones", "compared_backbones"):
        for position, backbone in enumerate(grouping.get(key, [])):
            if backbone not in models:
                raise ConfigError(f"config key 'grouping.{key}[{position}]': {backbone!r} is not a model under 'models'")
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
    check_model_limits(config)


def check_model_limits(config: Mapping[str, Any]) -> None:
    """Lengths the evaluation encodes (MasakhaNER, XNLI, MIRACL) and the reduction's dimensions against
    each backbone's positions and hidden size, where its files are on this machine (its config.json
    read as JSON, no model loaded); a backbone not downloaded yet is checked first thing in its job
    (xlclust.training.finetuning.load_classifier, xlclust.retrieval.dpr, xlclust.grouping.reduction)."""
    grouping, models = config.get("grouping", {}), config.get("models", {})
    evaluation = grouping.get("evaluation", {})
    miracl = evaluation.get("miracl", {})
    lengths = {}
    if "miracl_retrieval" in evaluation.get("tasks", []):
        retrieval = miracl.get("retrieval", {})
        lengths |= {f"grouping.evaluation.miracl.retrieval.{key}": retrieval.get(key) for key in ("query_length", "passage_length")}
    if "miracl_reranking" in evaluation.get("tasks", []):
        lengths["grouping.evaluation.miracl.reranking.max_length"] = miracl.get("reranking", {}).get("max_length")
    if {"masakhaner", "xnli"} & set(evaluation.get("tasks", [])):
        lengths["grouping.evaluation.max_length"] = evaluation.get("max_length")
    dims = {}
    for path in expand_pipelines(grouping.get("pipelines", []), pipeline_choices(grouping)):
        reduction = parse_pipeline(path, "config key 'grouping.pipelines'").step("reduction")
        if reduction is not None:
            dims.setdefault(path.split("/")[0], set()).add(int(reduction.fields["dim"]))
    for backbone in dict.fromkeys([*grouping.get("backbones", []), *grouping.get("compared_backbones", [])]):
        if backbone not in models:
            continue  # named by check_grouping
        directory = local_model_directory(models[backbone], config.get("model_cache_dir"))
        if directory is None:
            continue
        limits = model_limits(directory)
        for key, length in lengths.items():
            if length is not None and limits["positions"] is not None and length > limits["positions"]:
                raise ConfigError(
                    f"config key '{key}': {length} subwords, but the backbone {backbone!r} ({directory}) takes at most "
                    f"{limits['positions']}; lower it to {limits['positions']} or less"
                )
        too_wide = sorted(dim for dim in dims.get(backbone, ()) if limits["hidden_size"] is not None and dim > limits["hidden_size"])
        if too_wide:
            raise ConfigError(
                f"config key 'grouping.reduction.dims': {too_wide} is more than the backbone {backbone!r} ({directory}) has: its "
                f"hidden size is {limits['hidden_size']}; give dimensions up to {limits['hidden_size']}"
            )
