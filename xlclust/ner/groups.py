"""The language groups NER models are trained on (Shaffer 2021 §4): one model per language
(monolingual), one for all (multilingual), one per linguistic family, one per language cluster,
the zero-shot check — a cluster's model trained without some of its languages, evaluated on
them — and the English generalization study (§6): models trained on WikiAnn, on another corpus of
the language, on both and on its cluster, scored on that corpus. Each group names the data sets it
trains on and those it is evaluated on: WikiAnn languages by their code, another corpus by its name."""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)
GROUPINGS = ("cluster", "monolingual", "multilingual", "family")
MULTILINGUAL = "all"
GENERALIZATION = "generalization"
TRAININGS = ("wikiann", "corpus", "both", "cluster")  # Shaffer's Table 5 rows


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
    """Shaffer (2021) §6 / Table 5: models for ``language`` trained on its WikiAnn sentences
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


def groups_table(groups: list[dict]):
    """Tidy rows: scheme, group, role (train/evaluate), language."""
    import pandas as pd

    rows = [
        {"scheme": g["scheme"], "group": g["group"], "role": role, "language": lang}
        for g in groups
        for role in ("train", "evaluate")
        for lang in g[role]
    ]
    return pd.DataFrame(rows, columns=["scheme", "group", "role", "language"])


def read_group(table, scheme: str, group: str) -> dict[str, list[str]]:
    """The train and evaluate languages of one group of a :func:`groups_table`."""
    rows = table[(table["scheme"] == scheme) & (table["group"] == group)]
    if rows.empty:
        raise KeyError(f"no group {scheme}/{group}")
    return {role: sorted(rows.loc[rows["role"] == role, "language"]) for role in ("train", "evaluate")}
