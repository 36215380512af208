"""One gate for model code (xlclust.models): a model directory that carries code other than the
workflow's own is refused by every stage that loads models, before any of its code runs; the
workflow's own grouped tokenizers and reduced models still load; a checkpoint that is more than
weights is refused with its path and what to do."""

import json
import pickle
import shutil

import pytest
import torch
from transformers import (
    AutoModel,
    AutoModelForMaskedLM,
    AutoModelForQuestionAnswering,
    AutoModelForSequenceClassification,
    AutoModelForTokenClassification,
)

from workflow_tests.realdata import shared_data
from xlclust.errors import XlclustError
from xlclust.models import ModelSource, load_local_model, load_local_tokenizer, remote_code_allowed

EVIL = """import pathlib
pathlib.Path({marker!r}).write_text("the planted code ran")
from transformers import BertConfig, BertModel, BertForMaskedLM, PreTrainedTokenizerFast
EvilConfig, EvilModel, EvilMaskedLM, EvilTokenizer = BertConfig, BertModel, BertForMaskedLM, PreTrainedTokenizerFast
"""
AUTO_MAP = {
    "AutoConfig": "evil.EvilConfig",
    "AutoModel": "evil.EvilModel",
    "AutoModelForMaskedLM": "evil.EvilMaskedLM",
    "AutoModelForQuestionAnswering": "evil.EvilModel",
    "AutoModelForSequenceClassification": "evil.EvilModel",
    "AutoModelForTokenClassification": "evil.EvilModel",
    "AutoTokenizer": ["evil.EvilTokenizer", "evil.EvilTokenizer"],
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny BERT with random weights and its WordPiece tokenizer, as the demo builds its stand-ins."""
    from xlclust.demo.tiny_model import build_tiny_model

    texts = (shared_data() / "leipzig-sentences/en.txt").read_text(encoding="utf-8").splitlines()[:300]
    directory = tmp_path_factory.mktemp("gate") / "bert"
    build_tiny_model(texts, directory, vocab_size=1000, hidden_size=16, layers=1, heads=2, max_positions=64, seed=0)
    return directory


def plant(clean, directory, marker):
    """``clean`` copied to ``directory`` with an ``auto_map`` (config and tokenizer) at its own evil.py."""
    shutil.copytree(clean, directory)
    (directory / "evil.py").write_text(EVIL.format(marker=str(marker)), encoding="utf-8")
    for name in ("config.json", "tokenizer_config.json"):
        settings = json.loads((directory / name).read_text(encoding="utf-8"))
        (directory / name).write_text(json.dumps(settings | {"auto_map": AUTO_MAP}), encoding="utf-8")
    return directory


def dpr_finetune(directory):
    from xlclust.retrieval.dpr import finetune_dpr
    from xlclust.training.finetuning import FinetuneSpec

    finetune_dpr(ModelSource(str(directory)), [], FinetuneSpec(), {"pooling": "cls"}, directory.parent / "dpr-checkpoints", "test")


def dpr_pooling_flag(directory):
    from xlclust.retrieval.dpr import _takes_pooling_flag

    _takes_pooling_flag(ModelSource(str(directory)))


def pretraining_tokenizer(directory):
    from xlclust.pretraining.encode import load_tokenizer

    load_tokenizer(directory)


def pretraining_model(directory):
    from xlclust.pretraining.train import load_initial_model

    load_initial_model(directory, None, 64)


def grouping_model(directory):
    from xlclust.grouping.model import load_masked_lm

    load_masked_lm(ModelSource(str(directory)))


def grouping_check(directory):
    from xlclust.grouping.model import _check_saved

    _check_saved(None, directory)


def reduction(directory):
    from xlclust.grouping.reduction import load_reduced_back

    load_reduced_back(directory)


def lowres_encoder(directory):
    from xlclust.lowres.contextual import load_encoder

    load_encoder(ModelSource(str(directory)))


def classifier(directory):
    from xlclust.training.finetuning import load_classifier

    load_classifier(ModelSource(str(directory)), AutoModelForSequenceClassification, ["a", "b"], 0, 32, "test")


def tydiqa(directory):
    from xlclust.training.finetuning import FinetuneSpec
    from xlclust.tydiqa.features import FeatureSpec
    from xlclust.tydiqa.finetune import finetune

    finetune(ModelSource(str(directory)), [], FinetuneSpec(), FeatureSpec(), directory.parent / "qa-checkpoints", directory.parent / "qa")


def langclust_embedding(directory):
    from xlclust.langclust.embedding import sentence_vectors

    sentence_vectors(ModelSource(str(directory)), ["a sentence"], "cls", 32)


ENTRY_POINTS = {
    "planted-load-AutoModel": lambda d: ModelSource(str(d)).load(AutoModel),
    "planted-load-AutoModelForMaskedLM": lambda d: ModelSource(str(d)).load(AutoModelForMaskedLM),
    "planted-load-AutoModelForQuestionAnswering": lambda d: ModelSource(str(d)).load(
        AutoModelForQuestionAnswering
    ),  # tydiqa's eval and predict scripts
    "planted-load-AutoModelForTokenClassification": lambda d: ModelSource(str(d)).load(AutoModelForTokenClassification),
    "planted-load_config": lambda d: ModelSource(str(d)).load_config(),
    "planted-load_tokenizer": lambda d: ModelSource(str(d)).load_tokenizer(),
    "planted-load_local_model": lambda d: load_local_model(d, AutoModelForMaskedLM),
    "planted-load_local_tokenizer": load_local_tokenizer,
    "planted-dpr": dpr_pooling_flag,
    "planted-dpr-finetune": dpr_finetune,
    "planted-pretraining-encode": pretraining_tokenizer,
    "planted-pretraining-train": pretraining_model,
    "planted-grouping-model": grouping_model,
    "planted-grouping-check-saved": grouping_check,
    "planted-grouping-reduction": reduction,
    "planted-lowres-contextual": lowres_encoder,
    "planted-finetuning-classifier": classifier,
    "planted-tydiqa-finetune": tydiqa,
    "planted-langclust-embedding": langclust_embedding,
}


@pytest.mark.parametrize("entry", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_every_loader_refuses_a_planted_auto_map_before_its_code_runs(tiny, tmp_path, entry):
    marker = tmp_path / "code-ran"
    planted = plant(tiny, tmp_path / "planted", marker)
    with pytest.raises(XlclustError, match="not the workflow's own code") as refused:
        entry(planted)
    assert str(planted / "evil.py") in str(refused.value)
    assert not marker.exists()


def test_planted_weights_beside_a_clean_tokenizer_are_refused_by_lowres_contextual(tiny, tmp_path):
    """full_sup's weights directory is read without its tokenizer: the model load alone goes through the gate."""
    from xlclust.lowres.contextual import load_encoder

    marker = tmp_path / "code-ran"
    planted = plant(tiny, tmp_path / "weights", marker)
    (planted / "tokenizer_config.json").unlink()
    with pytest.raises(XlclustError, match=r"evil.py: not the workflow's own code"):
        load_encoder(ModelSource(str(tiny)), weights=str(planted))
    assert not marker.exists()


def test_planted_wordpiece_extension_is_refused_when_it_loads_back(tiny, tmp_path):
    from xlclust.tokenization.wordpiece import extend_wordpiece

    marker = tmp_path / "code-ran"
    planted = plant(tiny, tmp_path / "planted", marker)
    with pytest.raises(XlclustError, match=r"evil.py: not the workflow's own code"):
        extend_wordpiece(ModelSource(str(tiny)).load_tokenizer(), ["zzqx"], planted)
    assert not marker.exists()


def test_an_auto_map_at_hub_code_is_refused_even_without_py_files(tiny, tmp_path):
    directory = tmp_path / "remapped"
    shutil.copytree(tiny, directory)
    settings = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    (directory / "config.json").write_text(
        json.dumps(settings | {"auto_map": {"AutoConfig": "someone/repo--evil.Config"}}), encoding="utf-8"
    )
    with pytest.raises(XlclustError, match=r"config.json: auto_map names 'someone/repo--evil.Config'"):
        ModelSource(str(directory)).load_config()


def test_the_gate_allows_remote_code_only_for_local_directories_that_ask_for_it(tiny, tmp_path):
    assert not remote_code_allowed("google-bert/bert-base-multilingual-cased")  # a Hub ID: remote code off, nothing read
    assert not remote_code_allowed(tiny)  # no auto_map, no code
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(XlclustError, match=r"config.json: not readable JSON"):
        remote_code_allowed(tmp_path)


def test_a_hub_model_loads_with_remote_code_off_and_one_that_needs_code_is_refused_without_that_advice(monkeypatch):
    from transformers import AutoConfig

    asked = []

    def hub(location, **options):  # what transformers says of a Hub repository with code of its own
        asked.append(options["trust_remote_code"])
        raise ValueError(f"{location} contains custom code which must be executed ... pass the argument `trust_remote_code=True`")

    monkeypatch.setattr(AutoConfig, "from_pretrained", hub)
    with pytest.raises(XlclustError, match=r"^someone/custom: this model needs code of its own") as refused:
        ModelSource("someone/custom", revision="0" * 40).load_config()
    assert asked == [False] and "trust_remote_code" not in str(refused.value)


def test_a_missing_workflow_directory_is_named_not_looked_up_on_the_hub(tmp_path):
    with pytest.raises(XlclustError, match=r"absent: no such model directory; rerun the rule that writes it"):
        load_local_tokenizer(tmp_path / "absent")


@pytest.fixture(scope="module")
def own_code_models(tiny, tmp_path_factory):
    """The tiny BERT grouped (First-k, 50 %: a GroupedTokenizer with its grouped.py), then reduced to 8
    dimensions (its reduced.py and an auto_map at it), as the grouping stage writes them."""
    from xlclust.grouping.groups import first_k_labels, group_table
    from xlclust.grouping.model import load_masked_lm, model_vocabulary, save_grouped_model
    from xlclust.grouping.reduction import save_reduced_model

    directory = tmp_path_factory.mktemp("own")
    tokenizer, model = load_masked_lm(ModelSource(str(tiny)))
    tokens, _ = model_vocabulary(tokenizer, model)
    ranks = tokens.loc[~tokens["is_special"], "frequency_rank"].to_numpy()
    table = group_table(tokens, first_k_labels(ranks.argsort(kind="stable"), 0.5), method="firstk")
    save_grouped_model(tokenizer, model, table, directory / "grouped", {})
    tokenizer, model = load_masked_lm(ModelSource(str(directory / "grouped")))
    save_reduced_model(tokenizer, model, 8, directory / "reduced", {})
    return directory


def test_the_workflows_own_code_still_loads_through_the_gate(own_code_models):
    grouped, reduced = own_code_models / "grouped", own_code_models / "reduced"
    assert (grouped / "grouped.py").is_file() and (reduced / "reduced.py").is_file()
    assert remote_code_allowed(grouped) and remote_code_allowed(reduced)
    tokenizer, model = ModelSource(str(reduced)).load(AutoModelForMaskedLM)
    assert type(tokenizer).__name__ == "GroupedTokenizer" and type(model).__name__ == "ReducedBertForMaskedLM"
    assert type(load_local_tokenizer(grouped)).__name__ == "GroupedTokenizer"
    assert ModelSource(str(reduced)).load_config().model_type == "bert"


# --- checkpoints that are more than weights ----------------------------------------------------------


class Harmless:
    """Any class instance: weights-only loading refuses it, whatever it does."""


def test_a_crafted_trainer_checkpoint_is_refused_with_its_path_and_what_to_do(tiny, tmp_path):
    from workflow_tests.realdata import TYDIQA_FILES
    from xlclust.training.finetuning import FinetuneSpec, complete_checkpoints
    from xlclust.tydiqa.data import read_squad_json
    from xlclust.tydiqa.features import FeatureSpec
    from xlclust.tydiqa.finetune import finetune

    questions = read_squad_json(shared_data() / "tydiqa-goldp-v1.1" / "train" / f"{TYDIQA_FILES['en']}.json", "en")[:16]
    spec = FinetuneSpec(learning_rate=5e-3, batch_size=8, epochs=1, checkpoint_every=1, keep_checkpoints=5, log_every=1, seed=3)
    features = FeatureSpec(max_length=64, doc_stride=24, max_query_length=16)
    source = ModelSource(str(tiny))
    finetune(source, questions, spec, features, tmp_path / "ckpt", tmp_path / "out")
    [run_dir] = (tmp_path / "ckpt").iterdir()
    first, *later = complete_checkpoints(run_dir)
    for checkpoint in later:  # so that the rerun resumes with steps to go
        shutil.rmtree(checkpoint)
    crafted = next(first.glob("rng_state*.pth"))
    with crafted.open("wb") as handle:
        pickle.dump(Harmless(), handle, protocol=2)
    shutil.rmtree(tmp_path / "out")
    with pytest.raises(XlclustError) as refused:
        finetune(source, questions, spec, features, tmp_path / "ckpt", tmp_path / "out")
    message = str(refused.value)
    assert str(crafted) in message and f"Delete {first}" in message and "weights_only" not in message
    with pytest.raises(pickle.UnpicklingError):  # what torch says alone: no path, and the advice not to follow
        torch.load(crafted, weights_only=True)
