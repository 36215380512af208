"""MIRACL retrieval: the real v1.0 dev topics and judgements (sw, yo) with their published sizes, a few
passages written in the corpus layout, bad input named by file and line, the gated Hub's refusals,
BM25, a corpus encoding and an approximate index that resume after a kill, and the DPR and monoBERT
training losses (a model that learns its training pairs)."""

import gzip
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workflow_tests.realdata import shared_data
from xlclust.errors import ConfigError, XlclustError
from xlclust.retrieval import index, shards, trec
from xlclust.retrieval.bm25 import BM25Index, analyze
from xlclust.retrieval.corpus import passages_of, training_examples, write_corpus
from xlclust.retrieval.miracl import MiraclSource, iter_passages, read_split, read_topics
from xlclust.search import SearchSettings

# MIRACL v1.0 dev (Zhang et al. 2023, Table 1): topics and judgements
PUBLISHED = {"sw": (482, 5092), "yo": (119, 1188)}


def local_source(tmp_path) -> MiraclSource:
    return MiraclSource("files", {}, {"topics_root": str(shared_data() / "miracl"), "corpus_root": str(tmp_path / "corpus")})


@pytest.mark.parametrize("lang", sorted(PUBLISHED))
def test_real_dev_topics_and_judgements_load_with_their_published_sizes(lang, tmp_path):
    topics, qrels = read_split(local_source(tmp_path), lang, "dev")
    assert (len(qrels), sum(map(len, qrels.values()))) == PUBLISHED[lang]
    assert set(qrels) <= set(topics) and all(any(level > 0 for level in judged.values()) for judged in qrels.values())


