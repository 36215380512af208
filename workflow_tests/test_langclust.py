"""Language identification, sentence vectors and Ward clustering on real Leipzig sentences with a
small model; the clustering's bookkeeping on planted clusters."""

import numpy as np
import pytest

from workflow_tests.realdata import shared_data
from xlclust.langclust.clustering import cluster_languages, cut, majority, node_languages, vote_shares, ward_tree

LANGUAGES = ["de", "en", "es", "nl", "ru", "uk", "ar", "fa", "hi", "ko"]  # five scripts


def leipzig(lang, start, n):
    lines = (shared_data() / f"leipzig-sentences/{lang}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines[start : start + n]]


def test_planted_clusters_are_found_and_numbered_by_first_sentence():
    rng = np.random.default_rng(0)
    centres = {"a": 0, "b": 0, "c": 5, "d": 10}
    languages = [lang for lang in "dcba" for _ in range(20)]  # d's sentences come first
    vectors = np.stack([rng.normal(centres[lang], 0.2, 8) for lang in languages])
    tree, shares, chosen = cluster_languages(vectors, languages, [2, 3])
    three = chosen[chosen["k"] == 3].set_index("language")["cluster"].to_dict()
    assert three == {"d": 1, "c": 2, "b": 3, "a": 3}  # a and b share a centre; numbers follow first sentences
    assert (chosen["vote_share"] == 1.0).all()
    two = chosen[chosen["k"] == 2].set_index("language")["cluster"].to_dict()
    # Ward joins the smaller, nearer pair first: c (20 at 5) with d (20 at 10), not with a+b (40 at 0)
    assert two == {"d": 1, "c": 1, "b": 2, "a": 2}
    np.testing.assert_array_equal(cut(tree, 3), cut(ward_tree(vectors), 3))
    names, counts = node_languages(tree, languages)
    assert names == ["a", "b", "c", "d"] and counts[-1].tolist() == [20, 20, 20, 20]


def test_majority_vote_shares_and_ties():
    shares = vote_shares(["x", "x", "x", "y", "y"], np.array([1, 2, 2, 1, 2]))
    assert shares.groupby("language")["share"].sum().tolist() == [1.0, 1.0]
    chosen = majority(shares).set_index("language")
    assert chosen.loc["x", "cluster"] == 2 and chosen.loc["x", "vote_share"] == pytest.approx(2 / 3)
    assert chosen.loc["y", "cluster"] == 1 and chosen.loc["y", "vote_share"] == 0.5  # a tie: the lower number


@pytest.fixture(scope="module")
def tiny_xlmr(tmp_path_factory):
    from xlclust.demo.tiny_model import build_tiny_xlmr

    directory = tmp_path_factory.mktemp("xlmr") / "model"
    texts = [s for lang in LANGUAGES for s in leipzig(lang, 0, 300)]
    build_tiny_xlmr(texts, directory, vocab_size=3000, hidden_size=32, layers=1, heads=2, max_positions=66, seed=4)
    return directory


def test_language_identification_and_clustering_of_leipzig_sentences(tiny_xlmr, tmp_path):
    from xlclust.langclust.embedding import REPRESENTATIONS, sentence_vectors
    from xlclust.langclust.identification import accuracy_table, finetune_langid, identify
    from xlclust.langclust.projection import sample_per_language, tsne
    from xlclust.models import ModelSource
    from xlclust.plots import dendrogram_figure, projection_figure
    from xlclust.training.finetuning import FinetuneSpec

    texts = [s for lang in LANGUAGES for s in leipzig(lang, 0, 100)]
    labels = [lang for lang in LANGUAGES for _ in range(100)]
    spec = FinetuneSpec(learning_rate=3e-3, batch_size=20, epochs=2, checkpoint_every=1000, seed=1)
    model, tokenizer, summary = finetune_langid(
        ModelSource(str(tiny_xlmr)), texts, LANGUAGES, labels, spec, 64, tmp_path / "checkpoints", tmp_path / "langid"
    )
    assert summary["steps"] == 100 and summary["sentences_per_language"]["ko"] == 100
    held_out = [s for lang in LANGUAGES for s in leipzig(lang, 500, 30)]
    gold = [lang for lang in LANGUAGES for _ in range(30)]
    accuracy = accuracy_table(gold, identify(model, tokenizer, held_out, 64)).set_index("language")
    assert list(accuracy.index) == sorted(LANGUAGES) + ["all"] and (accuracy["sentences"][:-1] == 30).all()
    assert accuracy.loc["all", "accuracy"] > 40  # ten languages: chance is 10 %
    assert (tmp_path / "langid/config.json").exists() and (tmp_path / "langid/loss.png").stat().st_size > 5000

    panels = {}
    for name, (model_kind, pooling) in REPRESENTATIONS.items():
        location = tmp_path / "langid" if model_kind == "finetuned" else tiny_xlmr
        vectors, stats = sentence_vectors(ModelSource(str(location)), held_out, pooling, 64, batch_size=16)
        assert vectors.shape == (300, 32) and np.isfinite(vectors).all() and stats["sentences"] == 300
        tree, shares, chosen = cluster_languages(vectors, gold, [2, 3, 4, 6])
        # every language gets exactly one cluster per k, its votes sum to 1
        assert chosen.groupby("k")["language"].apply(sorted).map(tuple).nunique() == 1
        assert chosen.groupby("k").size().tolist() == [10, 10, 10, 10] and chosen["language"].nunique() == 10
        assert np.allclose(shares.groupby(["k", "language"])["share"].sum(), 1.0)
        assert chosen["cluster"].between(1, chosen["k"]).all() and chosen["vote_share"].between(0.1, 1).all()
        names, counts = node_languages(tree, gold)
        dendrogram_figure(tree, counts, names, name, tmp_path / f"{name}.png", leaves=20)
        chosen_points = sample_per_language(gold, 20, seed=1)
        panels[name] = tsne(vectors[chosen_points], 10, seed=1)
    projection_figure(panels, [gold[i] for i in chosen_points], tmp_path / "projection.png")
    assert (tmp_path / "projection.png").stat().st_size > 20_000 and (tmp_path / "finetuned_cls.png").stat().st_size > 10_000
    # the fine-tuned vectors are the same when embedded again
    again, _ = sentence_vectors(ModelSource(str(tmp_path / "langid")), held_out, "cls", 64, batch_size=7)
    first, _ = sentence_vectors(ModelSource(str(tmp_path / "langid")), held_out, "cls", 64, batch_size=16)
    np.testing.assert_allclose(again, first, rtol=1e-4, atol=1e-5)


def test_max_pooling_leaves_out_specials_and_padding(tiny_xlmr):
    import torch
    from transformers import AutoModel, AutoTokenizer

    from xlclust.langclust.embedding import sentence_vectors
    from xlclust.models import ModelSource

    texts = ["Das ist gut.", "Ein viel längerer Satz mit vielen Wörtern, die alle etwas bedeuten."]
    vectors, _ = sentence_vectors(ModelSource(str(tiny_xlmr)), texts, "max", 64, batch_size=2)
    tokenizer, model = AutoTokenizer.from_pretrained(tiny_xlmr), AutoModel.from_pretrained(tiny_xlmr).eval()
    with torch.inference_mode():
        states = model(**tokenizer(texts[0], return_tensors="pt")).last_hidden_state[0]
    np.testing.assert_allclose(vectors[0], states[1:-1].amax(0).numpy(), rtol=1e-5, atol=1e-6)
