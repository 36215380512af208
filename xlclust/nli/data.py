"""XNLI (Conneau et al. 2018): premise–hypothesis pairs with an entailment label, per language.

Two sources. The published files: ``XNLI-1.0`` (``xnli.dev.tsv``, ``xnli.test.tsv``: every language
in one file, a ``language`` column, ``gold_label``, ``sentence1``, ``sentence2``) and ``XNLI-MT-1.0``
(``multinli.train.{lang}.tsv``: ``premise``, ``hypo``, ``label``, MultiNLI's training set machine
translated; ``contradictory`` for contradiction), read from local paths, or from their zip archives
downloaded once and checked against pinned SHA-256 sums. Or the Hub's ``facebook/xnli`` (Parquet,
one config per language) at a pinned revision. Every row is checked; a bad one is named by file and
line."""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xlclust.download import read_zip_member
from xlclust.errors import XlclustError
from xlclust.textfiles import clean_text, decode, empty_file, read_text

log = logging.getLogger(__name__)

LABELS = ("entailment", "neutral", "contradiction")  # the Hub's label IDs 0, 1, 2
SPELLINGS = {"contradictory": "contradiction"}  # XNLI-MT's training files
SPLITS = ("train", "dev", "test")


class XnliDataError(XlclustError):
    pass


@dataclass(frozen=True)
class XnliFiles:
    """The published files: ``train`` a location template with ``{lang}`` (XNLI-MT's
    ``multinli.train.{lang}.tsv``), ``dev`` and ``test`` XNLI-1.0's all-language files. A location
    ``ARCHIVE.zip#MEMBER`` reads a member of a zip archive."""

    train: str
    dev: str
    test: str


def _rows(text: str, where: str, required: tuple[str, ...], config_key: str | None = None) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(clean_text(text)), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        raise empty_file(where, "header and pairs", config_key, XnliDataError)
    missing = [column for column in required if column not in header]
    if missing:
        raise XnliDataError(f"{where}:1: no column {missing[0]!r} in the header {header[:8]}")
    rows = []
    for number, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) != len(header):
            raise XnliDataError(f"{where}:{number}: {len(fields)} tab-separated fields, the header has {len(header)}")
        rows.append((number, dict(zip(header, fields))))
    if not rows:  # a header alone would leave a split without pairs, and the evaluation an index error
        raise empty_file(where, "pairs", config_key, XnliDataError, header_only=True)
    return rows


def _example(where: str, number: int, premise: str, hypothesis: str, label: str) -> dict:
    label = SPELLINGS.get(label, label)
    if label not in LABELS:
        raise XnliDataError(f"{where}:{number}: label {label!r} is none of {', '.join(LABELS)}")
    if not premise.strip() or not hypothesis.strip():
        raise XnliDataError(f"{where}:{number}: an empty premise or hypothesis")
    return {"id": f"{where}:{number}", "premise": premise, "hypothesis": hypothesis, "label": LABELS.index(label)}


def parse_train(text: str, where: str, config_key: str | None = None) -> list[dict]:
    """XNLI-MT's translated training file (``premise``, ``hypo``, ``label``)."""
    rows = _rows(text, where, ("premise", "hypo", "label"), config_key)
    return [_example(where, n, row["premise"], row["hypo"], row["label"]) for n, row in rows]


def parse_evaluation(text: str, where: str, language: str, config_key: str | None = None) -> list[dict]:
    """One language's pairs of XNLI-1.0's dev or test file."""
    rows = _rows(text, where, ("language", "gold_label", "sentence1", "sentence2"), config_key)
    examples = [_example(where, n, row["sentence1"], row["sentence2"], row["gold_label"]) for n, row in rows if row["language"] == language]
    if not examples:
        raise XnliDataError(f"{where}: no pairs of language {language!r} (it has {sorted({row['language'] for _, row in rows})})")
    return examples


def read_location(location: str, fetch: Callable[[str], Path]) -> tuple[str, str]:
    """(text, name for messages) of a location, ``ARCHIVE#MEMBER`` inside a zip archive."""
    archive, _, member = location.partition("#")
    path = fetch(archive)
    if not member:
        return read_text(path, "utf-8", XnliDataError), str(path)
    with zipfile.ZipFile(path) as zipped:
        if member not in zipped.namelist():
            raise XnliDataError(f"{path}: the archive has no member {member!r}")
        return decode(read_zip_member(zipped, member, location), f"{path}#{member}", "utf-8", XnliDataError), f"{path}#{member}"


def read_files(
    files: XnliFiles, language: str, split: str, fetch: Callable[[str], Path], config_key: str = "grouping.evaluation.xnli.files"
) -> list[dict]:
    if split == "train":
        text, where = read_location(files.train.format(lang=language), fetch)
        return parse_train(text, where, f"{config_key}.train")
    text, where = read_location(getattr(files, split), fetch)
    return parse_evaluation(text, where, language, f"{config_key}.{split}")


def read_hub(name: str, revision: str | None, language: str, split: str, cache_dir: str | None = None) -> list[dict]:
    """The Hub's ``facebook/xnli`` (``premise``, ``hypothesis``, ``label`` 0-2): one language's split
    (``dev`` is its ``validation``)."""
    from datasets import load_dataset

    hub_split = {"dev": "validation"}.get(split, split)
    table = load_dataset(name, language, split=hub_split, revision=revision, cache_dir=cache_dir)
    examples = []
    for number, row in enumerate(table):
        if row["label"] not in range(len(LABELS)):
            raise XnliDataError(f"{name} ({language}, {hub_split}) row {number}: label {row['label']!r} is not 0, 1 or 2")
        examples.append({"id": f"{name}/{language}/{hub_split}/{number}", **{k: row[k] for k in ("premise", "hypothesis", "label")}})
    return examples
