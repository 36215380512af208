"""The semantic-grouping evaluation's scores and Table 5 ("Tomato, Tomahto, Tomate" App. G).

Every run's scores carry its pipeline's settings. A score is compared with a *reference* pipeline
of the same task, scenario, training and language:

- the configured reference (``grouping.evaluation.reference``, ``{backbone}/cpt``: the backbone
  continually pretrained with its full vocabulary, Fig. 3's caption and Table 5's second row) for
  the backbones of ``grouping.backbones`` (Table 5's mBERT rows, Figs. 3-6, 9-12);
- for another backbone (Fig. 7's, §4.3), its own 100 % row with the same CLSA and no continual
  pretraining (``{backbone}/clsa-{pairs}``: Table 5's caption, "the corresponding 100% rows").

Table 5's ``perc`` is a ratio of means: a row's mean score over the languages it shares with its
reference, divided by the reference's mean over those languages (Table 5's first Fig. 3 row:
0.704 / 0.745 = 94.5 %), not a mean of per-language ratios. The per-row ``relative`` of
results/grouping_eval_scores.csv is the per-language (and seed) ratio against the same reference.
"""

from __future__ import annotations

import pandas as pd

from xlclust.pipelines import parse_pipeline

SETTINGS = ["pipeline", "backbone", "clsa", "method", "ratio", "dim", "continual"]
COLUMNS = [*SETTINGS, "task", "scenario", "train_language", "language", "seed", "metric", "value", "relative", "reference"]
# a score and its reference's share these (plus language and, per row, seed)
MATCH = ["task", "scenario", "train_language", "metric"]
GROUP = [*SETTINGS, *MATCH]
UNGROUPED = ("none",)  # describe()'s method of a pipeline without grouping
# the metric each task's figure panel shows (Table 5's)
HEADLINE_METRICS = {"masakhaner": "f1", "xnli": "accuracy", "tydiqa": "F1", "miracl_retrieval": "ndcg@10", "miracl_reranking": "ndcg@10"}
# Fig. 3's and Table 5's background colours (captions): their lower bounds in percent of the reference
BANDS = {"green": 90.0, "yellow": 70.0, "red": 50.0, "dark red": 0.0}
TABLE5 = [
    "pipeline",
    "backbone",
    "d",
    "r_G",
    "method",
    "clsa",
    "continual",
    "task",
    "scenario",
    "train_language",
    "metric",
    "mean",
    "perc",
    "band",
    "languages",
    "seeds",
    "reference",
    "embedding_share",
]


def run_rows(pipeline: str, task: str, train_language: str, seed: int, scores: pd.DataFrame) -> pd.DataFrame:
    """One run's scores (language, scenario: in_language or zero_shot, metric, value) with its
    pipeline's settings."""
    return scores.assign(pipeline=pipeline, **parse_pipeline(pipeline).describe(), task=task, train_language=train_language, seed=seed)


def reference_of(backbone: str, clsa: str, references: dict[str, str]) -> str | None:
    """A row's reference pipeline: its backbone's configured one, else (Fig. 7's other backbones)
    the backbone's own row with the same CLSA and nothing after it; none for an unaligned row of
    such a backbone."""
    if backbone in references:
        return references[backbone]
    return f"{backbone}/clsa-{clsa}" if clsa != "none" else None


def own_clsa_reference(backbone: str, clsa: str, references: dict[str, str]) -> str | None:
    """Fig. 7 (§4.3): every backbone, mBERT included, against its own 100 % CLSA row."""
    return f"{backbone}/clsa-{clsa}" if clsa != "none" else None


