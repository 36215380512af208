"""Part-of-speech tags mapped to the 12 universal tags of Petrov, Das & McDonald (2011), through their
published ``{treebank}.map`` files (``TAG<TAB>UNIVERSAL`` a line; some files separate the two by
spaces, end lines with a bare carriage return or a stray tab): van der Heijden et al. tag POS in the
universal set in every language. (``en-claws.map`` maps to Universal Dependencies' tags instead, and
is refused.)"""

from __future__ import annotations

import os

from xlclust.errors import XlclustError
from xlclust.textfiles import empty_file, read_text

UNIVERSAL_TAGS = (".", "ADJ", "ADP", "ADV", "CONJ", "DET", "NOUN", "NUM", "PRON", "PRT", "VERB", "X")


def read_tag_map(path: str | os.PathLike, config_key: str | None = None) -> dict[str, str]:
    """A treebank tag → universal tag mapping; a malformed line, a tag mapped twice or a target outside
    the 12 universal tags fails with the file and line."""
    mapping: dict[str, str] = {}
    lines: dict[str, int] = {}  # where each tag is first mapped
    text = read_text(path)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if number == 1 and line.startswith("#"):  # a comment line heads some maps
            continue
        fields = line.split()
        if len(fields) != 2 or not fields[0] or fields[1] not in UNIVERSAL_TAGS:
            raise XlclustError(f"{path}:{number}: expected 'TAG<TAB>UNIVERSAL' with one of {' '.join(UNIVERSAL_TAGS)}: {line[:80]!r}")
        tag, universal = fields
        if mapping.get(tag, universal) != universal:
            raise XlclustError(
                f"{path}:{number}: {tag!r} is mapped to {mapping[tag]} on line {lines[tag]} and to {universal} on line {number}"
            )
        mapping[tag] = universal
        lines.setdefault(tag, number)
    if not mapping:
        raise empty_file(path, "tag mappings", config_key)
    return mapping


def to_universal(tags: list[str], mapping: dict[str, str], where: str, map_name: str) -> list[str]:
    """A sentence's tags in the universal set; a tag the map lacks fails naming the sentence and the map."""
    try:
        return [mapping[tag] for tag in tags]
    except KeyError as missing:
        raise XlclustError(f"{where}: POS tag {missing.args[0]!r} is not in {map_name}") from None


def extend_mapping(mapping: dict[str, str], tags: set[str], truncated: bool, extra: dict[str, str], map_name: str) -> dict[str, str]:
    """The map for the tags a corpus uses: ``extra`` (tags the map lacks, declared in config) first;
    with ``truncated``, a tag the map lacks that is a prefix of map tags all mapped alike takes their
    universal tag (CoNLL-2002 Spanish writes EAGLES tags cut to two or three letters)."""
    for tag, universal in extra.items():
        if universal not in UNIVERSAL_TAGS:
            raise XlclustError(f"{map_name}: extra tag {tag!r} → {universal!r}, not one of the 12 universal tags")
    extended = mapping | extra
    for tag in sorted(tags - set(extended)) if truncated else []:
        targets = {universal for full, universal in mapping.items() if full.startswith(tag)}
        if len(targets) == 1:
            extended[tag] = targets.pop()
        elif targets:
            raise XlclustError(f"{map_name}: the truncated tag {tag!r} stands for tags of {sorted(targets)}; name it under extra")
    return extended
