import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from xlclust.corpus.mix import build_mix
from xlclust.corpus.packing import pack_document, pack_sentence_table
from xlclust.corpus.sampling import copies_per_line, smoothed_shares
from xlclust.corpus.schema import LINES, SENTENCES
from xlclust.corpus.shuffle import write_shuffled_mix
from xlclust.corpus.stats import corpus_stats, sentence_table_stats


def sentence_table(path, docs):
    """docs: list of (doc_id, [sentences])"""
    rows = [
        {"doc_id": d, "title": f"T{d}", "paragraph": 0, "sentence": i, "text": s} for d, sentences in docs for i, s in enumerate(sentences)
    ]
    pq.write_table(pa.Table.from_pylist(rows, schema=SENTENCES), path, row_group_size=3)
    return path


def test_stats_count_documents_across_batches(tmp_path):
    path = sentence_table(tmp_path / "s.parquet", [(1, ["a b", "c"]), (2, ["d e f"]), (3, ["ü"]), (3, ["g"])])
    assert sentence_table_stats(path) == {"documents": 3, "sentences": 5, "tokens": 8, "characters": 11}


def test_corpus_stats_table_joins_extraction_counts(tmp_path):
    path = sentence_table(tmp_path / "s.parquet", [(1, ["a b", "c d"]), (2, ["e"])])
    (tmp_path / "x.json").write_text('{"pages": 9, "redirects": 4, "disambiguation": 1, "other_namespace": 2}')
    table = corpus_stats({"sw": path}, {"sw": tmp_path / "x.json"})
    assert table.to_dict("records") == [
        {
            "language": "sw",
            "documents": 2,
            "sentences": 3,
            "tokens": 5,
            "characters": 7,
            "pages_read": 9,
            "redirects_skipped": 4,
            "disambiguation_skipped": 1,
            "other_namespace_skipped": 2,
            "tokens_per_sentence": 1.67,
        }
    ]


def test_pack_document_respects_the_limit_and_keeps_every_token():
    sentences = ["a b c", "d e", "f g h i j k l", "m", "", "n o"]
    lines = list(pack_document(sentences, max_line_tokens=4))
    assert all(n <= 4 for _, n in lines)
    assert all(len(text.split()) == n for text, n in lines)
    assert " ".join(t for t, _ in lines).split() == " ".join(sentences).split()
    assert lines[0] == ("a b c", 3)  # "d e" would overflow: new line
    assert ("f g h i", 4) in lines  # a long sentence is cut


def test_packed_lines_never_cross_documents(tmp_path):
    path = sentence_table(tmp_path / "s.parquet", [(1, ["a b", "c"]), (2, ["d"]), (3, ["e f g h i"])])
    counts = pack_sentence_table(path, tmp_path / "lines.parquet", max_line_tokens=3)
    lines = pq.read_table(tmp_path / "lines.parquet")
    assert lines.schema.equals(LINES, check_metadata=False)
    assert lines.to_pydict() == {
        "doc_id": [1, 2, 3, 3],
        "line": [0, 1, 2, 3],
        "n_tokens": [3, 1, 3, 2],
        "text": ["a b c", "d", "e f g", "h i"],
    }
    assert counts == {"lines": 4, "tokens": 9}


def test_smoothed_shares_follow_the_formula():
    sizes = {"en": 1000, "sw": 10, "fi": 100}
    plan = smoothed_shares(sizes, alpha=0.3).set_index("language")
    p = np.array([1000, 10, 100]) / 1110
    q = p**0.3 / (p**0.3).sum()
    assert np.allclose(plan["p_i"], p) and np.allclose(plan["q_i"], q)
    assert plan.loc["en", "lines_after"] == 1000  # the largest language keeps its size
    assert np.allclose(plan["lines_after"] / plan["lines_after"].sum(), q, atol=1e-3)
    assert (plan["duplication_factor"] >= 1).all()
    # alpha = 1 is plain proportional sampling: nothing is duplicated
    assert (smoothed_shares(sizes, alpha=1.0)["duplication_factor"] == 1).all()
    with pytest.raises(ValueError, match="no lines to sample for language"):
        smoothed_shares({"en": 5, "sw": 0}, 0.3)


def test_copies_are_exact_and_seeded():
    copies = copies_per_line(7, 30, np.random.default_rng(1))
    assert copies.sum() == 30 and set(copies) <= {4, 5}
    assert np.array_equal(copies, copies_per_line(7, 30, np.random.default_rng(1)))