def write_passages(tmp_path, lang: str, qrels: dict, topics: dict, qids: list[str]) -> Path:
    """Passages in MIRACL's corpus layout for the documents ``qids`` judge: a relevant one holds its
    topic's words, a non-relevant one other words (the real texts could not be had offline)."""
    directory = tmp_path / "corpus" / f"miracl-corpus-v1.0-{lang}"
    directory.mkdir(parents=True)
    lines = []
    for qid in qids:
        for docid, level in qrels[qid].items():
            text = f"Makala hii inaeleza {topics[qid]}" if level else f"Habari nyingine kuhusu hati {docid.replace('#', ' ')}"
            lines.append(json.dumps({"docid": docid, "title": f"Kichwa {docid.split('#')[0]}", "text": text}, ensure_ascii=False))
    with gzip.open(directory / "docs-0.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write("\n".join(lines[: len(lines) // 2]) + "\n")
    (directory / "docs-1.jsonl").write_text("\n".join(lines[len(lines) // 2 :]) + "\n", encoding="utf-8")
    return directory


def test_a_corpus_in_the_published_layout_gives_training_examples_and_bm25_finds_the_relevant_passages(tmp_path):
    source = local_source(tmp_path)
    topics, qrels = read_split(source, "sw", "dev")
    chosen = sorted(qrels)[:5]
    write_passages(tmp_path, "sw", qrels, topics, chosen)
    files = source.corpus_files("sw")
    assert [f.name for f in files] == ["docs-0.jsonl.gz", "docs-1.jsonl"]
    count = write_corpus(iter_passages(files), tmp_path / "corpus.parquet", batch_size=7)
    assert count == sum(len(qrels[q]) for q in chosen)
    examples, counts = training_examples(tmp_path / "corpus.parquet", topics, {q: qrels[q] for q in chosen})
    assert counts == {"queries": 5, "without_positive": 0, "judged_missing_from_corpus": 0, "examples": 5}
    assert all(len(e["positives"]) == sum(level > 0 for level in qrels[e["qid"]].values()) for e in examples)
    corpus = pq.read_table(tmp_path / "corpus.parquet").to_pylist()
    bm25 = BM25Index(f"{p['title']} {p['text']}" for p in corpus)
    rows, _ = bm25.search([topics[q] for q in chosen], 10)
    run = {q: {corpus[r]["docid"]: 10.0 - rank for rank, r in enumerate(row) if r >= 0} for q, row in zip(chosen, rows)}
    assert trec.ndcg({q: qrels[q] for q in chosen}, run) > 0.9


def test_bad_corpus_and_topic_lines_are_named_by_file_and_line(tmp_path):
    (tmp_path / "topics.tsv").write_text("1\tswali la kwanza\n2 no tab here\n", encoding="utf-8")
    with pytest.raises(XlclustError, match=r"topics.tsv, line 2: a topic line is 'qid<TAB>query'"):
        read_topics(tmp_path / "topics.tsv")
    (tmp_path / "docs-0.jsonl").write_text('{"docid": "1#0", "title": "t", "text": "x"}\n{"docid": "1#1", "title": "t"}\n')
    with pytest.raises(XlclustError, match=r"docs-0.jsonl, line 2: a passage is an object with string docid, title and text"):
        list(iter_passages([tmp_path / "docs-0.jsonl"]))
    (tmp_path / "docs-1.jsonl").write_text('{"docid": "1#0", "title": "t", "text": "x"}\n{"docid": "1#0", "title": "t", "text": "y"}\n')
    with pytest.raises(XlclustError, match=r"passage 1#0 appears twice"):
        write_corpus(iter_passages([tmp_path / "docs-1.jsonl"]), tmp_path / "corpus.parquet")
    assert not (tmp_path / "corpus.parquet").exists()  # nothing half-written


def test_the_gated_hub_needs_a_pinned_revision_and_a_token(monkeypatch, tmp_path):
    hub = {"topics": "miracl/miracl", "corpus": "miracl/miracl-corpus", "revision": {"topics": None, "corpus": "abc"}}
    with pytest.raises(ConfigError, match=r"hub.revision.topics: pin the commit of miracl/miracl"):
        MiraclSource("hub", hub, {}).file("topics", "miracl-v1.0-sw/topics/topics.miracl-v1.0-sw-dev.tsv")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with pytest.raises(XlclustError, match=r"miracl/miracl-corpus is gated: .* set HF_TOKEN"):
        MiraclSource("hub", hub, {}).corpus_files("sw")
    with pytest.raises(ConfigError, match="source: 'web' is not hub or files"):
        MiraclSource("web", hub, {})


def test_the_bm25_analyzer_cuts_unspaced_scripts_into_bigrams():
    assert analyze("Mji MKUU wa Kenya") == ["mji", "mkuu", "wa", "kenya"]
    assert analyze("東京タワー") == ["東京", "京タ", "タワ", "ワー"]
    assert analyze("กรุงเทพ x") == ["กร", "รุ", "ุง", "งเ", "เท", "ทพ", "x"]
    assert analyze("Tokyo東") == ["tokyo", "東"]


def corpus_file(tmp_path, count: int) -> Path:
    path = tmp_path / "corpus.parquet"
    pq.write_table(
        pa.table({"docid": [f"{i}#0" for i in range(count)], "title": ["t"] * count, "text": [str(i) for i in range(count)]}), path
    )
    return path


def test_the_corpus_encoding_resumes_after_a_kill(tmp_path):
    vectors = np.random.default_rng(0).normal(size=(1000, 8)).astype(np.float32)

    def encode(_, texts):
        return vectors[[int(t) for t in texts]]

    calls = []

    def dying(titles, texts):
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        calls.append(texts[0])
        return encode(titles, texts)

    corpus = corpus_file(tmp_path, 1000)
    with pytest.raises(KeyboardInterrupt):
        shards.encode_corpus(corpus, tmp_path / "shards", dying, 300)
    assert sorted(p.name for p in (tmp_path / "shards").glob("*.npy")) == ["shard-00000.npy", "shard-00001.npy"]
    assert shards.encode_corpus(corpus, tmp_path / "shards", encode, 300) == {"passages": 1000, "shards": 4, "encoded": 2}
    assert np.array_equal(np.vstack([v for _, v in shards.read_shards(tmp_path / "shards")]), vectors)
    with pytest.raises(XlclustError, match="another corpus, shard size or encoder"):
        shards.encode_corpus(corpus, tmp_path / "shards", encode, 500)
    with pytest.raises(XlclustError, match="another corpus, shard size or encoder"):
        shards.encode_corpus(corpus, tmp_path / "shards", encode, 300, encoder="encoder-retrained")


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_exact_search_and_an_approximate_index_that_resumes_after_a_kill(kind, tmp_path, monkeypatch):
    import faiss

    rng = np.random.default_rng(1)
    vectors, queries = rng.normal(size=(2000, 16)).astype(np.float32), rng.normal(size=(30, 16)).astype(np.float32)
    corpus = corpus_file(tmp_path, 2000)
    shards.encode_corpus(corpus, tmp_path / "shards", lambda _, texts: vectors[[int(t) for t in texts]], 500)
    scores, rows = index.exact_search(tmp_path / "shards", queries, 10)
    reference_scores, reference_rows = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    assert np.array_equal(rows, reference_rows) and np.allclose(scores, reference_scores, atol=1e-5)

    settings = SearchSettings(index=kind, ivf_lists=16, ivf_probe=16)
    whole = index.build_index(tmp_path / "shards", tmp_path / "whole.faiss", settings, train_vectors=500)  # IVF: trained on shard 0
    assert whole["shards"] == 4 and whole["resumed_at_shard"] == 0
    real_read = index.read_shards

    def killed_after_two(directory):
        for number, shard in enumerate(real_read(directory)):
            if number == 2:
                raise KeyboardInterrupt("killed")
            yield shard

    monkeypatch.setattr(index, "read_shards", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        index.build_index(tmp_path / "shards", tmp_path / "resumed.faiss", settings, train_vectors=500)
    monkeypatch.setattr(index, "read_shards", real_read)
    assert index.build_index(tmp_path / "shards", tmp_path / "resumed.faiss", settings, train_vectors=500)["resumed_at_shard"] == 2
    expected = index.approximate_search(tmp_path / "whole.faiss", queries, 10)
    resumed = index.approximate_search(tmp_path / "resumed.faiss", queries, 10)
    assert np.array_equal(expected[1], resumed[1])
    assert index.recall_against(rows, resumed[1]) > 0.9  # all 16 lists probed (IVF), a wide beam (HNSW)
    _, found, report = index.search(tmp_path / "shards", queries, 10, settings, tmp_path / "resumed.faiss", recall_sample=12)
    assert np.array_equal(found, resumed[1]) and report["recall_queries"] == 12 and report["recall@10_vs_exact"] > 0.9


def test_the_exact_sharded_search_equals_a_brute_force_numpy_top_k(tmp_path):
    """Shard by shard through xlclust.search's exact kNN: the numpy top-k of the whole corpus, ties
    (duplicated passages, across shards too) lower row first, and k above a shard's size. Small
    integer vectors: every product exact in float32, so the ties are real and the order is defined."""
    rng = np.random.default_rng(3)
    vectors = rng.integers(-3, 4, size=(700, 12)).astype(np.float32)
    vectors[[5, 250, 640]] = vectors[400] = 3  # the best passages of the first query, in three shards
    vectors[401] = vectors[400]
    queries = np.vstack([np.ones(12), rng.integers(-3, 4, size=(20, 12))]).astype(np.float32)
    corpus = corpus_file(tmp_path, 700)
    shards.encode_corpus(corpus, tmp_path / "shards", lambda _, texts: vectors[[int(t) for t in texts]], 300)
    for k in (1, 10, 350):
        scores, rows = index.exact_search(tmp_path / "shards", queries, k, SearchSettings(device="cpu", index="ivf"))  # ivf: ignored
        products = queries.astype(np.float64) @ vectors.T.astype(np.float64)
        order = np.lexsort((np.broadcast_to(np.arange(len(vectors)), products.shape), -products), axis=-1)[:, :k]
        assert np.array_equal(scores, np.take_along_axis(products, order, -1)) and np.array_equal(rows, order)
    assert list(rows[0, :5]) == [5, 250, 400, 401, 640]


def rule_search_settings(rule: str) -> dict:
    """The ``search`` param the workflow's ``rule`` passes its script, evaluated as Snakemake would
    on the paper config (config.yaml), with the rules' own helper (wherever in rules/ it lives)."""
    import re

    import yaml

    from workflow_tests.realdata import REPO

    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "rules").glob("*.smk"))]
    [block] = [text.split(f"rule {rule}:", 1)[1].split("\nrule ", 1)[0] for text in texts if f"rule {rule}:" in text]
    [expression] = re.findall(r"^\s+search=(.+),\s*$", block, re.M)
    namespace = {"config": yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))}
    for text in texts:
        helper = re.search(r"^def search_settings\(\):\n(?:(?:    .*)?\n)+", text, re.M)
        if helper:
            exec(helper.group(0), namespace)
    return eval(expression, namespace)


