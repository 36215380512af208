"""Per-language corpus statistics, streamed over the sentence tables."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from xlclust.corpus.parquet import iter_batches


def sentence_table_stats(path: str | os.PathLike) -> dict[str, int]:
    """Documents, sentences, whitespace tokens and characters of one sentence table.

    Rows of a document are contiguous, so documents are counted as changes of ``doc_id``.
    """
    documents = sentences = tokens = characters = 0
    previous = None
    for batch in iter_batches(path, columns=["doc_id", "text"]):
        doc_ids = batch.column("doc_id").to_numpy()
        if len(doc_ids) == 0:
            continue
        documents += int(np.count_nonzero(doc_ids[1:] != doc_ids[:-1])) + int(doc_ids[0] != previous)
        previous = doc_ids[-1]
        text = batch.column("text")
        sentences += len(text)
        tokens += pc.sum(pc.list_value_length(pc.utf8_split_whitespace(text))).as_py() or 0
        characters += pc.sum(pc.utf8_length(text)).as_py() or 0
    return {"documents": documents, "sentences": sentences, "tokens": tokens, "characters": characters}


def corpus_stats(sentence_tables: dict[str, str | os.PathLike], extraction_summaries: dict[str, str | os.PathLike]) -> pd.DataFrame:
    """One row per language: text statistics plus what extraction read and skipped."""
    rows = []
    for lang, path in sentence_tables.items():
        summary = json.loads(Path(extraction_summaries[lang]).read_text())
        rows.append(
            {
                "language": lang,
                **sentence_table_stats(path),
                "pages_read": summary.get("pages", 0),
                "redirects_skipped": summary.get("redirects", 0),
                "disambiguation_skipped": summary.get("disambiguation", 0),
                "other_namespace_skipped": summary.get("other_namespace", 0),
            }
        )
    frame = pd.DataFrame(rows)
    frame["tokens_per_sentence"] = (frame["tokens"] / frame["sentences"]).round(2)
    return frame
