"""Grouped Hugging Face models: the GroupedTokenizer on real text of many scripts, the grouped
embeddings, and loading both back with ``from_pretrained``."""

import json

import numpy as np
import pandas as pd
import pytest
import torch
from transformers import AutoModelForMaskedLM, AutoTokenizer, BertConfig, BertForMaskedLM

from workflow_tests.realdata import shared_data
from xlclust.demo.tiny_model import build_tiny_model
from xlclust.grouping.groups import first_k_labels, group_table, kmeans_labels
from xlclust.grouping.model import grouped_tokenizer, load_masked_lm, model_vocabulary, save_grouped_model
from xlclust.models import ModelSource
from xlclust.tokenization.grouped import GroupedTokenizer

SCRIPTS = ["en", "ar", "bn", "ko", "te", "ru", "zh", "th", "hi", "el", "he", "ja", "ka", "am"]


def real_sentences(lang, n):
    path = shared_data() / "leipzig-sentences" / f"{lang}.txt"
    return path.read_text(encoding="utf-8").splitlines()[:n] if path.exists() else []


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    texts = [s for lang in SCRIPTS for s in real_sentences(lang, 300)]
    directory = tmp_path_factory.mktemp("tiny") / "model"
    build_tiny_model(texts, directory, vocab_size=6000, hidden_size=16, layers=1, heads=2, max_positions=256, seed=0)
    return directory


def kmeans_table(tokenizer, model, ratio=0.2):
    tokens, embeddings = model_vocabulary(tokenizer, model)
    return group_table(tokens, kmeans_labels(embeddings, ratio, seed=0, init="random", max_iterations=10).labels, method="kmeans")


def test_grouped_ids_are_the_groups_of_the_original_ids_with_the_original_offsets(tiny, tmp_path):
    tokenizer, model = load_masked_lm(ModelSource(str(tiny)))
    table = kmeans_table(tokenizer, model)
    grouped = grouped_tokenizer(tokenizer, table, tmp_path)
    groups = table.sort_values("token_id")["cluster_id"].to_numpy()
    assert len(grouped) == grouped.vocab_size == groups.max() + 1
    for lang in SCRIPTS:
        texts = real_sentences(lang, 310)[300:] + [""]
        original = tokenizer(texts, padding=True, return_offsets_mapping=True)
        mine = grouped(texts, padding=True, return_offsets_mapping=True)
        assert mine["offset_mapping"] == original["offset_mapping"] and mine["attention_mask"] == original["attention_mask"]
        for ids, group_ids, mask in zip(original["input_ids"], mine["input_ids"], original["attention_mask"]):
            assert group_ids == [int(groups[i]) if keep else grouped.pad_token_id for i, keep in zip(ids, mask)]
        # offsets point at the characters each token came from
        for b, text in enumerate(texts):
            for token, (start, end) in zip(mine.tokens(b), mine["offset_mapping"][b]):
                if end > start and token != tokenizer.unk_token:
                    assert text[start:end] == token.removeprefix("##"), (lang, token, text[start:end])
    assert grouped("")["input_ids"] == [grouped.cls_token_id, grouped.sep_token_id]
    assert grouped("🦜")["input_ids"][1] == grouped.unk_token_id
    assert grouped.convert_tokens_to_ids(["[MASK]", "no-such-token"]) == [grouped.mask_token_id, grouped.unk_token_id]
    assert len({grouped.pad_token_id, grouped.unk_token_id, grouped.cls_token_id, grouped.sep_token_id, grouped.mask_token_id}) == 5


def test_grouped_model_and_tokenizer_load_with_from_pretrained(tiny, tmp_path):
    tokenizer, model = load_masked_lm(ModelSource(str(tiny)))
    original_rows = model.get_input_embeddings().weight.detach().clone()
    original_bias = model.cls.predictions.bias.detach().clone()
    table = kmeans_table(tokenizer, model)
    save_grouped_model(tokenizer, model, table, tmp_path / "grouped", {"method": "kmeans"})
    assert "xlclust" not in (tmp_path / "grouped" / "grouped.py").read_text().split('"""', 2)[2]  # loads anywhere
    loaded_tokenizer = AutoTokenizer.from_pretrained(tmp_path / "grouped", trust_remote_code=True)
    loaded = AutoModelForMaskedLM.from_pretrained(tmp_path / "grouped")
    groups = table.sort_values("token_id")["cluster_id"].to_numpy()
    n_groups = groups.max() + 1
    assert loaded.config.vocab_size == len(loaded_tokenizer) == n_groups
    rows = loaded.get_input_embeddings().weight.detach()
    for group in range(n_groups):  # each group's row is the mean of its members' rows
        assert torch.allclose(rows[group], original_rows[groups == group].mean(0), atol=1e-6)
        assert torch.allclose(loaded.cls.predictions.bias[group], original_bias[groups == group].mean(), atol=1e-6)
    batch = loaded_tokenizer(real_sentences("ko", 3) + real_sentences("ar", 3), padding=True, return_tensors="pt")
    assert loaded(**batch).logits.shape[-1] == n_groups
    assert json.loads((tmp_path / "grouped" / "grouping.json").read_text()) == {"method": "kmeans"}


