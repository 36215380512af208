"""The project's own initialization (xlclust.initialization): random weights that depend on the seed
and the parameters' names only, so that a library release cannot move the demo's figures."""

import pytest
import torch
from transformers import BertConfig, BertForMaskedLM, BertPreTrainedModel

from xlclust.initialization import new_random_model, parameter_seed, seeded_init
from xlclust.models import ModelSource

CONFIG = dict(vocab_size=120, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32, max_position_embeddings=32)


def tiny(seed=3, **overrides):
    return new_random_model(BertForMaskedLM, BertConfig(pad_token_id=0, **CONFIG, **overrides), seed)


def weights(model):
    return {name: tensor.clone() for name, tensor in model.state_dict().items()}


def same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_weights_depend_on_the_seed_only_not_on_the_global_state_or_the_librarys_default(monkeypatch):
    torch.manual_seed(0)
    first = weights(tiny())
    torch.manual_seed(12345)
    torch.rand(1000)
    # a release that initializes differently (or not at all) changes nothing
    monkeypatch.setattr(BertPreTrainedModel, "_init_weights", lambda self, module: None)
    assert same(first, weights(tiny()))
    assert not same(first, weights(tiny(seed=4)))


def test_the_rule_is_berts_normal_matrices_zero_biases_unit_norms_and_a_zero_padding_row():
    model = tiny(initializer_range=0.05)
    for name, parameter in model.named_parameters():
        if "LayerNorm" in name:
            expected = 1.0 if name.endswith("weight") else 0.0
            assert torch.all(parameter == expected), name
        elif name.endswith("bias"):
            assert torch.all(parameter == 0), name
        else:
            assert parameter.dim() == 2, name
            if parameter.numel() >= 500:  # enough draws for the spread to show
                assert abs(float(parameter.detach().std()) - 0.05) < 0.01, name
    assert torch.all(model.bert.embeddings.word_embeddings.weight[0] == 0)
    assert model.cls.predictions.decoder.weight is model.bert.embeddings.word_embeddings.weight  # still tied


def test_each_parameter_draws_from_its_own_seed():
    assert parameter_seed(1, "a.weight") != parameter_seed(1, "b.weight") != parameter_seed(2, "a.weight")
    model = tiny()
    query = model.bert.encoder.layer[0].attention.self.query.weight
    key = model.bert.encoder.layer[0].attention.self.key.weight
    assert not torch.equal(query, key)


def test_a_parameter_without_a_rule_is_refused_by_name():
    class Scaled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(4))

    with pytest.raises(ValueError, match="scale"):
        seeded_init(Scaled(), 1)


def test_a_new_head_takes_the_projects_initialization_from_the_seed(tmp_path, monkeypatch):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import AutoModelForTokenClassification, PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel({f"w{i}": i for i in range(120)}, unk_token="w1"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="w0", unk_token="w1").save_pretrained(tmp_path)
    encoder = tiny()
    encoder.save_pretrained(tmp_path)
    source = ModelSource(str(tmp_path))

    def head(seed, global_seed):
        torch.manual_seed(global_seed)
        _, model = source.load(AutoModelForTokenClassification, seed=seed, num_labels=3)
        return model

    first = head(7, 0)
    monkeypatch.setattr(BertPreTrainedModel, "_init_weights", lambda self, module: None)
    again = head(7, 99)
    assert torch.equal(first.classifier.weight, again.classifier.weight) and torch.all(first.classifier.bias == 0)
    assert not torch.equal(first.classifier.weight, head(8, 0).classifier.weight)
    assert abs(float(first.classifier.weight.detach().std()) - 0.02) < 0.01
    # the checkpoint's own weights are loaded as they are
    assert torch.equal(first.bert.encoder.layer[1].output.dense.weight, encoder.bert.encoder.layer[1].output.dense.weight)
    torch.manual_seed(7)  # by default, the seed set_seed left
    _, default = source.load(AutoModelForTokenClassification, num_labels=3)
    assert torch.equal(default.classifier.weight, first.classifier.weight)
