"""NER sentences from WikiAnn (PAN-X, the Rahimi et al. 2019 splits), CoNLL files and JSON lines.

One loader per format — the Hugging Face Hub copy (``unimelb-nlp/wikiann``), Rahimi's
``lang:token<TAB>TAG`` files, CoNLL columns, JSON lines of ``{"tokens", "tags"}`` (BasqueGLUE) —
IOB1 files (Szeged NER) converted to IOB2 first — each yields :class:`Sentence` objects that know
where they came from; one checker then validates every sentence the same way: strict IOB2 tags
of the configured classes, no empty tokens. The checked sentences become a Parquet table per
language and split (columns ``id``, ``language``, ``tokens``, ``tags``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from xlclust.errors import XlclustError
from xlclust.settings import DatasetSource
from xlclust.subsample import subsample
from xlclust.textfiles import required, text_lines

log = logging.getLogger(__name__)
SPLITS = ("train", "dev", "test")
HUB_SPLITS = {"train": "train", "dev": "validation", "test": "test"}
SCHEMA = pa.schema([("id", pa.string()), ("language", pa.string()), ("tokens", pa.list_(pa.string())), ("tags", pa.list_(pa.string()))])
PROBLEM_COLUMNS = ["language", "split", "where", "problem", "action"]


class NerDataError(XlclustError):
    """NER data that cannot be used; the message names the file and line (or dataset row)."""


@dataclass
class Sentence:
    tokens: list[str]
    tags: list[str]
    where: str  # "file:line" of the first token, or "dataset (split) row N"


@dataclass(frozen=True)
class NerFiles:
    """One NER data set's files (config ``ner_files`` in the schema): ``rahimi`` (``lang:token<TAB>TAG``),
    ``conll`` (columns) or ``jsonl`` (``{"tokens": [...], "tags": [...]}`` a line)."""

    format: str
    train: str
    dev: str
    test: str
    prefix: str | None = None  # rahimi: the token prefix, when not the language code
    token_column: int = 0
    tag_column: int = -1
    encoding: str = "utf-8"
    drop_classes: tuple[str, ...] = ()
    tag_encoding: str = "iob2"  # iob1: I- opens an entity, B- only after an adjacent one of the same class
    outside: str = "O"  # the files' outside tag (Szeged NER writes 0)


@dataclass
class CheckedSentences:
    sentences: list[Sentence]
    problems: list[dict] = field(default_factory=list)


def read_rahimi(path: str | os.PathLike, language: str, encoding: str = "utf-8", config_key: str | None = None) -> Iterator[Sentence]:
    """Rahimi et al.'s WikiAnn files: ``lang:token<TAB>TAG`` a line, a blank line between sentences."""
    return required(_rahimi(path, language, encoding), path, "sentences", config_key, NerDataError)


def _rahimi(path: str | os.PathLike, language: str, encoding: str = "utf-8") -> Iterator[Sentence]:
    prefix = f"{language}:"
    tokens, tags, start = [], [], 0
    for number, line in text_lines(path, encoding, NerDataError):
        line = line.rstrip("\r\n")
        if not line.strip():
            if tokens:
                yield Sentence(tokens, tags, f"{path}:{start}")
            tokens, tags = [], []
            continue
        token, tab, tag = line.rpartition("\t")
        if not tab:
            raise NerDataError(f"{path}:{number}: expected '{language}:token<TAB>TAG', found {line[:80]!r}")
        if not token.startswith(prefix):
            raise NerDataError(f"{path}:{number}: the token does not start with {prefix!r} (a file of another language?): {line[:80]!r}")
        if not tokens:
            start = number
        tokens.append(token[len(prefix) :])
        tags.append(tag.strip())
    if tokens:
        yield Sentence(tokens, tags, f"{path}:{start}")


def read_conll(
    path: str | os.PathLike, token_column: int = 0, tag_column: int = -1, encoding: str = "utf-8", config_key: str | None = None
) -> Iterator[Sentence]:
    """CoNLL column files (CoNLL-2002/2003): whitespace-separated columns, the token in
    ``token_column`` and the tag in ``tag_column``; blank lines and ``-DOCSTART-`` lines end sentences.
    Every line has as many columns as the first."""
    return required(_conll(path, token_column, tag_column, encoding), path, "sentences", config_key, NerDataError)


def _conll(path: str | os.PathLike, token_column: int = 0, tag_column: int = -1, encoding: str = "utf-8") -> Iterator[Sentence]:
    tokens, tags, start, width = [], [], 0, None
    for number, line in text_lines(path, encoding, NerDataError):
        columns = line.split()
        if columns and width is None:
            width = len(columns)
        elif columns and len(columns) != width:
            raise NerDataError(f"{path}:{number}: {len(columns)} columns where the file's first line has {width}: {line.strip()[:80]!r}")
        if not columns or columns[0] == "-DOCSTART-":
            if tokens:
                yield Sentence(tokens, tags, f"{path}:{start}")
            tokens, tags = [], []
            continue
        try:
            token, tag = columns[token_column], columns[tag_column]
        except IndexError:
            raise NerDataError(
                f"{path}:{number}: {len(columns)} columns, the token is in column {token_column} and "
                f"the tag in column {tag_column}: {line.strip()[:80]!r}"
            ) from None
        if not tokens:
            start = number
        tokens.append(token)
        tags.append(tag)
    if tokens:
        yield Sentence(tokens, tags, f"{path}:{start}")