def test_untied_output_layer_and_first_k(tmp_path, tiny):
    tokenizer, _ = load_masked_lm(ModelSource(str(tiny)))
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = BertForMaskedLM(config)
    inputs = model.get_input_embeddings().weight.detach().clone()
    outputs = model.get_output_embeddings().weight.detach().clone()
    assert not torch.equal(inputs, outputs)
    tokens, _ = model_vocabulary(tokenizer, model)
    words = tokens[~tokens.is_special]
    table = group_table(tokens, first_k_labels(np.argsort(words["frequency_rank"].to_numpy()), 0.1), method="firstk")
    save_grouped_model(tokenizer, model, table, tmp_path / "firstk", {})
    loaded = AutoModelForMaskedLM.from_pretrained(tmp_path / "firstk")
    by_id = table.sort_values("token_id")
    for token_id, group, kind in zip(by_id.token_id, by_id.cluster_id, by_id.kind):
        if kind != "dropped":  # kept tokens and specials keep their own rows; dropped ones read as [UNK]
            assert torch.equal(loaded.get_input_embeddings().weight[group], inputs[token_id])
            assert torch.equal(loaded.get_output_embeddings().weight[group], outputs[token_id])
    grouped = AutoTokenizer.from_pretrained(tmp_path / "firstk", trust_remote_code=True)
    rare = next(token for token in reversed(tokenizer.convert_ids_to_tokens(range(len(tokenizer)))) if token.isalpha())
    assert grouped.convert_tokens_to_ids(rare) == grouped.unk_token_id
    assert grouped(rare)["input_ids"] == [grouped.cls_token_id, grouped.unk_token_id, grouped.sep_token_id]
    assert grouped.decode(grouped(rare)["input_ids"]) == "[CLS] [UNK] [SEP]"
    assert torch.equal(loaded.cls.predictions.decoder.bias, loaded.cls.predictions.bias)


def test_a_grouped_tokenizer_refuses_bad_groups_and_new_tokens(tiny, tmp_path):
    tokenizer, model = load_masked_lm(ModelSource(str(tiny)))
    tokenizer.save_pretrained(tmp_path)
    file = str(tmp_path / "tokenizer.json")
    size = len(tokenizer)
    with pytest.raises(ValueError, match="needs its token_groups.json"):
        GroupedTokenizer(tokenizer_file=file, groups_file=str(tmp_path / "missing.json"))
    with pytest.raises(ValueError, match="groups only"):
        GroupedTokenizer(tokenizer_file=file, groups=np.zeros(size - 1, int), representatives=[0])
    with pytest.raises(ValueError, match="representative must be one of its members"):
        GroupedTokenizer(tokenizer_file=file, groups=np.arange(size) % 2, representatives=[1, 0])
    grouped = grouped_tokenizer(tokenizer, kmeans_table(tokenizer, model), tmp_path / "work")
    with pytest.raises(ValueError, match="vocabulary is fixed"):
        grouped.add_tokens(["brand-new-token"])


# --- First-k's order: the tokenizer's emergence order where its files have one (§2.1) --------------


def bpe_with_shuffled_ids():
    """A tokenizers BPE trained on a few words, its vocabulary renumbered so that the ID order is not
    the merge order; and the merges' results in the order they emerged."""
    import json

    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    trained = Tokenizer(models.BPE(unk_token="[UNK]"))
    trained.pre_tokenizer = pre_tokenizers.Whitespace()
    corpus = ["low lower lowest newer newest wider widest slow slower"] * 5
    trained.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=60, special_tokens=["[UNK]", "[PAD]"]))
    model = json.loads(trained.to_str())["model"]
    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    specials = ["[UNK]", "[PAD]"]
    others = [token for token in model["vocab"] if token not in specials]
    shuffled = [others[i] for i in np.random.default_rng(0).permutation(len(others))]
    vocab = {token: i for i, token in enumerate(specials + shuffled)}
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]")
    alphabet = sorted((t for t in others if len(t) == 1), key=vocab.get)
    return fast, alphabet, [a + b for a, b in merges]


