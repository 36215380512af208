"""CLSA's translation pairs from the published lexicons ("Tomato, Tomahto, Tomate" §2.2, App. B), each
read from its own file format: MUSE's bilingual dictionaries (``src tgt`` a line), PanLex's Swadesh
lists (one file per language variety, line i the i-th concept, synonyms tab-separated, an empty line
where none is known) and Concepticon's concept lists (TSV, a column of words per language; ``-`` or an
empty cell where the language has none). Pairs are (source word, target word) with the words as the
lexicon writes them; multi-word expressions are kept out (no single subword can hold them)."""

from __future__ import annotations

import csv
import os

from xlclust.alignment.dictionaries import read_dictionary
from xlclust.alignment.panlex import cell_words, location_lines, unique_pairs
from xlclust.alignment.panlex import panlex_pairs as panlex_pairs  # re-exported: one of CLSA's lexicons (read in the alignment stage)
from xlclust.errors import XlclustError
from xlclust.textfiles import config_hint, empty_file


def muse_pairs(location: str | os.PathLike, config_key: str | None = None) -> list[tuple[str, str]]:
    """A MUSE dictionary's pairs, in its order."""
    return read_dictionary(str(location), "muse", pivot_first=False, config_key=config_key)


def concepticon_pairs(
    location: str | os.PathLike, source_column: str, target_column: str, config_key: str | None = None
) -> list[tuple[str, str]]:
    """Every pair of single words the two language columns of a Concepticon concept list give one
    concept (a cell may list several words, separated by commas, slashes or semicolons)."""
    lines = location_lines(location, "header and concepts", config_key)
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
        pairs += [(a, b) for a in cell_words(fields[columns[0]], ",/;") for b in cell_words(fields[columns[1]], ",/;")]
    if not rows:
        raise empty_file(location, "concepts", config_key, header_only=True)
    return unique_pairs(pairs)