def test_the_miracl_rule_seeds_ivf_with_the_configured_seed(tmp_path):
    """eval_miracl_retrieval passes the search settings with the run's seed (config seed, 42), and
    the IVF index built through the MIRACL path is seeded with it: its coarse centroids are those of
    that seed, not of faiss's or SearchSettings' default 0."""
    import yaml

    from workflow_tests.realdata import REPO

    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(1200, 16)).astype(np.float32)
    shards.encode_corpus(corpus_file(tmp_path, 1200), tmp_path / "shards", lambda _, texts: vectors[[int(t) for t in texts]], 400)

    def centroids(settings: SearchSettings, name: str) -> np.ndarray:
        from xlclust.search import read_index

        index.build_index(tmp_path / "shards", tmp_path / f"{name}.faiss", settings, train_vectors=1200)
        built = read_index(tmp_path / f"{name}.faiss")
        return built.quantizer.reconstruct_n(0, built.nlist)

    configured = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["seed"]
    passed = rule_search_settings("eval_miracl_retrieval")
    # as scripts/eval_miracl_retrieval.py builds them, with IVF asked for through the stage's own key
    settings = SearchSettings(**{**passed, "index": "ivf", "ivf_lists": 8, "device": "cpu"})
    assert settings.seed == configured == 42
    ours = centroids(settings, "configured")
    assert np.array_equal(ours, centroids(SearchSettings(index="ivf", ivf_lists=8, device="cpu", seed=configured), "again"))
    assert not np.allclose(ours, centroids(SearchSettings(index="ivf", ivf_lists=8, device="cpu", seed=0), "seed0"))


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    from xlclust.demo.tiny_model import build_tiny_model

    lines = (shared_data() / "leipzig-sentences/sw.txt").read_text(encoding="utf-8").splitlines()
    directory = tmp_path_factory.mktemp("retrieval") / "bert"
    build_tiny_model(lines, directory, vocab_size=3000, hidden_size=32, layers=1, heads=2, max_positions=128, seed=0)
    return directory, lines


