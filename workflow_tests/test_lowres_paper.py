"""Hangya et al. (2022) as the text reads: union mining (§3.1, §5.3), retrieval over all tokens
(§4.2), VecMap's self-learning (§4.2), Table 5 against best-BERT (§5.3) and App. C's faiss search
and target sample size (Table 10)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from xlclust.errors import XlclustError
from xlclust.lowres.contextual import WordVectors
from xlclust.lowres.examples import MinedExamples
from xlclust.lowres.layers import LayerMaps
from xlclust.lowres.mining import BACKWARD, BOTH, FORWARD, mine_pairs
from xlclust.lowres.report import mining_modes
from xlclust.lowres.retrieval import word_retrieval
from xlclust.lowres.settings import MiningSettings, RefinementSettings
from xlclust.search import KeyIndex, unit_rows


def test_a_pair_found_from_both_sides_is_mined_once_as_both():
    source = np.array([[1, 0, 0], [0.9, 0.1, 0]], np.float32)  # source 0 and target 0 are mutual; source 1's best is target 0
    target = np.array([[1, 0, 0], [0, 0, 1]], np.float32)  # target 1 is near no source (cosine 0)
    mined = mine_pairs(source, target, 0.2, "forward_backward")
    assert list(zip(mined.source.tolist(), mined.target.tolist(), mined.direction.tolist())) == [(0, 0, BOTH), (1, 0, FORWARD)]
    assert mined.similarity[0] == pytest.approx(1.0) and mined.similarity[1] == pytest.approx(0.9 / np.hypot(0.9, 0.1))
    backward_only = mine_pairs(target[:1], source, 0.2, "forward_backward")  # the one source's best is target 0 only
    assert sorted(zip(backward_only.source.tolist(), backward_only.target.tolist(), backward_only.direction.tolist())) == [
        (0, 0, BOTH),
        (0, 1, BACKWARD),
    ]
    intersection = mine_pairs(source, target, 0.2, "intersection")
    assert intersection.direction.tolist() == [BOTH] and intersection.source.tolist() == [0]


def test_an_index_factory_string_builds_an_ivf_pq_index_and_a_bad_one_names_the_key():
    import faiss

    rng = np.random.default_rng(0)
    keys = unit_rows(rng.normal(size=(1000, 16)))
    index = KeyIndex(keys, factory="IVF100,PQ8", where="lowres.mining.search")
    assert isinstance(faiss.downcast_index(index.index), faiss.IndexIVFPQ) and faiss.extract_index_ivf(index.index).nlist == 100
    _, rows = index.search(keys[:200] + 0.01, 1)
    assert np.mean(rows[:, 0] == np.arange(200)) > 0.5  # approximate (one list probed, 8 bytes a key): not all
    with pytest.raises(XlclustError, match="config key 'lowres.mining.search'.*'IVF100,PQ7x'"):
        KeyIndex(keys, factory="IVF100,PQ7x", where="lowres.mining.search")


def test_mining_through_an_ivf_pq_index_keeps_exact_cosines_of_its_matches():
    rng = np.random.default_rng(1)
    source = unit_rows(rng.normal(size=(2000, 32)))
    target = unit_rows(source + 0.05 * rng.normal(size=source.shape).astype(np.float32))
    mined = mine_pairs(source, target, 0.2, "forward_backward", factory="IVF10,PQ8x4")  # 16-centroid codebooks: a quick test
    exact = np.einsum("ij,ij->i", source[mined.source], target[mined.target])
    assert np.allclose(mined.similarity, exact, atol=1e-5)  # PQ's own scores are quantized
    assert np.mean(mined.source == mined.target) > 0.6 and len(mined) >= 2000  # approximate: most pairs are the planted ones


def test_target_sentences_sets_only_the_english_sample_of_an_iteration():
    sentences = {"ne": [["a"]] * 50, "en": [["b"]] * 500}
    default = MinedExamples(None, sentences, ("ne", "en"), MiningSettings(10, 0.2, "forward_backward"), seed=0)
    assert len(default.sample("ne", 0)) == 10 and len(default.sample("en", 0)) == 10
    larger = MinedExamples(None, sentences, ("ne", "en"), MiningSettings(10, 0.2, "forward_backward", target_sentences=100), seed=0)
    assert len(larger.sample("ne", 0)) == 10 and len(larger.sample("en", 0)) == 100
    assert MiningSettings(10, 0.2, "intersection").factory is None
    assert MiningSettings(10, 0.2, "intersection", search="IVF100,PQ8").factory == "IVF100,PQ8"


class TypeEncoder:
    """Contextual vectors that are the word's own vector in every context."""

    def __init__(self, table: dict[str, list[float]]):
        self.table = table

    def encode(self, sentences, lang):
        rows = [(s, w, self.table[word]) for s, words in enumerate(sentences) for w, word in enumerate(words)]
        return WordVectors(
            np.array([r[2] for r in rows], np.float32), np.array([r[0] for r in rows], np.int64), np.array([r[1] for r in rows], np.int64)
        )


