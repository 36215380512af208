"""The operations of "Tomato, Tomahto, Tomate" Fig. 2 beyond grouping itself: pipeline names, CLSA's
pair sets from real lexicon files, dimension-reduced models that load and pad correctly, continual
pretraining of a grouped, reduced model resuming to identical weights, and translations sharing a
group."""

import copy
import multiprocessing
import os
import re
import signal
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch
from transformers import AutoModelForMaskedLM, AutoModelForTokenClassification, AutoTokenizer

from workflow_tests.realdata import shared_data, write_mix
from workflow_tests.test_config import PAPER, SCHEMA
from xlclust.errors import ConfigError, XlclustError
from xlclust.grouping.clsa_pairs import gather_pairs, read_pairs, write_pairs
from xlclust.grouping.groups import first_k_labels, group_table
from xlclust.grouping.model import load_masked_lm, model_vocabulary, save_grouped_model
from xlclust.grouping.reduction import load_reduced_back, reduce_model, save_reduced_model
from xlclust.grouping.translations import translation_sharing
from xlclust.models import ModelSource
from xlclust.pipelines import WILDCARD, expand_pipelines, parse_pipeline, pipeline_choices
from xlclust.pretraining.encode import encode_corpus, encoded_shards
from xlclust.pretraining.train import TrainingSpec, pretrain
from xlclust.training import checkpoint as ckpt
from xlclust.workflow_config import validate_workflow_config


def leipzig(lang, n=300):
    return (shared_data() / f"leipzig-sentences/{lang}.txt").read_text(encoding="utf-8").splitlines()[:n]


@pytest.fixture(scope="module")
def backbones(tmp_path_factory):
    """A tiny BERT and a tiny XLM-R with random weights, from real English and Russian text."""
    from xlclust.demo.tiny_model import build_tiny_model, build_tiny_xlmr

    texts = leipzig("en") + leipzig("ru")
    directory = tmp_path_factory.mktemp("backbones")
    build_tiny_model(texts, directory / "bert", vocab_size=2000, hidden_size=16, layers=1, heads=2, max_positions=64, seed=0)
    build_tiny_xlmr(texts, directory / "xlmr", vocab_size=2000, hidden_size=16, layers=1, heads=2, max_positions=66, seed=0)
    return directory


# --- pipeline names --------------------------------------------------------------------------


def test_pipelines_parse_in_the_papers_order_and_describe_themselves():
    pipeline = parse_pipeline("xlmr/d128/clsa-all/kmeans10/cpt")
    assert [step.kind for step in pipeline.steps] == ["reduction", "clsa", "grouping", "continual"]
    assert pipeline.describe() == {"backbone": "xlmr", "clsa": "all", "method": "kmeans", "ratio": 10, "dim": 128, "continual": True}
    assert parse_pipeline("mbert").describe() == {
        "backbone": "mbert",
        "clsa": "none",
        "method": "none",
        "ratio": 100,
        "dim": None,
        "continual": False,
    }
    assert parse_pipeline("mbert/cpt").describe()["method"] == "none"
    assert parse_pipeline("mbert/l2kmeans20").describe() | {"backbone": "x"} == {
        "backbone": "x",
        "clsa": "none",
        "method": "l2kmeans",
        "ratio": 20,
        "dim": None,
        "continual": False,
    }
    assert parse_pipeline("mbert/d32/cpt").describe()["dim"] == 32
    for bad, message in [
        ("mbert/kmeans10/clsa-all", "clsa-all after kmeans10: operations come in the order d{dim} → clsa-{pairs} → grouping → cpt"),
        ("mbert/clsa-all/kmeans10/d128/cpt", "d128 after kmeans10"),  # the order before issue 36
        ("mbert/cpt/kmeans10", "kmeans10 after cpt"),
        ("mbert/clsa-all/d8/cpt", "d8 after clsa-all"),
        ("mbert/kmeans10/firstk5", "at most once each; grouping comes 2 times"),
        ("mbert/cpt/cpt", "at most once"),
        ("mbert/d128", "always followed by continual pretraining"),
        ("mbert/d128/kmeans10", "always followed by continual pretraining"),
        ("mbert/prune50", "is no operation"),
        ("mbert/l1kmeans5", "is no operation"),
    ]:
        with pytest.raises(ConfigError, match=re.escape(message)):
            parse_pipeline(bad)