def line_table(path, lang, n):
    rows = [{"doc_id": i // 3, "line": i, "n_tokens": 2, "text": f"{lang} {i}"} for i in range(n)]
    pq.write_table(pa.Table.from_pylist(rows, schema=LINES), path)
    return path


def test_shuffled_mix_holds_every_copy_once_in_any_bucket_count(tmp_path):
    tables = {"en": line_table(tmp_path / "en.parquet", "en", 500), "sw": line_table(tmp_path / "sw.parquet", "sw", 40)}
    copies = {"en": np.ones(500, np.int32), "sw": copies_per_line(40, 350, np.random.default_rng(0))}
    results = []
    for bucket_bytes in (10**9, 700):  # one bucket, and many
        out = tmp_path / f"mix-{bucket_bytes}.parquet"
        assert write_shuffled_mix(tables, copies, out, seed=3, bucket_bytes=bucket_bytes) == 850
        mix = pq.read_table(out).to_pandas()
        assert list(mix["position"]) == list(range(850))
        assert (mix["text"] == mix["lang"] + " " + mix["line"].astype(str)).all()
        count = mix.groupby(["lang", "line"]).size()
        assert count.loc["en"].eq(1).all()
        assert np.array_equal(count.loc["sw"].to_numpy(), copies["sw"])
        assert sorted(mix.loc[mix.lang == "sw"].groupby("line")["copy"].max() + 1) == sorted(copies["sw"])
        results.append(mix)
    assert not results[0]["lang"].iloc[:500].eq("en").all()  # shuffled, not concatenated
    assert list(tmp_path.glob(".tmp-*")) == []


def test_mix_is_deterministic_and_seed_dependent(tmp_path):
    tables = {"en": line_table(tmp_path / "en.parquet", "en", 300), "sw": line_table(tmp_path / "sw.parquet", "sw", 30)}
    frames = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        report = build_mix(tables, tmp_path / f"{name}.parquet", alpha=0.3, seed=seed, bucket_mb=0.001)
        frames.append(pq.read_table(tmp_path / f"{name}.parquet").to_pandas())
    assert frames[0].equals(frames[1])
    assert not frames[0].equals(frames[2])
    report = report.set_index("language")
    assert report.loc["en", "lines_after"] == 300 and report.loc["sw", "lines_after"] == len(frames[2]) - 300
    assert report.loc["sw", "tokens_after"] == 2 * report.loc["sw", "lines_after"]
    assert list(report.reset_index().columns) == [
        "language",
        "n_i",
        "p_i",
        "q_i",
        "duplication_factor",
        "lines_before",
        "lines_after",
        "tokens_before",
        "tokens_after",
    ]


def test_sentence_corpus_draws_so_many_sentences_per_language_and_shuffles_them(tmp_path):
    from xlclust.corpus.schema import MIX
    from xlclust.corpus.sentence_corpus import build_sentence_corpus
    from xlclust.errors import ConfigError

    tables = {
        lang: sentence_table(tmp_path / f"{lang}.parquet", [(d, [f"{lang} {d} {i} x" for i in range(7)]) for d in range(5)])
        for lang in ("aa", "bb")
    }  # 35 sentences each, in row groups of 3
    counts = build_sentence_corpus(tables, tmp_path / "c.parquet", per_language=20, seed=4, config_key="k")
    assert counts["sentences_drawn"].tolist() == [20, 20] and counts["sentences_available"].tolist() == [35, 35]
    corpus = pq.read_table(tmp_path / "c.parquet")
    assert corpus.schema.equals(MIX, check_metadata=False)
    frame = corpus.to_pandas()
    assert frame["position"].tolist() == list(range(40)) and frame["lang"].value_counts().to_dict() == {"aa": 20, "bb": 20}
    assert frame["lang"].iloc[:20].nunique() == 2  # shuffled together, not one language after the other
    for lang in ("aa", "bb"):  # each drawn row is the sentence at that row of its table, once
        rows = frame[frame["lang"] == lang]
        source = pq.read_table(tables[lang]).column("text").to_pylist()
        assert rows["line"].is_unique and [source[i] for i in rows["line"]] == rows["text"].tolist()
    assert (frame["n_tokens"] == 4).all() and (frame["copy"] == 0).all()
    build_sentence_corpus(tables, tmp_path / "again.parquet", per_language=20, seed=4, config_key="k")
    assert (tmp_path / "again.parquet").read_bytes() == (tmp_path / "c.parquet").read_bytes()
    with pytest.raises(ConfigError, match=r"config key 'k': 40 sentences per language, but .*aa.parquet holds 35 for 'aa'"):
        build_sentence_corpus(tables, tmp_path / "no.parquet", per_language=40, seed=4, config_key="k")
    assert not (tmp_path / "no.parquet").exists()