def read_jsonl(path: str | os.PathLike, encoding: str = "utf-8", config_key: str | None = None) -> Iterator[Sentence]:
    """JSON lines with ``tokens`` and ``tags`` lists of equal length (BasqueGLUE's NERCid)."""
    return required(_jsonl(path, encoding), path, "sentences", config_key, NerDataError)


def _jsonl(path: str | os.PathLike, encoding: str = "utf-8") -> Iterator[Sentence]:
    import json

    for number, line in text_lines(path, encoding, NerDataError):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            tokens, tags = list(row["tokens"]), list(row["tags"])
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise NerDataError(f"{path}:{number}: not a JSON object with tokens and tags ({error})") from None
        if len(tokens) != len(tags):
            raise NerDataError(f"{path}:{number}: {len(tokens)} tokens but {len(tags)} tags")
        yield Sentence(tokens, tags, f"{path}:{number}")


def to_iob2(sentence: Sentence, outside: str = "O", tag_encoding: str = "iob2") -> Sentence:
    """The sentence's tags as IOB2 with ``O`` outside: the files' outside tag renamed, and under IOB1
    every I-X that does not continue an X entity opened as B-X."""
    tags = ["O" if tag == outside else tag for tag in sentence.tags]
    if tag_encoding == "iob1":
        tags = [
            "B-" + tag[2:] if tag.startswith("I-") and (position == 0 or tags[position - 1][2:] != tag[2:]) else tag
            for position, tag in enumerate(tags)
        ]
    return Sentence(sentence.tokens, tags, sentence.where)


def load_hub(
    name: str,
    language: str,
    split: str,
    revision: str | None = None,
    cache_dir: str | None = None,
    config: str | None = None,
    tag_field: str = "ner_tags",
) -> Iterator[Sentence]:
    """One language's split of a Hub tagging dataset (tags as class labels in ``tag_field``: NER's, or
    ``pos_tags`` of the CoNLL copies): WikiAnn has one config per language (``config`` None: the
    language code); another dataset names its own."""
    import datasets

    hub_split = HUB_SPLITS[split]
    dataset = datasets.load_dataset(name, config or language, split=hub_split, revision=revision, cache_dir=cache_dir)
    missing = {"tokens", tag_field} - set(dataset.column_names)
    if missing:
        raise NerDataError(f"{name} ({language}, {hub_split}): no column {sorted(missing)}; is this a tagged dataset?")
    names = dataset.features[tag_field].feature.names
    for row_number, row in enumerate(dataset):
        yield Sentence(list(row["tokens"]), [names[t] for t in row[tag_field]], f"{name} ({language}, {hub_split}) row {row_number}")


def read_sentences(
    source: DatasetSource, language: str, split: str, cache_dir: str | None = None, tag_field: str = "ner_tags"
) -> Iterator[Sentence]:
    """The sentences of one language's split from its source: the Hub (tags from ``tag_field``), or
    :class:`NerFiles` (tags from their ``tag_column``)."""
    from xlclust.locations import local_path

    if source.hub is not None:
        hub = source.hub
        return load_hub(hub.name, language, split, hub.revision, cache_dir, hub.config, tag_field)
    files: NerFiles = source.files
    location = getattr(files, split)
    path = local_path(location)
    if path is None:
        raise NerDataError(f"{location}: NER files are read from local paths or file:// URLs ({language} {split})")
    if not Path(path).exists():
        raise NerDataError(f"{location}: no such file ({language} {split})")
    if files.format == "rahimi":
        sentences = read_rahimi(path, files.prefix or language, files.encoding)
    elif files.format == "jsonl":
        sentences = read_jsonl(path, files.encoding)
    else:
        sentences = read_conll(path, files.token_column, files.tag_column, files.encoding)
    if files.tag_encoding == "iob2" and files.outside == "O":
        return sentences
    return (to_iob2(sentence, files.outside, files.tag_encoding) for sentence in sentences)


