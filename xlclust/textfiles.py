"""Reading text files others wrote (dictionaries, task data, tag maps, gold alignments, qrels): every
reader of such a file goes through here, so that all of them treat hostile input alike.

What they share:

- bytes not in the expected encoding are an error naming the file, the line and the byte;
- a UTF-8 byte-order mark is dropped (editors on Windows write one; kept, it glues onto the first word);
- CRLF (and a bare CR) read as LF;
- an empty file, or one with a header only, is an error naming the file and the config key, not an
  empty result that fails a job later or scores 0;
- a key the format says is unique (a qrels (topic, passage), a topic or document ID) met twice is an
  error naming the file and both lines: the formats' own tools refuse such files too (trec_eval).

Readers stay streaming where the files can be large (:func:`text_lines`)."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from xlclust.errors import XlclustError

BOM = "\ufeff"


def config_hint(config_key: str | None) -> str:
    return f" (config key '{config_key}')" if config_key else ""


def undecodable_bytes(data: bytes, where: str, encoding: str, error_class: type[XlclustError] = XlclustError) -> XlclustError:
    """The error for ``data`` (the contents of ``where``) not being ``encoding`` text, at its first undecodable byte."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return error_class(
            f"{where}:{line}: not {encoding} text (byte {column} of the line, "
            f"{data[error.start : error.start + 4]!r}); convert the file to {encoding} or give its encoding"
        )
    return error_class(f"{where}: not {encoding} text")


def _raw_bytes(path: str | os.PathLike) -> bytes:
    data = Path(path).read_bytes()
    return gzip.decompress(data) if str(path).endswith(".gz") else data


def undecodable(path: str | os.PathLike, encoding: str, error_class: type[XlclustError] = XlclustError) -> XlclustError:
    """The error for ``path`` not being ``encoding`` text (found again over the whole file: a decoder
    reading in chunks knows only its chunk's offset)."""
    return undecodable_bytes(_raw_bytes(path), str(path), encoding, error_class)


def clean_text(text: str) -> str:
    """Text without a leading byte-order mark, its line ends LF (as ``open`` reads them)."""
    return text.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, where: str, encoding: str = "utf-8", error_class: type[XlclustError] = XlclustError) -> str:
    """Bytes read from an archive member or a download, decoded and cleaned as a file would be."""
    try:
        return clean_text(data.decode(encoding))
    except UnicodeDecodeError:
        raise undecodable_bytes(data, where, encoding, error_class) from None


def read_text(path: str | os.PathLike, encoding: str = "utf-8", error_class: type[XlclustError] = XlclustError) -> str:
    try:
        return clean_text(Path(path).read_text(encoding=encoding))
    except UnicodeDecodeError:
        raise undecodable(path, encoding, error_class) from None


def text_lines(
    path: str | os.PathLike, encoding: str = "utf-8", error_class: type[XlclustError] = XlclustError
) -> Iterator[tuple[int, str]]:
    """(number from 1, line) of a text file (gzip-compressed if its name ends in .gz), read as it
    streams; the first line without a byte-order mark, line ends as read by ``open`` (CRLF → LF)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding=encoding) as handle:
        try:
            for number, line in enumerate(handle, 1):
                yield number, line.removeprefix(BOM) if number == 1 else line
        except UnicodeDecodeError:
            raise undecodable(path, encoding, error_class) from None


def empty_file(where, what: str, config_key: str | None = None, error_class=XlclustError, header_only: bool = False) -> XlclustError:
    """The error for a file without ``what`` (an empty result would fail a later job, or score 0)."""
    problem = "has a header and nothing else" if header_only else "is empty"
    return error_class(f"{where}{config_hint(config_key)}: the file {problem}: no {what}; check the file (a failed download?) or its path")


def data_lines(
    path: str | os.PathLike,
    what: str,
    config_key: str | None = None,
    encoding: str = "utf-8",
    error_class: type[XlclustError] = XlclustError,
) -> Iterator[tuple[int, str]]:
    """(number, line without its line end) of the non-blank lines of a file; a file without one is
    an error naming it (raised when the stream ends, before a caller that reads everything first writes)."""
    found = False
    for number, line in text_lines(path, encoding, error_class):
        line = line.rstrip("\n")
        if line.strip():
            found = True
            yield number, line
    if not found:
        raise empty_file(path, what, config_key, error_class)


def fields_of(line: str, width: int, where, number: int, layout: str, separator: str | None = None, error_class=XlclustError) -> list[str]:
    """A line's ``width`` fields (split at ``separator``, None: any whitespace); another count is an error naming file and line."""
    fields = line.strip().split() if separator is None else line.split(separator)
    if len(fields) != width:
        raise error_class(f"{where}:{number}: {len(fields)} fields where a line has {width} ({layout}): {line.strip()[:80]!r}")
    return fields


class UniqueKeys:
    """The keys of a file seen so far and their lines: a key met twice is an error naming both lines."""

    def __init__(self, where, what: str, error_class: type[XlclustError] = XlclustError):
        self.where, self.what, self.error_class, self.lines = where, what, error_class, {}

    def add(self, key, number: int) -> None:
        first = self.lines.setdefault(key, number)
        if first != number:
            raise self.error_class(
                f"{self.where}:{number}: {self.what} {key!r} appears twice (line {first} and line {number}); the format allows one"
            )


def required(items: Iterable, where, what: str, config_key: str | None = None, error_class=XlclustError) -> Iterator:
    """``items`` as they stream; none at all is an error naming ``where`` (a file of blank lines, or
    one whose header is all it has, read as an empty data set would fail a later job, or score 0)."""
    found = False
    for item in items:
        found = True
        yield item
    if not found:
        raise empty_file(where, what, config_key, error_class)
