"""Configuration: JSON-schema validation with defaults, and the checks a schema cannot express.

Errors name the config key (``sampling.alpha``) and, where the schema has them, the allowed
values, so that a wrong value is fixed in one look.
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Callable, Mapping, Sequence
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


# renamed config keys (CHANGELOG.md, "Renamed"): a dotted-path pattern of the old key → its new name
RENAMED_KEYS = {"*.files.scheme": "tag_encoding", "wikipedia.sources.*.index": "multistream_index", "grouping.sources": "embeddings"}


def refuse_renamed_keys(config: Mapping[str, Any], path: tuple = ()) -> None:
    """An old key anywhere in the config is refused with the name that replaced it (the schema alone
    would only say that the key is unknown)."""
    for name, value in config.items():
        key = config_key((*path, name))
        for old, new in RENAMED_KEYS.items():
            if fnmatch.fnmatchcase(key, old):
                raise ConfigError(f"config key '{key}' was renamed: write '{key.rpartition('.')[0]}.{new}' (CHANGELOG.md, Renamed)")
        if isinstance(value, Mapping):
            refuse_renamed_keys(value, (*path, name))


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


def validate_config(config: dict, schema_path: str | Path, stage_checks: Sequence[Callable[[Mapping[str, Any]], None]]) -> dict:
    """Validate ``config`` in place against the schema, fill defaults, run the workflow-wide and the
    stages' checks (the workflow passes every stage's: xlclust.workflow_config).

    Returns the same dict. Raises ConfigError naming the first offending key.
    """
    refuse_renamed_keys(config)
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    validator_class = _with_defaults(jsonschema.validators.validator_for(schema))
    validator = validator_class(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError(_describe(jsonschema.exceptions.best_match(errors)))
    check_semantics(config, stage_checks)
    return config


def check_semantics(config: Mapping[str, Any], stage_checks: Sequence[Callable[[Mapping[str, Any]], None]]) -> None:
    """The workflow-wide checks (languages, pivot, dictionaries), each stage's own (``stage_checks``,
    registered in xlclust.workflow_config), then the download locations and dump sources."""
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
    for check in stage_checks:
        check(config)
    _check_download_locations(config)
    for lang in sources:
        if lang not in languages:
            raise ConfigError(
                f"config key 'wikipedia.sources.{lang}': {lang!r} is not one of the configured languages ({', '.join(languages)})"
            )


def _check_download_locations(config: Mapping[str, Any]) -> None:
    """Every remote location the workflow downloads from must be https:// (see xlclust.download)."""
    wikipedia = config["wikipedia"]
    locations = {"wikipedia.mirror": wikipedia.get("mirror", "")}
    for lang, source in wikipedia.get("sources", {}).items():
        locations |= {f"wikipedia.sources.{lang}.{key}": source.get(key, "") for key in ("dump", "multistream_index", "checksums")}
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


def tydiqa_languages(config: Mapping[str, Any]) -> list[str]:
    """The TyDi QA dev sets answered: those of ``tydiqa.languages`` that the workflow has."""
    return [lang for lang in config["tydiqa"]["languages"] if lang in config["languages"]]


def per_language(mapping: Mapping[str, Any], lang: str) -> Any:
    """The value for ``lang`` in a ``{default: ..., <lang>: ...}`` mapping."""
    return mapping.get(lang, mapping["default"])
