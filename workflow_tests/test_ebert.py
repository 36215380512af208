"""eBERT (Wang et al. 2020; Hangya et al. 2022 §4.1): the language's most frequent new subwords appended
to a WordPiece vocabulary, new embedding rows, the corpus encoded through the tokenizer itself, and
masked-LM training that starts from the extended model's weights."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch
from transformers import AutoModelForMaskedLM, AutoTokenizer

from workflow_tests.test_tokenization import leipzig
from xlclust.corpus.sentence_corpus import build_sentence_corpus
from xlclust.demo.tiny_model import build_tiny_model, build_tiny_xlmr
from xlclust.errors import ConfigError, XlclustError
from xlclust.models import ModelSource
from xlclust.pretraining.encode import encode_corpus, encoded_shards
from xlclust.pretraining.extension import extend_embeddings, extend_model
from xlclust.pretraining.train import TrainingSpec, pretrain
from xlclust.tokenization.wordpiece import SPECIALS, extend_wordpiece, frequent_new_subwords, subword_counts

TINY = {"vocab_size": 600, "hidden_size": 16, "layers": 1, "heads": 2, "max_positions": 64, "seed": 0}


@pytest.fixture(scope="module")
def mbert(tmp_path_factory):
    """A tiny 'mBERT': random weights, a cased WordPiece vocabulary learnt from real English."""
    directory = tmp_path_factory.mktemp("mbert")
    build_tiny_model(leipzig("en", 0, 1000), directory, **TINY)
    return directory


@pytest.fixture(scope="module")
def bengali():
    return leipzig("bn", 0, 600)


def test_subwords_are_counted_as_wordpiece_segments_them():
    vocabulary = [*SPECIALS, "a", "ab", "##b", "##c", "c"]
    counts = dict(zip(vocabulary, subword_counts(vocabulary, ["abc ab", "c ac"])))
    # abc → ab ##c; ab → ab; c → c; ac → a ##c
    assert {piece: n for piece, n in counts.items() if n} == {"ab": 2, "##c": 2, "c": 1, "a": 1}


def test_new_subwords_are_the_most_frequent_pieces_the_vocabulary_lacks(mbert, bengali):
    tokenizer = AutoTokenizer.from_pretrained(mbert)
    new = frequent_new_subwords(tokenizer, bengali, 800, 150, seed=0)
    assert len(new) == 150 and not set(new["piece"]) & set(tokenizer.get_vocab())
    assert (np.diff(new["count"].to_numpy()) <= 0).all() and new["count"].min() > 0
    assert new["piece"].str.contains("[\u0964\u0980-\u09ff]").all()  # Bengali script (and its danda), which English lacks
    assert new.equals(frequent_new_subwords(tokenizer, bengali, 800, 150, seed=0))
    few = frequent_new_subwords(tokenizer, bengali[:3], 800, 10_000, seed=0)  # fewer occur than asked for: all of them
    assert 0 < len(few) < 10_000


def test_the_extended_tokenizer_keeps_every_id_and_segments_with_the_new_pieces(mbert, bengali, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(mbert)
    pieces = frequent_new_subwords(tokenizer, bengali, 800, 150, seed=0)["piece"].tolist()
    extended = extend_wordpiece(tokenizer, pieces, tmp_path / "extended")
    old = tokenizer.get_vocab()
    assert len(extended) == len(tokenizer) + 150
    assert {piece: extended.get_vocab()[piece] for piece in old} == old
    assert extended.convert_tokens_to_ids(pieces) == list(range(len(tokenizer), len(tokenizer) + 150))
    before, after = tokenizer(bengali[:50])["input_ids"], extended(bengali[:50])["input_ids"]
    unknown = tokenizer.unk_token_id
    assert sum(ids.count(unknown) for ids in after) < sum(ids.count(unknown) for ids in before)
    assert any(i >= len(tokenizer) for ids in after for i in ids)
    english = leipzig("en", 0, 50)
    assert extended(english)["input_ids"] == tokenizer(english)["input_ids"]  # no Bengali piece fits English words
    reloaded = AutoTokenizer.from_pretrained(tmp_path / "extended")
    assert reloaded(bengali[:50])["input_ids"] == after


def test_extension_refuses_known_pieces_and_tokenizers_that_are_not_wordpiece(mbert, bengali, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(mbert)
    with pytest.raises(XlclustError, match="in the vocabulary already"):
        extend_wordpiece(tokenizer, ["the"], tmp_path / "known")
    build_tiny_xlmr(leipzig("en", 0, 300), tmp_path / "xlmr", vocab_size=300, hidden_size=16, layers=1, heads=2, max_positions=64, seed=0)
    with pytest.raises(XlclustError, match="extends WordPiece vocabularies"):
        frequent_new_subwords(AutoTokenizer.from_pretrained(tmp_path / "xlmr"), bengali, 800, 10, seed=0)


def test_new_embedding_rows_are_drawn_from_the_seed_and_the_old_rows_stay(mbert):
    def extended(new_rows, seed):
        model = AutoModelForMaskedLM.from_pretrained(mbert)
        added = extend_embeddings(model, 600 + 400, new_rows, seed)
        return model, added

    original = AutoModelForMaskedLM.from_pretrained(mbert)
    old = original.get_input_embeddings().weight.detach()
    model, added = extended("random", 1)
    weight = model.get_input_embeddings().weight.detach()
    rows = len(old)
    assert added == 1000 - rows and torch.equal(weight[:rows], old)
    assert weight[rows:].std().item() == pytest.approx(model.config.initializer_range, rel=0.1)
    assert model.get_output_embeddings().weight is model.get_input_embeddings().weight  # still tied
    assert torch.count_nonzero(model.get_output_embeddings().bias[rows:]) == 0
    assert torch.equal(weight, extended("random", 1)[0].get_input_embeddings().weight.detach())
    assert not torch.equal(weight[rows:], extended("random", 2)[0].get_input_embeddings().weight.detach()[rows:])
    mean_rows = extended("mean", 1)[0].get_input_embeddings().weight.detach()[rows:]
    assert torch.allclose(mean_rows.mean(0), old.mean(0), atol=3 * old.std().item() / np.sqrt(len(mean_rows)) + 1e-3)
    assert model(input_ids=torch.tensor([[2, 999, 3]])).logits.shape == (1, 3, 1000)
    with pytest.raises(ConfigError, match="lowres.ebert.new_rows"):
        extend_embeddings(original, 1000, "zeros", 1)


@pytest.fixture(scope="module")
def extended_model(mbert, bengali, tmp_path_factory):
    """The tiny mBERT extended for Bengali, its Bengali corpus, and that corpus encoded."""
    directory = tmp_path_factory.mktemp("ebert")
    added = extend_model(
        ModelSource(str(mbert)), bengali, directory / "extended", vocab_size=800, new_subwords=150, new_rows="random", seed=0
    )
    assert (directory / "extended" / "new_subwords.csv").read_text(encoding="utf-8") == added.to_csv(index=False)
    sentences = directory / "sentences.parquet"
    pq.write_table(pa.table({"text": bengali}), sentences)
    build_sentence_corpus({"bn": sentences}, directory / "corpus.parquet", None, seed=0, config_key="lowres.ebert.sentences")
    encode_corpus(directory / "corpus.parquet", directory / "extended", directory / "encoded", shard_lines=200, workers=1)
    return directory


def test_a_wordpiece_corpus_is_encoded_by_the_tokenizer_itself(extended_model, bengali):
    corpus = pq.read_table(extended_model / "corpus.parquet").to_pandas()
    assert sorted(corpus["text"]) == sorted(bengali)  # all of them (sentences: null), shuffled
    encoded = pq.read_table(encoded_shards(extended_model / "encoded")).to_pandas().sort_values("position")
    tokenizer = AutoTokenizer.from_pretrained(extended_model / "extended")
    expected = tokenizer(corpus["text"].tolist(), add_special_tokens=False)["input_ids"]
    assert [list(ids) for ids in encoded["input_ids"]] == expected


def spec(**changes):
    settings = dict(learning_rate=1e-3, batch_size=8, max_steps=3, max_length=64, warmup_steps=1, checkpoint_every=10, log_every=1, seed=3)
    return TrainingSpec(**(settings | changes))


def test_pretraining_starts_from_the_initial_model(extended_model, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(extended_model / "extended")
    initial = AutoModelForMaskedLM.from_pretrained(extended_model / "extended").state_dict()
    shards = encoded_shards(extended_model / "encoded")

    def run(name, learning_rate, initial_model):
        return pretrain(
            shards=shards,
            tokenizer=tokenizer,
            model_config={"num_hidden_layers": 1, "hidden_size": 16, "intermediate_size": 64, "num_attention_heads": 2},
            spec=spec(learning_rate=learning_rate),
            checkpoint_dir=tmp_path / name,
            initial_model=initial_model,
        )

    still, _, summary, _ = run("still", 1e-9, extended_model / "extended")
    embeddings = "bert.embeddings.word_embeddings.weight"
    assert torch.allclose(still.state_dict()[embeddings], initial[embeddings], atol=1e-5)
    assert summary["initial_model"] == str(extended_model / "extended")
    moved, rows, _, _ = run("moved", 1e-2, extended_model / "extended")
    assert not torch.allclose(moved.state_dict()[embeddings], initial[embeddings], atol=1e-5) and len(rows) == 3
    scratch, _, scratch_summary, _ = run("scratch", 1e-9, None)
    assert not torch.allclose(scratch.state_dict()[embeddings], initial[embeddings], atol=1e-2)
    assert scratch_summary["fingerprint"] != summary["fingerprint"]


def test_a_model_whose_rows_do_not_match_its_tokenizer_is_refused(mbert, extended_model, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(extended_model / "extended")  # 150 more IDs than the model has rows
    with pytest.raises(ConfigError, match="embedding rows, but its tokenizer has"):
        pretrain(
            shards=encoded_shards(extended_model / "encoded"),
            tokenizer=tokenizer,
            model_config={},
            spec=spec(),
            checkpoint_dir=tmp_path,
            initial_model=mbert,
        )
