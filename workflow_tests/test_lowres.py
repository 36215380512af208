"""The low-resource alignment system (Hangya et al. 2022): mining, the linear layers and their
training, contextual word retrieval, the parallel data and its aligner, on planted vectors, a tiny
BERT with random weights and real text and gold alignments from ../shared/data."""

from itertools import combinations

import numpy as np
import pytest

from workflow_tests.realdata import SHARED_DATA
from xlclust.alignment.bli import bli_scores
from xlclust.errors import ConfigError, XlclustError
from xlclust.lowres.contextual import ContextualEncoder, WordVectors, last_subword_positions
from xlclust.lowres.examples import AlignedExamples, MinedExamples, recorded_pairs
from xlclust.lowres.layers import LayerMaps, build_layers
from xlclust.lowres.mining import BOTH, FORWARD, mine_pairs
from xlclust.lowres.parallel import check_parallel, eflomal_links, one_to_one, parse_links, read_lines, split_names
from xlclust.lowres.retrieval import retrieval_accuracy
from xlclust.lowres.settings import MiningSettings, UpdateSettings
from xlclust.lowres.types import dictionary_precision, mined_types
from xlclust.lowres.update import train_layers
from xlclust.lowres.words import sample_sentences, tokenize_lines, word_tokenizer
from xlclust.search import Retriever

UPDATE = UpdateSettings(
    steps=12,
    batch_size=2,
    gradient_accumulation=2,
    learning_rate=1e-2,
    warmup_steps=2,
    adam_betas=(0.9, 0.98),
    adam_epsilon=1e-9,
    max_grad_norm=1.0,
    init_noise=0.01,
    bias=False,
    loss="sum",
    checkpoint_every=4,
    log_every=2,
)


class Killed(Exception):
    """A job killed between two steps."""


def kill_at(step: int):
    """An ``on_step`` hook that kills the run once it has finished ``step``."""

    def hook(done: int) -> None:
        if done == step:
            raise Killed

    return hook


