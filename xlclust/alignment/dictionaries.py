"""Bilingual dictionaries: MUSE and xling-eval files, splits, vocabulary coverage, and seeds
made without a dictionary (identical strings and numerals, Artetxe et al. 2017).

Pairs are kept as (language word, pivot word) whatever the file's direction. A word counts only
if, normalized as the vocabulary was (lowercase, digits → 0), it is one vocabulary entry as a
whole word (``▁word``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from xlclust.download import read_verified_text
from xlclust.errors import XlclustError
from xlclust.locations import pinned_key
from xlclust.settings import settings_from
from xlclust.textfiles import clean_text, config_hint, empty_file
from xlclust.vocabulary.joint import CONTROL
from xlclust.vocabulary.normalization import normalize
from xlclust.vocabulary.space import WORD_START

log = logging.getLogger(__name__)
FORMATS = {"muse": None, "xling": "\t"}  # MUSE: any whitespace; xling-eval: tab separated
DICTIONARY_CACHE = "resources/dictionaries"  # remote dictionaries, downloaded once (relative to the workflow's directory)


def parse_dictionary(text: str, fmt: str, where: str, pivot_first: bool, config_key: str | None = None) -> list[tuple[str, str]]:
    """(language word, pivot word) pairs of a dictionary file, in file order, duplicates dropped (a
    source word legitimately has several translations, so a repeated word is no error); a file
    without a pair is an error naming it and ``config_key``."""
    if fmt not in FORMATS:
        raise XlclustError(f"{where}{config_hint(config_key)}: unknown dictionary format {fmt!r}; use muse or xling")
    pairs, seen = [], set()
    for number, line in enumerate(clean_text(text).splitlines(), 1):
        if not line.strip():
            continue
        fields = line.strip().split(FORMATS[fmt])
        if len(fields) != 2 or not all(f.strip() for f in fields):
            raise XlclustError(f"{where}:{number}: expected two words ({fmt} format), got {line!r}")
        first, second = (f.strip() for f in fields)
        pair = (second, first) if pivot_first else (first, second)
        if pair not in seen:
            seen.add(pair)
            pairs.append(pair)
    if not pairs:
        raise empty_file(where, "dictionary pairs", config_key)
    return pairs


def read_dictionary(
    location: str, fmt: str, pivot_first: bool, config_key: str | None = None, sha256: str | None = None, cache_dir=DICTIONARY_CACHE
) -> list[tuple[str, str]]:
    """A remote file is downloaded once into ``cache_dir`` and checked against ``sha256``, pinned in
    config beside the location (``dictionaries.<lang>.sha256.<train|test|full>``, the key named in the refusal)."""
    where, pin_key = (f"config key '{config_key}'", f"config key '{pinned_key(config_key)}'") if config_key else (location, None)
    return parse_dictionary(read_verified_text(location, cache_dir, sha256, where, pin_key), fmt, location, pivot_first, config_key)


def split_by_frequency(pairs: list[tuple[str, str]], train_words: int, test_words: int) -> tuple[list, list]:
    """MUSE's split of a full dictionary (ordered by source frequency): the first ``train_words``
    distinct language words train, the next ``test_words`` test."""
    order: dict[str, int] = {}
    for word, _ in pairs:
        order.setdefault(word, len(order))
    train = [p for p in pairs if order[p[0]] < train_words]
    test = [p for p in pairs if train_words <= order[p[0]] < train_words + test_words]
    return train, test


def word_rows(pieces: list[str]) -> dict[str, int]:
    """Normalized whole word -> vocabulary row, for pieces that start a word."""
    return {piece[1:]: row for row, piece in enumerate(pieces) if piece.startswith(WORD_START) and len(piece) > 1}


def restrict_to_vocabulary(pairs, language_pieces: list[str], pivot_pieces: list[str]) -> np.ndarray:
    """Row pairs (language row, pivot row) of the pairs whose both words are single entries."""
    language, pivot = word_rows(language_pieces), word_rows(pivot_pieces)
    rows = dict.fromkeys(  # ordered and without duplicates (two spellings can normalize alike)
        (language[a], pivot[b]) for a, b in ((normalize(a), normalize(b)) for a, b in pairs) if a in language and b in pivot
    )
    return np.array(list(rows), dtype=np.int64).reshape(-1, 2)


def check_order(kept: int, swapped: int, total: int, where: str, order_key: str = "pivot_first") -> None:
    """A file whose sides are swapped (``pivot_first`` wrong) keeps few of its ``total`` pairs, and read
    the other way would keep many (``swapped``): each side's words are entries of its own language's
    vocabulary, rarely of the other's (shared names and numerals fit both ways alike, hence the margin).
    One more lookup per pair, with no word lists beyond the vocabularies already loaded. ``order_key``:
    the config key that sets the order in the file's format."""
    if swapped >= 10 and swapped > 2 * kept:
        raise XlclustError(
            f"{where}: {kept} of {total} pairs fit the vocabularies as read, {swapped} with the two sides swapped: "
            f"the file's language order looks the other way round; check its '{order_key}'"
        )


