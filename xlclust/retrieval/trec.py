"""TREC run files and the retrieval metrics as ``trec_eval -c -M 100`` computes them.

trec_eval's conventions, kept here exactly (tests compare with pytrec_eval, which wraps trec_eval):

- a run's rank column is ignored: documents are ordered by score, highest first, and equal scores
  by document ID in *decreasing* string order;
- ``-M depth``: only each query's first ``depth`` documents in that order count;
- ``-c``: the mean is over every query of the judgements; a query the run lacks scores 0, a query
  of the run without judgements is ignored;
- gains are the judged relevance levels; unjudged documents and levels ≤ 0 gain nothing;
  a query without relevant documents scores 0 (its ideal DCG is 0).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping

from xlclust.atomic import write_text_atomic
from xlclust.errors import XlclustError
from xlclust.textfiles import UniqueKeys, data_lines, text_lines

Run = Mapping[str, Mapping[str, float]]  # query ID → document ID → score
Qrels = Mapping[str, Mapping[str, int]]  # query ID → document ID → relevance level


def ranked(scores: Mapping[str, float], depth: int | None = None) -> list[str]:
    """A query's documents in trec_eval's order (score down, then document ID down), cut at ``depth``."""
    order = sorted(scores, key=lambda docid: (scores[docid], docid), reverse=True)
    return order if depth is None else order[:depth]


def ndcg_at(relevance: Mapping[str, int], scores: Mapping[str, float], cutoff: int = 10, depth: int = 100) -> float:
    """One query's nDCG@cutoff (trec_eval's ndcg_cut: gain = level, discount log2(rank + 1))."""
    gains = [max(0, relevance.get(docid, 0)) for docid in ranked(scores, depth)[:cutoff]]
    dcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))
    ideal = sorted((level for level in relevance.values() if level > 0), reverse=True)[:cutoff]
    ideal_dcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return dcg / ideal_dcg if ideal_dcg > 0 else 0.0


def recall_at(relevance: Mapping[str, int], scores: Mapping[str, float], cutoff: int = 100) -> float:
    """One query's recall@cutoff: the share of its relevant documents among the first ``cutoff``."""
    relevant = {docid for docid, level in relevance.items() if level > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked(scores, cutoff))) / len(relevant)


def per_query(qrels: Qrels, run: Run, measure, **settings) -> dict[str, float]:
    """``measure`` of every judged query (``-c``: a query the run lacks has no documents)."""
    return {qid: measure(relevance, run.get(qid, {}), **settings) for qid, relevance in qrels.items()}


def mean(values: Mapping[str, float]) -> float:
    return sum(values.values()) / len(values) if values else 0.0


def ndcg(qrels: Qrels, run: Run, cutoff: int = 10, depth: int = 100) -> float:
    """``trec_eval -c -M depth -m ndcg_cut.cutoff``."""
    return mean(per_query(qrels, run, ndcg_at, cutoff=cutoff, depth=depth))


def recall(qrels: Qrels, run: Run, cutoff: int = 100) -> float:
    """``trec_eval -c -m recall.cutoff``."""
    return mean(per_query(qrels, run, recall_at, cutoff=cutoff))


def _read_table(
    path: str | os.PathLike, layout: str, value_column: int, convert, what: str, config_key: str | None = None
) -> dict[str, dict]:
    """qid → docid → converted value of a whitespace-separated TREC file whose lines are ``layout``; a
    (qid, docid) given twice, or qrels without a line, is an error (trec_eval refuses both; an empty run
    file is a run that found nothing)."""
    table: dict[str, dict] = {}
    width, seen = len(layout.split()), UniqueKeys(path, f"{what} (qid, docid)")
    for number, line in data_lines(path, f"{what} lines", config_key) if what == "qrels" else text_lines(path):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != width:
            raise XlclustError(f"{path}, line {number}: a {what} line has {width} fields ({layout}), found {len(fields)}")
        seen.add((fields[0], fields[2]), number)
        try:
            table.setdefault(fields[0], {})[fields[2]] = convert(fields[value_column])
        except ValueError:
            raise XlclustError(f"{path}, line {number}: {layout.split()[value_column]} {fields[value_column]!r} is not valid") from None
    return table


def read_qrels(path: str | os.PathLike, config_key: str | None = None) -> dict[str, dict[str, int]]:
    """A TREC qrels file (``qid iteration docid level``)."""
    return _read_table(path, "qid Q0 docid relevance", 3, int, "qrels", config_key)


def read_run(path: str | os.PathLike, config_key: str | None = None) -> dict[str, dict[str, float]]:
    """A TREC run file (``qid Q0 docid rank score tag``)."""
    return _read_table(path, "qid Q0 docid rank score tag", 4, float, "run", config_key)


def written_score(score: float) -> float:
    """``score`` as a run file holds it (6 decimals, as :func:`run_lines` formats it): metrics computed
    from these values agree with trec_eval's on the written file, also where scores tie at 1e-6."""
    return float(f"{score:.6f}")


def as_written(run: Run) -> dict[str, dict[str, float]]:
    """``run`` with every score rounded as the run file holds it (:func:`written_score`)."""
    return {qid: {docid: written_score(score) for docid, score in scores.items()} for qid, scores in run.items()}


def run_lines(run: Run, tag: str, depth: int | None = None) -> Iterable[str]:
    for qid in sorted(run):
        for rank, docid in enumerate(ranked(run[qid], depth), 1):
            yield f"{qid} Q0 {docid} {rank} {run[qid][docid]:.6f} {tag}\n"


def write_run(path: str | os.PathLike, run: Run, tag: str, depth: int | None = None) -> None:
    """A TREC run file, each query's documents in trec_eval's order (written atomically)."""
    if any(" " in docid or "\t" in docid for scores in run.values() for docid in scores):
        raise XlclustError(f"{path}: document IDs with blanks cannot be written to a TREC run file")
    write_text_atomic(path, "".join(run_lines(run, tag, depth)))


def write_qrels(path: str | os.PathLike, qrels: Qrels) -> None:
    write_text_atomic(path, "".join(f"{qid} 0 {docid} {level}\n" for qid in qrels for docid, level in qrels[qid].items()))