def test_the_pipeline_wildcard_matches_every_order_it_parses():
    pattern = re.compile(WILDCARD)
    for path in ["mbert", "mbert/d8/clsa-all/l2kmeans5/cpt", "xlmr_large/clsa-all", "mbert/firstk40/cpt", "mbert/lexicon10"]:
        assert pattern.fullmatch(path), path
        parse_pipeline(path)
    assert not pattern.fullmatch("mbert/kmeans10/model")


def test_templates_expand_over_the_configured_choices():
    grouping = {
        "backbones": ["mbert", "xlmr"],
        "compared_backbones": ["xlmr", "xlmv"],
        "ratios": [5, 40],
        "reduction": {"dims": [8]},
        "clsa": {"pair_sets": {"all": []}},
    }
    choices = pipeline_choices(grouping)
    assert choices["method"] == ["kmeans", "firstk"] and choices["compared"] == ["xlmr", "xlmv"]
    paths = expand_pipelines(
        ["{backbone}/{grouping}", "{backbone}/clsa-{pairs}/kmeans{ratio}", "mbert/d{dim}/cpt", "mbert/kmeans5"], choices
    )
    assert paths == [
        "mbert/kmeans5",
        "mbert/kmeans40",
        "mbert/firstk5",
        "mbert/firstk40",
        "xlmr/kmeans5",
        "xlmr/kmeans40",
        "xlmr/firstk5",
        "xlmr/firstk40",
        "mbert/clsa-all/kmeans5",
        "mbert/clsa-all/kmeans40",
        "xlmr/clsa-all/kmeans5",
        "xlmr/clsa-all/kmeans40",
        "mbert/d8/cpt",
    ]
    with pytest.raises(ConfigError, match=r"grouping.pipelines\[0\]: '\{layer\}' names \['layer'\]"):
        expand_pipelines(["{layer}"], choices)
    assert expand_pipelines(["{compared}/clsa-all/l2kmeans{ratio}"], choices) == [
        "xlmr/clsa-all/l2kmeans5",
        "xlmr/clsa-all/l2kmeans40",
        "xlmv/clsa-all/l2kmeans5",
        "xlmv/clsa-all/l2kmeans40",
    ]


def grouping_config(**changes):
    config = copy.deepcopy(PAPER)
    config["grouping"] |= {"pipelines": ["{backbone}/d8/clsa-all/kmeans10/cpt"], "translation_check": "all"} | changes
    return validate_workflow_config(config, SCHEMA)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"backbones": ["tiny"]}, r"grouping.backbones\[0\]': 'tiny' is not a model"),
        ({"compared_backbones": ["mbert", "tiny"]}, r"grouping.compared_backbones\[1\]': 'tiny' is not a model"),
        ({"pipelines": ["{backbone}/clsa-all/kmeans10/d8/cpt"]}, "d8 after kmeans10"),
        ({"pipelines": ["{backbone}/clsa-none/kmeans10"]}, "uses the pair set 'none'"),
        ({"pipelines": ["other/kmeans10"]}, "starts from 'other'"),
        ({"pipelines": ["{backbone}/kmeans200"]}, "a percentage in 1..100"),
        ({"pipelines": ["{backbone}/d8"]}, "always followed by continual pretraining"),
        ({"translation_check": "none"}, "grouping.translation_check': 'none' is not a pair set"),
        ({"continual": {"languages": []}}, "grouping.continual.languages"),
        ({"evaluation": {"xnli": {"source": "hub", "hub": {"name": "facebook/xnli", "revision": None}}}}, "xnli.hub.revision': pin"),
        (
            {"evaluation": {"exclude": ["{backbone}/kmeans10"]}},
            "evaluation.exclude': 'mbert/kmeans10' is not a pipeline of grouping.pipelines",
        ),
    ],
)
def test_the_config_check_names_a_bad_pipeline_setting(changes, message):
    grouping_config()
    evaluation = {**PAPER["grouping"]["evaluation"], "exclude": ["{backbone}/d8/clsa-all/kmeans10/cpt"]}
    grouping_config(evaluation=evaluation)  # a configured pipeline: built, not evaluated
    with pytest.raises(ConfigError, match=message):
        grouping_config(**changes)


