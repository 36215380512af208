"""van der Heijden et al. as the text says (issue 37): Figs. 3–4's joint-training gain, no MUSE for
Basque, the LASER-based taggers' regularization by Bayesian optimization, lower-casing per embedder."""

import numpy as np
import pandas as pd
import pytest
import yaml

from workflow_tests.realdata import REPO
from xlclust.errors import ConfigError

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())
BOUNDS = {"embedding_dropout": [0.0, 0.5], "dropout": [0.1, 0.3], "weight_decay": [1e-5, 1e-2]}


def scores_table(rows):
    return pd.DataFrame(rows, columns=["embedder", "scenario", "seed", "language", "value"]).assign(task="ner")


def test_the_joint_gain_is_b_minus_a_and_for_english_b_minus_monolingual():
    """Figs. 3–4 (§Joint training): other languages B − A; English B against the run trained on all of
    English alone (monolingual where run, else zero-shot, the same training set); a language without
    both has no row; BPE BOW stays in the table (only the figure leaves it out)."""
    from xlclust.tagging.report import joint_gain

    rows = [
        ("laser_top", "zeroshot", 1, "en", 80.0),
        ("laser_top", "zeroshot", 1, "nl", 40.0),
        ("laser_top", "joint_a", 1, "en", 70.0),
        ("laser_top", "joint_b", 1, "en", 83.0),
        ("laser_top", "joint_a", 1, "nl", 60.0),
        ("laser_top", "joint_b", 1, "nl", 63.5),
        ("laser_top", "joint_a", 1, "es", 50.0),  # no B: no row
        ("bpe_bow", "monolingual", 1, "en", 50.0),
        ("bpe_bow", "zeroshot", 1, "en", 45.0),  # monolingual beats zero-shot as English's baseline
        ("bpe_bow", "joint_b", 1, "en", 51.0),
        ("bpe_bow", "joint_b", 2, "en", 53.0),
    ]
    gains = joint_gain(scores_table(rows), "en").set_index(["embedder", "language"])
    assert sorted(gains.index) == [("bpe_bow", "en"), ("laser_top", "en"), ("laser_top", "nl")]
    assert gains.loc[("laser_top", "en"), ["baseline", "baseline_value", "joint_b", "gain"]].tolist() == ["monolingual", 80.0, 83.0, 3.0]
    assert gains.loc[("laser_top", "nl"), ["baseline", "baseline_value", "gain"]].tolist() == ["joint_a", 60.0, 3.5]
    assert gains.loc[("bpe_bow", "en"), ["baseline_value", "joint_b", "gain"]].tolist() == [50.0, 52.0, 2.0]


def test_the_joint_gain_figure_leaves_bpe_bow_out(tmp_path, monkeypatch):
    import matplotlib.axes

    from xlclust.plots import joint_gain_figure

    drawn = []
    bar = matplotlib.axes.Axes.bar
    monkeypatch.setattr(matplotlib.axes.Axes, "bar", lambda self, *a, **k: drawn.append(k.get("label")) or bar(self, *a, **k))
    gains = pd.DataFrame(
        [("ner", e, lang, g) for e in ("bpe_bow", "laser_top", "bert") for lang, g in (("en", 1.0), ("nl", -2.0))],
        columns=["task", "embedder", "language", "gain"],
    )
    joint_gain_figure(gains, ["bpe_bow"], tmp_path / "gain.png")
    assert drawn == ["laser_top", "bert"] and (tmp_path / "gain.png").stat().st_size > 0


def test_muse_has_no_basque_default_and_its_runs_leave_basque_out():
    """Table 2, note 2: no MUSE vectors for Basque; the muse runs leave eu out (and list it)."""
    from xlclust.tagging.config_checks import muse_left_out

    tagging = CONFIG["tagging"]
    assert "eu" not in tagging["muse"] and "eu" in tagging["evaluation_only"]["ner"]
    assert muse_left_out(tagging, ["en", "de", "es", "nl", "hu", "eu"]) == ["eu"]
    assert muse_left_out({**tagging, "embedders": ["laser_top"]}, ["eu"]) == []  # no muse runs: nothing left out


def test_a_training_language_without_muse_vectors_is_refused_by_its_key():
    from xlclust.tagging.config_checks import _check_muse_languages

    tagging = {"embedders": ["muse"], "languages": ["en", "nl"], "muse": {"en": "en.vec"}}
    with pytest.raises(ConfigError, match="'tagging.muse.nl'"):
        _check_muse_languages(tagging)
    _check_muse_languages({**tagging, "embedders": ["bert"]})  # no muse: no vectors needed


