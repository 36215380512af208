"""One MIRACL test language scored by a trained model: the DPR run over its whole corpus, or the
cross-encoder's reordering of first-stage candidates, and their nDCG@10 (and recall@100) rows."""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow.parquet as pq

from xlclust.retrieval import dpr, trec
from xlclust.retrieval.corpus import docids, passages_of
from xlclust.retrieval.index import search
from xlclust.retrieval.rerank import relevance_scores
from xlclust.retrieval.shards import encode_corpus
from xlclust.search import INDEX_SUFFIX, SearchSettings

log = logging.getLogger(__name__)


def read_topics_table(path) -> dict[str, str]:
    table = pq.read_table(path).to_pylist()
    return {row["qid"]: row["query"] for row in table}


def metric_rows(qrels: trec.Qrels, run: trec.Run, depth: int, with_recall: bool) -> list[dict]:
    """nDCG@10 (and recall@depth) of ``run`` with its scores as the run file holds them, so that
    trec_eval on the written file reports the same numbers."""
    run = trec.as_written(run)
    rows = [{"metric": "ndcg@10", "value": 100 * trec.ndcg(qrels, run, 10, depth)}]
    if with_recall:
        rows.append({"metric": f"recall@{depth}", "value": 100 * trec.recall(qrels, run, depth)})
    return rows


def dpr_run(
    encoder, tokenizer, settings: dict, corpus, topics: dict[str, str], work_dir: Path, search_settings: SearchSettings, depth: int
):
    """(run, index report): the ``depth`` best passages of every topic over the whole corpus, their
    scores rounded as the run file holds them (:func:`trec.written_score`); the
    corpus encoding (shards) and an approximate index resume from ``work_dir``, kept per trained
    encoder (the name of its saved directory, :func:`dpr.finetune_dpr`)."""
    work_dir = Path(work_dir) / Path(encoder.name_or_path).name
    pooling, batch = settings["pooling"], settings["encode_batch_size"]

    def encode(titles, texts):
        features = dpr.encode_passages(tokenizer, titles, texts, settings["passage_length"])
        return dpr.embed(encoder, tokenizer, features, pooling, batch, desc="passages")

    shards = encode_corpus(corpus, work_dir / "shards", encode, settings["shard_size"], encoder=Path(encoder.name_or_path).name)
    qids = sorted(topics)
    queries = dpr.embed(
        encoder, tokenizer, dpr.encode_queries(tokenizer, [topics[q] for q in qids], settings["query_length"]), pooling, batch, "queries"
    )
    scores, rows, report = search(
        work_dir / "shards", queries, depth, search_settings, work_dir / f"index-{search_settings.index}{INDEX_SUFFIX}"
    )
    names = docids(corpus)
    run = {
        qid: {names[r]: trec.written_score(float(s)) for s, r in zip(score_row, row) if r >= 0}
        for qid, score_row, row in zip(qids, scores, rows)
    }
    return run, report | {"passages": shards["passages"], "shards_encoded_now": shards["encoded"]}


def reranked_run(model, tokenizer, candidates: trec.Run, topics: dict[str, str], corpus, depth: int, max_length: int) -> trec.Run:
    """Each topic's first ``depth`` candidates, scored by the cross-encoder."""
    chosen = {qid: trec.ranked(candidates.get(qid, {}), depth) for qid in sorted(topics)}
    passages = passages_of(corpus, {docid for docs in chosen.values() for docid in docs})
    pairs = [(qid, docid) for qid, docs in chosen.items() for docid in docs if docid in passages]
    missing = sum(len(docs) for docs in chosen.values()) - len(pairs)
    if missing:
        log.warning("%d candidates are not in the corpus %s and are left out", missing, corpus)
    scores = relevance_scores(
        model,
        tokenizer,
        [topics[qid] for qid, _ in pairs],
        [passages[docid]["title"] for _, docid in pairs],
        [passages[docid]["text"] for _, docid in pairs],
        max_length,
    )
    run: dict[str, dict[str, float]] = {qid: {} for qid in chosen}
    for (qid, docid), score in zip(pairs, scores):
        run[qid][docid] = trec.written_score(float(score))
    return run
