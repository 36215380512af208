"""The comparison's tables (van der Heijden et al.): Table 2 (zero-shot from English beside the
monolingual scores), Table 3 (joint training A, and B − A), and the sign test of every embedder
against LASER-top on the same test sentences (per sentence: tokens tagged right)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from xlclust.tagging.significance import sign_test_p

log = logging.getLogger(__name__)
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
    language, paired by sentence in one merge; significant at α = 0.05. A run without a ``reference``
    run beside it (``tagging.task_embedders`` left it out) is logged and has no test."""
    keys = ["task", "scenario", "train_languages", "seed", "language"]
    base = sentences.loc[sentences["embedder"] == reference, [*keys, "id", "correct"]].rename(columns={"correct": "reference_correct"})
    runs = ["task", "scenario", "train_languages", "seed"]
    unpaired = sentences[runs].drop_duplicates().merge(base[runs].drop_duplicates(), how="left", indicator=True)
    for run in unpaired.loc[unpaired["_merge"] == "left_only", runs].itertuples(index=False):
        log.warning("sign tests: no %s run of %s to test the other embedders against", reference, "/".join(map(str, run)))
    paired = sentences[sentences["embedder"] != reference].merge(base, on=[*keys, "id"])
    paired = paired.assign(win=paired["correct"] > paired["reference_correct"], loss=paired["correct"] < paired["reference_correct"])
    table = (
        paired.groupby(["embedder", *keys], sort=False).agg(wins=("win", "sum"), losses=("loss", "sum"), pairs=("id", "size")).reset_index()
    )
    table["ties"] = table["pairs"] - table["wins"] - table["losses"]
    table["p_value"] = [sign_test_p(int(wins), int(losses)) for wins, losses in zip(table["wins"], table["losses"])]
    table["significant"] = table["p_value"] < ALPHA
    table.insert(1, "reference", reference)
    return table[["embedder", "reference", *keys, "wins", "losses", "ties", "p_value", "significant"]]


def joint_gain(scores: pd.DataFrame, english: str) -> pd.DataFrame:
    """Figs. 3–4 (§Joint training): per task, embedder and language, what joint training adds over
    its baseline; means over seeds. Every language but English: scenario B (all of English, a quarter
    of the rest) against A (a quarter of each). English: B against the monolingual baseline, which
    is the run trained on all of English alone (``monolingual``, else ``zeroshot``: the same training
    set). A language without both scores has no row."""
    means = scores.groupby(["task", "embedder", "language", "scenario"], sort=False)["value"].mean().unstack("scenario")
    for scenario in ("zeroshot", "monolingual", "joint_a", "joint_b"):
        if scenario not in means:
            means[scenario] = float("nan")
    is_english = means.index.get_level_values("language") == english
    own = means["monolingual"].fillna(means["zeroshot"])
    table = pd.DataFrame(index=means.index)
    table["baseline"] = np.where(is_english, "monolingual", "joint_a")
    table["baseline_value"] = own.where(is_english, means["joint_a"])
    table["joint_b"] = means["joint_b"]
    table["gain"] = table["joint_b"] - table["baseline_value"]
    return table.dropna(subset=["gain"]).reset_index().round(2)


def bio_tag(tag: str) -> str:
    return tag[0] if tag[:2] in ("B-", "I-") else "O"


def bio_confusion(confusion: pd.DataFrame, language: str, embedders: list[str], scenario: str) -> pd.DataFrame:
    """Fig. 5: NER tokens of ``language`` per (gold, predicted) B/I/O label, entity classes merged,
    summed over seeds, with each gold label's share, for ``embedders`` trained in ``scenario``."""
    rows = confusion[
        (confusion["task"] == "ner")
        & (confusion["language"] == language)
        & (confusion["scenario"] == scenario)
        & confusion["embedder"].isin(embedders)
    ]
    rows = rows.assign(gold=rows["gold"].map(bio_tag), predicted=rows["predicted"].map(bio_tag))
    table = rows.groupby(["embedder", "gold", "predicted"])["tokens"].sum().reset_index()
    table["share"] = (table["tokens"] / table.groupby(["embedder", "gold"])["tokens"].transform("sum")).round(4)
    order = {name: index for index, name in enumerate(embedders)}
    return table.sort_values(
        ["embedder", "gold", "predicted"], key=lambda column: column.map(order) if column.name == "embedder" else column
    )
