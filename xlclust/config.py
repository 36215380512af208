"""Configuration: JSON-schema validation with defaults, and the checks a schema cannot express.

Errors name the config key (``sampling.alpha``) and, where the schema has them, the allowed
values, so that a wrong value is fixed in one look.
"""

from __future__ import annotations

import copy
import fnmatch
import functools
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml

from xlclust.download import INSECURE, plain_http
from xlclust.errors import ConfigError
from xlclust.languages import known_languages
from xlclust.locations import pinned_key

log = logging.getLogger(__name__)


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


@functools.lru_cache(maxsize=4)
def _schema_validator(path: str, mtime_ns: int):
    """The default-filling validator of the schema file at ``path`` as of ``mtime_ns`` (parsing the
    schema costs more than validating with it, and tests validate hundreds of configs)."""
    schema = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return _with_defaults(jsonschema.validators.validator_for(schema))(schema)


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
    path = Path(schema_path).resolve()
    validator = _schema_validator(str(path), path.stat().st_mtime_ns)
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
    for key in unpinned_dictionaries(config):
        log.warning(
            "config key '%s': a remote dictionary without a pinned SHA-256; the job that reads it will refuse it and name "
            "the sum to check and pin under '%s'",
            key,
            pinned_key(key),
        )
    for lang in sources:
        if lang not in languages:
            raise ConfigError(
                f"config key 'wikipedia.sources.{lang}': {lang!r} is not one of the configured languages ({', '.join(languages)})"
            )


def _check_download_locations(section: Mapping[str, Any] | list, path: tuple = ()) -> None:
    """Every remote location anywhere in the config (dumps, BPEmb, dictionaries, task files) must be
    https:// (see xlclust.download): a plain http:// one is refused here, naming its key, rather than
    in the job that would read it."""
    for name, value in section.items() if isinstance(section, Mapping) else enumerate(section):
        if isinstance(value, str) and plain_http(value):
            raise ConfigError(f"config key '{config_key((*path, name))}': {value}: {INSECURE}")
        if isinstance(value, Mapping | list):
            _check_download_locations(value, (*path, name))


def unpinned_dictionaries(config: Mapping[str, Any]) -> list[str]:
    """The config keys of remote dictionary locations (``dictionaries.*``, ``lowres.dictionaries.*``)
    of configured languages that have no SHA-256 pinned beside them."""
    entries = {f"dictionaries.{lang}": spec for lang, spec in config.get("dictionaries", {}).items() if lang in config["languages"]}
    lowres = config.get("lowres", {})
    entries |= {
        f"lowres.dictionaries.{lang}": spec for lang, spec in lowres.get("dictionaries", {}).items() if lang in lowres.get("languages", [])
    }
    return [
        f"{prefix}.{field}"
        for prefix, spec in entries.items()
        for field in ("train", "test", "full", "file")
        if urlsplit(spec.get(field) or "").scheme in ("http", "https", "ftp") and not spec.get("sha256", {}).get(field)
    ]


def hub_cache(cache_dir: str | None) -> Path:
    """The Hub cache a model load reads (its ``cache_dir``): ``model_cache_dir``, else HF_HUB_CACHE or HF_HOME/hub."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    return Path(os.environ.get("HF_HOME", "~/.cache/huggingface")).expanduser() / "hub"


def local_model_directory(spec: Mapping[str, Any], cache_dir: str | None) -> Path | None:
    """Where a ``models`` entry's files are on this machine without a download: its ``path``, or its
    pinned ``revision`` in the Hub cache; None where they are not (yet): the job checks them then."""
    if spec.get("path"):
        directory = Path(spec["path"])
    elif spec.get("hub") and spec.get("revision"):
        repository = hub_cache(cache_dir) / f"models--{spec['hub'].replace('/', '--')}"
        ref = repository / "refs" / spec["revision"]  # a branch or tag name: the commit it was cached at
        commit = ref.read_text(encoding="utf-8").strip() if ref.is_file() else spec["revision"]
        directory = repository / "snapshots" / commit
    else:
        return None
    return directory if (directory / "config.json").is_file() else None


def model_limits(directory: Path) -> dict[str, int | None]:
    """``positions`` (the longest input: the model's positions, or its tokenizer's limit where lower) and
    ``hidden_size`` of a local model, read from its config.json (and tokenizer_config.json) as JSON."""
    files = {name: directory / name for name in ("config.json", "tokenizer_config.json")}
    read = {}
    for name, path in files.items():
        try:
            read[name] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except (OSError, ValueError) as error:
            raise ConfigError(f"{path}: not readable as JSON ({error}); fix or remove the model's files") from None
    limits = [value for value in (read["config.json"].get("max_position_embeddings"),) if isinstance(value, int)]
    tokenizer_limit = read["tokenizer_config.json"].get("model_max_length")
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < 1_000_000:
        limits.append(tokenizer_limit)
    hidden = read["config.json"].get("hidden_size")
    return {"positions": min(limits) if limits else None, "hidden_size": hidden if isinstance(hidden, int) else None}


def tydiqa_languages(config: Mapping[str, Any]) -> list[str]:
    """The TyDi QA dev sets answered: those of ``tydiqa.languages`` that the workflow has."""
    return [lang for lang in config["tydiqa"]["languages"] if lang in config["languages"]]


def per_language(mapping: Mapping[str, Any], lang: str) -> Any:
    """The value for ``lang`` in a ``{default: ..., <lang>: ...}`` mapping."""
    return mapping.get(lang, mapping["default"])


def check_length_fits(config: Mapping[str, Any], model_name: str, length: int, key: str) -> None:
    """``length`` subwords (config ``key``) against the positions of ``models.<model_name>``, where its
    files are on this machine (:func:`local_model_directory`); a model not there yet is checked by its
    job once loaded (xlclust.training.finetuning.load_classifier)."""
    spec = config.get("models", {}).get(model_name)
    directory = local_model_directory(spec, config.get("model_cache_dir")) if spec else None
    positions = model_limits(directory)["positions"] if directory else None
    if positions is not None and length > positions:
        raise ConfigError(
            f"config key '{key}': {length} subwords, but the model {model_name!r} ({directory}) takes at most {positions}; "
            f"lower it to {positions} or less"
        )
