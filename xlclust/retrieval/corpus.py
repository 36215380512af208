"""MIRACL's files as the evaluation reads them: a language's corpus as one Parquet file (docid,
title, text; streamed, bounded memory), its topics with judgements, and training examples (each
query with the texts of its judged positive and negative passages)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from xlclust.atomic import atomic_path
from xlclust.errors import XlclustError

log = logging.getLogger(__name__)
CORPUS_SCHEMA = pa.schema([("docid", pa.string()), ("title", pa.string()), ("text", pa.string())])
PASSAGE = pa.struct([("docid", pa.string()), ("title", pa.string()), ("text", pa.string())])
EXAMPLE_SCHEMA = pa.schema(
    [("qid", pa.string()), ("query", pa.string()), ("positives", pa.list_(PASSAGE)), ("negatives", pa.list_(PASSAGE))]
)


def write_corpus(passages: Iterable[dict], path: str | Path, batch_size: int = 100_000) -> int:
    """Stream ``passages`` into a Parquet file; a docid met twice is an error. Returns the count."""
    seen: set[str] = set()
    count, batch = 0, []
    with atomic_path(path, suffix=".parquet") as tmp, pq.ParquetWriter(tmp, CORPUS_SCHEMA) as writer:
        for passage in passages:
            if passage["docid"] in seen:
                raise XlclustError(f"passage {passage['docid']} appears twice in the corpus")
            seen.add(passage["docid"])
            batch.append(passage)
            if len(batch) == batch_size:
                writer.write_table(pa.Table.from_pylist(batch, CORPUS_SCHEMA))
                count, batch = count + len(batch), []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, CORPUS_SCHEMA))
            count += len(batch)
    if count == 0:
        raise XlclustError(f"{path}: the corpus has no passages")
    return count


def passages_of(corpus: str | Path, docids: set[str]) -> dict[str, dict]:
    """The passages of ``docids`` found in the corpus (read in batches)."""
    wanted = pa.array(sorted(docids), pa.string())
    found = {}
    for batch in pq.ParquetFile(corpus).iter_batches(batch_size=200_000):
        table = pa.Table.from_batches([batch])
        for row in table.filter(pc.is_in(table["docid"], value_set=wanted)).to_pylist():
            found[row["docid"]] = row
    return found


def training_examples(corpus: str | Path, topics: dict[str, str], qrels: dict[str, dict[str, int]]) -> tuple[list[dict], dict]:
    """Each judged query with its positive (relevance > 0) and negative passages; queries without a
    positive are left out and, like judged passages missing from the corpus, counted."""
    passages = passages_of(corpus, {docid for judged in qrels.values() for docid in judged})
    examples, counts = [], {"queries": len(qrels), "without_positive": 0, "judged_missing_from_corpus": 0}
    for qid in sorted(qrels):
        judged = qrels[qid]
        counts["judged_missing_from_corpus"] += sum(docid not in passages for docid in judged)
        positives = [passages[d] for d, level in judged.items() if level > 0 and d in passages]
        negatives = [passages[d] for d, level in judged.items() if level <= 0 and d in passages]
        if not positives:
            counts["without_positive"] += 1
            continue
        examples.append({"qid": qid, "query": topics[qid], "positives": positives, "negatives": negatives})
    if counts["judged_missing_from_corpus"]:
        log.warning("%d judged passages are not in the corpus %s", counts["judged_missing_from_corpus"], corpus)
    counts["examples"] = len(examples)
    return examples, counts


def write_examples(examples: list[dict], path: str | Path) -> None:
    with atomic_path(path, suffix=".parquet") as tmp:
        pq.write_table(pa.Table.from_pylist(examples, EXAMPLE_SCHEMA), tmp)


def read_examples(path: str | Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def docids(corpus: str | Path) -> list[str]:
    return pq.read_table(corpus, columns=["docid"]).column("docid").to_pylist()
