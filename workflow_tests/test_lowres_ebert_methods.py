"""Hangya et al. (2022) Tables 2-3's eBERT_* rows: every method on the language's eBERT (ebert_<method>),
planned only for lowres.ebert.languages, with eBERT (its weights and tokenizer, English included) as
the encoder."""

import re
import subprocess
import sys

import pandas as pd
import pytest
import yaml
from transformers import AutoModel, AutoTokenizer

from workflow_tests.realdata import REPO
from workflow_tests.test_tokenization import leipzig
from xlclust.demo.tiny_model import build_tiny_model
from xlclust.lowres.contextual import load_encoder
from xlclust.lowres.methods import METHODS, base_method, ebert_model_dir, method_files, on_ebert, planned_runs, split_method
from xlclust.lowres.report import with_average
from xlclust.models import ModelSource
from xlclust.plots import method_bars_figure
from xlclust.pretraining.extension import extend_model


def test_a_method_is_a_base_method_on_mbert_or_on_ebert():
    assert split_method("mined") == ("model", "mined") and split_method("ebert_mined") == ("ebert", "mined")
    assert split_method("ebert") == ("ebert", "base") and split_method("base") == ("model", "base")
    assert base_method("ebert_vecmap_sup") == "vecmap_sup" and on_ebert("ebert_full_sup") and not on_ebert("full_sup")


def test_ebert_methods_keep_their_name_in_their_outputs():
    assert method_files("ebert_mined", "bn") == {"layers": "results/lowres/layers/ebert_mined/bn"}
    assert method_files("ebert_vecmap_id", "bn") == {"layers": "results/lowres/layers/ebert_vecmap_id/bn"}
    assert method_files("ebert_full_sup", "bn") == {"weights": "results/lowres/models/ebert_full_sup/bn"}
    assert method_files("full_sup", "bn") == {"weights": "results/lowres/models/full_sup/bn"}
    assert method_files("ebert", "bn") == {} and method_files("base", "bn") == {}  # the backbone as it is
    assert ebert_model_dir("bn") == "results/lowres/models/ebert/bn"  # rule ebert_model's output


def config_file(path):
    return yaml.safe_load((REPO / path).read_text(encoding="utf-8"))


def test_the_schema_and_the_default_list_every_method():
    schema = config_file("schemas/config.schema.yaml")["properties"]["lowres"]["properties"]["methods"]
    assert schema["items"]["enum"] == list(METHODS) == schema["default"] == config_file("config.yaml")["lowres"]["methods"]
    paper_rows = {"ebert_mined", "ebert_linear_sup", "ebert_full_sup", "ebert_vecmap_id", "ebert_vecmap_sup"}
    assert paper_rows <= set(METHODS)  # eBERT_linear_unsup, _linear_sup, _full_sup, _vecmap_id, _vecmap_sup


def test_the_paper_config_plans_ebert_methods_for_the_indic_languages_only():
    lowres = config_file("config.yaml")["lowres"]
    runs = planned_runs(lowres)
    ebert_languages = {lang for method, lang in runs if on_ebert(method)}
    assert ebert_languages == set(lowres["ebert"]["languages"]) == {"bn", "ml", "kn", "gu", "ne"}
    assert ("ebert_mined", "bn") in runs and ("ebert_mined", "eu") not in runs and ("mined", "eu") in runs
    # vecmap_sup needs a dictionary too: of the eBERT languages only Bengali has one (Table 3's one eBERT_vecmap_sup cell)
    assert [lang for method, lang in runs if method == "ebert_vecmap_sup"] == ["bn"]
    assert sum(on_ebert(method) for method, _ in runs) == 5 * 6 + 1


def test_the_demo_plans_its_ebert_methods_for_its_ebert_language_only():
    demo = config_file("config.yaml")["lowres"] | config_file("demo/config.yaml")["lowres"]
    demo = demo | {"languages": ["qcy", "qgr"]}  # a second language, without eBERT
    runs = planned_runs(demo)
    assert {(method, lang) for method, lang in runs if on_ebert(method)} == {("ebert", "qcy"), ("ebert_mined", "qcy")}
    assert ("mined", "qgr") in runs