def test_first_k_keeps_a_bpe_tokenizers_alphabet_then_its_merges_in_merge_order():
    from xlclust.grouping.emergence import emergence_ranks

    tokenizer, alphabet, merged = bpe_with_shuffled_ids()
    ranks, kind = emergence_ranks(tokenizer)
    order = [tokenizer.convert_ids_to_tokens(int(i)) for i in np.argsort(ranks)]
    assert kind == "bpe" and order == ["[UNK]", "[PAD]", *alphabet, *merged]
    assert not np.array_equal(ranks, np.arange(len(ranks)))  # not the ID order
    # First-k at a ratio: the specials always, then the alphabet and the earliest merges
    tokens = pd.DataFrame(
        {
            "token": tokenizer.convert_ids_to_tokens(list(range(len(tokenizer)))),
            "language": "",
            "is_special": [t in ("[UNK]", "[PAD]") for t in tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))],
            "is_unknown": np.arange(len(tokenizer)) == tokenizer.unk_token_id,
            "token_id": np.arange(len(tokenizer)),
        }
    )
    tokens["frequency_rank"] = np.where(tokens["is_special"], -1, ranks)
    groupable = tokens.loc[~tokens["is_special"]]
    labels = first_k_labels(np.argsort(groupable["frequency_rank"].to_numpy(), kind="stable"), 0.5)
    table = group_table(tokens, labels, method="firstk")
    kept = set(table.loc[table["kind"] == "kept", "token"])
    k = len(kept)
    assert kept == set([*alphabet, *merged][:k]) and set(table.loc[table["kind"] == "special", "token"]) == {"[UNK]", "[PAD]"}


def test_first_k_keeps_the_id_order_of_wordpiece_and_unigram_and_says_which(tiny, tmp_path):
    from xlclust.demo.tiny_model import build_tiny_xlmr
    from xlclust.grouping.emergence import ORDERS, emergence_ranks

    tokenizer = AutoTokenizer.from_pretrained(tiny)
    ranks, kind = emergence_ranks(tokenizer)
    assert kind == "wordpiece" and np.array_equal(ranks, np.arange(len(tokenizer)))
    build_tiny_xlmr(
        real_sentences("en", 300), tmp_path / "xlmr", vocab_size=500, hidden_size=8, layers=1, heads=2, max_positions=34, seed=0
    )
    unigram = AutoTokenizer.from_pretrained(tmp_path / "xlmr")
    ranks, kind = emergence_ranks(unigram)
    assert kind == "unigram" and np.array_equal(ranks, np.arange(len(unigram)))
    assert "emergence order cannot be had from the tokenizer files" in ORDERS["unigram"]
    tokens, _ = model_vocabulary(tokenizer, AutoModelForMaskedLM.from_pretrained(tiny))
    assert set(tokens["first_k_order"]) == {"wordpiece"} and (tokens.loc[tokens["is_special"], "frequency_rank"] == -1).all()


def test_an_xlmr_head_untied_by_clsa_groups_both_its_biases(tmp_path):
    """CLSA unties the output layer and gives the decoder its own bias; XLM-R's head keeps a second
    bias (lm_head.bias) that resize_token_embeddings leaves at the old size: both are grouped (the
    means of their members), and the grouped model loads back (it failed on the demo's tinyxlmr)."""
    from transformers import XLMRobertaForMaskedLM

    from xlclust.demo.tiny_model import build_tiny_xlmr

    texts = [s for lang in ("en", "ru", "el") for s in real_sentences(lang, 200)]
    build_tiny_xlmr(texts, tmp_path / "xlmr", vocab_size=400, hidden_size=16, layers=1, heads=2, max_positions=66, seed=0)
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "xlmr")
    model = XLMRobertaForMaskedLM.from_pretrained(tmp_path / "xlmr")
    model.config.tie_word_embeddings = False
    model.lm_head.decoder.weight = torch.nn.Parameter(model.lm_head.decoder.weight.detach().clone())
    model.lm_head.decoder.bias = torch.nn.Parameter(torch.randn(len(tokenizer)))
    model.lm_head.bias = torch.nn.Parameter(torch.randn(len(tokenizer)))
    head_bias, decoder_bias = model.lm_head.bias.detach().clone(), model.lm_head.decoder.bias.detach().clone()
    table = kmeans_table(tokenizer, model)
    save_grouped_model(tokenizer, model, table, tmp_path / "grouped", {})
    loaded = AutoModelForMaskedLM.from_pretrained(tmp_path / "grouped")
    groups = int(table["cluster_id"].max()) + 1
    assert loaded.lm_head.bias.shape == loaded.lm_head.decoder.bias.shape == (groups,)
    members = table[table["kind"] != "dropped"].groupby("cluster_id")["token_id"].apply(list)
    for group, token_ids in members.head(20).items():
        assert torch.allclose(loaded.lm_head.bias[group], head_bias[token_ids].mean(), atol=1e-6)
        assert torch.allclose(loaded.lm_head.decoder.bias[group], decoder_bias[token_ids].mean(), atol=1e-6)