def in_language_from_all(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores Table 5 and the figures read: an in-language score of a single-language training
    (the zero-shot source scored on itself) is left out where the same pipeline and task trained on
    all languages (App. A), whose in-language scores are the table's."""
    runs_all = scores.loc[scores["train_language"] == "all", ["pipeline", "task"]].drop_duplicates()
    marked = scores.merge(runs_all.assign(has_all=True), on=["pipeline", "task"], how="left")
    drop = (marked["scenario"] == "in_language") & (marked["train_language"] != "all") & marked["has_all"].eq(True)
    return scores[~drop.to_numpy()]


def with_reference(frame: pd.DataFrame, references: dict[str, str], rule=reference_of) -> pd.DataFrame:
    """``frame`` with each row's reference pipeline (``rule``) and that pipeline's value on the same
    task, scenario, training, metric and language (and seed where ``frame`` has one) as ``ref_value``."""
    keys = [*MATCH, "language", *(["seed"] if "seed" in frame else [])]
    named = frame.assign(reference=[rule(b, c, references) for b, c in zip(frame["backbone"], frame["clsa"])])
    values = frame.groupby(["pipeline", *keys], dropna=False)["value"].mean().rename("ref_value")
    values.index = values.index.set_names("reference", level=0)
    return named.join(values, on=["reference", *keys])


def with_relative(frame: pd.DataFrame, references: dict[str, str]) -> pd.DataFrame:
    """``relative``: each score in percent of its reference's (same task, scenario, training,
    language, seed, metric); empty where the reference was not evaluated (or scored 0)."""
    merged = with_reference(frame, references)
    merged["relative"] = merged["value"] / merged["ref_value"].where(merged["ref_value"] > 0) * 100
    return merged[COLUMNS].sort_values(["backbone", "pipeline", "task", "scenario", "train_language", "language", "seed"])


def per_language(scores: pd.DataFrame, references: dict[str, str], rule=reference_of) -> pd.DataFrame:
    """Per pipeline setting, task, scenario, training, metric and language: the mean over seeds,
    its reference and the reference's mean over seeds (``ref_value``)."""
    means = scores.groupby([*GROUP, "language"], dropna=False, sort=False).agg(value=("value", "mean"), seeds=("seed", "nunique"))
    return with_reference(means.reset_index(), references, rule)


def summarize(scores: pd.DataFrame, references: dict[str, str], rule=reference_of) -> pd.DataFrame:
    """Per pipeline, task, scenario and metric: the mean over languages (of the means over seeds) and
    ``perc``, the ratio of the means over the languages the row shares with its reference (each
    language's score matched with the reference's of the same training); ``train_language``: the
    trainings the languages' scores come from (``all``; the zero-shot source; several where each
    language trained its own model)."""
    rows = per_language(scores, references, rule)
    shared = rows["ref_value"].notna()
    rows = rows.assign(shared_value=rows["value"].where(shared), shared_language=rows["language"].where(shared))
    grouped = rows.groupby([*SETTINGS, "task", "scenario", "metric", "reference"], dropna=False, sort=False)
    table = grouped.agg(
        train_language=("train_language", lambda trainings: "+".join(sorted(set(trainings)))),
        mean=("value", "mean"),
        shared_mean=("shared_value", "mean"),
        reference_mean=("ref_value", "mean"),
        languages=("language", "nunique"),
        shared_languages=("shared_language", "nunique"),
        seeds=("seeds", "max"),
    ).reset_index()
    table["perc"] = table["shared_mean"] / table["reference_mean"].where(table["reference_mean"] > 0) * 100
    table.loc[table["shared_languages"] == 0, "reference"] = None  # a reference without scores: empty perc
    return table.drop(columns=["shared_mean", "reference_mean", "shared_languages"])


def band(perc: float) -> str | None:
    """Table 5's (and Fig. 3's) colour of a relative score: > 90 green, 70-90 yellow, 50-70 red,
    < 50 dark red (a boundary belongs to the band below 90, above 70 and 50)."""
    if pd.isna(perc):
        return None
    return "green" if perc > 90 else "yellow" if perc >= 70 else "red" if perc >= 50 else "dark red"


def embedding_sizes(configs: dict[str, dict]) -> pd.DataFrame:
    """Per pipeline: its word embeddings' rows |V'| and dimension d (``reduced_embedding_dim`` where
    set, else the hidden size) from its model config, and Fig. 6's share (|V'|·d)/(|V|·D) of its
    backbone's |V|·D (§2, Fig. 6's x-axis). ``configs``: pipeline → vocab_size, hidden_size,
    reduced_embedding_dim (None when not reduced); a backbone missing from it leaves the share empty."""
    rows = []
    for pipeline, config in configs.items():
        d = config.get("reduced_embedding_dim") or config["hidden_size"]
        rows.append({"pipeline": pipeline, "backbone": pipeline.split("/")[0], "rows": config["vocab_size"], "d": d})
    sizes = pd.DataFrame(rows, columns=["pipeline", "backbone", "rows", "d"])
    full = sizes.set_index("pipeline").loc[lambda s: s.index == s["backbone"], ["rows", "d"]]
    whole = (full["rows"] * full["d"]).rename("whole")
    sizes = sizes.join(whole, on="backbone")
    sizes["embedding_share"] = sizes["rows"] * sizes["d"] / sizes["whole"] * 100
    return sizes[["pipeline", "d", "embedding_share"]]


def table5(scores: pd.DataFrame, references: dict[str, str], sizes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 5 (App. G): per pipeline, task, scenario and metric, the mean score over
    languages, ``perc`` against the row's reference (a ratio of means), its colour band, the
    languages and seeds, and the word-embedding parameter share (Fig. 6's x, where ``sizes`` has it).
    ``d`` is the embedding dimension (the backbone's own where not reduced and ``sizes`` knows it)."""
    table = summarize(in_language_from_all(scores), references)
    table["band"] = table["perc"].map(band)
    if sizes is not None and len(sizes):
        table = table.merge(sizes, on="pipeline", how="left")
        table["d"] = table["dim"].fillna(table["d"])
    else:
        table = table.assign(d=table["dim"], embedding_share=float("nan"))
    table = table.rename(columns={"ratio": "r_G"}).round({"mean": 2, "perc": 1, "embedding_share": 3})
    table["d"] = table["d"].astype("Int64")
    order = ["backbone", "task", "scenario", "train_language", "metric", "d", "clsa", "continual", "method", "r_G"]
    return table[TABLE5].sort_values(order, ascending=[True] * 5 + [False, True, True, True, False])