def check_sentences(
    sentences: Iterable[Sentence], classes: list[str], invalid_tags: str = "repair", drop_classes: Iterable[str] = ()
) -> CheckedSentences:
    """Validate every sentence: tokens non-empty, tags ``O`` or ``B-``/``I-`` of ``classes``
    (tags of ``drop_classes`` become ``O``), IOB2 order. An ``I-X`` that does not continue an X
    entity is an error with ``invalid_tags: error``; with ``repair`` it becomes ``B-X`` (what the
    CoNLL script reads it as) and is listed as a problem. A sentence without tokens is skipped and
    listed."""
    allowed = {"O", *(f"{p}-{c}" for c in classes for p in "BI")}
    dropped = {f"{p}-{c}" for c in drop_classes for p in "BI"}
    kept, problems = [], []
    for sentence in sentences:
        if not sentence.tokens:
            problems.append({"where": sentence.where, "problem": "a sentence without tokens", "action": "skipped"})
            continue
        for position, (token, tag) in enumerate(zip(sentence.tokens, sentence.tags)):
            if not token.strip():
                raise NerDataError(f"{sentence.where}: token {position + 1} of the sentence is empty")
            if tag in dropped:
                sentence.tags[position] = "O"
            elif tag not in allowed:
                raise NerDataError(
                    f"{sentence.where}: token {position + 1} ({token!r}) has the unknown tag {tag!r}; "
                    f"the classes are {', '.join(classes)} in IOB2 (O, B-X, I-X)"
                )
        for position, tag in enumerate(sentence.tags):
            previous = sentence.tags[position - 1] if position else "O"
            if tag.startswith("I-") and previous[2:] != tag[2:]:
                problem = f"token {position + 1} ({sentence.tokens[position]!r}): {tag} after {previous} (I- without B-)"
                if invalid_tags == "error":
                    raise NerDataError(f"{sentence.where}: {problem}; set invalid_tags: repair to read it as B-{tag[2:]}")
                sentence.tags[position] = "B-" + tag[2:]
                problems.append({"where": sentence.where, "problem": problem, "action": f"read as B-{tag[2:]}"})
        kept.append(sentence)
    return CheckedSentences(kept, problems)


def sentences_table(sentences: list[Sentence], language: str, split: str, name: str | None = None) -> pa.Table:
    """Rows id (``{name}-{split}-{i}``, the name defaulting to the language), language, tokens, tags."""
    return pa.Table.from_pylist(
        [
            {"id": f"{name or language}-{split}-{i}", "language": language, "tokens": s.tokens, "tags": s.tags}
            for i, s in enumerate(sentences)
        ],
        schema=SCHEMA,
    )


def prepare_language(
    source: DatasetSource,
    language: str,
    classes: list[str],
    limits: dict,
    seed: int,
    invalid_tags: str = "repair",
    cache_dir: str | None = None,
    name: str | None = None,
) -> tuple[dict[str, pa.Table], list[dict], list[dict]]:
    """Every split of one language's data set (WikiAnn's, or another corpus called ``name``), read,
    checked and limited: (split → table, counts rows, problem rows). A language without training
    sentences is an error. ``drop_classes`` of the source (or of its files) are read as O."""
    drop = source.drop_classes or (source.files.drop_classes if source.files is not None else ())
    tables, counts, problems = {}, [], []
    for split in SPLITS:
        checked = check_sentences(read_sentences(source, language, split, cache_dir), classes, invalid_tags, drop)
        used = subsample(checked.sentences, limits.get(split), seed)
        if not used:
            where = getattr(source.files, split) if source.files is not None else source.hub.name
            raise NerDataError(f"{where}: no {split} sentences for {language!r}; every language needs train, dev and test sentences")
        tables[split] = sentences_table(used, language, split, name)
        entities = sum(tag.startswith("B-") for s in used for tag in s.tags)
        counts.append(
            {
                "language": language,
                "split": split,
                "sentences_read": len(checked.sentences) + sum(p["action"] == "skipped" for p in checked.problems),
                "sentences_used": len(used),
                "tokens": sum(len(s.tokens) for s in used),
                "entities": entities,
            }
        )
        problems += [{"language": language, "split": split, **p} for p in checked.problems]
        if checked.problems:
            log.warning(
                "%s %s: %d problems (first: %s: %s)",
                language,
                split,
                len(checked.problems),
                checked.problems[0]["where"],
                checked.problems[0]["problem"],
            )
        log.info("%s %s: %d sentences, %d entities", language, split, len(used), entities)
    return tables, counts, problems


def write_language_tables(tables: dict[str, pa.Table], counts: list[dict], problems: list[dict], outputs) -> None:
    """One language's checked split tables (Parquet), counts and problems (CSV), each atomically;
    ``outputs`` names train, dev, test, counts and problems."""
    import pandas as pd
    import pyarrow.parquet as pq

    from xlclust.atomic import atomic_path, write_csv_atomic

    for split in SPLITS:
        with atomic_path(getattr(outputs, split), suffix=".parquet") as tmp:
            pq.write_table(tables[split], tmp)
    write_csv_atomic(pd.DataFrame(counts), outputs.counts)
    write_csv_atomic(pd.DataFrame(problems, columns=PROBLEM_COLUMNS), outputs.problems)