def sentence_examples(lines: list[str], count: int) -> list[dict]:
    """Each sentence's opening words as a query for it; the next sentence a judged negative."""
    examples = []
    for i, line in enumerate(lines[:count]):
        negative = lines[(i + 1) % count]
        examples.append(
            {
                "qid": str(i),
                "query": " ".join(line.split()[:6]),
                "positives": [{"docid": f"{i}#0", "title": "", "text": line}],
                "negatives": [{"docid": f"{(i + 1) % count}#0", "title": "", "text": negative}],
            }
        )
    return examples


def test_dpr_learns_its_training_pairs_and_the_run_scores_them(tiny_bert, tmp_path):
    from xlclust.models import ModelSource
    from xlclust.retrieval.dpr import finetune_dpr
    from xlclust.retrieval.evaluation import dpr_run, metric_rows
    from xlclust.training.finetuning import FinetuneSpec

    directory, lines = tiny_bert
    examples = sentence_examples(lines, 200)
    settings = {"query_length": 16, "passage_length": 64, "pooling": "mean", "hard_negatives": 1, "encode_batch_size": 64, "shard_size": 80}
    spec = FinetuneSpec(learning_rate=2e-3, batch_size=20, epochs=15, seed=1)
    encoder, tokenizer, summary = finetune_dpr(ModelSource(str(directory)), examples, spec, settings, tmp_path / "ck", "test")
    assert summary["steps"] == 150
    corpus = write_corpus(
        ({"docid": e["positives"][0]["docid"], "title": "", "text": e["positives"][0]["text"]} for e in examples), tmp_path / "c.parquet"
    )
    assert corpus == 200
    topics = {e["qid"]: e["query"] for e in examples}
    run, report = dpr_run(encoder, tokenizer, settings, tmp_path / "c.parquet", topics, tmp_path / "work", SearchSettings(), 20)
    qrels = {e["qid"]: {e["positives"][0]["docid"]: 1} for e in examples}
    assert report["passages"] == 200 and trec.ndcg(qrels, run) > 0.6  # chance: about 0.02
    # the reported nDCG is trec_eval's on the written run: the scores are held as the file holds them
    trec.write_run(tmp_path / "run.trec", run, "dpr")
    assert trec.read_run(tmp_path / "run.trec") == run
    reported = {row["metric"]: row["value"] for row in metric_rows(qrels, run, 20, with_recall=True)}
    assert reported["ndcg@10"] == 100 * trec.ndcg(qrels, trec.read_run(tmp_path / "run.trec"), 10, 20)
    again = finetune_dpr(ModelSource(str(directory)), examples, spec, settings, tmp_path / "ck", "test")
    assert again[2] == json.loads(json.dumps(summary, default=str))  # a rerun does not train again, and reports the same training


