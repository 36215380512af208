"""Configuration: JSON-schema validation with defaults, and the checks a schema cannot express.

Errors name the config key (``sampling.alpha``) and, where the schema has them, the allowed
values, so that a wrong value is fixed in one look.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from xlclust.download import INSECURE, plain_http
from xlclust.errors import ConfigError
from xlclust.languages import known_languages


def _with_defaults(validator_class):
    """A validator class that fills in schema defaults while it validates (jsonschema FAQ recipe)."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema and name not in instance:
                    instance[name] = copy.deepcopy(subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def config_key(path) -> str:
    """``['sampling', 'alpha']`` -> ``sampling.alpha``; list positions as ``languages[3]``."""
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


def _describe(error: jsonschema.ValidationError) -> str:
    key = config_key(error.absolute_path)
    if error.validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return f"config key '{key}': {error.instance!r} is not allowed; allowed values: {allowed}"
    if error.validator == "additionalProperties":
        known = ", ".join(sorted(error.schema.get("properties", {})))
        return f"config key '{key}': {error.message}; known keys here: {known}"
    if error.validator == "pattern" and "[a-z]{2,3}" in error.validator_value:
        return f"config key '{key}': {error.instance!r} is not a language code (e.g. 'en', 'sw', 'zh-yue')"
    if error.validator == "oneOf":
        forms = "; ".join("{" + ", ".join(option.get("required", [])) + "}" for option in error.validator_value)
        return (
            f"config key '{key}': {error.instance!r} has none of the allowed forms ({forms}). "
            f"Note that --configfile files are merged into the workflow's config.yaml entry by entry; "
            f"run with --replace-workflow-config to replace config.yaml instead"
        )
    return f"config key '{key}': {error.message}"


def validate_config(config: dict, schema_path: str | Path) -> dict:
    """Validate ``config`` in place against the schema, fill defaults, run semantic checks.

    Returns the same dict. Raises ConfigError naming the first offending key.
    """
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    validator_class = _with_defaults(jsonschema.validators.validator_for(schema))
    validator = validator_class(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError(_describe(jsonschema.exceptions.best_match(errors)))
    check_semantics(config)
    return config


def check_semantics(config: Mapping[str, Any]) -> None:
    languages = list(config["languages"])
    if config["pivot"] not in languages:
        raise ConfigError(f"config key 'pivot': {config['pivot']!r} is not one of the configured languages ({', '.join(languages)})")
    wikipedia = config["wikipedia"]
    sources = wikipedia.get("sources", {})
    known = known_languages()
    for position, lang in enumerate(languages):
        if lang not in known and lang not in sources and lang not in config.get("demo_world", {}).get("languages", {}):
            raise ConfigError(
                f"config key 'languages[{position}]': unknown language code {lang!r}: no Wikipedia "
                f"edition with this code is known to xlclust. If it exists, give its dump under "
                f"'wikipedia.sources.{lang}'."
            )
    dictionaries = config.get("dictionaries", {})
    for lang in languages:
        if lang != config["pivot"] and lang not in dictionaries:
            raise ConfigError(
                f"config key 'dictionaries.{lang}': language {lang!r} has no dictionary with the pivot "
                f"{config['pivot']!r} and no unsupervised seed; give one, e.g. {{unsupervised: identical}}"
            )
    lowres = config.get("lowres", {})
    for lang, spec in dictionaries.items():
        if lang in languages and spec.get("unsupervised") == "mined":
            if lang not in lowres.get("languages", []) or lowres.get("english") != config["pivot"]:
                raise ConfigError(
                    f"config key 'dictionaries.{lang}': a mined seed comes from the low-resource system, which must mine "
                    f"{lang!r} against the pivot {config['pivot']!r} (lowres.languages, lowres.english)"
                )
    _check_grouping(config)
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
    _check_tydiqa(config, languages)
    _check_langclust(config)
    _check_lowres(config)
    _check_tagging(config)
    _check_download_locations(config)
    for lang in sources:
        if lang not in languages:
            raise ConfigError(
                f"config key 'wikipedia.sources.{lang}': {lang!r} is not one of the configured languages ({', '.join(languages)})"
            )


def _check_grouping(config: Mapping[str, Any]) -> None:
    from xlclust.grouping.pipelines import expand_pipelines, parse_pipeline, pipeline_choices

    grouping, models = config.get("grouping", {}), config.get("models", {})
    for position, source in enumerate(grouping.get("sources", [])):
        if source != "vocabulary" and source not in models:
            raise ConfigError(
                f"config key 'grouping.sources[{position}]': {source!r} is neither 'vocabulary' nor a "
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


def _check_download_locations(config: Mapping[str, Any]) -> None:
    """Every remote location the workflow downloads from must be https:// (see xlclust.download)."""
    wikipedia = config["wikipedia"]
    locations = {"wikipedia.mirror": wikipedia.get("mirror", "")}
    for lang, source in wikipedia.get("sources", {}).items():
        locations |= {f"wikipedia.sources.{lang}.{key}": source.get(key, "") for key in ("dump", "index", "checksums")}
    locations["vocabulary.bpemb.base_url"] = config.get("vocabulary", {}).get("bpemb", {}).get("base_url", "")
    for lang, spec in config.get("dictionaries", {}).items():
        locations |= {f"dictionaries.{lang}.{key}": spec.get(key, "") for key in ("train", "test", "full")}
    for lang, spec in config.get("lowres", {}).get("parallel", {}).items():
        locations |= {f"lowres.parallel.{lang}.{key}": spec.get(key) or "" for key in ("english", "other", "links")}
    for lang, spec in config.get("lowres", {}).get("dictionaries", {}).items():
        locations[f"lowres.dictionaries.{lang}.file"] = spec["file"]
    for key, location in locations.items():
        if plain_http(location):
            raise ConfigError(f"config key '{key}': {location}: {INSECURE}")


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


def _check_tydiqa(config: Mapping[str, Any], languages: list[str]) -> None:
    from xlclust.tydiqa.features import FeatureSpec

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


def _check_langclust(config: Mapping[str, Any]) -> None:
    wikiann, clustering, ner = (config.get(key, {}) for key in ("wikiann", "langclust", "ner"))
    if not wikiann:
        return
    languages = wikiann["languages"]
    models = config.get("models", {})
    for key, section in (("langclust.model", clustering), ("ner.model", ner)):
        if section and section["model"] not in models:
            raise ConfigError(f"config key '{key}': {section['model']!r} is not a model under 'models' ({', '.join(models) or 'none'})")
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
    if ner:
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


def _check_lowres(config: Mapping[str, Any]) -> None:
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
    wikiann = config.get("wikiann", {})
    if wikiann and wikiann["dataset"]["source"] == "files":
        for lang in [lowres["english"], *lowres["languages"]]:
            if lang not in wikiann["dataset"].get("files", {}):
                raise ConfigError(
                    f"config key 'wikiann.dataset.files.{lang}': no WikiAnn files for {lang!r}, which zero-shot NER (lowres) reads"
                )


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


def tydiqa_languages(config: Mapping[str, Any]) -> list[str]:
    """The TyDi QA dev sets answered: those of ``tydiqa.languages`` that the workflow has."""
    return [lang for lang in config["tydiqa"]["languages"] if lang in config["languages"]]


def per_language(mapping: Mapping[str, Any], lang: str) -> Any:
    """The value for ``lang`` in a ``{default: ..., <lang>: ...}`` mapping."""
    return mapping.get(lang, mapping["default"])


def _check_tagging(config: Mapping[str, Any]) -> None:
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
    _check_tagging_choices(config, tagging)


def _check_tagging_choices(config: Mapping[str, Any], tagging: Mapping[str, Any]) -> None:
    """The tagging comparison's choices that name other parts of the config: the aligned space's
    languages, Fig. 5's language, embedders and scenario, the fine-tuned models."""
    for lang, location in tagging["muse"].items():
        if location == "aligned" and lang not in config.get("languages", []):
            raise ConfigError(
                f"config key 'tagging.muse.{lang}': 'aligned' reads the alignment stage's space, but {lang!r} is not among `languages`"
            )
    for task, embedders in tagging["task_embedders"].items():
        if not set(embedders) <= set(tagging["embedders"]):
            raise ConfigError(
                f"config key 'tagging.task_embedders.{task}': {sorted(set(embedders) - set(tagging['embedders']))} not among tagging.embedders"
            )
    focus = tagging["confusion"]
    if "ner" in tagging["tasks"]:
        evaluated = [*tagging["languages"], *tagging["evaluation_only"].get("ner", [])]
        if focus["language"] not in evaluated:
            raise ConfigError(
                f"config key 'tagging.confusion.language': {focus['language']!r} is not a NER evaluation language ({evaluated})"
            )
        for name, chosen, among in (
            ("embedders", focus["embedders"], tagging["task_embedders"].get("ner", tagging["embedders"])),
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
