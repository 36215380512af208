"""The language groups NER models are trained on (Shaffer 2021 §4): one model per language
(monolingual), one for all (multilingual), one per linguistic family, one per language cluster,
the zero-shot check — a cluster's model trained without some of its languages, evaluated on
them — and the English generalization study (§5, Table 5): models trained on WikiAnn, on another corpus of
the language, on both and on its cluster, scored on that corpus. Each group names the data sets it
trains on and those it is evaluated on: WikiAnn languages by their code, another corpus by its name.

Groups that train on the same data sets train the same model (the settings and seeds are the
NER section's, whichever the scheme): a language alone in its family or cluster, the zero-shot
group of a two-language cluster, the generalization study's WikiAnn and cluster trainings. One
run trains each distinct training set and is scored on every test set its groups evaluate."""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)
GROUPINGS = ("cluster", "monolingual", "multilingual", "family")
MULTILINGUAL = "all"
GENERALIZATION = "generalization"
TRAININGS = ("wikiann", "corpus", "both", "cluster")  # Shaffer's Table 5 rows
# whose directory holds a run that several groups share: Table 3's columns in order, then the
# generalization study (ours: any fixed order would do)
RUN_PRECEDENCE = ("monolingual", "family", "cluster", "multilingual", "zeroshot", GENERALIZATION)


def group_name(text: str) -> str:
    """A name usable as a path component and Snakemake wildcard."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "group"


def members_name(languages) -> str:
    return "_".join(sorted(languages))


def language_groups(
    languages: list[str],
    schemes: list[str],
    families: dict[str, str] | None = None,
    clusters: dict[str, int] | None = None,
    held_out: list[str] = (),
) -> list[dict]:
    """Rows (scheme, group, train: [...], evaluate: [...]) for every scheme asked for;
    ``clusters`` maps each language to its cluster (needed for 'cluster' and held-out languages)."""
    groups = []

    def add(scheme, name, train, evaluate):
        groups.append({"scheme": scheme, "group": group_name(name), "train": sorted(train), "evaluate": sorted(evaluate)})

    by_cluster: dict[int, list[str]] = {}
    for lang in languages:
        if clusters is not None:
            by_cluster.setdefault(clusters[lang], []).append(lang)
    for scheme in schemes:
        if scheme == "monolingual":
            for lang in languages:
                add(scheme, lang, [lang], [lang])
        elif scheme == "multilingual":
            add(scheme, MULTILINGUAL, languages, languages)
        elif scheme == "family":
            by_family: dict[str, list[str]] = {}
            for lang in languages:
                by_family.setdefault(families[lang], []).append(lang)
            for family, members in sorted(by_family.items()):
                add(scheme, family, members, members)
        elif scheme == "cluster":
            for members in sorted(by_cluster.values()):
                add(scheme, members_name(members), members, members)
        else:
            raise ValueError(f"unknown scheme {scheme!r} (one of {', '.join(GROUPINGS)})")
    for members in sorted(by_cluster.values()) if held_out else []:
        evaluate = [lang for lang in members if lang in held_out]
        train = [lang for lang in members if lang not in held_out]
        if not evaluate:
            continue
        if not train:
            log.warning("zero-shot: %s form a cluster of their own; no cluster-mates to train on", ", ".join(evaluate))
            continue
        add("zeroshot", members_name(train), train, evaluate)
    return groups


def generalization_groups(language: str, corpus: str, trainings, clusters: dict[str, int] | None) -> list[dict]:
    """Shaffer (2021) §5 / Table 5: models for ``language`` trained on its WikiAnn sentences
    (``wikiann``), on another corpus of it (``corpus``, e.g. CoNLL-2003), on both, and on its
    language cluster's WikiAnn sentences (``cluster``); every one scored on the corpus's test set."""
    sources = {"wikiann": [language], "corpus": [corpus], "both": [language, corpus]}
    if "cluster" in trainings:
        if not clusters or language not in clusters:
            raise ValueError(f"the 'cluster' training needs {language!r}'s language cluster")
        sources["cluster"] = [lang for lang, cluster in clusters.items() if cluster == clusters[language]]
    unknown = set(trainings) - set(TRAININGS)
    if unknown:
        raise ValueError(f"unknown generalization trainings {sorted(unknown)} (one of {', '.join(TRAININGS)})")
    return [
        {"scheme": GENERALIZATION, "group": training, "train": sorted(sources[training]), "evaluate": [corpus]}
        for training in TRAININGS
        if training in trainings
    ]


def assign_runs(groups: list[dict]) -> list[dict]:
    """Each group with ``run``: the ``scheme/group`` whose run trains its model — of the groups with
    the same training sets, the first by :data:`RUN_PRECEDENCE` (then in the order given)."""
    order = sorted(range(len(groups)), key=lambda i: (RUN_PRECEDENCE.index(groups[i]["scheme"]), i))
    trained_by: dict[tuple[str, ...], str] = {}
    for i in order:
        trained_by.setdefault(tuple(groups[i]["train"]), f"{groups[i]['scheme']}/{groups[i]['group']}")
    return [{**g, "run": trained_by[tuple(g["train"])]} for g in groups]


def groups_table(groups: list[dict]):
    """Tidy rows: scheme, group, role (train/evaluate), language, and the run that trains the
    group's model (:func:`assign_runs`)."""
    import pandas as pd

    rows = [
        {"scheme": g["scheme"], "group": g["group"], "role": role, "language": lang, "run": g["run"]}
        for g in assign_runs(groups)
        for role in ("train", "evaluate")
        for lang in g[role]
    ]
    return pd.DataFrame(rows, columns=["scheme", "group", "role", "language", "run"])