def test_monobert_learns_to_tell_its_positives_from_its_negatives(tiny_bert, tmp_path):
    from xlclust.models import ModelSource
    from xlclust.retrieval.evaluation import metric_rows, reranked_run
    from xlclust.retrieval.rerank import finetune_monobert, relevance_scores, training_pairs
    from xlclust.training.finetuning import FinetuneSpec

    directory, lines = tiny_bert
    examples = sentence_examples(lines, 150)
    pairs = training_pairs(examples, negatives=1, seed=1)
    assert len(pairs) == 300 and sum(p["label"] for p in pairs) == 150
    spec = FinetuneSpec(learning_rate=2e-3, batch_size=20, epochs=20, seed=1)
    settings = {"max_length": 64, "negatives": 1}
    model, tokenizer, _ = finetune_monobert(ModelSource(str(directory)), examples, spec, settings, tmp_path / "ck", "test")
    scores = relevance_scores(model, tokenizer, [p["query"] for p in pairs], [p["title"] for p in pairs], [p["text"] for p in pairs], 64)
    labels = np.array([p["label"] for p in pairs])
    assert scores[labels == 1].mean() > scores[labels == 0].mean()
    wins = np.mean([scores[2 * i] > scores[2 * i + 1] for i in range(150)])  # each query's positive over its negative
    assert wins > 0.8
    # reranking a first stage that puts each query's negative first, over a corpus of every passage
    write_corpus(({"docid": p["docid"], "title": p["title"], "text": p["text"]} for p in pairs[::2]), tmp_path / "corpus.parquet")
    first_stage = {e["qid"]: {e["negatives"][0]["docid"]: 2.0, e["positives"][0]["docid"]: 1.0} for e in examples}
    qrels = {e["qid"]: {e["positives"][0]["docid"]: 1} for e in examples}
    topics = {e["qid"]: e["query"] for e in examples}
    reranked = reranked_run(model, tokenizer, first_stage, topics, tmp_path / "corpus.parquet", depth=100, max_length=64)
    trec.write_run(tmp_path / "reranked.trec", reranked, "monobert")
    assert trec.read_run(tmp_path / "reranked.trec") == reranked  # scored as written
    reported = metric_rows(qrels, reranked, 100, with_recall=False)[0]["value"]
    assert reported == 100 * trec.ndcg(qrels, trec.read_run(tmp_path / "reranked.trec"), 10, 100)
    assert trec.ndcg(qrels, first_stage) == pytest.approx(1 / np.log2(3))
    assert trec.ndcg(qrels, reranked) > 0.9 and all(set(reranked[q]) == set(first_stage[q]) for q in topics)


def test_passages_of_reads_only_the_wanted_documents(tmp_path):
    corpus = corpus_file(tmp_path, 50)
    assert set(passages_of(corpus, {"3#0", "40#0", "missing"})) == {"3#0", "40#0"}


