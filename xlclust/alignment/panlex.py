"""PanLex's Swadesh-207 lists as NLTK distributes them (``panlex_swadesh.zip``, members
``swadesh207/{variety}.txt``, or a directory of those files): one file per language variety, line i
the i-th concept, synonyms tab-separated, an empty line where none is known. Two varieties' files
give the word pairs of one concept. Read by CLSA's pair sets (config ``grouping.clsa.panlex``) and
by the low-resource system's seed dictionaries (``lowres.dictionaries.<lang>``, format
``panlex_swadesh``); the config key each error names is the caller's. Multi-word expressions are
kept out (no single subword or word anchor can hold them)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from xlclust.atomic import atomic_path
from xlclust.download import file_digest, read_location_text, read_zip_member
from xlclust.errors import ConfigError, XlclustError
from xlclust.locations import local_path
from xlclust.textfiles import clean_text, empty_file

Fetch = Callable[[str, str], Path]  # (location, config key) → a local file
NO_WORD = {"", "-"}  # a lexicon's mark of a concept a language has no word for


def cell_words(cell: str, separators: str) -> list[str]:
    """The single words of one cell, split at any of ``separators``."""
    for separator in separators[1:]:
        cell = cell.replace(separator, separators[0])
    return [word.strip() for word in cell.split(separators[0]) if word.strip() not in NO_WORD and " " not in word.strip()]


def unique_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pairs))


def location_lines(location: str | os.PathLike, what: str, config_key: str | None) -> list[str]:
    """A lexicon file's lines; an empty file is an error naming it and ``config_key``."""
    text = clean_text(read_location_text(str(location)))
    if not text.strip():
        raise empty_file(location, what, config_key)
    return text.splitlines()


def swadesh_files(
    location: str, varieties: dict[str, str], fetch: Fetch, cache_dir: str | Path, config_key: str, location_name: str = "location"
) -> dict[str, Path]:
    """Each language's Swadesh file: from a directory of ``{variety}.txt`` files, or extracted once
    into ``cache_dir/panlex/<the zip's SHA-256, 16 digits>`` from the zip (its ``swadesh207/{variety}.txt``
    members: a new archive never reads an older one's extraction). Errors name
    ``{config_key}.{location_name}`` (the location) or ``{config_key}.varieties.<lang>``."""
    location_key = f"{config_key}.{location_name}"
    directory = local_path(location)
    if directory is not None and directory.is_dir():
        files = {lang: directory / f"{variety}.txt" for lang, variety in varieties.items()}
    else:
        archive = fetch(location, location_key)
        extracted = Path(cache_dir) / "panlex" / file_digest(archive, "sha256")[:16]
        files = {lang: extracted / f"{variety}.txt" for lang, variety in varieties.items()}
        with zipfile.ZipFile(archive) as zipped:
            members = {Path(name).name: name for name in zipped.namelist() if Path(name).parent.name == "swadesh207"}
            for lang, path in files.items():
                if path.is_file():
                    continue
                if path.name not in members:
                    raise ConfigError(f"{config_key}.varieties.{lang}: {archive} has no swadesh207/{path.name}")
                path.parent.mkdir(parents=True, exist_ok=True)
                with atomic_path(path, suffix=".txt") as tmp:
                    tmp.write_bytes(read_zip_member(zipped, members[path.name], location_key))
    for lang, path in files.items():
        if not path.is_file():
            raise ConfigError(f"{config_key}.varieties.{lang}: {path} not found")
    return files


def panlex_pairs(source: str | os.PathLike, target: str | os.PathLike, config_key: str | None = None) -> list[tuple[str, str]]:
    """Every pair of single-word expressions of the same concept (the same line) in two PanLex
    Swadesh files; the two files must list the same concepts."""
    source_lines, target_lines = location_lines(source, "concepts", config_key), location_lines(target, "concepts", config_key)
    if len(source_lines) != len(target_lines):
        raise XlclustError(
            f"{source} has {len(source_lines)} concept lines but {target} has {len(target_lines)}: not the same Swadesh list"
        )
    return unique_pairs(
        (a, b) for left, right in zip(source_lines, target_lines) for a in cell_words(left, "\t") for b in cell_words(right, "\t")
    )
