"""nDCG@10 and recall as `trec_eval -c -M 100` computes them: hand-computed cases, trec_eval's own edge
cases (ties by document ID, unjudged documents, queries without relevant documents or without a
run, the -M cut), and agreement with trec_eval itself (pytrec_eval wraps its C code) on random runs."""

import math
import random

import pytest

from xlclust.errors import XlclustError
from xlclust.retrieval import trec


def test_ndcg_by_hand():
    qrels = {"q": {"a": 1, "b": 2, "c": 0}}
    # ranks: c (judged 0), a (1), b (2), z (unjudged): DCG = 1/log2(3) + 2/log2(4); ideal 2 + 1/log2(3)
    run = {"q": {"c": 4.0, "a": 3.0, "b": 2.0, "z": 1.0}}
    expected = (1 / math.log2(3) + 2 / 2) / (2 + 1 / math.log2(3))
    assert trec.ndcg(qrels, run) == pytest.approx(expected)
    assert trec.ndcg(qrels, {"q": {"b": 2.0, "a": 1.0}}) == pytest.approx(1.0)
    assert trec.recall(qrels, run, cutoff=2) == pytest.approx(0.5)


def test_equal_scores_rank_by_decreasing_document_id_and_the_rank_column_is_ignored(tmp_path):
    qrels = {"q": {"a": 1}}
    tied = {"q": {"a": 1.0, "b": 1.0}}  # trec_eval puts b first
    assert trec.ranked(tied["q"]) == ["b", "a"]
    assert trec.ndcg(qrels, tied, cutoff=1) == 0.0
    path = tmp_path / "run.trec"
    path.write_text("q Q0 a 2 1.0 x\nq Q0 b 1 0.5 x\n")  # the ranks claim b first; the scores put a first
    assert trec.ndcg(qrels, trec.read_run(path), cutoff=1) == 1.0


def test_complete_averaging_and_the_depth_cut():
    qrels = {"found": {"a": 1}, "missing": {"b": 1}, "none_relevant": {"c": 0}}
    run = {"found": {"a": 1.0}, "not_judged": {"a": 1.0}}  # "missing" has no run, "not_judged" no judgements
    assert trec.per_query(qrels, run, trec.ndcg_at) == {"found": 1.0, "missing": 0.0, "none_relevant": 0.0}
    assert trec.ndcg(qrels, run) == pytest.approx(1 / 3)  # -c: over every judged query
    deep = {"found": {f"d{i:03d}": 200.0 - i for i in range(150)} | {"a": 0.5}}  # a ranks 151st
    assert trec.ndcg({"found": {"a": 1}}, deep, depth=100) == 0.0
    assert trec.ndcg({"found": {"a": 1}}, deep | {"found": {**deep["found"], "a": 150.5}}, depth=100) == 0.0  # 51st: cut at 10
    assert trec.recall({"found": {"a": 1}}, deep, cutoff=200) == 1.0


def test_agrees_with_trec_eval_on_random_runs_with_ties_and_graded_judgements():
    pytrec_eval = pytest.importorskip("pytrec_eval")
    rng = random.Random(0)
    docs = [f"doc{i}" for i in range(60)]
    qrels = {f"q{q}": {d: rng.choice([0, 0, 1, 2, 3]) for d in rng.sample(docs, 15)} for q in range(40)}
    qrels["q_no_relevant"] = {"doc1": 0, "doc2": 0}
    run = {q: {d: float(rng.randint(0, 5)) for d in rng.sample(docs, 40)} for q in qrels}  # many equal scores
    measures = {"ndcg_cut.10", "ndcg_cut.5", "recall.20"}
    reference = pytrec_eval.RelevanceEvaluator(qrels, measures).evaluate(run)
    for qid, values in reference.items():
        assert trec.ndcg_at(qrels[qid], run[qid], 10) == pytest.approx(values["ndcg_cut_10"], abs=1e-12)
        assert trec.ndcg_at(qrels[qid], run[qid], 5) == pytest.approx(values["ndcg_cut_5"], abs=1e-12)
        assert trec.recall_at(qrels[qid], run[qid], 20) == pytest.approx(values["recall_20"], abs=1e-12)


def test_run_files_round_trip_and_bad_lines_are_named(tmp_path):
    run = {"q1": {"a#1": 0.5, "b#2": 2.0}, "q2": {"c#0": 1.0}}
    trec.write_run(tmp_path / "run.trec", run, "test")
    lines = (tmp_path / "run.trec").read_text().splitlines()
    assert lines[0] == "q1 Q0 b#2 1 2.000000 test" and trec.read_run(tmp_path / "run.trec") == run
    (tmp_path / "bad.trec").write_text("q1 Q0 a 1 0.5 t\nq1 Q0 b 2 high t\n")
    with pytest.raises(XlclustError, match=r"bad.trec, line 2: score 'high' is not valid"):
        trec.read_run(tmp_path / "bad.trec")
    (tmp_path / "bad.qrels").write_text("q1 0 a 1\nq1 0 b\n")
    with pytest.raises(XlclustError, match=r"bad.qrels, line 2: a qrels line has 4 fields"):
        trec.read_qrels(tmp_path / "bad.qrels")
