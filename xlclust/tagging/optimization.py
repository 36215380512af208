"""The LASER-based taggers' regularization found by Bayesian optimization (van der Heijden et al.
§Training, after Snoek et al. 2012): a Gaussian-process search (``bayes_opt``) over the two dropouts
and the L2 weight, each trial a tagger trained on all of English and scored on the English dev set.
One study per task and embedder: §Training tunes a model's training, not a scenario's, and English
is the one training language every scenario shares (tuning on another language's dev set would let
zero-shot transfer see that language). The bounds and the budget are ours: the paper states neither."""

from __future__ import annotations

import logging
import math
import os
from dataclasses import replace
from pathlib import Path

import pandas as pd

from xlclust.errors import ConfigError
from xlclust.tagging.run import (
    Resources,
    batch_of_sentences,
    build_tagger,
    dev_score,
    embedder_inputs,
    lowercase_splits,
    read_splits,
    scenario_items,
    tag_names,
)
from xlclust.tagging.training import TaggerTraining, train_epochs

log = logging.getLogger(__name__)
SEARCHED = ("embedding_dropout", "dropout", "weight_decay")  # weight_decay is searched as log10(λ)
TRIAL_COLUMNS = ["trial", *SEARCHED, "dev_score", "chosen"]


def search_space(bounds: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    """``tagging.optimization.bounds`` as bayes_opt's: the dropouts as given, L2 on a log10 scale
    (its plausible values span orders of magnitude)."""
    if set(bounds) != set(SEARCHED):
        raise ConfigError(f"config key 'tagging.optimization.bounds': needs exactly {list(SEARCHED)}, has {sorted(bounds)}")
    space = {}
    for name, (low, high) in bounds.items():
        if not low < high or (name == "weight_decay" and low <= 0):
            raise ConfigError(f"config key 'tagging.optimization.bounds.{name}': [{low}, {high}] is no range (L2's low end must be > 0)")
        space[name] = (math.log10(low), math.log10(high)) if name == "weight_decay" else (float(low), float(high))
    return space


def point_values(point: dict[str, float]) -> dict[str, float]:
    """A searched point as settings (L2 back from its log10)."""
    return {name: 10.0 ** point[name] if name == "weight_decay" else point[name] for name in SEARCHED}


def bayes_search(objective, bounds: dict[str, list[float]], init_points: int, iterations: int, seed: int) -> pd.DataFrame:
    """Maximize ``objective(values) -> dev score`` by GP Bayesian optimization: ``init_points``
    random points, then ``iterations`` guided ones; every trial as a row, the best marked ``chosen``."""
    from bayes_opt import BayesianOptimization

    if init_points < 1 or iterations < 0:
        raise ConfigError(f"config key 'tagging.optimization': init_points {init_points} must be ≥ 1, iterations {iterations} ≥ 0")
    optimizer = BayesianOptimization(
        f=lambda **point: objective(point_values(point)), pbounds=search_space(bounds), random_state=seed, verbose=0
    )
    optimizer.maximize(init_points=init_points, n_iter=iterations)
    rows = [{"trial": i, **point_values(result["params"]), "dev_score": result["target"]} for i, result in enumerate(optimizer.res)]
    table = pd.DataFrame(rows, columns=TRIAL_COLUMNS[:-1])
    table["chosen"] = table.index == table["dev_score"].idxmax()  # the first of equal bests
    return table


def chosen_values(trials: pd.DataFrame, source: str | os.PathLike) -> dict[str, float]:
    """The chosen trial's settings of a study's table (``source`` names it in errors)."""
    chosen = trials[trials["chosen"].astype(bool)]
    if len(chosen) != 1 or not set(SEARCHED) <= set(trials.columns):
        raise ConfigError(
            f"{source}: a study's table needs one chosen row and the columns {list(SEARCHED)}; rerun rule tagging_optimization"
        )
    return {name: float(chosen.iloc[0][name]) for name in SEARCHED}


def apply_chosen(tagger_settings: dict, training: TaggerTraining, values: dict[str, float]) -> tuple[dict, TaggerTraining]:
    """The tagger's dropouts and the training's L2 replaced by a study's values."""
    tagger = {**tagger_settings, "embedding_dropout": values["embedding_dropout"], "dropout": values["dropout"]}
    return tagger, replace(training, weight_decay=values["weight_decay"])


def run_study(
    *,
    task: str,
    embedder: str,
    data: dict[str, str | os.PathLike],
    english: str,
    classes: list[str],
    ner_mode: str,
    resources: Resources,
    tagger_settings: dict,
    embedder_settings: dict,
    training: TaggerTraining,
    lowercase: bool,
    study: dict,
    seed: int,
    checkpoint_dir: str | os.PathLike,
) -> pd.DataFrame:
    """One study (task × embedder) in one process: the data and the embedder's inputs read once,
    then every trial's tagger trained from ``seed`` on English and scored on English dev."""
    names = tag_names(task, classes)
    train, dev, _ = read_splits(data, [english], [], names)
    if lowercase:
        lowercase_splits([*train.values(), *dev.values()])
    inputs = embedder_inputs(embedder, resources, [*train.values(), *dev.values()], embedder_settings, seed)
    items, chosen_dev, _ = scenario_items("zeroshot", train, dev, [english], english, 1.0, seed)

    def objective(values: dict[str, float]) -> float:
        tagger, settings = apply_chosen(tagger_settings, training, values)
        model = build_tagger(embedder, inputs, len(names), tagger, embedder_settings, seed)
        identity = {"study": task, "embedder": embedder, "tagger": tagger, "resources": inputs.digest, "examples": len(items)}
        _, rows = train_epochs(
            model,
            lambda rows: batch_of_sentences([items[i] for i in rows]),
            len(items),
            lambda tagger_model: dev_score(tagger_model, dev, chosen_dev, task, names, classes, ner_mode),
            settings,
            seed,
            Path(checkpoint_dir),
            identity,
        )
        best = max(row["dev_score"] for row in rows)
        log.info("%s %s: %s → dev %.4f", task, embedder, {k: round(v, 5) for k, v in values.items()}, best)
        return best

    return bayes_search(objective, study["bounds"], study["init_points"], study["iterations"], seed)
