"""Where the tagging comparison's files come from: local paths as they are, URLs downloaded once into
the cache and checked against the SHA-256 pinned for them (``tagging.sha256``, by URL)."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

from xlclust.atomic import atomic_directory
from xlclust.download import fetch_verified
from xlclust.settings import DatasetSource
from xlclust.tagging.data import PosSettings
from xlclust.tagging.pos import read_tag_map
from xlclust.token_classification.data import NerFiles

SOURCE_KEYS = ("source", "hub", "files", "drop_classes")


def fetch(location: str, cache_dir: str | os.PathLike, sha256: dict[str, str], where: str) -> Path:
    return fetch_verified(location, cache_dir, sha256.get(location), where)


def task_source(
    section: dict, key: str, splits: list[str], cache_dir: str | os.PathLike, sha256: dict[str, str]
) -> tuple[DatasetSource, PosSettings | None, dict[str, str] | None]:
    """A task's data source of one language (``tagging.data.{lang}.{task}``) with its files local, and
    for POS the map's settings and the map itself."""
    source = DatasetSource.from_config({k: section[k] for k in SOURCE_KEYS if k in section}, key, NerFiles)
    if source.files is not None:
        local = {split: str(fetch(getattr(source.files, split), cache_dir, sha256, f"{key}.files.{split}")) for split in splits}
        source = dataclasses.replace(source, files=dataclasses.replace(source.files, **local))
    if "map" not in section:
        return source, None, None
    map_path = fetch(section["map"], cache_dir, sha256, f"{key}.map")
    pos = PosSettings(map=Path(section["map"]).name, truncated=section.get("truncated", False), extra=dict(section.get("extra", {})))
    return source, pos, read_tag_map(map_path, f"{key}.map")


def laser_files(settings: dict, output: str | os.PathLike, cache_dir: str | os.PathLike, sha256: dict[str, str]) -> None:
    """The published LASER's checkpoint, BPE codes and vocabulary, checked, into ``output``."""
    with atomic_directory(output) as tmp:
        for name, target in (("model", "laser.pt"), ("codes", "codes"), ("vocabulary", "vocabulary")):
            shutil.copyfile(fetch(settings[name], cache_dir, sha256, f"tagging.laser.{name}"), tmp / target)
