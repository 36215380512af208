"""Packing a document's consecutive sentences into pretraining lines of bounded length."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from xlclust.corpus.parquet import iter_batches, parquet_writer
from xlclust.corpus.schema import LINES


def pack_document(sentences: Iterable[str], max_line_tokens: int) -> Iterator[tuple[str, int]]:
    """Concatenate consecutive sentences while the line stays within ``max_line_tokens`` whitespace
    tokens; a sentence longer than that is cut into ``max_line_tokens`` pieces. Yields (text, tokens)."""
    line: list[str] = []
    length = 0
    for sentence in sentences:
        tokens = sentence.split()
        if not tokens:
            continue
        if length and length + len(tokens) > max_line_tokens:
            yield " ".join(line), length
            line, length = [], 0
        while len(tokens) > max_line_tokens:
            yield " ".join(tokens[:max_line_tokens]), max_line_tokens
            tokens = tokens[max_line_tokens:]
        line.extend(tokens)
        length += len(tokens)
        if length == max_line_tokens:
            yield " ".join(line), length
            line, length = [], 0
    if length:
        yield " ".join(line), length


def _documents(path: str | os.PathLike) -> Iterator[tuple[int, list[str]]]:
    """(doc_id, sentences) in table order, streaming."""
    current, sentences = None, []
    for batch in iter_batches(path, columns=["doc_id", "text"]):
        for doc_id, text in zip(batch.column("doc_id").to_pylist(), batch.column("text").to_pylist()):
            if doc_id != current and sentences:
                yield current, sentences
                sentences = []
            current = doc_id
            sentences.append(text)
    if sentences:
        yield current, sentences


def pack_sentence_table(sentences_path: str | os.PathLike, output: str | os.PathLike, max_line_tokens: int) -> dict[str, int]:
    """Write the packed lines of one language; lines never cross a document boundary."""
    line_number = 0
    tokens = 0
    with parquet_writer(output, LINES) as rows:
        for doc_id, sentences in _documents(sentences_path):
            for text, length in pack_document(sentences, max_line_tokens):
                rows.append(doc_id=doc_id, line=line_number, n_tokens=length, text=text)
                line_number += 1
                tokens += length
    return {"lines": line_number, "tokens": tokens}