def test_retrieval_ranks_all_target_tokens_by_default_and_only_aligned_ones_as_an_option():
    e = np.eye(5)
    table = {"a": e[0], "b": e[1], "c": e[2], "A": e[0] + 0.1 * e[3], "B": e[1] + 0.1 * e[3], "C": e[2] + 0.1 * e[3], "z": e[0]}
    other, english = [["a", "b"], ["c"]], [["A", "B", "z"], ["C"]]  # z: unaligned, a's exact copy
    links = [np.array([[0, 0], [1, 1]]), np.array([[0, 0]])]
    encoder, maps = TypeEncoder(table), LayerMaps.identity()
    every = word_retrieval(encoder, maps, ("xx", "en"), (other, english), links, csls_k=1)
    assert [(r["source"], r["candidates"]) for r in every[:2]] == [("xx", 4), ("en", 3)]
    assert every[0]["accuracy"] == pytest.approx(2 / 3) and every[1]["accuracy"] == 1.0  # a retrieves z, not A
    assert every[2]["accuracy"] == pytest.approx((2 / 3 + 1) / 2)
    aligned = word_retrieval(encoder, maps, ("xx", "en"), (other, english), links, csls_k=1, candidates="aligned")
    assert [(r["candidates"], r["accuracy"]) for r in aligned[:2]] == [(3, 1.0), (3, 1.0)]
    with pytest.raises(XlclustError, match="lowres.retrieval.candidates"):
        word_retrieval(encoder, maps, ("xx", "en"), (other, english), links, csls_k=1, candidates="types")


def planted_rotation(rng, words: int = 300, dim: int = 16, noise: float = 0.1):
    english = unit_rows(rng.normal(size=(words, dim)))
    rotation, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    other = unit_rows(english @ rotation.T + noise * rng.normal(size=(words, dim)))
    return other, english


def test_vecmap_self_learning_recovers_a_planted_rotation_better_than_its_noisy_seed():
    from xlclust.lowres.anchors import Anchors, vecmap_layer

    other, english = planted_rotation(np.random.default_rng(2))
    words = [f"w{i}" for i in range(len(english))]
    seeds = np.stack([np.arange(12), np.arange(12)], axis=1)
    seeds[:3, 1] = [100, 200, 250]  # a small seed with three wrong pairs
    fast = RefinementSettings(stochastic_interval=5)  # vecmap's loop, fewer iterations per keep probability

    def precision(weight):
        mapped = LayerMaps({"xx": weight}).apply("xx", other)
        return float(np.mean((mapped @ english.T).argmax(axis=1) == np.arange(len(english))))

    source, target = Anchors(words, other, np.ones(len(words))), Anchors(words, english, np.ones(len(words)))
    seed_only, _ = vecmap_layer(source, target, seeds, ["unit"], "none", 0)
    refined, report = vecmap_layer(source, target, seeds, ["unit"], "vecmap", 0, refinement=fast, seed=3)
    assert precision(seed_only) < 0.5 and precision(refined) > 0.95  # the true rotation scores 1.0 here
    assert np.allclose(refined @ refined.T, np.eye(16), atol=1e-4)  # still orthogonal
    keep = [row["keep_probability"] for row in report["iterations"]]
    assert keep[0] == 0.1 and keep[-1] == 1.0 and keep == sorted(keep)


