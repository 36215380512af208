"""CLSA's translation pairs from the published lexicons ("Tomato, Tomahto, Tomate" §2.2, App. B), each
read from its own file format: MUSE's bilingual dictionaries (``src tgt`` a line), PanLex's Swadesh
lists (one file per language variety, line i the i-th concept, synonyms tab-separated, an empty line
where none is known) and Concepticon's concept lists (TSV, a column of words per language; ``-`` or an
empty cell where the language has none). Pairs are (source word, target word) with the words as the
lexicon writes them; multi-word expressions are kept out (no single subword can hold them)."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable

from xlclust.alignment.dictionaries import read_dictionary
from xlclust.download import read_location_text
from xlclust.errors import XlclustError
from xlclust.textfiles import clean_text, config_hint, empty_file

NO_WORD = {"", "-"}  # Concepticon's mark of a concept a language has no word for


def _words(cell: str, separators: str) -> list[str]:
    for separator in separators[1:]:
        cell = cell.replace(separator, separators[0])
    return [word.strip() for word in cell.split(separators[0]) if word.strip() not in NO_WORD and " " not in word.strip()]


def _unique(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pairs))


def muse_pairs(location: str | os.PathLike, config_key: str | None = None) -> list[tuple[str, str]]:
    """A MUSE dictionary's pairs, in its order."""
    return read_dictionary(str(location), "muse", pivot_first=False, config_key=config_key)


def _lines(location: str | os.PathLike, what: str, config_key: str | None) -> list[str]:
    text = clean_text(read_location_text(str(location)))
    if not text.strip():
        raise empty_file(location, what, config_key)
    return text.splitlines()


def panlex_pairs(source: str | os.PathLike, target: str | os.PathLike, config_key: str | None = None) -> list[tuple[str, str]]:
    """Every pair of single-word expressions of the same concept (the same line) in two PanLex
    Swadesh files; the two files must list the same concepts."""
    source_lines, target_lines = _lines(source, "concepts", config_key), _lines(target, "concepts", config_key)
    if len(source_lines) != len(target_lines):
        raise XlclustError(
            f"{source} has {len(source_lines)} concept lines but {target} has {len(target_lines)}: not the same Swadesh list"
        )
    return _unique((a, b) for left, right in zip(source_lines, target_lines) for a in _words(left, "\t") for b in _words(right, "\t"))


def concepticon_pairs(
    location: str | os.PathLike, source_column: str, target_column: str, config_key: str | None = None
) -> list[tuple[str, str]]:
    """Every pair of single words the two language columns of a Concepticon concept list give one
    concept (a cell may list several words, separated by commas, slashes or semicolons)."""
    lines = _lines(location, "header and concepts", config_key)
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    missing = [column for column in (source_column, target_column) if column not in header]
    if missing:
        raise XlclustError(f"{location}:1{config_hint(config_key)}: no column {missing[0]!r}; it has {header}")
    columns, pairs, rows = (header.index(source_column), header.index(target_column)), [], 0
    for number, fields in enumerate(reader, 2):
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            raise XlclustError(f"{location}:{number}: {len(fields)} tab-separated fields, the header has {len(header)}")
        rows += 1
        pairs += [(a, b) for a in _words(fields[columns[0]], ",/;") for b in _words(fields[columns[1]], ",/;")]
    if not rows:
        raise empty_file(location, "concepts", config_key, header_only=True)
    return _unique(pairs)
