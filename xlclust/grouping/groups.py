"""Token → group maps of "Tomato, Tomahto, Tomate" §2.1: semantic groups (k-means) and the
First-k baseline, as tables of the same shape as the ICEBERT cluster map.

A table has one row per token — ``token``, ``language`` ('' where none), ``cluster_id``,
``kind`` — and, for a Hugging Face model, ``token_id`` (the original ID). Kinds: ``grouped``
(k-means member), ``kept`` (First-k), ``dropped`` (beyond First-k's k: shares the unknown token's
ID), ``special`` (a singleton: the model's special tokens, the vocabulary's language-agnostic
pieces and the BERT specials). IDs are dense 0…n−1 in order of each group's first token.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlclust.cluster.clusters import renumber_by_first_appearance
from xlclust.grouping.kmeans import KMEANS, Grouping, n_groups
from xlclust.search import EXACT, SearchSettings

METHODS = ("kmeans", "l2kmeans", "firstk", "lexicon")


def kmeans_labels(
    embeddings: np.ndarray,
    ratio: float,
    *,
    seed: int,
    init: str,
    max_iterations: int,
    search: SearchSettings = EXACT,
    method: str = "kmeans",
) -> Grouping:
    """k-means into r_G · |V| groups (``ratio`` a fraction): spherical (``kmeans``, §2.1) or
    Euclidean (``l2kmeans``, App. E)."""
    if method not in KMEANS:
        raise ValueError(f"unknown k-means method {method!r}; use one of {sorted(KMEANS)}")
    k = n_groups(len(embeddings), ratio)
    return KMEANS[method](embeddings, k, seed=seed, init=init, max_iterations=max_iterations, search=search)


def first_k_labels(order: np.ndarray, ratio: float) -> np.ndarray:
    """The baseline: the first r_G · |V| tokens in ``order`` (a ranking of rows, most frequent
    first) keep their own ID; the rest are dropped (−1) and read as the unknown token."""
    labels = np.full(len(order), -1, dtype=np.int64)
    kept = np.asarray(order)[: n_groups(len(order), ratio)]
    labels[kept] = np.arange(len(kept))
    return labels


def group_table(tokens: pd.DataFrame, labels: np.ndarray, *, method: str) -> pd.DataFrame:
    """The map over ``tokens`` (columns token, language, is_special, is_unknown[, token_id]);
    ``labels`` holds a group for every non-special row in order (−1: dropped, read as the
    unknown token). Specials become singletons."""
    if method not in METHODS:
        raise ValueError(f"unknown grouping method {method!r}; use one of {METHODS}")
    special = tokens["is_special"].to_numpy(bool)
    if len(labels) != int((~special).sum()):
        raise ValueError(f"{len(labels)} labels for {int((~special).sum())} groupable tokens")
    dropped = labels < 0
    # specials get labels beyond the groups, dropped rows the unknown token's; then everything
    # is renumbered in row order
    all_labels = np.empty(len(tokens), dtype=np.int64)
    all_labels[~special] = labels
    all_labels[special] = (int(labels.max()) + 1 if len(labels) else 0) + np.arange(int(special.sum()))
    table = tokens.reset_index(drop=True).drop(columns=["first_k_order"], errors="ignore")  # the token table's, not the map's
    kinds = np.full(len(tokens), "special", dtype=object)
    kinds[~special] = np.where(dropped, "dropped", "kept" if method == "firstk" else "grouped")
    table["kind"] = kinds
    if dropped.any():
        unk_rows = np.flatnonzero(table["is_unknown"].to_numpy(bool) & special)
        if len(unk_rows) != 1:
            raise ValueError("First-k needs exactly one special unknown token to map dropped tokens to")
        all_labels[np.flatnonzero(~special)[dropped]] = all_labels[unk_rows[0]]
    table["cluster_id"] = renumber_by_first_appearance(all_labels)
    columns = ["token", "language", "cluster_id", "kind"] + (["token_id"] if "token_id" in table else [])
    return table[columns]


def representatives(table: pd.DataFrame) -> np.ndarray:
    """Per group, the row of its first member that is not dropped (the unknown token for the
    group of dropped tokens): the token a group decodes as."""
    alive = table[table["kind"] != "dropped"]
    first = alive.reset_index().drop_duplicates("cluster_id").set_index("cluster_id").sort_index()
    return first["index"].to_numpy()


def group_names(table: pd.DataFrame) -> list[str]:
    """One line per group ID for ``vocab.txt``: ``[G17]`` for groups of two or more tokens, the
    token itself for singletons (specials, kept tokens)."""
    sizes = table.loc[table["kind"] != "dropped"].groupby("cluster_id").size()
    first = table.loc[representatives(table), "token"].to_numpy()
    return [token if sizes[cid] == 1 else f"[G{cid}]" for cid, token in enumerate(first)]


def group_summary(table: pd.DataFrame, *, method: str, ratio: float) -> dict:
    members = table[table["kind"].isin(["grouped", "kept"])]
    sizes = members.groupby("cluster_id").size()
    summary = {
        "method": method,
        "ratio": ratio,
        "tokens": int(len(members) + (table["kind"] == "dropped").sum()),
        "groups": int(len(sizes)),
        "ids": int(table["cluster_id"].max() + 1),
        "singleton_groups": int((sizes == 1).sum()),
        "largest_group": int(sizes.max()) if len(sizes) else 0,
        "dropped_tokens": int((table["kind"] == "dropped").sum()),
        "specials": int((table["kind"] == "special").sum()),
    }
    if (members["language"] != "").any():
        languages = members.groupby("cluster_id")["language"].nunique()
        summary["multilingual_groups"] = int((languages > 1).sum())
    return summary


def size_distribution(table: pd.DataFrame) -> pd.DataFrame:
    sizes = table[table["kind"].isin(["grouped", "kept"])].groupby("cluster_id").size()
    return sizes.value_counts().sort_index().rename_axis("size").reset_index(name="groups")


def example_groups(table: pd.DataFrame, n: int, seed: int, members: int = 12) -> pd.DataFrame:
    """ "Tomato, Tomahto, Tomate" Fig. 8: ``n`` random groups of two or more tokens, those mixing
    writing systems first (a seeded draw), with their first ``members`` tokens."""
    from xlclust.grouping.translations import token_script

    grouped = table[table["kind"] == "grouped"]
    scripts = grouped.assign(script=[token_script(str(t)) for t in grouped["token"]]).groupby("cluster_id")["script"]
    sizes = grouped.groupby("cluster_id").size()
    mixing = scripts.agg(lambda s: s[s != ""].nunique()).reindex(sizes.index)
    rng = np.random.default_rng(seed)
    chosen = []
    for pool in (sizes.index[(sizes > 1) & (mixing > 1)], sizes.index[(sizes > 1) & (mixing <= 1)]):
        take = min(n - len(chosen), len(pool))
        chosen += sorted(rng.choice(pool.to_numpy(), size=take, replace=False).tolist()) if take > 0 else []
    by_group = grouped.groupby("cluster_id")["token"]
    rows = [
        {
            "cluster_id": int(cid),
            "size": int(sizes[cid]),
            "scripts": ",".join(sorted(set(scripts.get_group(cid)) - {""})),
            "tokens": " ".join(map(str, by_group.get_group(cid).head(members))),
        }
        for cid in chosen
    ]
    return pd.DataFrame(rows, columns=["cluster_id", "size", "scripts", "tokens"])
