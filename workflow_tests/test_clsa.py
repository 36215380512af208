"""CLSA ("Tomato, Tomahto, Tomate" §2.2): InfoNCE by hand, the single-subword filter on real MUSE
pairs, and a model whose input embeddings alone change (a tied output layer keeps its rows)."""

import math

import numpy as np
import pytest
import torch

from workflow_tests.realdata import shared_data
from xlclust.grouping.clsa import ClsaSettings, align_model_embeddings, info_nce
from xlclust.grouping.clsa_pairs import single_subword_pairs


def test_info_nce_by_hand():
    rows = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    # each row's partner at cosine 1, the other at 0: -log(e^{1/τ} / (e^{1/τ} + 1)) in both directions
    assert info_nce(rows, rows, 0.5).item() == pytest.approx(math.log(1 + math.exp(-2)))
    swapped = info_nce(rows, rows.flip(0), 0.5).item()  # partners orthogonal, the negatives identical
    assert swapped == pytest.approx(math.log(1 + math.exp(2)))


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    from xlclust.demo.tiny_model import build_tiny_model

    texts = [
        line for lang in ("en", "ru") for line in (shared_data() / f"leipzig-sentences/{lang}.txt").read_text(encoding="utf-8").splitlines()
    ]
    directory = tmp_path_factory.mktemp("clsa") / "bert"
    build_tiny_model(texts, directory, vocab_size=3000, hidden_size=16, layers=1, heads=2, max_positions=64, seed=0)
    return directory