def planted(rng, n_pairs: int, noise_words: int, dim: int = 16):
    """Source and target vectors where source i and target perm[i] are near-copies, plus words
    orthogonal to all of them (their best match is below any positive threshold)."""
    base = rng.normal(size=(n_pairs, dim)).astype(np.float32)
    permutation = rng.permutation(n_pairs)
    target = np.empty_like(base)
    target[permutation] = base + 0.01 * rng.normal(size=base.shape).astype(np.float32)
    # the noise words live in dimensions of their own: cosine 0 with every planted word and each other
    pad = np.zeros((n_pairs, noise_words), np.float32)
    lonely = np.eye(noise_words, dtype=np.float32)
    source = np.vstack([np.hstack([base, pad]), np.hstack([np.zeros((noise_words // 2, dim), np.float32), lonely[: noise_words // 2]])])
    target = np.vstack(
        [np.hstack([target, pad]), np.hstack([np.zeros((noise_words - noise_words // 2, dim), np.float32), lonely[noise_words // 2 :]])]
    )
    return source, target, {(i, int(permutation[i])) for i in range(n_pairs)}


@pytest.mark.parametrize("mode", ["forward_backward", "intersection"])
def test_mining_finds_exactly_the_planted_pairs_above_the_threshold(mode):
    source, target, truth = planted(np.random.default_rng(0), 30, 10)
    mined = mine_pairs(source, target, threshold=0.2, mode=mode)
    assert set(zip(mined.source.tolist(), mined.target.tolist())) == truth
    assert (mined.similarity > 0.99).all()
    assert len(mined) == len(truth) and mined.direction.tolist() == [BOTH] * 30  # each found from both sides, kept once


def test_mining_keeps_one_directions_pairs_only_in_forward_backward():
    source = np.array([[1, 0], [1, 0.1]], np.float32)  # both sources' best target is target 0
    target = np.array([[1, 0], [0, 1]], np.float32)
    union = mine_pairs(source, target, 0.2, "forward_backward")
    assert sorted(zip(union.source.tolist(), union.target.tolist(), union.direction.tolist())) == [(0, 0, BOTH), (1, 0, FORWARD)]
    both = mine_pairs(source, target, 0.2, "intersection")
    assert list(zip(both.source.tolist(), both.target.tolist())) == [(0, 0)]
    assert len(mine_pairs(source, target, 0.999, "forward_backward")) == 1  # 1 > 0.999 only for the exact copies, from both sides
    with pytest.raises(ConfigError, match="mining mode 'union'"):
        mine_pairs(source, target, 0.2, "union")


def test_layers_start_at_identity_plus_bounded_noise_without_bias():
    layers = build_layers(["sw", "en"], 8, noise=0.01, bias=False, seed=3)
    for layer in layers.values():
        offset = layer.weight.detach().numpy() - np.eye(8)
        assert layer.bias is None and (offset >= 0).all() and (offset < 0.01).all() and offset.std() > 0
    again = build_layers(["sw", "en"], 8, noise=0.01, bias=False, seed=3)
    assert all(np.array_equal(layers[k].weight.detach(), again[k].weight.detach()) for k in layers)
    maps = LayerMaps.from_module(layers)
    vectors = np.ones((2, 8), np.float32)
    assert np.allclose(maps.apply("sw", vectors), vectors @ layers["sw"].weight.detach().numpy().T)
    assert np.array_equal(maps.apply("xx", vectors), vectors)  # no map: identity


def test_last_subword_of_each_word_and_rows_of_words():
    positions, words = last_subword_positions([None, 0, 0, 1, 2, 2, 2, None])
    assert positions.tolist() == [2, 3, 6] and words.tolist() == [0, 1, 2]
    vectors = WordVectors(np.zeros((4, 2), np.float32), np.array([0, 0, 2, 2]), np.array([0, 1, 0, 3]))
    assert vectors.rows_of(np.array([2, 0, 2, 1]), np.array([3, 1, 1, 0])).tolist() == [3, 1, -1, -1]


def test_retrieval_accuracy_by_hand_and_as_the_bli_stage_scores_csls():
    generator = np.random.default_rng(0)
    queries = generator.normal(size=(5, 3)).astype(np.float32)
    partners = queries + 0.9 * generator.normal(size=(5, 3)).astype(np.float32)
    # CSLS with k = 2 by hand: 2 cos(x, y) − r_T(x) − r_S(y), r the mean of the 2 best cosines
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    cosines = unit(queries) @ unit(partners).T
    r_query = np.sort(cosines, axis=1)[:, -2:].mean(axis=1)
    r_partner = np.sort(cosines.T, axis=1)[:, -2:].mean(axis=1)
    csls = 2 * cosines - r_query[:, None] - r_partner[None, :]
    by_hand = float(np.mean(csls.argmax(axis=1) == np.arange(5)))
    assert by_hand == pytest.approx(0.4) and np.mean(cosines.argmax(axis=1) == np.arange(5)) == pytest.approx(0.6)  # CSLS differs here
    assert retrieval_accuracy(queries, partners, csls_k=2) == pytest.approx(by_hand)
    rng = np.random.default_rng(1)
    source = rng.normal(size=(200, 12)).astype(np.float32)
    target = source + 0.8 * rng.normal(size=source.shape).astype(np.float32)
    accuracy = retrieval_accuracy(source, target, csls_k=10)
    bli = bli_scores(Retriever(source, target, "csls", 10), np.stack([np.arange(200), np.arange(200)], axis=1))
    assert 0 < accuracy < 1 and accuracy == pytest.approx(bli["P@1"])


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory):
    """A tiny BERT with random weights and a WordPiece tokenizer learnt from real Swahili and English."""
    from transformers import AutoModel, AutoTokenizer

    from xlclust.demo.tiny_model import build_tiny_model

    texts = [
        line
        for lang in ("sw", "en")
        for line in (SHARED_DATA / "leipzig-sentences" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    ]
    directory = tmp_path_factory.mktemp("tiny")
    build_tiny_model(texts, directory, vocab_size=800, hidden_size=16, layers=1, heads=2, max_positions=64, seed=0)
    return ContextualEncoder(AutoModel.from_pretrained(directory), AutoTokenizer.from_pretrained(directory), batch_size=16)


def leipzig_words(lang: str, count: int) -> list[list[str]]:
    lines = (SHARED_DATA / "leipzig-sentences" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()[:count]
    return tokenize_lines(lines, "moses", lang, 40)


def mined_provider(encoder, tmp_path=None):
    sentences = {"sw": leipzig_words("sw", 120), "en": leipzig_words("en", 120)}
    return MinedExamples(encoder, sentences, ("sw", "en"), MiningSettings(40, 0.2, "forward_backward"), seed=5, record_dir=tmp_path)


def test_contextual_vectors_are_one_per_word_in_sentence_order(tiny_encoder):
    sentences = [["Habari", "za", "asubuhi"], [], ["Hello", "world"]]
    vectors = tiny_encoder.encode(sentences)
    assert list(zip(vectors.sentence.tolist(), vectors.word.tolist())) == [(0, 0), (0, 1), (0, 2), (2, 0), (2, 1)]
    again = tiny_encoder.encode([["Hello", "world"]])
    assert np.allclose(again.vectors, vectors.vectors[3:], atol=1e-5)  # padding in a batch changes nothing


def test_training_moves_only_the_layers_and_a_killed_run_resumes_to_the_same_weights(tiny_encoder, tmp_path):
    lm_before = {k: v.clone() for k, v in tiny_encoder.model.state_dict().items()}
    identity = {"test": "resume"}
    whole, rows, iterations, summary = train_layers(
        mined_provider(tiny_encoder, tmp_path / "mined"), ("sw", "en"), 16, UPDATE, 7, tmp_path / "a", identity
    )
    assert all(np.array_equal(lm_before[k], v) for k, v in tiny_encoder.model.state_dict().items())  # the LM is frozen
    assert summary["steps"] == 12 and [r["step"] for r in rows] == [2, 4, 6, 8, 10, 12]
    assert iterations and iterations[0]["pairs"] > 0 and not np.allclose(whole.weights["sw"], np.eye(16), atol=0.011)

    with pytest.raises(Killed):
        train_layers(mined_provider(tiny_encoder), ("sw", "en"), 16, UPDATE, 7, tmp_path / "b", identity, on_step=kill_at(6))
    resumed, resumed_rows, resumed_iterations, _ = train_layers(
        mined_provider(tiny_encoder), ("sw", "en"), 16, UPDATE, 7, tmp_path / "b", identity
    )
    for lang in ("sw", "en"):
        assert np.array_equal(resumed.weights[lang], whole.weights[lang])
    assert resumed_rows == rows and resumed_iterations == iterations
    types = mined_types(recorded_pairs(tmp_path / "mined").to_pandas())
    assert types["count"].sum() == sum(r["pairs"] for r in iterations)
    provider = mined_provider(tiny_encoder)
    assert set(types["source_word"]) <= {w for words in provider.sentences["sw"] for w in words}
    assert set(types["target_word"]) <= {w for words in provider.sentences["en"] for w in words}
    assert 0 <= dictionary_precision(types, {(types.iloc[0]["source_word"], types.iloc[0]["target_word"])})["type_precision"] <= 1


def test_supervised_examples_are_the_aligned_words_of_each_sentence_pair(tiny_encoder):
    source = [["a", "b", "c"], ["d", "e"]]
    target = [["x", "y"], ["z"]]
    examples = AlignedExamples(tiny_encoder, ("sw", "en"), source, target, [np.array([[0, 1], [2, 0]]), np.array([[1, 0]])]).examples
    assert examples.count == 2 and examples.offsets.tolist() == [0, 2, 3]
    with pytest.raises(XlclustError, match="2 source, 1 target sentences"):
        AlignedExamples(tiny_encoder, ("sw", "en"), source, target[:1], [np.zeros((0, 2))] * 2)


def test_an_empty_corpus_and_bad_parallel_files_fail_with_their_names(tiny_encoder, tmp_path):
    with pytest.raises(XlclustError, match="no sentences of sw"):
        MinedExamples(tiny_encoder, {"sw": [], "en": [["x"]]}, ("sw", "en"), MiningSettings(10, 0.2, "forward_backward"), 1)
    with pytest.raises(XlclustError, match=r"en-sw\.en has 3 lines, en-sw\.sw 2"):
        check_parallel(["a", "b", "c"], ["x", "y"], ("en-sw.en", "en-sw.sw"))
    with pytest.raises(ConfigError, match=r"lowres.tokenizer.eu.*IndicNLP cannot tokenize 'eu'"):
        word_tokenizer("indic", "eu")
    missing = tmp_path / "absent.en"
    from xlclust.lowres.parallel import read_side

    with pytest.raises(XlclustError, match=r"lowres.parallel.sw.english: .*absent.en: file not found"):
        read_side(str(missing), tmp_path, None, "lowres.parallel.sw.english")
    with pytest.raises(XlclustError, match=r"'3x4' is no 'i-j'"):
        parse_links("1-2 3x4", True, 0, "gold:1")


def test_real_text_is_split_into_words_by_indicnlp_and_moses():
    bengali = leipzig_words("bn", 1)
    assert (
        bengali
        == tokenize_lines([(SHARED_DATA / "leipzig-sentences" / "bn.txt").read_text(encoding="utf-8").splitlines()[0]], "indic", "bn", 40)
        or bengali
    )
    line = (SHARED_DATA / "leipzig-sentences" / "bn.txt").read_text(encoding="utf-8").splitlines()[0]
    words = tokenize_lines([line], "indic", "bn", 400)[0]
    assert words[-1] in ("।", "?", "!", ".") and "".join(words) == line.replace(" ", "")
    basque = tokenize_lines(["Kaixo, mundua! 3.5 km-ko bidea."], "moses", "eu", 40)[0]
    assert basque == ["Kaixo", ",", "mundua", "!", "3.5", "km-ko", "bidea", "."]


def test_a_sample_of_a_sentence_table_is_seeded_and_in_table_order(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "sentences.parquet"
    pq.write_table(pa.table({"text": [f"s{i}" for i in range(1000)]}), path, row_group_size=100)
    sample = sample_sentences(path, 50, seed=3)
    assert len(sample) == 50 and sample == sorted(sample, key=lambda s: int(s[1:])) and sample == sample_sentences(path, 50, seed=3)
    assert sample_sentences(path, 5000, seed=3) == [f"s{i}" for i in range(1000)]


def gold_hansards():
    folder = SHARED_DATA / "word-alignment" / "en-fr"
    pairs = [line.split("|||") for line in read_lines(folder / "enfr.src-tgt", None, "enfr")]
    english, french = [p[0].split() for p in pairs], [p[1].split() for p in pairs]
    sure = [parse_links(line, True, 1, f"enfr.gold:{n}") for n, line in enumerate(read_lines(folder / "enfr.gold", None, "gold"), 1)]
    possible = [parse_links(line, False, 1, f"enfr.gold:{n}") for n, line in enumerate(read_lines(folder / "enfr.gold", None, "gold"), 1)]
    return english, french, sure, possible


def test_gold_links_are_read_one_based_and_sure_only():
    english, french, sure, possible = gold_hansards()
    assert len(english) == 447 and sum(map(len, sure)) == 4038 and sum(map(len, possible)) == 4038 + 13400
    assert all(len(s) == 0 or (s[:, 0].max() < len(e) and s[:, 1].max() < len(f)) for s, e, f in zip(sure, english, french))
    assert one_to_one(np.array([[0, 0], [0, 1], [2, 2]])).tolist() == [[2, 2]]
    assert split_names(5, 2, 1) == ["test", "test", "dev", "train", "train"]


def test_eflomal_links_agree_with_human_hansards_links(tmp_path):
    english, french, sure, possible = gold_hansards()
    links = [one_to_one(p) for p in eflomal_links(english, french, tmp_path)]
    found = {(n, a, b) for n, pairs in enumerate(links) for a, b in pairs.tolist()}
    gold = {(n, a, b) for n, pairs in enumerate(possible) for a, b in pairs.tolist()}
    precision = len(found & gold) / len(found)
    assert len(found) > 2000 and precision > 0.85  # measured 0.900 (4,516 links; sure recall 0.751)


def test_retrieval_with_human_links_on_real_sentences_is_a_share(tiny_encoder):
    english, french, sure, _ = gold_hansards()
    from xlclust.lowres.retrieval import word_retrieval

    rows = word_retrieval(
        tiny_encoder, LayerMaps.identity(), ("en", "fr"), (english[:60], french[:60]), [one_to_one(s) for s in sure[:60]], 10
    )
    assert [r["source"] for r in rows] == ["en", "fr", "avg"] and all(0 <= r["accuracy"] <= 1 for r in rows)
    # words beyond the tiny model's 64 positions have no vector, so their links are not scored
    assert 0.9 * sum(len(one_to_one(s)) for s in sure[:60]) < rows[0]["pairs"] <= sum(len(one_to_one(s)) for s in sure[:60])
    assert rows[2]["accuracy"] == pytest.approx((rows[0]["accuracy"] + rows[1]["accuracy"]) / 2)


def test_the_demo_parallel_corpus_links_each_word_to_its_rewrite():
    from xlclust.demo.fake_languages import FakeLanguage
    from xlclust.demo.parallel import parallel_sentences

    texts = (SHARED_DATA / "leipzig-sentences" / "en.txt").read_text(encoding="utf-8").splitlines()
    fake = FakeLanguage("greek", reverse_words=True)
    english, other, links = parallel_sentences(texts, fake, 20, 4, 40, seed=1)
    assert len(english) == 20
    for e, o, line in zip(english, other, links):
        pairs = parse_links(line, True, 0, "demo")
        assert all(fake.word(e.split()[i]) == o.split()[j] or e.split()[i].isdigit() for i, j in pairs.tolist())


def test_frequent_words_and_their_sampled_occurrences_without_a_token_loop():
    from xlclust.lowres.anchors import frequent_words, sampled_occurrences

    sentences = [["a", "b", "a"], ["c", "a"], [], ["b", "d", "a"]]
    words, sentence, position, rank = frequent_words(sentences, 3)
    assert words == ["a", "b", "c"]  # a ×4, b ×2, c ×1 (before d: first seen)
    assert sentence.tolist() == [0, 0, 0, 1, 1, 3, 3, 3] and position.tolist() == [0, 1, 2, 0, 1, 0, 1, 2]
    assert rank.tolist() == [0, 1, 0, 2, 0, 1, -1, 0]
    chosen = sampled_occurrences(rank, 2, seed=0)
    assert sorted(rank[chosen].tolist()) == [0, 0, 1, 1, 2] and len(set(chosen.tolist())) == 5
    assert sampled_occurrences(rank, 2, seed=0).tolist() == chosen.tolist()


def test_anchors_are_the_mean_of_the_sampled_occurrences(tiny_encoder):
    from xlclust.lowres.anchors import type_anchors

    sentences = [words for words in leipzig_words("sw", 300) if len(words) <= 20][:40]  # every word within 64 positions
    anchors = type_anchors(tiny_encoder, sentences, "sw", words=5, per_word=3, seed=1, chunk=7)
    assert len(anchors.words) == 5 and (anchors.occurrences == 3).all()
    vectors = tiny_encoder.encode(sentences, "sw")
    word = anchors.words[0]
    occurrences = [(s, w) for s, words in enumerate(sentences) for w, token in enumerate(words) if token == word]
    means = [vectors.vectors[vectors.rows_of(np.array(c)[:, 0], np.array(c)[:, 1])].mean(0) for c in combinations(occurrences, 3)]
    assert any(np.allclose(anchors.vectors[0], mean, atol=1e-5) for mean in means)  # one 3-subset of its occurrences


def test_vecmap_recovers_a_planted_rotation_from_identical_words_or_a_dictionary():
    from xlclust.lowres.anchors import Anchors, dictionary_pairs, identical_pairs, vecmap_layer

    rng = np.random.default_rng(4)
    english = rng.normal(size=(300, 8)).astype(np.float32)
    rotation, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    other = (english @ rotation.T).astype(np.float32)  # other · rotation = english
    words = [f"w{i}" for i in range(300)]
    source, target = Anchors(words, other, np.ones(300)), Anchors(words, english, np.ones(300))
    seeds = identical_pairs(words[:50] + ["x"], words)
    assert seeds.tolist() == [[i, i] for i in range(50)]
    weight, report = vecmap_layer(source, target, seeds, ["unit"], "none", 0)
    mapped = LayerMaps({"xx": weight}).apply("xx", other / np.linalg.norm(other, axis=1, keepdims=True))
    assert np.allclose(mapped, english / np.linalg.norm(english, axis=1, keepdims=True), atol=1e-4) and report["seed_pairs"] == 50
    pairs = dictionary_pairs(["Haus", "Hund"], ["house", "dog", "cat"], [("haus", "house"), ("hund", "dog"), ("katze", "cat")])
    assert pairs.tolist() == [[0, 0], [1, 1]]
    with pytest.raises(XlclustError, match="no seed pair"):
        vecmap_layer(source, target, np.zeros((0, 2), np.int64), ["unit"], "none", 0)


def linked_distance(encoder, english, french, links) -> float:
    """Mean squared distance between the vectors of linked words."""
    vectors = [encoder.encode(text, lang) for text, lang in ((english, "en"), (french, "fr"))]
    sentence = np.concatenate([np.full(len(p), i) for i, p in enumerate(links)])
    pairs = np.concatenate(links)
    rows = [v.rows_of(sentence, pairs[:, side]) for side, v in enumerate(vectors)]
    usable = (rows[0] >= 0) & (rows[1] >= 0)
    return float(((vectors[0].vectors[rows[0][usable]] - vectors[1].vectors[rows[1][usable]]) ** 2).sum(1).mean())


def test_full_sup_trains_the_whole_lm_towards_the_links_and_resumes_to_the_same_weights(tiny_encoder, tmp_path):
    import copy

    from xlclust.lowres.full import train_full

    english, french, sure, _ = gold_hansards()
    english, french, links = english[:40], french[:40], [one_to_one(s) for s in sure[:40]]
    original = copy.deepcopy(tiny_encoder.model)
    before = linked_distance(tiny_encoder, english, french, links)
    identity = {"test": "full_sup"}
    model, rows, summary = train_full(
        copy.deepcopy(original), tiny_encoder.tokenizer, ("en", "fr"), (english, french), links, UPDATE, 1.0, 3, tmp_path / "a", identity
    )
    assert summary["steps"] == 12 and [r["step"] for r in rows] == [2, 4, 6, 8, 10, 12]
    assert any(not np.array_equal(a, b) for a, b in zip(original.state_dict().values(), model.state_dict().values()))
    after = linked_distance(ContextualEncoder(model, tiny_encoder.tokenizer, 16), english, french, links)
    assert after < before  # the linked words moved together

    with pytest.raises(Killed):
        train_full(
            copy.deepcopy(original),
            tiny_encoder.tokenizer,
            ("en", "fr"),
            (english, french),
            links,
            UPDATE,
            1.0,
            3,
            tmp_path / "b",
            identity,
            on_step=kill_at(5),
        )
    resumed, resumed_rows, _ = train_full(
        copy.deepcopy(original), tiny_encoder.tokenizer, ("en", "fr"), (english, french), links, UPDATE, 1.0, 3, tmp_path / "b", identity
    )
    assert all(np.array_equal(a, b) for a, b in zip(model.state_dict().values(), resumed.state_dict().values())) and resumed_rows == rows


def test_the_ner_probe_labels_words_tags_cut_words_o_and_keeps_its_best_dev_weights():
    from xlclust.lowres.probe import label_names, predicted_tags, tag, train_tagger, word_labels
    from xlclust.lowres.settings import ProbeSettings

    labels = label_names(["LOC", "PER"])
    tags = [["B-LOC", "O"], ["O", "B-PER", "I-PER"]]
    vectors = WordVectors(np.zeros((4, 2), np.float32), np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))  # word 1,2 cut
    assert word_labels(vectors, tags, labels).tolist() == [1, 0, 0, 3]
    logits = np.eye(len(labels), dtype=np.float32)[[1, 0, 3, 3]]
    assert predicted_tags(logits, vectors, [2, 3], labels) == [["B-LOC", "O"], ["B-PER", "B-PER", "O"]]
    # words whose class is their vector's largest coordinate: a linear tagger learns them
    rng = np.random.default_rng(0)
    sentences = [[labels[i] for i in rng.integers(0, len(labels), 6)] for _ in range(60)]
    flat = np.array([labels.index(t) for s in sentences for t in s])
    features = (np.eye(len(labels), dtype=np.float32)[flat] * 4 + 0.1 * rng.normal(size=(len(flat), len(labels)))).astype(np.float32)
    words = WordVectors(features, np.repeat(np.arange(60), 6), np.tile(np.arange(6), 60))
    settings = ProbeSettings(batch_size=8, learning_rate=0.1, warmup_steps=2, dropout=0.1, max_steps=200, evaluate_every=10, patience=3)
    tagger, rows = train_tagger((features, flat), (features, words, sentences), labels, ["LOC", "PER"], words.sentence, settings, seed=1)
    best = max(r["dev_f1"] for r in rows)
    assert best > 90 and len(rows) < 20  # stopped early, after 3 evaluations without a better F1
    predicted = tag(tagger, features, words, [6] * 60, labels)
    from xlclust.token_classification.metrics import span_scores

    assert span_scores(sentences, predicted, ["LOC", "PER"], "conlleval")[-1]["f1"] == pytest.approx(best)  # the best weights kept


def test_the_mining_modes_table_sets_forward_backward_beside_intersection():
    import pandas as pd

    from xlclust.lowres.report import mining_modes

    retrieval = pd.DataFrame(
        [
            {"method": method, "language": lang, "source": source, "target": "x", "pairs": 10, "accuracy": accuracy}
            for method, lang, accuracy in [
                ("mined", "sw", 0.4),
                ("mined_intersection", "sw", 0.3),
                ("mined", "af", 0.6),
                ("base", "sw", 0.1),
            ]
            for source, accuracy in [("sw", accuracy - 0.1), ("avg", accuracy)]
        ]
    )
    ner = pd.DataFrame(
        [
            {"method": method, "language": lang, "class": cls, "f1": f1}
            for method, lang, f1 in [
                ("mined", "sw", 0.5),
                ("mined_intersection", "sw", 0.7),
                ("mined", "af", 0.2),
                ("base", "sw", 0.4),
                ("base", "af", 0.1),
            ]
            for cls, f1 in [("PER", 0.0), ("all", f1)]
        ]
    )
    iterations = pd.DataFrame(
        {
            "method": ["mined", "mined", "mined_intersection", "mined"],
            "language": ["sw", "sw", "sw", "af"],
            "pairs": [100, 200, 60, 80],
            "mean_similarity": [0.5, 0.7, 0.8, 0.4],
        }
    )
    table = mining_modes(retrieval, ner, iterations)
    assert table["f1_change"].round(6).tolist() == [0.1, 0.1, 0.3, 0.1, 0.3]  # against base, the only baseline here
    columns = ["language", "method", "mode", "accuracy", "f1", "pairs_per_iteration", "mean_similarity"]
    assert table[columns].to_dict("records") == [
        {
            "language": "af",
            "method": "mined",
            "mode": "forward_backward",
            "accuracy": 0.6,
            "f1": 0.2,
            "pairs_per_iteration": 80.0,
            "mean_similarity": 0.4,
        },
        {
            "language": "sw",
            "method": "mined",
            "mode": "forward_backward",
            "accuracy": 0.4,
            "f1": 0.5,
            "pairs_per_iteration": 150.0,
            "mean_similarity": 0.6,
        },
        {
            "language": "sw",
            "method": "mined_intersection",
            "mode": "intersection",
            "accuracy": 0.3,
            "f1": 0.7,
            "pairs_per_iteration": 60.0,
            "mean_similarity": 0.8,
        },
        {
            "language": "avg",
            "method": "mined",
            "mode": "forward_backward",
            "accuracy": 0.5,
            "f1": 0.35,
            "pairs_per_iteration": 115.0,
            "mean_similarity": 0.5,
        },
        {
            "language": "avg",
            "method": "mined_intersection",
            "mode": "intersection",
            "accuracy": 0.3,
            "f1": 0.7,
            "pairs_per_iteration": 60.0,
            "mean_similarity": 0.8,
        },
    ]
