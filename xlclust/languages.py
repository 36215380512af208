"""The Wikipedia language editions xlclust knows by code (name, script, family)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    script: str
    family: str


@lru_cache(maxsize=1)
def known_languages() -> dict[str, Language]:
    text = resources.files("xlclust.data").joinpath("wikipedia_languages.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {row["code"]: Language(**row) for row in csv.DictReader(lines, delimiter="\t")}
