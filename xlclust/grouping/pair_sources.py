"""CLSA's translation pairs from the published lexicons ("Tomato, Tomahto, Tomate" §2.2, App. B), each
read from its own file format: MUSE's bilingual dictionaries (``src tgt`` a line), PanLex's Swadesh
lists (one file per language variety, line i the i-th concept, synonyms tab-separated, an empty line
where none is known) and Concepticon's concept lists (TSV, a column of words per language; ``-`` or an
empty cell where the language has none). Pairs are (source word, target word) with the words as the
lexicon writes them; multi-word expressions are kept out (no single subword can hold them)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable

from xlclust.alignment.dictionaries import read_dictionary
from xlclust.download import read_location_text
from xlclust.errors import XlclustError

NO_WORD = {"", "-"}  # Concepticon's mark of a concept a language has no word for


def _words(cell: str, separators: str) -> list[str]:
    for separator in separators[1:]:
        cell = cell.replace(separator, separators[0])
    return [word.strip() for word in cell.split(separators[0]) if word.strip() not in NO_WORD and " " not in word.strip()]


def _unique(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pairs))


def muse_pairs(location: str | os.PathLike) -> list[tuple[str, str]]:
    """A MUSE dictionary's pairs, in its order."""
    return read_dictionary(str(location), "muse", pivot_first=False)


def panlex_pairs(source: str | os.PathLike, target: str | os.PathLike) -> list[tuple[str, str]]:
    """Every pair of single-word expressions of the same concept (the same line) in two PanLex
    Swadesh files; the two files must list the same concepts."""
    source_lines = read_location_text(str(source)).splitlines()
    target_lines = read_location_text(str(target)).splitlines()
    if len(source_lines) != len(target_lines):
        raise XlclustError(
            f"{source} has {len(source_lines)} concept lines but {target} has {len(target_lines)}: not the same Swadesh list"
        )
    return _unique((a, b) for left, right in zip(source_lines, target_lines) for a in _words(left, "\t") for b in _words(right, "\t"))


def concepticon_pairs(location: str | os.PathLike, source_column: str, target_column: str) -> list[tuple[str, str]]:
    """Every pair of single words the two language columns of a Concepticon concept list give one
    concept (a cell may list several words, separated by commas, slashes or semicolons)."""
    text = read_location_text(str(location))
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [column for column in (source_column, target_column) if column not in (reader.fieldnames or [])]
    if missing:
        raise XlclustError(f"{location}: no column {missing[0]!r}; it has {reader.fieldnames}")
    pairs = []
    for row in reader:
        pairs += [(a, b) for a in _words(row[source_column] or "", ",/;") for b in _words(row[target_column] or "", ",/;")]
    return _unique(pairs)