def test_dpr_training_resumes_from_its_checkpoint_to_the_same_encoder(tiny_bert, tmp_path, monkeypatch):
    """The bi-encoder is no PreTrainedModel: the Trainer's checkpoints of it must still resume."""
    import torch
    from transformers import TrainerCallback

    from xlclust.models import ModelSource
    from xlclust.retrieval import dpr
    from xlclust.training.finetuning import FinetuneSpec

    directory, lines = tiny_bert
    examples = sentence_examples(lines, 60)
    settings = {"query_length": 16, "passage_length": 32, "pooling": "cls", "hard_negatives": 1}
    # the Trainer's first loss after a resume averages the steps since the resume: logging where it
    # checkpoints makes the resumed log (and final_loss) the uninterrupted run's
    spec = FinetuneSpec(learning_rate=1e-3, batch_size=10, epochs=2, seed=3, checkpoint_every=5, log_every=5)
    whole, _, whole_summary = dpr.finetune_dpr(ModelSource(str(directory)), examples, spec, settings, tmp_path / "whole", "test")

    class Kill(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == 7:
                raise KeyboardInterrupt("killed")

    real_train = dpr.train
    monkeypatch.setattr(dpr, "train", lambda *a, **k: real_train(*a, **k, callbacks=[Kill()]))
    with pytest.raises(KeyboardInterrupt):
        dpr.finetune_dpr(ModelSource(str(directory)), examples, spec, settings, tmp_path / "resumed", "test")
    monkeypatch.setattr(dpr, "train", real_train)
    resumed, _, summary = dpr.finetune_dpr(ModelSource(str(directory)), examples, spec, settings, tmp_path / "resumed", "test")
    assert summary["resumed_from"].endswith("checkpoint-5") and summary["steps"] == 12
    # the summary is the uninterrupted run's but for where it resumed from and how long it took
    varying = ("resumed_from", "train_seconds", "examples_per_second")
    assert {k: v for k, v in summary.items() if k not in varying} == {k: v for k, v in whole_summary.items() if k not in varying}
    again = dpr.finetune_dpr(ModelSource(str(directory)), examples, spec, settings, tmp_path / "resumed", "test")[2]
    assert again == json.loads(json.dumps(summary, default=str))  # reusing the finished encoder reports its training
    for (name, a), (_, b) in zip(whole.state_dict().items(), resumed.state_dict().items()):
        assert torch.equal(a, b), name


def test_the_hub_route_reads_pinned_files_with_the_token(monkeypatch, tmp_path):
    """The gated Hub's path without the network: what is asked of huggingface_hub, and its refusals."""
    from types import SimpleNamespace

    import huggingface_hub
    from huggingface_hub.errors import GatedRepoError

    asked = []

    def download(repo, filename, **options):
        asked.append((repo, filename, options["revision"], options["token"]))
        if repo == "miracl/refused":
            raise GatedRepoError("403 gated", response=SimpleNamespace(headers={}, request=None))
        target = tmp_path / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("1\tswali\n" if "topics" in filename else "1 Q0 d#0 1\n")
        return str(target)

    class Api:
        def __init__(self, token):
            assert token == "hf_test"

        def list_repo_files(self, repo, repo_type, revision):
            return [
                "README.md",
                "miracl-corpus-v1.0-sw/docs-10.jsonl.gz",
                "miracl-corpus-v1.0-sw/docs-2.jsonl.gz",
                "miracl-corpus-v1.0-yo/docs-0.jsonl.gz",
            ]

    monkeypatch.setenv("HF_TOKEN", "hf_test")
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", download)
    monkeypatch.setattr(huggingface_hub, "HfApi", Api)
    hub = {"topics": "miracl/miracl", "corpus": "miracl/miracl-corpus", "revision": {"topics": "abc123", "corpus": "def456"}}
    source = MiraclSource("hub", hub, {}, cache_dir=str(tmp_path / "cache"))
    topics, qrels = read_split(source, "sw", "dev")
    assert topics == {"1": "swali"} and qrels == {"1": {"d#0": 1}}
    files = source.corpus_files("sw")
    assert [f.name for f in files] == ["docs-2.jsonl.gz", "docs-10.jsonl.gz"]  # shard order, not string order
    assert asked[0] == ("miracl/miracl", "miracl-v1.0-sw/topics/topics.miracl-v1.0-sw-dev.tsv", "abc123", "hf_test")
    assert asked[-1][2:] == ("def456", "hf_test")
    refused = MiraclSource("hub", hub | {"topics": "miracl/refused"}, {})
    with pytest.raises(XlclustError, match="access refused for this token"):
        read_split(refused, "sw", "dev")
