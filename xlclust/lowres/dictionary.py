"""vecmap_sup's seed dictionary (config ``lowres.dictionaries.<lang>``, Hangya et al. 2022 §4.2): a
bilingual file with English (``format: muse`` or ``xling``), or two varieties of PanLex's
Swadesh-207 lists (``format: panlex_swadesh``: NLTK's ``panlex_swadesh.zip`` or a directory of
``{variety}.txt`` files), every pair of one concept's single words — for a language MUSE has no
dictionary of (Basque)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xlclust.alignment.dictionaries import DICTIONARY_CACHE, read_dictionary
from xlclust.alignment.panlex import panlex_pairs, swadesh_files
from xlclust.download import fetch_verified
from xlclust.locations import local_path, pinned_key
from xlclust.lowres.config_checks import PANLEX, panlex_varieties


def lowres_dictionary(spec: Mapping[str, Any], lang: str, english: str, cache_dir: str | Path = DICTIONARY_CACHE) -> list[tuple[str, str]]:
    """(language word, English word) pairs of ``lang``'s dictionary ``spec``; a remote file is
    downloaded once into ``cache_dir`` and checked against its SHA-256 pinned at
    ``lowres.dictionaries.<lang>.sha256.file``."""
    key = f"lowres.dictionaries.{lang}"
    sha256 = spec.get("sha256", {}).get("file")
    if spec.get("format", "muse") != PANLEX:
        return read_dictionary(spec["file"], spec.get("format", "muse"), spec.get("pivot_first", False), f"{key}.file", sha256, cache_dir)
    varieties = panlex_varieties(spec, lang, english)

    def fetch(location: str, where: str) -> Path:  # a remote zip's refusal names where to pin its sum
        return fetch_verified(location, cache_dir, sha256, f"config key '{pinned_key(where) if local_path(location) is None else where}'")

    files = swadesh_files(spec["file"], varieties, fetch, cache_dir, key, "file")
    return panlex_pairs(files[lang], files[english], key)
