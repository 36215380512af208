"""Outputs that other tools read back: metrics computed from a run file exactly as written (scores that
tie once rounded to 6 decimals), segmenters that are the same bytes on any thread count, and LASER
checkpoints whose declared sizes are checked before anything is allocated."""

import hashlib
import random

import numpy as np
import pytest
import torch

from xlclust.errors import XlclustError
from xlclust.retrieval import trec
from xlclust.retrieval.evaluation import metric_rows


def stress_run() -> tuple[dict, dict]:
    """Per query, a relevant passage scored just above a non-relevant one: apart in float32, equal
    once written (0.500000), where trec_eval puts the larger document ID first."""
    run, qrels = {}, {}
    for q in range(20):
        relevant, other = f"d{q}-a", f"d{q}-b"  # "b" > "a": the tie goes to the non-relevant passage
        run[str(q)] = {relevant: float(np.float32(0.5000004)), other: float(np.float32(0.5000001))}
        qrels[str(q)] = {relevant: 1}
    return run, qrels


def test_reported_ndcg_is_the_ndcg_of_the_written_run_when_scores_tie_at_1e_6(tmp_path):
    run, qrels = stress_run()
    in_memory = 100 * trec.ndcg(qrels, run, 10, 100)
    trec.write_run(tmp_path / "run.trec", run, "dpr")
    written = 100 * trec.ndcg(qrels, trec.read_run(tmp_path / "run.trec"), 10, 100)  # trec_eval's number
    reported = {row["metric"]: row["value"] for row in metric_rows(qrels, run, 100, with_recall=True)}
    assert in_memory == pytest.approx(100.0) and written == pytest.approx(100 / np.log2(3))  # the stress case does tie
    assert reported["ndcg@10"] == written
    assert reported["recall@100"] == 100 * trec.recall(qrels, trec.read_run(tmp_path / "run.trec"), 100)


def test_a_run_rounded_as_written_reads_back_identical_from_its_file(tmp_path):
    rng = random.Random(3)
    run = {
        str(q): {f"doc{d}": float(np.float32(rng.uniform(-40, 40))) + rng.choice([0.0, 5e-7, -5e-7]) for d in range(30)} for q in range(15)
    }
    trec.write_run(tmp_path / "run.trec", run, "bm25")
    assert trec.read_run(tmp_path / "run.trec") == trec.as_written(run)
    assert trec.as_written(trec.as_written(run)) == trec.as_written(run)  # rounding twice changes nothing


def test_the_bm25_first_stage_is_scored_from_its_written_run(tmp_path):
    from xlclust.retrieval.bm25 import BM25Index

    texts = [f"maji {'safi ' * (i % 7)}kisima {i}" for i in range(60)]  # many near-equal float32 scores
    index = BM25Index(texts)
    rows, scores = index.search(["maji safi", "kisima"], 50)
    run = {str(q): {f"p{r}": float(s) for r, s in zip(row, score) if r >= 0} for q, (row, score) in enumerate(zip(rows, scores))}
    qrels = {"0": {"p6": 2, "p13": 1}, "1": {"p0": 1}}
    trec.write_run(tmp_path / "bm25.trec", run, "bm25")
    written = trec.read_run(tmp_path / "bm25.trec")
    assert written == trec.as_written(run)  # the reranker's candidates and the first-stage nDCG read this
    assert metric_rows(qrels, run, 50, with_recall=False)[0]["value"] == 100 * trec.ndcg(qrels, written, 10, 50)


@pytest.mark.parametrize("model_type", ["bpe", "unigram"])
def test_every_segmenter_type_writes_the_same_bytes_with_1_2_and_4_threads(model_type, tmp_path):
    from xlclust.tokenization.build import train_baseline_segmenter

    rng = random.Random(0)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(800)]
    sentences = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(3000)]
    digests = set()
    for threads in (1, 2, 4):
        path = tmp_path / f"{threads}.model"
        train_baseline_segmenter(sentences, path, vocab_size=300, model_type=model_type, character_coverage=1.0, seed=1, threads=threads)
        digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
    assert len(digests) == 1


def laser_file(path, **changed):
    params = {"num_embeddings": 40, "padding_idx": 1, "embed_dim": 8, "hidden_size": 6, "num_layers": 1, "bidirectional": True} | changed
    torch.save({"params": params, "model": {}, "dictionary": {"<s>": 0}}, path)
    return path


@pytest.mark.parametrize(
    "changed, refused",
    [
        ({"num_embeddings": 2**42}, r"params\.num_embeddings is 4398046511104, outside 1\.\.1000000"),
        ({"embed_dim": 100_000}, r"params\.embed_dim is 100000"),
        ({"hidden_size": 0}, r"params\.hidden_size is 0"),
        ({"num_layers": 1000}, r"params\.num_layers is 1000"),
        ({"num_layers": 2.0}, r"params\.num_layers is 2\.0"),
        ({"padding_idx": 40}, r"params\.padding_idx 40 is not a symbol ID"),
        ({"bidirectional": "yes"}, r"params\.bidirectional is 'yes'"),
    ],
)
def test_laser_params_beyond_sane_bounds_are_refused_naming_the_file_before_allocating(changed, refused, tmp_path, monkeypatch):
    from xlclust.tagging import laser

    def no_allocation(*args, **kwargs):
        raise AssertionError("the encoder was allocated")

    monkeypatch.setattr(laser, "LaserEncoder", no_allocation)
    path = laser_file(tmp_path / "crafted.pt", **changed)
    with pytest.raises(XlclustError, match=rf"crafted\.pt: the checkpoint's {refused}"):
        laser.load_laser(path)