def read_group(table, scheme: str, group: str) -> dict[str, list[str]]:
    """The train and evaluate languages of one group of a :func:`groups_table`."""
    rows = table[(table["scheme"] == scheme) & (table["group"] == group)]
    if rows.empty:
        raise KeyError(f"no group {scheme}/{group}")
    return {role: sorted(rows.loc[rows["role"] == role, "language"]) for role in ("train", "evaluate")}


def runs(table) -> list[tuple[str, str]]:
    """The (scheme, group) of every run of a :func:`groups_table`: one per distinct training set."""
    return [tuple(run.split("/", 1)) for run in dict.fromkeys(table["run"])]


def read_run(table, scheme: str, group: str) -> dict[str, list[str]]:
    """What run ``scheme/group`` trains on, and every test set that one of its groups evaluates."""
    name = f"{scheme}/{group}"
    rows = table[table["run"] == name]
    if rows.empty:
        trained = table.loc[(table["scheme"] == scheme) & (table["group"] == group), "run"]
        if len(trained):
            raise KeyError(f"group {name} has no run of its own: its model is trained by run {trained.iloc[0]}")
        raise KeyError(f"no group {name}")
    return {
        "train": read_group(table, scheme, group)["train"],
        "evaluate": sorted(set(rows.loc[rows["role"] == "evaluate", "language"])),
    }


def scores_by_group(run_scores, table):
    """Every group's scores, read from the run that trained its model: a run's rows of the
    languages the group evaluates, under the group's scheme and name."""
    import pandas as pd

    evaluated = table.loc[table["role"] == "evaluate", ["scheme", "group", "language", "run"]]
    by_run = run_scores.assign(run=run_scores["scheme"] + "/" + run_scores["group"]).drop(columns=["scheme", "group"])
    missing = set(evaluated["run"]) - set(by_run["run"])
    if missing:
        raise ValueError(f"no scores of the NER runs {sorted(missing)}")
    merged = evaluated.merge(by_run, on=["run", "language"], how="left")
    lost = merged[merged["class"].isna()]
    if not lost.empty:
        first = lost.iloc[0]
        raise ValueError(
            f"run {first['run']} has no scores on {first['language']!r}, which group {first['scheme']}/{first['group']} evaluates"
        )
    return pd.DataFrame(merged.drop(columns=["run"]))