def test_the_bayesian_search_maximizes_within_its_bounds_and_is_seeded():
    from xlclust.tagging.optimization import bayes_search

    def objective(values):  # best at dropout 0.2, L2 1e-3 (L2 matters most)
        return -((values["dropout"] - 0.2) ** 2) - (np.log10(values["weight_decay"]) + 3) ** 2 / 10

    trials = bayes_search(objective, BOUNDS, 1, 8, seed=5)
    assert len(trials) == 9 and trials["chosen"].sum() == 1
    assert trials["dropout"].between(0.1, 0.3).all() and trials["weight_decay"].between(1e-5, 1e-2).all()
    best = trials[trials["chosen"]].iloc[0]
    assert best["dev_score"] == trials["dev_score"].max() and best["dev_score"] > trials["dev_score"].iloc[0] + 0.01  # guided beats random
    assert 3e-4 < best["weight_decay"] < 3e-3  # near the objective's best L2, 1e-3
    assert bayes_search(objective, BOUNDS, 1, 8, seed=5).equals(trials)


def test_bad_bounds_and_budgets_are_refused_by_their_keys():
    from xlclust.tagging.optimization import bayes_search, search_space

    with pytest.raises(ConfigError, match="'tagging.optimization.bounds.weight_decay'"):
        search_space({**BOUNDS, "weight_decay": [0.0, 1e-2]})
    with pytest.raises(ConfigError, match="'tagging.optimization.bounds.dropout'"):
        search_space({**BOUNDS, "dropout": [0.3, 0.3]})
    with pytest.raises(ConfigError, match="needs exactly"):
        search_space({"dropout": [0, 0.5]})
    with pytest.raises(ConfigError, match="init_points 0"):
        bayes_search(lambda values: 0.0, BOUNDS, 0, 1, seed=1)


def test_a_studys_chosen_values_replace_the_taggers_dropouts_and_l2(tmp_path):
    from xlclust.tagging.optimization import apply_chosen, chosen_values
    from xlclust.tagging.training import TaggerTraining

    trials = pd.DataFrame(
        {"trial": [0, 1], "embedding_dropout": [0.1, 0.4], "dropout": [0.2, 0.05], "weight_decay": [1e-4, 3e-3], "dev_score": [50.0, 61.0]}
    ).assign(chosen=[False, True])
    values = chosen_values(trials, "study.csv")
    assert values == {"embedding_dropout": 0.4, "dropout": 0.05, "weight_decay": 3e-3}
    tagger, training = apply_chosen(
        {"model_dim": 300, "embedding_dropout": 0.25, "dropout": 0.15},
        TaggerTraining("sgd_1cycle", 0.1, 1e-3, 0.95, 15, 32, None, 5.0, "no_improvement"),
        values,
    )
    assert tagger == {"model_dim": 300, "embedding_dropout": 0.4, "dropout": 0.05} and training.weight_decay == 3e-3
    assert training.learning_rate == 0.1 and training.optimizer == "sgd_1cycle"
    with pytest.raises(ConfigError, match="study.csv: a study's table needs one chosen row"):
        chosen_values(trials.assign(chosen=False), "study.csv")


def test_lower_casing_is_every_embedders_but_the_cased_transformers():
    """§Data lower-cases all data; §Embedders uses the cased mBERT: bert and xlm read text as written."""
    from xlclust.tagging.run import Split, lowercase_splits

    assert set(CONFIG["tagging"]["embedders"]) - set(CONFIG["tagging"]["lowercase"]) == {"bert", "xlm"}
    split = Split("nl", ["s0"], [["De", "EU", "zegt"]], [np.zeros(3, dtype=np.int64)])
    lowercase_splits([split])
    assert split.tokens == [["de", "eu", "zegt"]]


def test_early_stopping_is_the_baselines_only():
    """§Training states early stopping (two decreasing rounds) for the baselines; the LASER-based ones
    run their whole 1cycle schedule, BERT and XLM their four epochs."""
    training = CONFIG["tagging"]["training"]
    assert (training["baseline"]["patience"], training["baseline"]["stop_on"]) == (2, "decrease")
    assert training["laser"]["patience"] is None and training["finetuned"]["patience"] is None