# --- CLSA's pair sets from real lexicon files ---------------------------------------------------


def clsa_spec(tmp_path, **changes):
    dictionaries = shared_data() / "dictionaries"
    spec = {
        "pivot": "en",
        "muse": {"location": str(dictionaries / "muse/{source}-{target}.txt"), "languages": ["ru", "fi"]},
        "panlex": {"location": str(dictionaries / "panlex-swadesh207"), "varieties": {"en": "eng-000", "ru": "rus-000", "fi": "fin-000"}},
        "concepticon": {
            "lists": [
                {
                    "location": str(shared_data() / "concepticon/conceptlists/Vulic-2020-2244.tsv"),
                    "columns": {"en": "ENGLISH", "ru": "RUSSIAN", "fi": "FINNISH"},
                }
            ]
        },
        "cache_dir": str(tmp_path / "cache"),
    }
    return spec | changes


def local_fetch(location, where):
    from pathlib import Path

    return Path(location)


def test_pair_sets_gather_every_lexicon_and_its_languages(tmp_path):
    spec = clsa_spec(tmp_path)
    pairs, counts = gather_pairs(["muse", "muse_reverse", "panlex", "concepticon"], spec, local_fetch)
    muse_ru = [tuple(line.split()) for line in (shared_data() / "dictionaries/muse/en-ru.txt").read_text(encoding="utf-8").splitlines()]
    assert ("cat", "кошка") in pairs and muse_ru[0] in pairs
    assert ("кошка", "cat") in pairs  # ru-en, the other direction
    assert counts["muse"] > 50000 and counts["muse_reverse"] > 50000
    # PanLex and Multi-SimLex pair every two languages: Finnish with Russian too
    assert counts["panlex"] > 600 and counts["concepticon"] > 4000
    assert ("patsas", "статуя") in pairs  # Multi-SimLex concept 1 (statue), fi before ru
    assert len(pairs) == len(set(pairs)) and all(" " not in a and " " not in b for a, b in pairs)


def test_panlex_is_read_from_nltks_zip_as_from_a_directory(tmp_path):
    directory = shared_data() / "dictionaries/panlex-swadesh207"
    archive = tmp_path / "panlex_swadesh.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for variety in ("eng-000", "rus-000", "fin-000"):
            zipped.write(directory / f"{variety}.txt", f"panlex_swadesh/swadesh207/{variety}.txt")
    spec = clsa_spec(tmp_path)
    from_directory, _ = gather_pairs(["panlex"], spec, local_fetch)
    from_zip, _ = gather_pairs(["panlex"], spec | {"panlex": spec["panlex"] | {"location": str(archive)}}, local_fetch)
    assert from_zip == from_directory and len(from_zip) > 600
    bad = spec | {"panlex": {"location": str(archive), "varieties": {"en": "eng-000", "xx": "xxx-000"}}}
    with pytest.raises(ConfigError, match=r"grouping.clsa.panlex.varieties.xx: .* has no swadesh207/xxx-000.txt"):
        gather_pairs(["panlex"], bad, local_fetch)


def test_pairs_round_trip_through_their_file_as_written(tmp_path):
    pairs = [('"quoted', "d'accord"), ("naïve", "наивный"), ("#", "1,5")]
    write_pairs(pairs, tmp_path / "pairs.tsv")
    assert read_pairs(tmp_path / "pairs.tsv") == pairs
    (tmp_path / "bad.tsv").write_text("a\tb\nx\ty\n", encoding="utf-8")
    with pytest.raises(XlclustError, match="bad.tsv: expected the columns source and target"):
        read_pairs(tmp_path / "bad.tsv")


def test_translation_sharing_by_hand():
    table = pd.DataFrame(
        {
            "token": ["[CLS]", "cat", "кот", "dog", "пёс", "house", "дом", "3"],
            "token_id": range(8),
            "cluster_id": [0, 1, 1, 2, 3, 3, 4, 4],
            "kind": ["special", "grouped", "grouped", "grouped", "grouped", "grouped", "grouped", "grouped"],
        }
    )
    pairs = np.array([[1, 2], [3, 4], [5, 6]])  # cat–кот share group 1; dog–пёс and house–дом do not
    result = translation_sharing(table, pairs)
    assert result["pairs_sharing_a_group"] == 1 and result["pair_share"] == pytest.approx(1 / 3)
    # groups mixing scripts: 1 (cat, кот) and 3 (пёс, house); group 4 (дом, 3) has one script with letters
    assert result["mixed_script_groups"] == 2 and result["mixed_script_groups_with_translation"] == 1


