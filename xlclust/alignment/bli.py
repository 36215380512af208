"""Bilingual lexicon induction scores (MUSE's definition).

A query (a source word of the test dictionary) is correct at k if any of its gold translations is
among its k best targets; MRR uses the rank of its best-ranked gold translation over the whole
target vocabulary. Queries are scored in blocks: batch × |target| similarities at a time (CSLS's
hubness terms come from faiss k-NN, :mod:`xlclust.search`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from xlclust.search import EXACT, Retriever, SearchSettings

if TYPE_CHECKING:
    import pandas as pd

PRECISION_AT = (1, 5, 10)


def group_gold(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(queries, gold targets, start of each query's golds) from (source, target) row pairs."""
    pairs = np.unique(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=0)  # sorted by source
    queries, starts = np.unique(pairs[:, 0], return_index=True)
    return queries, pairs[:, 1], starts


def bli_scores(retriever: Retriever, test_pairs: np.ndarray, precision_at=PRECISION_AT, batch_size: int = 1024) -> dict:
    """P@k for each k and MRR of ``test_pairs`` (rows of the retriever's sources and targets)."""
    queries, golds, starts = group_gold(test_pairs)
    if len(queries) == 0:
        raise ValueError("no test pairs to evaluate")
    ends = np.append(starts[1:], len(golds))
    hits = {k: 0 for k in precision_at}
    reciprocal_ranks = 0.0
    for first in range(0, len(queries), batch_size):
        last = min(first + batch_size, len(queries))
        scores = retriever.scores(queries[first:last])
        gold_rows = np.repeat(np.arange(last - first), ends[first:last] - starts[first:last])
        gold_cols = golds[starts[first] : ends[last - 1]]
        gold_scores = scores[gold_rows, gold_cols]
        best_gold = np.maximum.reduceat(gold_scores, starts[first:last] - starts[first])
        ranks = (scores > best_gold[:, None]).sum(axis=1) + 1
        reciprocal_ranks += float((1.0 / ranks).sum())
        for k in precision_at:
            hits[k] += int((ranks <= k).sum())
    n = len(queries)
    return {**{f"P@{k}": hits[k] / n for k in precision_at}, "MRR": reciprocal_ranks / n, "n": n}


def bli_table(
    mapped: dict[str, np.ndarray],
    tests: dict[str, np.ndarray],
    coverages: dict[str, float],
    pivot: str,
    retrievals=("nn", "csls"),
    csls_k: int = 10,
    precision_at=PRECISION_AT,
    batch_size: int = 1024,
    search: SearchSettings = EXACT,
) -> pd.DataFrame:
    """Tidy BLI scores, both directions for every language with test pairs: source, target,
    retrieval, metric, value, n, coverage."""
    import pandas as pd

    rows = []
    for lang, pairs in tests.items():
        if len(pairs) == 0:
            continue
        hubness = None  # CSLS's two hubness vectors, computed once per pair, swapped for the reverse
        if "csls" in retrievals:
            forward = Retriever(mapped[lang], mapped[pivot], "csls", csls_k, settings=search)
            hubness = {lang: (forward.source_hubness, forward.target_hubness), pivot: (forward.target_hubness, forward.source_hubness)}
        for source, target, direction in ((lang, pivot, pairs), (pivot, lang, pairs[:, ::-1])):
            for retrieval in retrievals:
                known = hubness[source] if retrieval == "csls" else None
                retriever = Retriever(mapped[source], mapped[target], retrieval, csls_k, hubness=known, settings=search)
                scores = bli_scores(retriever, direction, precision_at, batch_size)
                n = scores.pop("n")
                rows += [
                    {
                        "source": source,
                        "target": target,
                        "retrieval": retrieval,
                        "metric": metric,
                        "value": value,
                        "n": n,
                        "coverage": coverages[lang],
                    }
                    for metric, value in scores.items()
                ]
    return with_average(pd.DataFrame(rows, columns=["source", "target", "retrieval", "metric", "value", "n", "coverage"]))


AVERAGE = "avg"


def with_average(table: pd.DataFrame) -> pd.DataFrame:
    """The table with, per retrieval and metric, the unweighted mean over its directed language pairs
    (source = target = ``avg``; n: their test pairs together; coverage: the mean) — the figure
    ICEBERT §2.2 reports (P@1 .193, P@5 .384, P@10 .454, MRR .283 for PROC)."""
    import pandas as pd

    if table.empty:
        return table
    average = (
        table.groupby(["retrieval", "metric"], sort=False)
        .agg(value=("value", "mean"), n=("n", "sum"), coverage=("coverage", "mean"))
        .reset_index()
    )
    average["source"] = average["target"] = AVERAGE
    return pd.concat([table, average[table.columns]], ignore_index=True)