def check_direction(pairs, language_pieces: list[str], pivot_pieces: list[str], kept: int, where: str) -> None:
    swapped = len(restrict_to_vocabulary([(b, a) for a, b in pairs], language_pieces, pivot_pieces))
    check_order(kept, swapped, len(pairs), where)


def unsupervised_seed(language_pieces: list[str], pivot_pieces: list[str], kind: str) -> np.ndarray:
    """Row pairs of pieces spelled the same in both vocabularies: ``numerals`` (digit pieces only)
    or ``identical`` (every shared piece, numerals included)."""
    if kind not in ("numerals", "identical"):
        raise XlclustError(f"unknown unsupervised seed {kind!r}; use numerals or identical")
    pivot = {piece: row for row, piece in enumerate(pivot_pieces)}
    pairs = []
    for row, piece in enumerate(language_pieces):
        if piece in CONTROL or piece not in pivot:
            continue
        body = piece.replace(WORD_START, "")
        if kind == "identical" or (body and body.isdigit()):
            pairs.append((row, pivot[piece]))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def coverage(read: int, kept: int, where: str) -> dict:
    """Pairs kept / pairs read; none kept is an error, some lost a warning with the counts."""
    if read and not kept:
        raise XlclustError(f"{where}: none of the {read} dictionary pairs has both words as single vocabulary entries")
    if kept < read:
        log.warning("%s: %d of %d pairs (%.1f%%) have both words in the vocabulary", where, kept, read, 100 * kept / read)
    return {"pairs_read": read, "pairs_kept": kept, "coverage": kept / read if read else 0.0}


@dataclass(frozen=True)
class DictionarySpec:
    """One language's entry under config ``dictionaries`` (the schema admits three forms): published
    splits (``format``, ``pivot_first``, ``train``, optional ``test``), one file split here MUSE's way
    (``format``, ``pivot_first``, ``full``, ``train_words``, ``test_words``), or an ``unsupervised``
    seed (``identical``, ``numerals``, or ``mined``: the word pairs the low-resource system mined for the
    language, ``min_count`` times or more). A field the form lacks is None."""

    format: str | None = None
    pivot_first: bool | None = None
    train: str | None = None
    test: str | None = None
    full: str | None = None
    train_words: int | None = None
    test_words: int | None = None
    unsupervised: str | None = None
    min_count: int | None = None
    sha256: Mapping[str, str] | None = None  # location field (train, test, full) → its pinned SHA-256

    @classmethod
    def from_config(cls, section: Mapping, lang: str) -> DictionarySpec:
        return settings_from(cls, section, f"dictionaries.{lang}")