def muse_pairs():
    lines = (shared_data() / "dictionaries/muse/en-ru.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split()) for line in lines if len(line.split()) == 2]


def test_only_pairs_of_single_subwords_are_kept(tiny_bert):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    pairs = muse_pairs()
    kept, counts = single_subword_pairs(pairs, tokenizer)
    assert counts["pairs"] == len(pairs) and 0 < counts["kept_pairs"] == len(kept) < len(pairs)
    words = set(tokenizer.convert_ids_to_tokens(kept.ravel().tolist()))
    assert all(len(tokenizer(word, add_special_tokens=False)["input_ids"]) == 1 for word in words)
    assert {tuple(tokenizer.convert_ids_to_tokens(pair.tolist())) for pair in kept} <= set(pairs)


def test_clsa_changes_the_input_embeddings_alone_and_aligns_the_pairs(tiny_bert, tmp_path):
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    model = AutoModelForMaskedLM.from_pretrained(tiny_bert)
    assert model.get_output_embeddings().weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()  # tied
    before = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    pairs, _ = single_subword_pairs(muse_pairs(), tokenizer)
    log = align_model_embeddings(model, pairs, ClsaSettings(learning_rate=1e-2, epochs=10, batch_size=32, seed=3))
    after = model.state_dict()
    changed = {name for name in before if not torch.equal(before[name], after[name])}
    assert changed == {"bert.embeddings.word_embeddings.weight"}  # the output layer kept the original rows
    untouched = sorted(set(range(len(tokenizer))) - set(pairs.ravel().tolist()))
    assert torch.equal(
        before["bert.embeddings.word_embeddings.weight"][untouched], after["bert.embeddings.word_embeddings.weight"][untouched]
    )
    # measured: 1 % of the pairs retrieve each other before, 76 % after 9 epochs (some words have two partners)
    assert log[0]["epoch"] == 0 and max(row["accuracy"] for row in log) > 0.6 > 0.2 > log[0]["accuracy"]
    model.save_pretrained(tmp_path / "aligned")
    loaded = AutoModelForMaskedLM.from_pretrained(tmp_path / "aligned").state_dict()
    assert all(torch.equal(loaded[name], tensor) for name, tensor in after.items())  # untied on disk too
    again = AutoModelForMaskedLM.from_pretrained(tiny_bert)
    align_model_embeddings(again, pairs, ClsaSettings(learning_rate=1e-2, epochs=10, batch_size=32, seed=3))
    assert torch.equal(again.get_input_embeddings().weight, model.get_input_embeddings().weight)  # seeded


def test_too_few_pairs_are_refused(tiny_bert):
    from transformers import AutoModelForMaskedLM

    from xlclust.errors import XlclustError

    with pytest.raises(XlclustError, match="at least two single-subword translation pairs; 1 found"):
        align_model_embeddings(AutoModelForMaskedLM.from_pretrained(tiny_bert), np.array([[5, 6]]), ClsaSettings())


def test_pairs_from_panlex_swadesh_and_concepticon_as_published(tmp_path):
    from xlclust.errors import XlclustError
    from xlclust.grouping.pair_sources import concepticon_pairs, muse_pairs, panlex_pairs

    swadesh = shared_data() / "dictionaries/panlex-swadesh207"
    pairs = panlex_pairs(swadesh / "rus-000.txt", swadesh / "eng-000.txt")
    assert ("ночь", "night") in pairs and ("я", "I") in pairs  # concept 1 (1 sg.); "1 sg." itself is two words
    assert all(" " not in a and " " not in b for a, b in pairs) and len(pairs) == len(set(pairs))
    (tmp_path / "short.txt").write_text("я\n", encoding="utf-8")
    with pytest.raises(XlclustError, match="short.txt has 1 concept lines but .*eng-000.txt has 207"):
        panlex_pairs(tmp_path / "short.txt", swadesh / "eng-000.txt")
    lists = shared_data() / "concepticon/conceptlists"
    multisimlex = concepticon_pairs(lists / "Vulic-2020-2244.tsv", "RUSSIAN", "ENGLISH")
    assert ("статуя", "statue") in multisimlex and ("разрешать", "permit") in multisimlex
    children = concepticon_pairs(lists / "Luniewska-2019-299.tsv", "DUTCH", "ENGLISH")
    assert ("vliegtuig", "airplane") in children and not any(a == "-" for a, _ in children)
    assert concepticon_pairs(lists / "Luniewska-2019-299.tsv", "AFRIKAANS", "ENGLISH")[0][1] != "airplane"  # '-': no word
    with pytest.raises(XlclustError, match="no column 'KLINGON'"):
        concepticon_pairs(lists / "Vulic-2020-2244.tsv", "KLINGON", "ENGLISH")
    assert muse_pairs(shared_data() / "dictionaries/muse/en-ru.txt")[:2] == [("and", "и"), ("was", "был")]


def test_an_aligned_model_loads_back_with_its_decoder_bias(tiny_bert, tmp_path):
    """Untied, a model ties nothing when loaded: BERT's decoder bias (one tensor with the head's bias)
    must be saved on its own, or it comes back re-initialized."""
    from xlclust.grouping.clsa import save_aligned_model
    from xlclust.grouping.model import load_masked_lm
    from xlclust.models import ModelSource

    tokenizer, model = load_masked_lm(ModelSource(str(tiny_bert)))
    with torch.no_grad():
        model.cls.predictions.bias.copy_(torch.linspace(-1, 1, len(model.cls.predictions.bias)))
    bias = model.get_output_embeddings().bias.detach().clone()
    save_aligned_model(tokenizer, model, muse_pairs()[:3000], ClsaSettings(epochs=1), tmp_path / "aligned", {})
    _, loaded = load_masked_lm(ModelSource(str(tmp_path / "aligned")))
    assert torch.equal(loaded.get_output_embeddings().bias, bias)


# --- round-trip pairs (App. B) ---------------------------------------------------------------


def test_mutual_nearest_neighbours_on_a_planted_matrix():
    from xlclust.grouping.roundtrip import mutual_nearest_ids

    weight = np.array(
        [
            [1.0, 0.0, 0.0],  # 0: left
            [0.0, 1.0, 0.0],  # 1: left
            [0.0, 0.0, 1.0],  # 2: left, and right (a subword both sides share)
            [0.9, 0.1, 0.0],  # 3: right, 0's mutual partner
            [0.7, 0.7, 0.0],  # 4: right, as near 0 as 1, but each has a nearer one: nobody's partner
            [0.1, 5.0, 0.2],  # 5: right, 1's mutual partner (the norm plays no part)
            [0.0, 0.3, 0.9],  # 6: right, 2's nearest but for 2 itself
            [0.95, 0.0, 0.05],  # 7: left, 3 its nearest, but 3's nearest is 0
        ],
        dtype=np.float32,
    )
    assert mutual_nearest_ids(weight, [0, 1, 2], [2, 3, 4, 5, 6]).tolist() == [[0, 3], [1, 5], [2, 6]]  # 2 never pairs itself
    assert mutual_nearest_ids(weight, [7, 0], [3]).tolist() == [[0, 3]]  # one way is not enough
    assert mutual_nearest_ids(weight, [2], [2]).shape == (0, 2)
    assert mutual_nearest_ids(weight, [], [3]).shape == (0, 2)


def test_roundtrip_pairs_are_mutual_nearest_single_subwords_of_the_dictionary(tiny_bert):
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    from xlclust.grouping.clsa_pairs import single_subword_ids
    from xlclust.grouping.roundtrip import roundtrip_pairs

    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    weight = AutoModelForMaskedLM.from_pretrained(tiny_bert).get_input_embeddings().weight.detach().numpy()
    dictionary = muse_pairs()
    pairs, counts = roundtrip_pairs(tokenizer, weight, {"ru": dictionary})
    english = single_subword_ids([a for a, _ in dictionary], tokenizer)
    russian = single_subword_ids([b for _, b in dictionary], tokenizer)
    assert counts["ru"] == {"pivot_words": len(english), "words": len(russian), "pairs": len(pairs)} and len(pairs) > 10
    # by brute force: every pair is each other's nearest by cosine among the other side's words
    en_ids, ru_ids = np.unique(list(english.values())), np.unique(list(russian.values()))
    norms = np.linalg.norm(weight, axis=1, keepdims=True)
    unit = weight / np.where(norms == 0, 1, norms)
    similarity = unit[en_ids] @ unit[ru_ids].T
    similarity[en_ids[:, None] == ru_ids[None, :]] = -np.inf
    forward, backward = similarity.argmax(axis=1), similarity.argmax(axis=0)
    expected = {(int(en_ids[i]), int(ru_ids[forward[i]])) for i in range(len(en_ids)) if backward[forward[i]] == i}
    found = {(english.get(a, russian.get(a)), russian.get(b, english.get(b))) for a, b in pairs}
    assert found == expected