# --- dimension reduction -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bert", "xlmr"])
def test_a_reduced_model_is_the_original_over_zero_padded_rows(backbones, tmp_path, name):
    tokenizer, model = load_masked_lm(ModelSource(str(backbones / name)))
    original = {key: value.clone() for key, value in model.state_dict().items()}
    sizes = save_reduced_model(tokenizer, model, 4, tmp_path / "reduced", {"source": name})
    rows, hidden = original[[k for k in original if k.endswith("word_embeddings.weight")][0]].shape
    assert sizes["parameters_before"] - sizes["parameters_after"] == rows * (hidden - 4)
    reduced = load_reduced_back(tmp_path / "reduced").eval()
    assert type(reduced).__name__.startswith("Reduced") and reduced.get_input_embeddings().weight.shape == (rows, 4)
    assert reduced.get_output_embeddings().weight.data_ptr() == reduced.get_input_embeddings().weight.data_ptr()
    for key, value in reduced.state_dict().items():  # positions, token types, layers: untouched
        if "word_embeddings" not in key and "decoder" not in key:
            assert torch.equal(value, original[key]), key
    padded = AutoModelForMaskedLM.from_pretrained(backbones / name).eval()
    with torch.no_grad():
        padded.get_input_embeddings().weight[:, 4:] = 0
    ids = tokenizer(leipzig("ru", 310)[300:], padding=True, return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(reduced(**ids).logits, padded(**ids).logits, atol=1e-5)
    tagger = AutoModelForTokenClassification.from_pretrained(tmp_path / "reduced", trust_remote_code=True, num_labels=3)
    assert tagger.get_input_embeddings().weight.shape == (rows, 4) and tagger(**ids).logits.shape[-1] == 3


def test_an_untied_decoder_keeps_the_first_dimensions_of_its_own_rows(backbones):
    _, model = load_masked_lm(ModelSource(str(backbones / "bert")))
    from xlclust.grouping.clsa import ClsaSettings, align_model_embeddings

    align_model_embeddings(model, np.array([[5, 6], [7, 8]]), ClsaSettings(epochs=1))  # unties the decoder
    decoder_rows = model.get_output_embeddings().weight.detach().clone()
    reduce_model(model, 8)
    assert torch.equal(model.get_output_embeddings().weight, decoder_rows[:, :8])
    assert model.get_output_embeddings().weight.data_ptr() != model.get_input_embeddings().weight.data_ptr()
    with pytest.raises(XlclustError, match="already reduced to 8"):
        reduce_model(model, 4)


def test_reduction_refuses_what_it_cannot_do(backbones, tmp_path):
    _, model = load_masked_lm(ModelSource(str(backbones / "bert")))
    with pytest.raises(XlclustError, match="cannot keep 32 dimensions of a model with hidden size 16"):
        reduce_model(model, 32)
    tokenizer, model = load_masked_lm(ModelSource(str(backbones / "bert")))
    save_reduced_model(tokenizer, model, 4, tmp_path / "reduced", {})
    code = tmp_path / "reduced" / "reduced.py"
    code.write_text(code.read_text(encoding="utf-8") + "\nprint('hello')\n", encoding="utf-8")
    with pytest.raises(XlclustError, match="reduced.py: not the workflow's own code"):
        load_reduced_back(tmp_path / "reduced")


# --- continual pretraining of a grouped, reduced model ---------------------------------------------


@pytest.fixture(scope="module")
def grouped_reduced(backbones, tmp_path_factory):
    """The tiny BERT reduced to 8 dimensions, then grouped (First-k, 50 %): bert/d8/firstk50, the
    pipeline order (xlclust.pipelines); and a corpus in its IDs."""
    directory = tmp_path_factory.mktemp("pipeline")
    tokenizer, model = load_masked_lm(ModelSource(str(backbones / "bert")))
    save_reduced_model(tokenizer, model, 8, directory / "reduced", {})
    tokenizer, model = load_masked_lm(ModelSource(str(directory / "reduced")))
    tokens, rows = model_vocabulary(tokenizer, model)
    assert rows.shape[1] == 8  # grouping reads the reduced rows
    ranks = tokens.loc[~tokens["is_special"], "frequency_rank"].to_numpy()
    table = group_table(tokens, first_k_labels(np.argsort(ranks, kind="stable"), 0.5), method="firstk")
    save_grouped_model(tokenizer, model, table, directory / "d8", {})
    rows = [(lang, line, text) for lang in ("en", "ru") for line, text in enumerate(leipzig(lang, 200))]
    write_mix(rows, directory / "mix.parquet")
    encode_corpus(directory / "mix.parquet", directory / "d8", directory / "encoded", shard_lines=200, workers=1)
    return directory


def continual(directory, checkpoint_dir, kill_at=None):
    tokenizer = AutoTokenizer.from_pretrained(directory / "d8", trust_remote_code=True)

    def on_step(step):
        if step == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    spec = TrainingSpec(
        learning_rate=1e-2, batch_size=16, max_steps=20, max_length=64, warmup_steps=2, checkpoint_every=5, log_every=5, seed=3
    )
    model, rows, summary, _ = pretrain(
        shards=encoded_shards(directory / "encoded"),
        tokenizer=tokenizer,
        model_config={},
        spec=spec,
        checkpoint_dir=checkpoint_dir,
        on_step=on_step,
        initial_model=directory / "d8",
    )
    return model, rows, summary


def test_continual_pretraining_of_a_grouped_reduced_model_resumes_to_the_same_weights(grouped_reduced, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(grouped_reduced / "d8", trust_remote_code=True)
    assert type(tokenizer).__name__ == "GroupedTokenizer"
    model, rows, summary = continual(grouped_reduced, tmp_path / "whole")
    assert summary["initial_model"] == str(grouped_reduced / "d8") and np.isfinite([r["loss"] for r in rows]).all()
    assert summary["peak_memory_mb"] > 100  # Table 3's memory column
    assert type(model).__name__ == "ReducedBertForMaskedLM" and model.get_input_embeddings().weight.shape[1] == 8
    start = load_reduced_back(grouped_reduced / "d8").get_input_embeddings().weight
    assert not torch.allclose(model.get_input_embeddings().weight, start, atol=1e-4)  # it trained
    killed = multiprocessing.get_context("spawn").Process(
        target=continual, args=(grouped_reduced, tmp_path / "killed"), kwargs={"kill_at": 12}
    )
    killed.start()
    killed.join()
    assert killed.exitcode == -signal.SIGKILL
    [run_dir] = (tmp_path / "killed").iterdir()
    assert [p.name for p in ckpt.checkpoints(run_dir)][-1] == "step-00000010"
    resumed, resumed_rows, _ = continual(grouped_reduced, tmp_path / "killed")
    reference = model.state_dict()
    assert all(torch.equal(value, reference[name]) for name, value in resumed.state_dict().items())
    assert [r["loss"] for r in resumed_rows] == [r["loss"] for r in rows]


def test_table3_and_the_translations_table_read_each_run(tmp_path):
    import json

    from xlclust.grouping.tables import continual_table, translations_table

    run = tmp_path / "cpt"
    run.mkdir()
    summary = {"vocab_size": 600, "parameters": 2**20, "peak_memory_mb": 900.0, "precision": "bf16", "processes": 1}
    (run / "training.json").write_text(json.dumps(summary))
    (run / "throughput.csv").write_text("step,tokens,seconds,tokens_per_second\n10,5000,2.0,2500\n20,5000,3.0,1666.7\n")
    table = continual_table({"xlmr/d8/kmeans5/cpt": str(run)}).iloc[0]
    assert (table["ratio"], table["dim"], table["model_mb"], table["peak_memory_mb"]) == (5, 8, 4.0, 900.0)
    assert table["tokens_per_s"] == 2000.0 and table["steps_per_s"] == 4.0  # 10 000 tokens and 20 steps in 5 s
    check = tmp_path / "translations.json"
    check.write_text(json.dumps({"pairs": 10, "pair_share": 0.5}))
    row = translations_table({"xlmr/clsa-all/kmeans5": str(check)}).iloc[0]
    assert (row["clsa"], row["ratio"], row["pair_share"]) == ("all", 5, 0.5)


def test_example_groups_show_groups_mixing_scripts_first():
    from xlclust.grouping.groups import example_groups

    table = pd.DataFrame(
        {
            "token": ["cat", "кот", "dog", "hound", "house", "дом", "tree", "[CLS]"],
            "cluster_id": [0, 0, 1, 1, 2, 2, 3, 4],
            "kind": ["grouped"] * 7 + ["special"],
        }
    )
    examples = example_groups(table, 2, seed=0)
    assert list(examples["cluster_id"]) == [0, 2] and set(examples["scripts"]) == {"CYRILLIC,LATIN"}
    assert list(example_groups(table, 5, seed=0)["cluster_id"]) == [0, 2, 1]  # then the others; singletons never


# --- the pipeline order of issue 36: reduction, then CLSA, then grouping -----------------------------


def test_a_reduced_model_goes_through_clsa_and_grouping_and_loads_through_the_gate(backbones, tmp_path):
    """bert/d8/clsa-x/kmeans20: CLSA trains the (V, 8) rows, k-means groups them, the grouped reduced
    model keeps its padded embedding and sliced decoder and runs its masked-LM head."""
    from xlclust.grouping.clsa import ClsaSettings, save_aligned_model
    from xlclust.grouping.groups import kmeans_labels
    from xlclust.models import load_local_model

    tokenizer, model = load_masked_lm(ModelSource(str(backbones / "bert")))
    save_reduced_model(tokenizer, model, 8, tmp_path / "d8", {})
    tokenizer, model = load_masked_lm(ModelSource(str(tmp_path / "d8")))
    words = [w for w in tokenizer.get_vocab() if w.isalpha() and len(w) > 2][:60]
    before = model.get_input_embeddings().weight.detach().clone()
    summary = save_aligned_model(tokenizer, model, list(zip(words[:30], words[30:])), ClsaSettings(epochs=3), tmp_path / "clsa", {})
    assert summary["kept_pairs"] == 30
    tokenizer, model = load_masked_lm(ModelSource(str(tmp_path / "clsa")))  # loads back as written (checked on save)
    rows = model.get_input_embeddings().weight.detach()
    assert type(model).__name__ == "ReducedBertForMaskedLM" and rows.shape == (before.shape[0], 8)
    moved = (rows - before).abs().sum(dim=1) > 0
    assert moved.sum() == 60 and not moved[tokenizer.convert_tokens_to_ids("[CLS]")]  # only the paired rows trained
    tokens, embeddings = model_vocabulary(tokenizer, model)
    assert embeddings.shape[1] == 8
    grouping = kmeans_labels(embeddings, 0.2, seed=0, init="k-means++", max_iterations=10)
    table = group_table(tokens, grouping.labels, method="kmeans")
    save_grouped_model(tokenizer, model, table, tmp_path / "kmeans20", {})
    grouped = load_local_model(tmp_path / "kmeans20", AutoModelForMaskedLM).eval()  # xlclust.models' gate
    groups = int(table["cluster_id"].max()) + 1
    assert type(grouped).__name__ == "ReducedBertForMaskedLM"
    assert type(grouped.get_input_embeddings()).__name__ == "PaddedEmbedding"
    assert type(grouped.get_output_embeddings()).__name__ == "SlicedDecoder"
    assert grouped.get_input_embeddings().weight.shape == (groups, 8) and grouped.config.vocab_size == groups
    grouped_tokenizer = AutoTokenizer.from_pretrained(tmp_path / "kmeans20", trust_remote_code=True)
    batch = grouped_tokenizer(leipzig("en", 4), padding=True, return_tensors="pt")
    assert int(batch["input_ids"].max()) < groups
    with torch.no_grad():
        logits = grouped(**batch).logits
    assert logits.shape == (*batch["input_ids"].shape, groups) and torch.isfinite(logits).all()
    # the group's row is the mean of its members' CLSA-trained reduced rows
    member = table[(table["kind"] == "grouped")].iloc[0]
    members = table.loc[(table["cluster_id"] == member["cluster_id"]) & (table["kind"] == "grouped"), "token_id"].to_numpy()
    expected = rows[torch.tensor(members)].mean(dim=0)
    assert torch.allclose(grouped.get_input_embeddings().weight[int(member["cluster_id"])], expected, atol=1e-6)