def test_the_scores_figure_takes_methods_that_ran_for_some_languages_only(tmp_path):
    """ebert_* rows exist for the eBERT languages only: their average is over those, the figure is drawn."""
    rows = [("base", "bn", 0.2), ("base", "eu", 0.4), ("ebert", "bn", 0.1), ("ebert_mined", "bn", 0.3)]
    table = with_average(pd.DataFrame(rows, columns=["method", "language", "accuracy"]), "accuracy")
    averages = table[table["language"] == "avg"].set_index("method")["accuracy"]
    assert averages.to_dict() == pytest.approx({"base": 0.3, "ebert": 0.1, "ebert_mined": 0.3})
    method_bars_figure(table, "accuracy", "retrieval", tmp_path / "retrieval.png")
    assert (tmp_path / "retrieval.png").stat().st_size > 0


@pytest.fixture(scope="module")
def ebert(tmp_path_factory):
    """A tiny 'mBERT' of English and its Bengali 'eBERT' (extended vocabulary and embedding rows)."""
    directory = tmp_path_factory.mktemp("ebert")
    tiny = {"vocab_size": 600, "hidden_size": 16, "layers": 1, "heads": 2, "max_positions": 64, "seed": 0}
    build_tiny_model(leipzig("en", 0, 600), directory / "mbert", **tiny)
    bengali = leipzig("bn", 0, 400)
    extend_model(
        ModelSource(str(directory / "mbert")), bengali, directory / "ebert", vocab_size=600, new_subwords=100, new_rows="random", seed=0
    )
    return directory


def test_english_goes_through_ebert_as_through_the_model_it_extends(ebert):
    english = [sentence.split()[:12] for sentence in leipzig("en", 700, 720)]  # within the tiny model's 64 positions
    original = AutoTokenizer.from_pretrained(ebert / "mbert")
    encoder = load_encoder(ModelSource(str(ebert / "ebert")), batch_size=8)
    assert len(encoder.tokenizer) == len(original) + 100  # eBERT's own tokenizer, not the model's it extends
    for words in english:  # English's pieces are mBERT's: the new ones are Bengali's
        assert encoder.tokenizer(words, is_split_into_words=True)["input_ids"] == original(words, is_split_into_words=True)["input_ids"]
    vectors = encoder.encode(english, "en")
    assert len(vectors) == sum(len(words) for words in english) and vectors.vectors.shape[1] == 16


def test_ebert_trained_further_is_read_with_ebert_s_tokenizer(ebert, tmp_path):
    """ebert_full_sup's weights (saved without a tokenizer) are read with eBERT's extended one."""
    model = AutoModel.from_pretrained(ebert / "ebert")
    model.save_pretrained(tmp_path / "ebert_full_sup")
    encoder = load_encoder(ModelSource(str(ebert / "ebert")), 8, str(tmp_path / "ebert_full_sup"))
    assert (
        len(encoder.tokenizer) == model.get_input_embeddings().num_embeddings == len(AutoTokenizer.from_pretrained(ebert / "mbert")) + 100
    )
    bengali = [sentence.split()[:8] for sentence in leipzig("bn", 500, 505)]
    assert len(encoder.encode(bengali, "bn")) == sum(len(words) for words in bengali)


@pytest.mark.workflow
def test_the_demo_dry_run_puts_ebert_methods_on_the_ebert_model(tmp_path):
    """The demo's ebert_mined layers and their NER, and ebert_vecmap_id's and ebert_full_sup's (not in the
    demo's methods, but targets it can make) read the language's eBERT; mined's layers do not."""
    targets = ["results/lowres/ner/ebert_mined/qcy.csv", "results/lowres/ner/ebert_vecmap_id/qcy.csv", "results/lowres/layers/mined/qcy"]
    targets += ["results/lowres/models/ebert_full_sup/qcy"]
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", str(tmp_path), *targets, "-n", "--configfile"]
        + [str(REPO / "demo/config.yaml")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = {re.search(r"output: ([^,\s]+)", block)[1]: block for block in result.stdout.split("\n\n") if "output: " in block}
    for output in ("results/lowres/layers/ebert_mined/qcy", "results/lowres/layers/ebert_vecmap_id/qcy", *targets[:2], targets[3]):
        assert "results/lowres/models/ebert/qcy" in jobs[output].split("output: ")[0], jobs[output]
    assert "results/lowres/models/ebert/qcy" not in jobs["results/lowres/layers/mined/qcy"].split("output: ")[0]
