"""Reading text files others wrote: bytes that are not in the expected encoding are an error that
names the file, the line and the byte, never a bare UnicodeDecodeError."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from xlclust.errors import XlclustError


def undecodable(path: str | os.PathLike, encoding: str, error_class: type[XlclustError] = XlclustError) -> XlclustError:
    """The error for ``path`` not being ``encoding`` text, at its first undecodable byte (found again
    over the whole file: a decoder reading in chunks knows only its chunk's offset)."""
    data = Path(path).read_bytes()
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return error_class(
            f"{path}:{line}: not {encoding} text (byte {column} of the line, "
            f"{data[error.start : error.start + 4]!r}); convert the file to {encoding} or give its encoding"
        )
    return error_class(f"{path}: not {encoding} text")


def read_text(path: str | os.PathLike, encoding: str = "utf-8", error_class: type[XlclustError] = XlclustError) -> str:
    try:
        return Path(path).read_text(encoding=encoding)
    except UnicodeDecodeError:
        raise undecodable(path, encoding, error_class) from None


def text_lines(
    path: str | os.PathLike, encoding: str = "utf-8", error_class: type[XlclustError] = XlclustError
) -> Iterator[tuple[int, str]]:
    """(number from 1, line) of a text file, read as it streams."""
    with open(path, encoding=encoding) as handle:
        try:
            yield from enumerate(handle, 1)
        except UnicodeDecodeError:
            raise undecodable(path, encoding, error_class) from None
