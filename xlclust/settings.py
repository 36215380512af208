"""Typed settings: a config section as a frozen dataclass, so that library functions take named,
typed fields instead of raw dicts.

The schema (``schemas/config.schema.yaml``) stays the one source of defaults: the workflow validates
the config against it first, so a settings class declares fields without defaults wherever the
schema has one. :func:`settings_from` builds a class from its section, nested classes from nested
sections, and names the config key of anything unknown or missing.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping

from xlclust.errors import ConfigError


def settings_from(cls, section: Mapping, key: str):
    """``cls`` (a dataclass) from the config section ``section`` found at config key ``key``."""
    if not isinstance(section, Mapping):
        raise ConfigError(f"config key '{key}': expected a mapping, got {section!r}")
    hints = typing.get_type_hints(cls)
    fields = {field.name: field for field in dataclasses.fields(cls)}
    unknown = sorted(set(section) - set(fields))
    if unknown:
        raise ConfigError(f"config key '{key}': unknown keys {unknown}; known keys here: {', '.join(sorted(fields))}")
    values = {}
    for name, field in fields.items():
        if name not in section:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise ConfigError(f"config key '{key}.{name}' is missing")
            continue
        value = section[name]
        nested = _settings_class(hints[name])
        if nested is not None and value is not None:
            value = settings_from(nested, value, f"{key}.{name}")
        values[name] = value
    return cls(**values)


def _settings_class(hint):
    """The dataclass a field holds (``X`` or ``X | None``), or None."""
    if dataclasses.is_dataclass(hint):
        return hint
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        classes = [arg for arg in typing.get_args(hint) if dataclasses.is_dataclass(arg)]
        return classes[0] if len(classes) == 1 else None
    return None


@dataclasses.dataclass(frozen=True)
class HubDataset:
    """A data set on the Hugging Face Hub: its ID, configuration and pinned revision."""

    name: str
    config: str | None = None
    revision: str | None = None


@dataclasses.dataclass(frozen=True)
class DatasetSource:
    """Where a task's data set comes from: the Hub, or local files in the layout the task reads
    (``files``: the task's own files class, or its config section as it is); ``drop_classes`` are
    labels read as outside any class."""

    hub: HubDataset | None = None
    files: typing.Any = None
    drop_classes: tuple[str, ...] = ()

    def __post_init__(self):
        if (self.hub is None) == (self.files is None):
            raise ConfigError("a data set source names either 'hub' or 'files'")

    @classmethod
    def from_config(cls, section: Mapping, key: str, files_class=None) -> DatasetSource:
        """From a section ``{source: hub|files, hub: …, files: …}`` (only the one ``source`` names
        is read) or one that holds just ``hub`` or ``files``; ``files`` becomes a ``files_class``."""
        if "source" in section:
            chosen = section["source"]
            if section.get(chosen) is None:
                raise ConfigError(f"config key '{key}': source is {chosen!r} but '{key}.{chosen}' is not set")
            section = {chosen: section[chosen], **{k: section[k] for k in ("drop_classes",) if k in section}}
        source = settings_from(cls, section, key)
        files = source.files
        if files is not None and files_class is not None:
            files = settings_from(files_class, files, f"{key}.files")
        return dataclasses.replace(source, files=files, drop_classes=tuple(source.drop_classes))