def seed_dictionary(
    lang: str, spec: DictionarySpec, language_pieces: list[str], pivot_pieces: list[str], mined: list[tuple[str, str, int]] | None = None
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Train and test row pairs of ``lang`` against the pivot, per its dictionaries entry; ``mined``:
    the (language word, pivot word, count) type pairs an ``unsupervised: mined`` seed is drawn from."""
    where = f"config key 'dictionaries.{lang}'"
    if spec.unsupervised == "mined":
        if mined is None:
            raise XlclustError(f"{where}: a mined seed needs the low-resource system's mined pairs of {lang!r}")
        pairs = [(a, b) for a, b, count in mined if count >= (spec.min_count or 1)]
        train = restrict_to_vocabulary(pairs, language_pieces, pivot_pieces)
        report = {
            "train": {"unsupervised": "mined", "min_count": spec.min_count or 1, **coverage(len(pairs), len(train), f"{where} (mined)")}
        }
        return train, np.zeros((0, 2), np.int64), report | {"test": None}
    if spec.unsupervised is not None:
        train = unsupervised_seed(language_pieces, pivot_pieces, spec.unsupervised)
        if len(train) == 0:
            raise XlclustError(f"{where}: the {spec.unsupervised} seed is empty: no piece is spelled the same in both vocabularies")
        report = {"train": {"unsupervised": spec.unsupervised, "pairs_kept": len(train)}, "test": None}
        return train, np.zeros((0, 2), np.int64), report
    fmt, pivot_first = spec.format, spec.pivot_first
    if spec.full is not None:
        pairs = read_dictionary(spec.full, fmt, pivot_first, f"dictionaries.{lang}.full", (spec.sha256 or {}).get("full"))
        splits = dict(zip(("train", "test"), split_by_frequency(pairs, spec.train_words, spec.test_words)))
        sources = {"train": spec.full, "test": spec.full}
    elif spec.train is not None:
        sources = {name: getattr(spec, name) for name in ("train", "test") if getattr(spec, name) is not None}
        splits = {
            name: read_dictionary(location, fmt, pivot_first, f"dictionaries.{lang}.{name}", (spec.sha256 or {}).get(name))
            for name, location in sources.items()
        }
    else:
        raise XlclustError(f"{where}: give 'train' (and 'test'), 'full', or 'unsupervised'")
    if not splits.get("train"):  # an empty file, or no training split: nothing to align with
        what = "no training pairs" if spec.full is not None else "no pairs (an empty file?)"
        raise XlclustError(f"{where}: {sources['train']} gives {what}; Procrustes needs a seed dictionary")
    rows, report = {}, {}
    for name in ("train", "test"):
        pairs = splits.get(name, [])
        rows[name] = restrict_to_vocabulary(pairs, language_pieces, pivot_pieces)
        check_direction(pairs, language_pieces, pivot_pieces, len(rows[name]), f"{sources.get(name)} (config key 'dictionaries.{lang}')")
        report[name] = (
            {"source": sources.get(name), **coverage(len(pairs), len(rows[name]), f"{sources.get(name)} ({name})")} if pairs else None
        )
    return rows["train"], rows["test"], report


def write_pairs(rows: np.ndarray, language_pieces: list[str], pivot_pieces: list[str], path) -> None:
    import pandas as pd

    from xlclust.atomic import atomic_path

    table = pd.DataFrame(
        {
            "language_row": rows[:, 0],
            "pivot_row": rows[:, 1],
            "language_piece": [language_pieces[i] for i in rows[:, 0]],
            "pivot_piece": [pivot_pieces[j] for j in rows[:, 1]],
        }
    )
    with atomic_path(path, suffix=".tsv") as tmp:
        table.to_csv(tmp, sep="\t", index=False)


def read_pairs(path) -> np.ndarray:
    import pandas as pd

    return pd.read_csv(path, sep="\t", usecols=["language_row", "pivot_row"]).to_numpy(np.int64).reshape(-1, 2)
