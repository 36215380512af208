"""The comparison's tables (van der Heijden et al.): Table 2 (zero-shot from English beside the
monolingual scores), Table 3 (joint training A, and B − A), and the sign test of every embedder
against LASER-top on the same test sentences (per sentence: tokens tagged right)."""

from __future__ import annotations

import pandas as pd

from xlclust.tagging.significance import sign_test

ALPHA = 0.05  # the paper's significance level


def mean_std(scores: pd.DataFrame, scenario: str, name: str) -> pd.DataFrame:
    rows = scores[scores["scenario"] == scenario]
    grouped = rows.groupby(["task", "embedder", "language"], sort=False)["value"]
    return pd.DataFrame({name: grouped.mean(), f"{name}_std": grouped.std(ddof=1), f"{name}_seeds": grouped.size()}).reset_index()


def table2(scores: pd.DataFrame) -> pd.DataFrame:
    """Per task, embedder and evaluation language: the zero-shot score (trained on English) and the
    monolingual one (trained on the language itself), means and standard deviations over seeds."""
    zero = mean_std(scores, "zeroshot", "zeroshot")
    mono = mean_std(scores, "monolingual", "monolingual")
    return zero.merge(mono, on=["task", "embedder", "language"], how="outer").round(2)


def table3(scores: pd.DataFrame) -> pd.DataFrame:
    """Per task, embedder and language: joint training A (a quarter of every language) and how much
    B (all of English and a quarter of the others) differs from it."""
    joint_a = mean_std(scores, "joint_a", "joint_a")
    joint_b = mean_std(scores, "joint_b", "joint_b")
    table = joint_a.merge(joint_b, on=["task", "embedder", "language"], how="outer")
    table["b_minus_a"] = table["joint_b"] - table["joint_a"]
    return table.round(2)


def sign_tests(sentences: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Every embedder against ``reference`` run for run (task, scenario, training set, seed) and
    language, paired by sentence; significant at α = 0.05."""
    keys = ["task", "scenario", "train_languages", "seed", "language"]
    rows = []
    base = sentences[sentences["embedder"] == reference]
    for (embedder, *key), group in sentences[sentences["embedder"] != reference].groupby(["embedder", *keys], sort=False):
        paired = group.merge(base[base[keys].apply(tuple, axis=1) == tuple(key)], on=[*keys, "id"], suffixes=("", "_reference"))
        if paired.empty:
            continue
        result = sign_test(paired["correct"].to_numpy(), paired["correct_reference"].to_numpy())
        rows.append(
            {"embedder": embedder, "reference": reference, **dict(zip(keys, key)), **result, "significant": result["p_value"] < ALPHA}
        )
    return pd.DataFrame(rows, columns=["embedder", "reference", *keys, "wins", "losses", "ties", "p_value", "significant"])