def test_the_refinement_defaults_are_vecmaps_own():
    assert dataclasses.asdict(RefinementSettings()) == {
        "vocabulary_cutoff": 20000,
        "csls_k": 10,
        "threshold": 1e-6,
        "stochastic_initial": 0.1,
        "stochastic_multiplier": 2.0,
        "stochastic_interval": 50,
    }


def ner_rows(scores: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"method": m, "language": lang, "class": c, "f1": f1 if c == "all" else 0.0} for m, lang, f1 in scores for c in ("PER", "all")]
    )


def test_table5_is_the_f1_change_against_each_languages_best_bert_baseline():
    # Table 3's F1 of Eu (no eBERT), Gu and Ne (eBERT the better baseline); Table 5 prints +5.42, +2.80, +5.62
    scores = [("base", "eu", 35.49), ("mined", "eu", 40.91), ("mined_intersection", "eu", 40.0)]
    scores += [("base", "gu", 17.39), ("ebert", "gu", 29.02), ("mined", "gu", 24.20), ("ebert_mined", "gu", 31.82)]
    scores += [("base", "ne", 27.97), ("ebert", "ne", 38.13), ("mined", "ne", 28.26), ("ebert_mined", "ne", 43.75)]
    ner = ner_rows(scores)
    retrieval = pd.DataFrame([{"method": m, "language": lang, "source": "avg", "accuracy": 0.1} for m, lang, _ in scores])
    iterations = pd.DataFrame(
        [{"method": m, "language": lang, "pairs": 10, "mean_similarity": 0.5} for m, lang, _ in scores if "mined" in m]
    )
    table = mining_modes(retrieval, ner, iterations)
    cells = table[table["on_best_bert"] == True]  # noqa: E712 (the avg rows hold NaN)
    assert [(r.language, r.method, r.best_bert_method, round(r.f1_change, 2)) for r in cells.itertuples()] == [
        ("eu", "mined", "base", 5.42),
        ("eu", "mined_intersection", "base", 4.51),
        ("gu", "ebert_mined", "ebert", 2.80),
        ("ne", "ebert_mined", "ebert", 5.62),
    ]
    off = table[(table["language"] == "gu") & (table["method"] == "mined")].iloc[0]
    assert not off["on_best_bert"] and off["f1_change"] == pytest.approx(24.20 - 29.02)  # mBERT's mined is below eBERT
    assert table[table["language"] == "avg"]["method"].tolist() == ["ebert_mined", "mined", "mined_intersection"]
    with pytest.raises(XlclustError, match="keep base in lowres.methods"):
        mining_modes(retrieval, ner_rows([s for s in scores if s[0] != "base"]), iterations)


def test_the_union_of_a_sentence_pairs_mined_pairs_is_one_example():
    e = np.eye(6)
    table = {"a": e[0], "a2": e[0] + 0.5 * e[5], "b": e[1], "c": e[2], "A": e[0], "B": e[1], "C": e[2], "z": e[4]}
    sentences = {"xx": [["a", "a2", "b"], ["c"]], "en": [["A", "B"], ["C", "z"]]}
    provider = MinedExamples(TypeEncoder(table), sentences, ("xx", "en"), MiningSettings(10, 0.2, "forward_backward"), seed=0)
    examples = provider.build(0, LayerMaps.identity())
    pairs = sorted(
        zip(examples.state["source_sentence"].tolist(), examples.state["source_word"].tolist(), examples.state["direction"].tolist())
    )
    assert pairs == [(0, 0, BOTH), (0, 1, FORWARD), (0, 2, BOTH), (1, 0, BOTH)]  # a2's best is A, whose best is a
    assert examples.offsets.tolist() == [0, 3, 4]  # sentence pair (0, 0) is one example of three pairs, not split by direction
    assert examples.stats["both_pairs"] == 3 and examples.stats["backward_pairs"] == 0
